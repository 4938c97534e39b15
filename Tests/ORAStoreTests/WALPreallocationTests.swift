import Testing
import Foundation
@testable import ORAStore

/// The writer's WAL file is written ahead with zeros: commits land in it as before, a crash image
/// recovers every commit and nothing past them, and a WAL already that large is left alone.
@Suite struct WALPreallocationTests {
    func tempPath() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("ora-walpre-\(UUID().uuidString).db").path }
    func remove(_ path: String) { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
    func size(_ path: String) -> Int64 { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? -1 }

    @Test func extendsOnceAndKeepsEveryCommit() throws {
        let path = tempPath()
        defer { remove(path) }
        let writer = try Store.openWriter(path: path)
        try writer.db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT")
        let before = size(path + "-wal")
        let grown = try #require(try writer.keepWAL(bytes: 1 << 20))
        #expect(grown == WALPreallocation(before: before, after: 1 << 20))
        #expect(size(path + "-wal") == 1 << 20)
        #expect(try writer.db.scalarInt("PRAGMA journal_size_limit") == 1 << 20)
        #expect(try writer.keepWAL(bytes: 1 << 20) == nil, "a WAL already that large is not touched")

        for round in 0..<40 {
            try writer.db.transaction { _ = try writer.db.run("INSERT INTO t (body) VALUES (?)", [.text(String(repeating: "r", count: 100 + round))]) }
        }
        #expect(size(path + "-wal") == 1 << 20, "the commits overwrote the zeros instead of growing the file")
        let reader = try Store.openReader(path: path)
        #expect(try reader.db.scalarInt("SELECT count(*) FROM t") == 40)
    }

    /// What a power cut leaves (the file and its WAL, no shared memory): recovery reads the frames
    /// up to the zeros and stops there, with every commit present.
    @Test func crashImageRecoversEveryCommit() throws {
        let path = tempPath(), image = tempPath()
        defer { remove(path); remove(image) }
        let writer = try Store.openWriter(path: path)
        try writer.db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT")
        try writer.keepWAL(bytes: 2 << 20)
        for i in 0..<300 {
            try writer.db.transaction { _ = try writer.db.run("INSERT INTO t (id, body) VALUES (?, ?)", [.int(i), .text(String(repeating: "c", count: 200))]) }
        }
        // Copied while the writer still holds the file open, before any checkpoint: the main file
        // has none of the rows, the WAL all of them, followed by zeros.
        try FileManager.default.copyItem(atPath: path, toPath: image)
        try FileManager.default.copyItem(atPath: path + "-wal", toPath: image + "-wal")
        #expect(size(image + "-wal") == 2 << 20)

        let recovered = try Database(path: image)
        #expect(try recovered.scalarInt("SELECT count(*) FROM t") == 300)
        #expect(try recovered.scalarInt("SELECT max(id) FROM t") == 299)
        #expect(try recovered.one("PRAGMA integrity_check") { $0.text(0) } == "ok")
    }

    /// After the WAL starts over, the next commits overwrite its start; the file keeps its size.
    @Test func walStartsOverInsideTheWrittenAheadFile() throws {
        let path = tempPath()
        defer { remove(path) }
        let writer = try Store.openWriter(path: path)
        try writer.db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT")
        try writer.keepWAL(bytes: 1 << 20)
        for round in 0..<3 {
            for _ in 0..<50 { try writer.db.run("INSERT INTO t (body) VALUES (?)", [.text(String(repeating: "s", count: 300))]) }
            #expect(try writer.checkpointPassive() > 0)
            #expect(size(path + "-wal") == 1 << 20, "round \(round)")
        }
        #expect(try Store.openReader(path: path).db.scalarInt("SELECT count(*) FROM t") == 150)
    }
}
