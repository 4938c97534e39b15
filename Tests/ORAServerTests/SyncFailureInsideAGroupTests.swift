// A sync that fails somewhere other than COMMIT: inside an ordinary statement (a transaction
// spilling into a WAL that just started over syncs the WAL's header first), and reads answered
// after the latch is set. Both were answered as if nothing had happened to the disk.


import Foundation
import Logging
import ORAJSON
import ORAProtocol
import ORAStore
import Testing
@testable import ORAServer

@Suite struct SyncFailureInsideAGroupTests {
    let logger = Logger(label: "test")

    func withStore<T>(_ body: (Store) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ora-syncfail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store.openWriter(path: dir.appendingPathComponent("ora.db").path)
        try store.db.execute("CREATE TABLE t (x TEXT NOT NULL)")
        return try body(store)
    }

    /// A statement failing with SQLITE_IOERR_FSYNC sets the latch: every request of its group is
    /// answered "nothing was written" (none is on disk), and later writes are refused.
    @Test func aFailedSyncInsideAStatementSetsTheLatch() throws {
        try withStore { store in
            let replies = CollectedReplies()
            let failure = SyncFailure { _ in }
            let writer = Writer(store: store, queueDepth: 100, settings: .init(), sink: replies, syncer: nil,
                                failure: failure, stats: Stats(), logger: logger)
            let running = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
            #expect(writer.submit(WriteJob(ticket: ticket(0), method: "gate") { _, _ in running.signal(); release.wait(); return Done() }))
            running.wait()
            #expect(writer.submit(job(1, "INSERT INTO t VALUES ('a')")))
            #expect(writer.submit(WriteJob(ticket: ticket(2), method: "spill") { store, _ in
                try store.db.run("INSERT INTO t VALUES ('b')")
                throw StoreError(code: 10 | (4 << 8), message: "disk I/O error")  // SQLITE_IOERR_FSYNC
            }))
            #expect(writer.submit(job(3, "INSERT INTO t VALUES ('c')")))
            release.signal()
            let got = try replies.wait(for: 4)
            #expect(failure.hasFailed)
            #expect(got[0]?["result"] == "done")
            for seq: UInt64 in 1...3 {
                #expect(got[seq]?["error"]?["data"]?["reason"] == "shutting_down", "request \(seq): \(String(describing: got[seq]))")
                #expect(got[seq]?["error"]?["message"]?.stringValue?.contains("nothing was written") == true)
            }
            #expect(writer.submit(job(4, "INSERT INTO t VALUES ('d')")))
            #expect(try replies.wait(for: 5)[4]?["error"]?["data"]?["reason"] == "shutting_down")
            writer.stop()
            #expect(try Store.openReader(path: store.path).db.scalarInt("SELECT count(*) FROM t") == 0)
        }
    }

    /// Once the latch is set no read is answered with data: it may have seen commits the disk lost
    /// (with --sync normal replies do not wait for a sync).
    @Test func readsAfterAFailedSyncAreRefused() throws {
        try withStore { store in
            try store.db.execute("INSERT INTO t VALUES ('a')")
            let replies = CollectedReplies()
            let failure = SyncFailure { _ in }
            let readers = ReaderPool(stores: [try Store.openReader(path: store.path)], queueDepth: 10, mailbox: replies, syncer: nil,
                                     failure: failure, logger: logger)
            let read = { (seq: UInt64) in
                ReadJob(ticket: Ticket(connection: 1, seq: seq, part: nil, id: .string("r\(seq)"), worker: .reader), method: "count") { store in
                    .int(try store.db.scalarInt("SELECT count(*) FROM t"))
                }
            }
            #expect(readers.submit(read(1)))
            #expect(try replies.wait(for: 1)[1]?["result"] == 1)
            failure.fail("fdatasync of the WAL failed: Input/output error")
            #expect(readers.submit(read(2)))
            #expect(try replies.wait(for: 2)[2]?["error"]?["data"]?["reason"] == "shutting_down")
            readers.stop()
        }
    }
}
