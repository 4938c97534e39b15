// A connection to an ORA database, configured for its role. The writer thread owns the one
// read-write Store; each reader thread owns a read-only Store on the same file.

import ORAJSON

/// How a commit reaches the disk, and so what an acknowledged write survives.
///   full       SQLite's synchronous=FULL: COMMIT returns once the WAL is fsynced; a reply is sent
///              after that (the default).
///   pipelined  COMMIT writes the WAL (synchronous=NORMAL); the Syncer fdatasyncs it while the
///              writer runs the next group, and replies wait for that sync: those of writes, and
///              those of reads that may have seen the commit. A client sees no difference from
///              full but the throughput.
///   normal     synchronous=NORMAL; replies do not wait, and the Syncer fdatasyncs the WAL every
///              `--sync-interval-ms`: a power loss takes back at most the writes acknowledged
///              since the last sync began (a crash of the server alone loses nothing).
/// In every mode a failed sync is final: nothing more is acknowledged and the server exits.
public enum SyncMode: String, Sendable, CaseIterable {
    case full, pipelined, normal
}

public final class Store {
    public let db: Database
    public let path: String

    public static let newFilePageSize = 1024

    /// The WAL size a server lets the WAL reach before it checkpoints between two groups, and
    /// cuts the file back to after it starts over, unless told otherwise (--wal-limit-mb).
    public static let defaultWALLimit: Int64 = 64 << 20

    /// The writer's page cache (--cache-mb). A transaction that dirties more pages than this
    /// spills them to the WAL before its COMMIT (the power-loss tests make it small to reach that path).
    public static let defaultWriterCacheMiB = 8

    /// The writer's connection: WAL, durable commits, schema created or upgraded. It is the only
    /// connection that writes or checkpoints the file (see `checkpoint(_:)`).
    public static func openWriter(path: String, sync: SyncMode = .full, walLimitBytes: Int64 = defaultWALLimit,
                                  cacheMiB: Int = defaultWriterCacheMiB) throws -> Store {
        let db = try Database(path: path)
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
        // 8 MiB of cache (8,192 pages, --cache-mb) holds the b-trees' inner pages and the leaves a day's writes
        // touch; the OS page cache holds the rest.
        try db.execute("PRAGMA cache_size = -\(cacheMiB * 1024)")
        // The writer checkpoints on this connection between two groups, never inside a COMMIT
        // (sqlite3_wal_hook replaces the automatic checkpoint; `walFrames` counts what it reports).
        try db.execute("PRAGMA journal_size_limit = \(walLimitBytes)")
        let store = Store(db: db, path: path)
        store.wal.watch(db)
        try Schema.prepare(db)
        // Whatever the sync mode, serving starts from a synced file: a new schema, an upgrade, or
        // what a previous run left in the WAL (a checkpoint syncs the WAL before it copies it).
        try store.checkpoint(.passive)
        return store
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
    let wal = WALWatch()

    init(db: Database, path: String) {
        self.db = db
        self.path = path
        ids.watchRollbacks(of: db)
    }

    deinit {
        ids.stopWatching(db)
        wal.stopWatching(db)
    }

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

    /// Frames committed to the WAL on this connection that no checkpoint has copied yet (only the
    /// writer's connection counts them).
    public var uncheckpointedFrames: Int { wal.uncopied }

    /// Frames in the WAL after the last commit on this connection, copied or not.
    public var walFrames: Int { wal.frames }

    /// Copies the WAL into the database file on this connection; returns (frames in the WAL,
    /// frames copied). PASSIVE waits for no one: a page a reader's snapshot still needs stays in
    /// the WAL. TRUNCATE (at shutdown) also empties the WAL file.
    ///
    /// Only the writer calls this, between two groups: one connection that both writes and
    /// checkpoints can never race its own WAL reset, which SQLite before 3.51.3 (3.44.6, 3.50.7)
    /// does not survive when two connections do (the "WAL-reset bug", ../shared/PLATFORM.md).
    @discardableResult
    public func checkpoint(_ mode: CheckpointMode) throws -> (walFrames: Int, copied: Int) {
        let row = try db.one("PRAGMA wal_checkpoint(\(mode.rawValue))") { (Int($0.int(1)), Int($0.int(2))) }
        let (frames, copied) = row.map { (max(0, $0.0), max(0, $0.1)) } ?? (0, 0)
        wal.checkpointed(frames: frames, copied: copied)
        return (frames, copied)
    }

    public enum CheckpointMode: String, Sendable { case passive = "PASSIVE", truncate = "TRUNCATE" }
}
