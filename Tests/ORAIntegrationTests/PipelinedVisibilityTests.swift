import Testing
import Foundation
import ORAProtocol

/// With --sync pipelined a commit is visible to readers before its fdatasync. No client may read
/// it before then: a power loss could still take it back. Here every sync is held back 400 ms,
/// so a read sent 100 ms after a write must not be answered with that write before the writer
/// itself is acknowledged.
@Suite struct PipelinedVisibilityTests {
    @Test func aReadNeverRevealsAWriteBeforeItIsSynced() throws {
        let server = try TestServer(arguments: ["--sync", "pipelined"], environment: ["ORA_TEST_SYNC_DELAY_MS": "400"])
        let writer = try server.connect()
        try seedMasterData(writer)
        let reader = try server.connect()
        for round in 0..<3 {
            let order = "VIS-\(round)"
            let started = Date()
            try writer.send(raw: #"{"jsonrpc":"2.0","id":1,"method":"recordShipment","params":{"orderNumber":"\#(order)","shipDate":"\#(day())","items":[{"sku":"17612 - 250300","quantity":2}]}}"# + "\n")
            usleep(100_000)
            let seen = try reader.call("shippedItems", ["orderNumber": .string(order)])
            let readAnswered = Date().timeIntervalSince(started)
            let ack = try writer.readJSON()
            let writeAnswered = Date().timeIntervalSince(started)
            #expect(ack["result"]?["status"] == "created")
            if seen["totalUnits"] == 2 {
                // The read waited for the sync that acknowledged the write (a few ms of slack for
                // the two replies' trips through the loop).
                #expect(readAnswered >= writeAnswered - 0.05, "round \(round): read at \(readAnswered) s, write acknowledged at \(writeAnswered) s")
                #expect(readAnswered >= 0.35, "round \(round): the read was answered before the sync")
            }
        }
    }
}
