import Testing
import Foundation
import ORAJSON
import ORAProtocol

@Suite struct OwnershipAndShutdownTests {
    /// A second server on the same database exits non-zero at once, naming the database; the sqlite3 shell can still read it.
    @Test func secondServerIsRefused() throws {
        let server = try TestServer()
        let (status, _, err) = try runCommand(productsDirectory.appendingPathComponent("ora-server").path,
                                               ["--database", server.databasePath, "--listen", "127.0.0.1:0"])
        #expect(status != 0)
        #expect(err.contains(server.databasePath) && err.contains("already owned"))
        #expect(try sqlite(server.databasePath, "SELECT count(*) FROM skus") == "0")
    }

    /// SIGTERM answers requests already in flight, checkpoints the WAL and exits 0.
    @Test func sigtermFinishesInFlightWorkAndExitsZero() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        var lines = ""
        for i in 0..<200 {
            lines += recordLine(id: .int(i), shipment("T\(i)", day(), [("17612 - 250300", 1)]))
        }
        try c.send(raw: lines)
        #expect(try c.readJSON()["id"] == 0)
        #expect(server.stop() == 0)
        var answered = 1
        while let line = try c.readLine() {
            let reply = try JSONParser.parse(line)
            #expect(reply["result"] != nil || reply["error"]?.reason == "shutting_down")
            answered += 1
        }
        #expect(answered == 200)
        // The WAL was folded back: the main file alone holds every acknowledged order.
        let wal = (try? FileManager.default.attributesOfItem(atPath: server.databasePath + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0)
        try server.start()
        let recorded = try server.connect().call("shippedItems", ["date": .string(day())])["totalLines"]?.int64Value ?? 0
        #expect(recorded > 0 && recorded <= 200)
    }

    /// SIGINT stops the server cleanly too.
    @Test func sigintExitsZero() throws {
        let server = try TestServer()
        #expect(server.stop(signal: SIGINT) == 0)
    }
}
