// A connection to an ORA database, configured for its role. The writer thread owns the one
// read-write Store; each reader thread owns a read-only Store on the same file.

import ORAProtocol

/// How a commit reaches the disk.
///   full       SQLite's synchronous=FULL: COMMIT returns once the WAL is fsynced (the default).
///   pipelined  COMMIT writes the WAL (synchronous=NORMAL); the Syncer fdatasyncs it while the
///              writer runs the next group, and replies wait for that sync: those of writes, and
///              those of reads that may have seen the commit. No client sees the difference from
///              full but the throughput.
///   normal     synchronous=NORMAL and no sync before replying: the last commits may be lost on
///              power loss (not on a crash of the server).
public enum SyncMode: String, Sendable, CaseIterable {
    case full, pipelined, normal
}

public final class Store {
    public let db: Database
    public let path: String

    public static let newFilePageSize = 1024

    /// The writer's connection: WAL, durable commits, schema created or upgraded.
    public static func openWriter(path: String, sync: SyncMode = .full) throws -> Store {
        // The writer's WAL frames wait in CWALBuffer until their commit frame: one pwrite per
        // commit (or per 64 KiB) instead of two per page.
        let db = try Database(path: path, bufferWAL: true)
        try db.execute("PRAGMA busy_timeout = 5000")
        // Refuse a file ORA does not own before changing anything in it (even its journal mode).
        let kind = try Schema.checkOwnable(db)
        // A new file gets 1 KiB pages. A shipment dirties leaves spread over several indexes (its
        // date's, its order's, its lot's totals); every dirty page is written to the WAL and
        // fsynced at COMMIT, so smaller pages write fewer bytes per shipment: 5.8 KB against
        // 14.7 KB with 4 KiB pages, in groups of 32 (bench/README.md). Existing files keep theirs.
        if kind == .empty { try db.execute("PRAGMA page_size = \(Self.newFilePageSize)") }
        let mode = try db.one("PRAGMA journal_mode = WAL") { $0.text(0) }
        guard mode == "wal" else { throw StoreError(code: 0, message: "cannot put \(path) in WAL mode (got \(mode ?? "nothing"))") }
        try db.execute("PRAGMA synchronous = \(sync == .full ? "FULL" : "NORMAL")")
        // A SAVEPOINT per request keeps each touched page's original in the sub-journal. With the
        // default temp_store it stays in memory as one 64 KiB chunk (a request touches far fewer
        // 1 KiB pages) and spills to a file only beyond; temp_store = MEMORY would make it a list
        // of 1 KiB allocations, one malloc per page.
        // 8 MiB of cache (8,192 pages) holds the b-trees' inner pages and the leaves a day's writes
        // touch; the OS page cache holds the rest. (64 MiB measured no faster once CPageCache
        // stopped SQLite walking the whole cache at each commit: bench/README.md.)
        try db.execute("PRAGMA cache_size = -8192")
        // Checkpoints run on the Checkpointer's thread, never inside the writer's COMMIT; after
        // a WAL reset the file is cut back to 64 MiB (keepWAL sets the server's --wal-limit-mb).
        try db.execute("PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = \(Self.defaultWALLimit)")
        try Schema.prepare(db)
        return Store(db: db, path: path)
    }

    /// A reader's connection: read-only, so no code path on a reader can write.
    public static func openReader(path: String) throws -> Store {
        let db = try Database(path: path, mode: .readOnly)
        try db.execute("PRAGMA busy_timeout = 5000; PRAGMA query_only = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768")
        // Long scans (validate, reports) read pages straight from the mapping instead of copying them.
        _ = try db.query("PRAGMA mmap_size = 1073741824") { $0.int(0) }
        return Store(db: db, path: path)
    }

    let ids = IDMemo()

    init(db: Database, path: String) {
        self.db = db
        self.path = path
        ids.watchRollbacks(of: db)
    }

    deinit { ids.stopWatching(db) }

    /// Undoes everything since `SAVEPOINT name` (which stays open). A savepoint rollback does
    /// not fire SQLite's rollback hook, so the id memo is told here.
    public func rollback(toSavepoint name: String) throws {
        ids.forget()
        try db.run("ROLLBACK TO \(name)")
    }

    /// Runs `body` on one consistent snapshot of the file.
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        try db.transaction("DEFERRED", body)
    }

    /// The checkpointer's connection: copies committed WAL frames into the file without blocking anyone.
    public static func openCheckpointer(path: String) throws -> Store {
        let db = try Database(path: path)
        try db.execute("PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 0")
        return Store(db: db, path: path)
    }

    /// Copies what it can of the WAL into the file without waiting for anyone; returns the frames
    /// in the WAL since it last started over.
    @discardableResult
    public func checkpointPassive() throws -> Int64 {
        // wal_checkpoint answers (busy, frames in the WAL, frames copied); -1s when not in WAL mode.
        max(0, try db.one("PRAGMA wal_checkpoint(PASSIVE)") { $0.int(1) } ?? 0)
    }

    /// Folds the WAL back into the main file and truncates it (at shutdown).
    public func checkpoint() throws {
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}
