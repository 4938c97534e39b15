import Foundation
import Logging
import ORAJSON
import ORAProtocol
import ORAStore
import Synchronization
import Testing
@testable import ORAServer

/// Replies the workers post, collected instead of sent to a loop.
final class CollectedReplies: ReplySink {
    private let replies = Mutex<[Completion]>([])

    func post(_ completions: [Completion]) { replies.withLock { $0 += completions } }

    /// Waits (up to 10 s) until `count` replies came; returns them by request number.
    func wait(for count: Int) throws -> [UInt64: JSON] {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let all = replies.withLock { $0 }
            if all.count >= count {
                return try Dictionary(uniqueKeysWithValues: all.map { ($0.ticket.seq, try JSONParser.parse($0.bytes)) })
            }
            usleep(1000)
        }
        throw CollectedError.timedOut(replies.withLock { $0.count })
    }

    enum CollectedError: Error { case timedOut(Int) }
}

/// An integer result, as a write method returns one.
struct Done: JSONConvertible { var jsonValue: JSON { .string("done") } }

func ticket(_ seq: UInt64) -> Ticket { Ticket(connection: 1, seq: seq, part: nil, id: .string("r\(seq)"), worker: .writer) }

func job(_ seq: UInt64, _ sql: String) -> WriteJob {
    WriteJob(ticket: ticket(seq), method: "test") { store, _ in
        try store.db.run(sql)
        return Done()
    }
}

@Suite struct WriterGroupTests {
    let logger = Logger(label: "test")

    /// Runs `body` with a writer's store on a fresh file holding one table `t`; the file goes after.
    func withStore<T>(_ body: (Store) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ora-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store.openWriter(path: dir.appendingPathComponent("ora.db").path)
        try store.db.execute("CREATE TABLE t (x TEXT NOT NULL)")
        return try body(store)
    }

