import CSQLite
import Foundation
import Testing
@testable import ORAStore

/// The writer's connection is plain SQLite: its default VFS and page cache, with only documented
/// settings, so durability rests on SQLite's own behaviour and nothing else.
@Suite struct WriterConnectionTests {
    func tempPath() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("ora-writer-\(UUID().uuidString).db").path }

    func vfsName(_ db: Database) -> String? {
        var name: UnsafeMutablePointer<CChar>?
        guard sqlite3_file_control(db.handle, "main", SQLITE_FCNTL_VFSNAME, &name) == SQLITE_OK, let name else { return nil }
        defer { sqlite3_free(name) }
        return String(cString: name)
    }

    @Test(arguments: SyncMode.allCases)
    func writerUsesSQLitesDefaultVFS(sync: SyncMode) throws {
        let path = tempPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try Store.openWriter(path: path, sync: sync)
        #expect(vfsName(store.db) == String(cString: sqlite3_vfs_find(nil).pointee.zName))
        #expect(try store.db.scalarInt("PRAGMA synchronous") == (sync == .full ? 2 : 1))
        #expect(try store.db.scalarInt("PRAGMA cache_size") == -Int64(Store.defaultWriterCacheMiB * 1024))
        #expect(try store.db.scalarInt("PRAGMA journal_size_limit") == Store.defaultWALLimit)
    }

    /// The writer counts its WAL from SQLite's own report after each commit, and a checkpoint on its
    /// connection copies every frame when no reader holds one back.
    @Test func walFramesAreCountedAndCheckpointed() throws {
        let path = tempPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try Store.openWriter(path: path)
        #expect(store.uncheckpointedFrames == 0)
        try store.db.execute("CREATE TABLE t (x TEXT); INSERT INTO t VALUES (hex(zeroblob(5000)))")
        #expect(store.uncheckpointedFrames > 0)
        let (frames, copied) = try store.checkpoint(.passive)
        #expect(frames > 0 && copied == frames)
        #expect(store.uncheckpointedFrames == 0)
        // The next commit starts the WAL over: fewer frames than before.
        try store.db.execute("INSERT INTO t VALUES ('a')")
        #expect(store.uncheckpointedFrames > 0 && store.uncheckpointedFrames < frames)
    }
}

@Suite struct WALWatchTests {
    /// After a checkpoint that copied every frame, the next commit starts the WAL over: all its
    /// frames count as uncopied, even when it holds more frames than the old WAL did (they were
    /// counted as partly copied, and the idle checkpoint was skipped).
    @Test func framesAfterTheWALStartsOverAreUncopied() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ora-walwatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store.openWriter(path: dir.appendingPathComponent("ora.db").path)
        try store.db.execute("CREATE TABLE t (x TEXT NOT NULL)")
        try store.db.execute("INSERT INTO t VALUES ('a')")
        let small = store.walFrames
        #expect(small > 0 && store.uncheckpointedFrames > 0)
        let (frames, copied) = try store.checkpoint(.passive)
        #expect(frames == copied && store.uncheckpointedFrames == 0)
        // A larger commit: SQLite starts the WAL over and writes more frames than it held before.
        try store.db.execute("BEGIN; INSERT INTO t SELECT hex(zeroblob(500)) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT i FROM n); COMMIT")
        #expect(store.walFrames > small)
        #expect(store.uncheckpointedFrames == store.walFrames)
        try store.checkpoint(.passive)
        #expect(store.uncheckpointedFrames == 0)
    }
}
