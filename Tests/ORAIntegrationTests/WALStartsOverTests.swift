import Testing
import Foundation
import ORAProtocol

/// Under a steady stream of writes the background checkpointer never finds the WAL fully copied,
/// so SQLite would never start it over and it would grow for as long as the stream lasts. Past
/// --wal-limit-mb the writer completes the checkpoint between two groups and the WAL starts over:
/// its header's checkpoint sequence number counts the times.
@Suite struct WALStartsOverTests {
    /// Bytes 12-15 of a WAL's header, big-endian: incremented each time the WAL starts over.
    func checkpointSequence(_ wal: String) throws -> UInt32 {
        let header = try FileHandle(forReadingFrom: URL(fileURLWithPath: wal)).read(upToCount: 16) ?? Data()
        guard header.count == 16 else { return 0 }
        return header[12..<16].reduce(0) { $0 << 8 | UInt32($1) }
    }

    func size(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1 }

    /// At start the WAL file is written ahead to --wal-limit-mb, so commits overwrite it instead of
    /// growing it; a restart, clean or after kill -9, finds every acknowledged write.
    @Test func walIsWrittenAheadAtStart() throws {
        let server = try TestServer(arguments: ["--wal-limit-mb", "2"])
        let wal = server.databasePath + "-wal"
        #expect(size(wal) == 2 << 20)
        let c = try server.connect()
        try seedMasterData(c)
        for order in 0..<100 { _ = try c.call("recordShipment", shipment("A\(order)", day(), [("17612 - 250300", 1)])) }
        #expect(size(wal) == 2 << 20, "100 commits grew the file")
        try server.restart()
        #expect(size(wal) == 2 << 20)
        _ = try server.connect().call("recordShipment", shipment("B", day(), [("17904", 2)]))
        server.stop(signal: SIGKILL)
        try server.start()
        let after = try server.connect()
        #expect(try after.call("status")["counts"]?["orders"] == 101)
        #expect(try after.call("validate")["ok"] == true)
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
}
