import CPageCache
import Foundation
import Testing
@testable import ORAStore

/// CPageCache skips pcache1's truncate when no page lies past the limit. Whatever it skips, every
/// page SQLite should forget must still be forgotten: rollbacks that shrink the file, savepoints
/// rolled back in the middle of b-tree balances, and commits after them all read back right.
@Suite struct PageCacheTests {
    func tempPath() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("ora-pcache-\(UUID().uuidString).db").path }

    /// Index keys in an order that splits pages all over the b-tree (balance_nonroot renumbers).
    func scattered(_ i: Int) -> String { String((i &* 7919) % 100_003) + "-" + String(repeating: "k", count: 40) }

    @Test func commitsSkipTheWalkAndRollbacksStillForgetPages() throws {
        let path = tempPath()
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let store = try Store.openWriter(path: path, sync: .normal)
        let db = store.db
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL) STRICT; CREATE INDEX t_k ON t(k)")

        let skippedBefore = ora_page_cache_skipped_truncates()
        for round in 0..<20 {
            try db.transaction {
                for i in 0..<250 { try db.run("INSERT INTO t (k) VALUES (?)", [.text(scattered(round * 250 + i))]) }
            }
        }
        #expect(ora_page_cache_skipped_truncates() > skippedBefore, "commits should not walk the cache")
        let pages = try db.scalarInt("PRAGMA page_count")

        // A transaction that grows the file by many pages, then rolls back: the pages past the old
        // end must leave the cache, or the next transaction would read them as if they were real.
        try db.execute("BEGIN IMMEDIATE")
        for i in 0..<3000 { try db.run("INSERT INTO t (k) VALUES (?)", [.text(scattered(20_000 + i))]) }
        try db.execute("ROLLBACK")
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 5000)
        #expect(try db.scalarInt("PRAGMA page_count") == pages)

        // Savepoints rolled back between balances, inside one transaction that commits.
        try db.transaction {
            for round in 0..<10 {
                try db.execute("SAVEPOINT s")
                for i in 0..<300 { try db.run("INSERT INTO t (k) VALUES (?)", [.text(scattered(10_000 + round * 300 + i))]) }
                try db.execute(round % 2 == 0 ? "ROLLBACK TO s; RELEASE s" : "RELEASE s")
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 5000 + 5 * 300)
        #expect(try db.one("PRAGMA integrity_check") { $0.text(0) } == "ok")

        // A fresh connection sees exactly what the writer committed.
        let other = try Database(path: path, mode: .readOnly)
        #expect(try other.scalarInt("SELECT count(*) FROM t") == 6500)
        #expect(try other.scalarInt("SELECT count(DISTINCT k) FROM t INDEXED BY t_k") == 6500)
    }
}

/// The wrapper's bookkeeping, driven directly: a truncate is skipped only when no page is at or
/// past its limit, counting pages parked at the borrowed number and pages moved past the end.
@Suite struct PageCacheBookkeepingTests {
    let m = ora_page_cache_methods()!.pointee
    /// PENDING_BYTE / 1024 + 1: the number balance_nonroot borrows with 1 KiB pages.
    let temp: UInt32 = 1_048_577

    init() throws { _ = try Database(path: ":memory:") }  // installs the wrapper over pcache1

    func withCache(_ body: (OpaquePointer) throws -> Void) rethrows {
        let cache = m.xCreate(1024, 64, 1)!
        defer { m.xDestroy(cache) }
        m.xCachesize(cache, 100)  // or unpinned pages are recycled at once
        try body(cache)
    }

    func load(_ cache: OpaquePointer, _ keys: ClosedRange<UInt32>) {
        for k in keys { m.xUnpin(cache, m.xFetch(cache, k, 2)!, 0) }
    }

    func rekey(_ cache: OpaquePointer, _ from: UInt32, _ to: UInt32) {
        let page = m.xFetch(cache, from, 0)!
        m.xRekey(cache, page, from, to)
        m.xUnpin(cache, page, 0)
    }

    /// What balance_nonroot does to put two pinned pages in order: a swap through `temp`, each
    /// move preceded by sqlite3PcacheMove's look for a page already at the target.
    func swap(_ cache: OpaquePointer, _ x: UInt32, _ y: UInt32) {
        let a = m.xFetch(cache, x, 0)!, b = m.xFetch(cache, y, 0)!
        for (page, from, to) in [(a, x, temp), (b, y, x), (a, temp, y)] {
            #expect(m.xFetch(cache, to, 0) == nil)
            m.xRekey(cache, page, from, to)
        }
        m.xUnpin(cache, a, 0)
        m.xUnpin(cache, b, 0)
    }

    func has(_ cache: OpaquePointer, _ key: UInt32) -> Bool {
        guard let page = m.xFetch(cache, key, 0) else { return false }
        m.xUnpin(cache, page, 0)
        return true
    }

    @Test func nothingPastTheEndIsSkipped() {
        withCache { cache in
            load(cache, 1...10)
            swap(cache, 10, 9)
            m.xTruncate(cache, 11)
            #expect(ora_page_cache_skips(cache) == 1)
            #expect(m.xPagecount(cache) == 10)
            #expect(has(cache, 9) && has(cache, 10))
        }
    }

    @Test func aPageLeftAtTheBorrowedNumberIsTruncated() {
        withCache { cache in
            load(cache, 1...10)
            rekey(cache, 10, temp)
            m.xTruncate(cache, 11)
            #expect(!has(cache, temp))
            #expect(m.xPagecount(cache) == 9)
        }
    }

    @Test func aPageMovedPastTheEndIsTruncated() {
        withCache { cache in
            load(cache, 1...10)
            rekey(cache, 3, 20)
            m.xTruncate(cache, 11)
            #expect(!has(cache, 20))
            m.xTruncate(cache, 5)
            #expect(m.xPagecount(cache) == 3)
            #expect(has(cache, 4) && !has(cache, 5))
        }
    }

    @Test func aDiscardedPageOfUnknownNumberForcesTheWalk() {
        withCache { cache in
            load(cache, 1...10)
            let page = m.xFetch(cache, 10, 0)!
            m.xRekey(cache, page, 10, temp)
            m.xUnpin(cache, page, 1)  // discarded: the wrapper cannot tell from where
            load(cache, 11...12)
            swap(cache, 12, 11)
            m.xTruncate(cache, 13)
            #expect(ora_page_cache_skips(cache) == 0)
            #expect(m.xPagecount(cache) == 11)
        }
    }
}
