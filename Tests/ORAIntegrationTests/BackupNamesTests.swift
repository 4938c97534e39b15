// `backup` never writes a file SQLite or Litestream would take for part of a database, never the
// served database's own files, and never deletes a file it did not create.

import Foundation
import ORAJSON
import Testing

@Suite struct BackupNamesTests {
    func files(_ dir: TempDir) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.url.path)) ?? []).sorted()
    }

    /// Side-file names (-journal, -wal, -shm, a super-journal, Litestream's folder), the
    /// database's own name and the temporary prefix are refused with -32602; nothing is created.
    @Test func sideFileNamesAreRefused() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        let before = files(server.dir)
        for name in ["f.db-journal", "x.db-wal", "x.db-shm", "ora.db-mj0A1B2C3D", ".ora.db-litestream", "ora.db", "ora.db-wal",
                     ".ora-backup-123.db", "sub/../ora.db"] {
            let error = try c.callError("backup", ["path": .string(name)])
            #expect(error.code == -32602 && error["data"]?["field"] == "/path", "\(name): \(error)")
        }
        #expect(files(server.dir) == before)
        // The database is untouched: a restart opens it and validate is clean.
        try server.restart()
        #expect(try server.connect().call("validate")["ok"] == true)
    }

    /// A name with a stray side file beside it (a -wal or hot -journal left there) is refused, and
    /// the stray file keeps its bytes; a good backup is one self-contained rollback-journal file.
    @Test func strayFilesBesideATargetAreNeverPlayedOrDeleted() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        let stray = server.dir.path("x.db-wal")
        let bytes = Data((0..<4096).map { UInt8($0 % 251) })
        #expect(FileManager.default.createFile(atPath: stray, contents: bytes))
        let refused = try c.callError("backup", ["path": "x.db"])
        #expect(refused.code == -32602 && (refused["message"]?.stringValue ?? "").contains("x.db-wal"))
        #expect(!FileManager.default.fileExists(atPath: server.dir.path("x.db")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: stray)) == bytes)

        let copy = try c.call("backup", ["path": "y.db"])
        #expect(copy["integrity"] == "ok")
        #expect(try sqlite(server.dir.path("y.db"), "PRAGMA journal_mode") == "delete")
        #expect(try sqlite(server.dir.path("y.db"), "SELECT count(*) FROM skus") == "3")
        #expect(files(server.dir).filter { $0.hasPrefix("y.db") } == ["y.db"])
        #expect(!files(server.dir).contains { $0.hasPrefix(".ora-backup-") })
        // Never overwrites, and the copy it refused to replace is intact.
        #expect((try c.callError("backup", ["path": "y.db"])["message"]?.stringValue ?? "").contains("never overwrites"))
        #expect(try sqlite(server.dir.path("y.db"), "PRAGMA integrity_check") == "ok")
        #expect(try Data(contentsOf: URL(fileURLWithPath: stray)) == bytes)
    }

    /// A link on the way that leads outside the backup folder, a folder that does not exist, a part
    /// too long for a file name, and Litestream's working folders are refused with -32602, and no
    /// file is written anywhere; a link that stays inside is followed, and the answer says where
    /// the copy really is.
    @Test func pathsThatLeadElsewhereAreRefused() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        let outside = TempDir()
        #expect(symlink(outside.url.path, server.dir.path("out")) == 0)
        #expect(symlink("..", server.dir.path("up")) == 0)
        try FileManager.default.createDirectory(atPath: server.dir.path("sub"), withIntermediateDirectories: false)
        #expect(symlink(outside.url.path, server.dir.path("sub/esc")) == 0)
        try FileManager.default.createDirectory(atPath: server.dir.path(".ora.db-litestream"), withIntermediateDirectories: false)
        for name in ["out/x.db", "up/x.db", "sub/esc/x.db", "nosuch/x.db", String(repeating: "n", count: 300) + ".db",
                     ".ora.db-litestream/x.db", ".ora-litestream-ora.db-abc123/x.db"] {
            let error = try c.callError("backup", ["path": .string(name)])
            #expect(error.code == -32602 && error["data"]?["field"] == "/path", "\(name.prefix(40)): \(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.url.path).isEmpty)
        #expect(symlink(server.dir.path("sub"), server.dir.path("inside")) == 0)
        let copy = try c.call("backup", ["path": "inside/y.db"])
        #expect(copy["path"]?.stringValue?.hasSuffix("/sub/y.db") == true && copy["integrity"] == "ok")
    }
}
