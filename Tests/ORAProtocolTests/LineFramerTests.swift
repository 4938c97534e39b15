import Testing
@testable import ORAProtocol

@Suite struct LineFramerTests {
    func lines(_ framer: inout LineFramer) -> [String] {
        var out: [String] = []
        while let frame = framer.next() {
            guard case .line(let l) = frame else { out.append("<tooLong>"); break }
            out.append(String(decoding: l, as: UTF8.self))
        }
        return out
    }

    /// Lines split on \n, a \r before it is cut, blank lines are skipped, a partial line waits.
    @Test func splitsLines() {
        var f = LineFramer(maxLineBytes: 100)
        f.append(Array("a\r\nb\n\n \t\r\nc".utf8))
        #expect(lines(&f) == ["a", "b"])
        f.append(Array("d\n".utf8))
        #expect(lines(&f) == ["cd"])
        #expect(f.bufferedBytes == 0)
    }

    /// A line arriving one byte at a time is framed once complete.
    @Test func byteAtATime() {
        var f = LineFramer(maxLineBytes: 100)
        var got: [String] = []
        for b in Array("hello\nworld\n".utf8) {
            f.append([b])
            got += lines(&f)
        }
        #expect(got == ["hello", "world"])
    }

    /// Past the limit the framer fails, with or without a newline in sight, and stays failed.
    @Test func tooLong() {
        var f = LineFramer(maxLineBytes: 10)
        f.append(Array("0123456789\n".utf8))
        #expect(lines(&f) == ["0123456789"])
        f.append(Array("01234567890".utf8))
        #expect(f.next() == .tooLong)
        f.append(Array("\nok\n".utf8))
        #expect(f.next() == nil)

        var g = LineFramer(maxLineBytes: 10)
        g.append(Array("0123456789ab\n".utf8))
        #expect(g.next() == .tooLong)
    }

    /// The buffer does not grow with the stream: consumed bytes are dropped.
    @Test func bufferStaysBounded() {
        var f = LineFramer(maxLineBytes: 64)
        for _ in 0..<10_000 {
            f.append(Array("{\"id\":1}\n".utf8))
            _ = lines(&f)
        }
        #expect(f.bufferedBytes == 0)
    }
}
