import Testing
import Foundation
@testable import ORAStore

/// The writer's WAL frames wait in CWALBuffer until their commit frame: every commit must be in
/// the file, whole, before any other connection can see it, with or without a sync at commit.
@Suite struct WALBufferTests {
    func tempPath() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("ora-walbuf-\(UUID().uuidString).db").path }

    @Test(arguments: SyncMode.allCases)
    func anotherConnectionReadsEveryCommitAtOnce(sync: SyncMode) throws {
        let path = tempPath()
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let writer = try Store.openWriter(path: path, sync: sync)
        let reader = try Store.openReader(path: path)
        try writer.db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT")
        for round in 1...50 {
            try writer.db.transaction {
                for _ in 0..<round { try writer.db.run("INSERT INTO t (body) VALUES (?)", [.text(String(repeating: "x", count: 300))]) }
            }
            let expected = Int64(round * (round + 1) / 2)
            #expect(try reader.db.scalarInt("SELECT count(*) FROM t") == expected)
        }
    }

    /// A transaction far larger than the buffer, which also rewrites pages it already wrote to the
    /// WAL (the cache spills mid-transaction), reads back whole on a fresh connection.
    @Test(arguments: SyncMode.allCases)
    func largeTransactionWithRewrittenFramesStaysWhole(sync: SyncMode) throws {
        let path = tempPath()
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        do {
            let writer = try Store.openWriter(path: path, sync: sync)
            try writer.db.execute("PRAGMA cache_size = 20")  // spill to the WAL often
            try writer.db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT")
            try writer.db.transaction {
                for i in 0..<5000 { try writer.db.run("INSERT INTO t (id, body) VALUES (?, ?)", [.int(i), .text(String(repeating: "a", count: 200))]) }
                try writer.db.run("UPDATE t SET body = 'b' || substr(body, 2)")
            }
        }
        let db = try Database(path: path, mode: .readOnly)
        #expect(try db.scalarInt("SELECT count(*) FROM t WHERE body LIKE 'b%'") == 5000)
        #expect(try db.one("PRAGMA integrity_check") { $0.text(0) } == "ok")
    }
}