    /// Submits request 0, which holds the writer inside its group until the returned semaphore is
    /// signalled; returns once the writer runs it, so that what is submitted next forms one group.
    func hold(_ writer: Writer) -> DispatchSemaphore {
        let running = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        #expect(writer.submit(WriteJob(ticket: ticket(0), method: "gate") { _, _ in
            running.signal()
            release.wait()
            return Done()
        }))
        running.wait()
        return release
    }

    /// A request that makes SQLite roll back the whole transaction (SQLITE_FULL on a one-row
    /// INSERT) fails alone: the requests before it in its group run again, the ones after it run
    /// in a fresh transaction, and every reply says what is on disk.
    @Test func abandonedTransactionTellsTheTruth() throws {
        try withStore { store in
            let pages = try store.db.scalarInt("PRAGMA page_count")
            _ = try store.db.query("PRAGMA max_page_count = \(pages + 64)") { $0.int(0) }
            let replies = CollectedReplies()
            let failure = SyncFailure { _ in }
            let writer = Writer(store: store, queueDepth: 100, settings: .init(), sink: replies, syncer: nil,
                                failure: failure, stats: Stats(), logger: logger)
            // A first request holds the writer so that the next four queue up and form one group.
            let gate = hold(writer)
            #expect(writer.submit(job(1, "INSERT INTO t VALUES ('a')")))
            #expect(writer.submit(job(2, "INSERT INTO t VALUES ('b')")))
            #expect(writer.submit(job(3, "INSERT INTO t VALUES (hex(zeroblob(1000000)))")))  // needs ~2,000 pages: SQLITE_FULL
            #expect(writer.submit(job(4, "INSERT INTO t VALUES ('c')")))
            gate.signal()
            let got = try replies.wait(for: 5)
            writer.stop()

            let check = try Store.openReader(path: store.path)
            let rows = try check.db.query("SELECT x FROM t ORDER BY rowid") { $0.text(0) }
            #expect(rows == ["a", "b", "c"])
            #expect(got[1]?["result"] == "done")
            #expect(got[2]?["result"] == "done")
            #expect(got[3]?["error"]?["code"] == -32603)
            #expect(got[3]?["error"]?["message"]?.stringValue?.contains("full") == true)
            #expect(got[4]?["result"] == "done")
        }
    }

    /// Once a sync has failed the writer commits nothing more: every write is refused, nothing written.
    @Test func writesAfterASyncFailureAreRefused() throws {
        try withStore { store in
            let replies = CollectedReplies()
            let failure = SyncFailure { _ in }
            failure.fail("fdatasync of the WAL failed: Input/output error")
            let writer = Writer(store: store, queueDepth: 100, settings: .init(), sink: replies, syncer: nil,
                                failure: failure, stats: Stats(), logger: logger)
            #expect(writer.submit(job(1, "INSERT INTO t VALUES ('a')")))
            let got = try replies.wait(for: 1)
            writer.stop()
            #expect(got[1]?["error"]?["data"]?["reason"] == "shutting_down")
            #expect(try Store.openReader(path: store.path).db.scalarInt("SELECT count(*) FROM t") == 0)
        }
    }

    /// After a failed sync the writer, idle, never checkpoints: the WAL is left for restart to recover.
    @Test func noCheckpointAfterASyncFailure() throws {
        try withStore { store in
            let replies = CollectedReplies()
            let failure = SyncFailure { _ in }
            let stats = Stats()
            var settings = Writer.Settings()
            settings.checkpointIntervalMillis = 300
            let writer = Writer(store: store, queueDepth: 100, settings: settings, sink: replies, syncer: nil,
                                failure: failure, stats: stats, logger: logger)
            #expect(writer.submit(job(1, "INSERT INTO t VALUES ('a')")))
            _ = try replies.wait(for: 1)
            failure.fail("fdatasync of the WAL failed: Input/output error")
            let before = stats.checkpoints.load(ordering: .relaxed)
            usleep(900_000)  // three idle intervals: each would have checkpointed the committed frames
            writer.stop()
            #expect(stats.checkpoints.load(ordering: .relaxed) == before)
            let wal = try FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int ?? 0
            #expect(wal > 0)
        }
    }

    /// A COMMIT that fails (here SQLITE_BUSY, from the seam) answers every request of the group
    /// "nothing was written", and it is so; the next group commits as usual.
    @Test func failedCommitWritesNothing() throws {
        let (got, rows, failure) = try runGroupWithFailingCommit(StoreError(code: 5, message: "database is locked"))
        for seq: UInt64 in 1...3 {
            #expect(got[seq]?["error"]?["code"] == -32603)
            #expect(got[seq]?["error"]?["message"]?.stringValue?.contains("nothing was written") == true)
        }
        #expect(got[4]?["result"] == "done")
        #expect(!failure.hasFailed)
        #expect(rows == ["d"])
    }

    /// A COMMIT whose sync fails (SQLITE_IOERR_FSYNC) leaves the outcome unknown: every request of
    /// the group says so (sync_failed, written: unknown), the latch is set, and the next write is
    /// refused without being written.
    @Test func failedCommitSyncIsFinal() throws {
        let (got, rows, failure) = try runGroupWithFailingCommit(StoreError(code: 10 | (4 << 8), message: "disk I/O error"))
        for seq: UInt64 in 1...3 {
            #expect(got[seq]?["error"]?["data"]?["reason"] == "sync_failed")
            #expect(got[seq]?["error"]?["data"]?["written"] == "unknown")
        }
        #expect(got[4]?["error"]?["data"]?["reason"] == "shutting_down")
        #expect(failure.hasFailed)
        #expect(rows.isEmpty)
    }

    /// Requests 1-3 form one group whose COMMIT fails with `error`; request 4 comes after. Returns
    /// the replies by request, the rows of `t` afterwards, and the latch.
    private func runGroupWithFailingCommit(_ error: StoreError) throws -> ([UInt64: JSON], [String], SyncFailure) {
        try withStore { store in
            let replies = CollectedReplies()
            let failure = SyncFailure { _ in }
            let commits = FailingCommit(failing: 2, with: error)
            let writer = Writer(store: store, queueDepth: 100, settings: .init(), sink: replies, syncer: nil,
                                failure: failure, stats: Stats(), logger: logger, transactions: commits)
            let gate = hold(writer)
            #expect(writer.submit(job(1, "INSERT INTO t VALUES ('a')")))
            #expect(writer.submit(job(2, "INSERT INTO t VALUES ('b')")))
            #expect(writer.submit(job(3, "INSERT INTO t VALUES ('c')")))
            gate.signal()
            _ = try replies.wait(for: 4)
            #expect(writer.submit(job(4, "INSERT INTO t VALUES ('d')")))
            let got = try replies.wait(for: 5)
            writer.stop()
            #expect(commits.attempts == 2 + (failure.hasFailed ? 0 : 1))
            let rows = try Store.openReader(path: store.path).db.query("SELECT x FROM t ORDER BY rowid") { $0.text(0) }
            return (got, rows, failure)
        }
    }
}

/// SQLite's transactions, but the `failing`-th COMMIT throws `error` without committing.
final class FailingCommit: TransactionControl {
    private let failing: Int
    private let error: StoreError
    private let count = Mutex(0)

    init(failing: Int, with error: StoreError) {
        self.failing = failing
        self.error = error
    }

    var attempts: Int { count.withLock { $0 } }

    func begin(_ db: Database) throws { try SQLiteTransactions().begin(db) }

    func commit(_ db: Database) throws {
        let n = count.withLock { $0 += 1; return $0 }
        if n == failing { throw error }
        try SQLiteTransactions().commit(db)
    }
}
