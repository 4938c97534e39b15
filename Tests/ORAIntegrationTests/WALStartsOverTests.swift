import Testing
import Foundation
import ORAProtocol

/// SQLite starts the WAL over only when a write begins with every frame copied. Past --wal-limit-mb
/// the writer checkpoints between two groups, so the WAL starts over even under a steady stream
/// of writes: its header's checkpoint sequence number counts the times.
@Suite struct WALStartsOverTests {
    /// Bytes 12-15 of a WAL's header, big-endian: incremented each time the WAL starts over.
    func checkpointSequence(_ wal: String) throws -> UInt32 {
        let header = try FileHandle(forReadingFrom: URL(fileURLWithPath: wal)).read(upToCount: 16) ?? Data()
        guard header.count == 16 else { return 0 }
        return header[12..<16].reduce(0) { $0 << 8 | UInt32($1) }
    }

    @Test func walStartsOverWhileWritesNeverStop() async throws {
        let server = try TestServer(arguments: ["--wal-limit-mb", "1"])
        try seedMasterData(try server.connect())
        let wal = server.databasePath + "-wal"
        let before = try checkpointSequence(wal)
        let port = server.port
        let started = Date()
        // About 25 MB of WAL frames, written without a pause: at least three seconds of passes.
        let acknowledged = try await withThrowingTaskGroup(of: Int.self) { group in
            for client in 0..<16 {
                group.addTask {
                    let c = try RPCClient(port: port)
                    var n = 0
                    for order in 0..<300 {
                        // Thirty dates, as a month of backfill would: pages all over the date indexes.
                        let r = try c.call("recordShipment", shipment("W\(client)-\(order)", day(-(order % 30)), [("17612 - 250300", 1), ("17904", order % 3 + 1)]))
                        if r["status"] == "created" { n += 1 }
                    }
                    return n
                }
            }
            return try await group.reduce(0, +)
        }
        let c = try server.connect()
        #expect(acknowledged == 4800)
        #expect(try c.call("status")["counts"]?["orders"] == 4800)
        let restarts = try checkpointSequence(wal) &- before
        print("WAL: 4800 orders in \(Int(Date().timeIntervalSince(started) * 1000)) ms, started over \(restarts) times")
        #expect(restarts >= 2, "the WAL did not start over while writes went on")
        #expect(try c.call("validate")["ok"] == true)
    }

    /// The WAL is SQLite's own: nothing writes it ahead (the server once filled it with 64 MiB of
    /// zeros at start; the writer now only lets SQLite write and cut it back).
    @Test func walIsNotWrittenAhead() throws {
        let server = try TestServer()
        try seedMasterData(try server.connect())
        let size = (try? FileManager.default.attributesOfItem(atPath: server.databasePath + "-wal")[.size] as? Int) ?? -1
        #expect(size >= 0 && size < 1 << 20, "WAL of \(size) bytes after a few writes")
    }
}
