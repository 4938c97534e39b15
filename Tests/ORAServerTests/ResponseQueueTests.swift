import Testing
@testable import ORAServer

@Suite struct ResponseQueueTests {
    func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    /// Replies completing out of order leave in request order, and only once the head is done.
    @Test func holdsUntilHeadIsDone() {
        var q = ResponseQueue()
        let a = q.reserve(), b = q.reserve(), c = q.reserve()
        q.fill(c, part: nil, bytes: Array("c".utf8))
        q.fill(b, part: nil, bytes: Array("b".utf8))
        #expect(q.takeReady().isEmpty)
        q.fill(a, part: nil, bytes: Array("a".utf8))
        #expect(text(q.takeReady()) == "a\nb\nc\n")
        #expect(q.pendingCount == 0)
    }

    /// A batch is one line, its parts in request order; a batch with no answerable part adds no line.
    @Test func batches() {
        var q = ResponseQueue()
        let none = q.reserveBatch(parts: 0)
        let batch = q.reserveBatch(parts: 2)
        let after = q.reserve()
        _ = none
        q.fill(after, part: nil, bytes: Array("z".utf8))
        q.fill(batch, part: 1, bytes: Array("2".utf8))
        #expect(q.takeReady().isEmpty)
        q.fill(batch, part: 0, bytes: Array("1".utf8))
        #expect(text(q.takeReady()) == "[1,2]\nz\n")
    }

    /// Late or duplicate fills are ignored.
    @Test func staleFillsIgnored() {
        var q = ResponseQueue()
        let a = q.reserve()
        q.fill(a, part: nil, bytes: Array("a".utf8))
        q.fill(a, part: nil, bytes: Array("again".utf8))
        #expect(text(q.takeReady()) == "a\n")
        q.fill(a, part: nil, bytes: Array("late".utf8))
        #expect(q.takeReady().isEmpty)
    }
}
