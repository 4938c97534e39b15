import Testing
import Foundation
import ORAProtocol

@Suite struct KillNineDurabilityTests {
    /// kill -9 right after writes were acknowledged: after restart every acknowledged order is there and validate is clean.
    @Test func acknowledgedWritesSurviveKillNine() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        var lines = ""
        for i in 0..<300 {
            lines += recordLine(id: .int(i), shipment("K\(i)", day(), [("17612 - 250300", 1), ("18000", 2)]))
        }
        try c.send(raw: lines)
        var acknowledged: [String] = []
        for _ in 0..<150 {
            let r = try c.readJSON()
            if let order = r["result"]?["orderNumber"]?.stringValue { acknowledged.append(order) }
        }
        server.stop(signal: SIGKILL)
        try server.start()
        let after = try server.connect()
        for order in acknowledged {
            #expect(try after.call("shippedItems", ["orderNumber": .string(order)])["totalUnits"] == 3, "\(order)")
        }
        let count = try after.call("status")["counts"]?["orders"]?.int64Value ?? 0
        #expect(count >= Int64(acknowledged.count))
        // Whatever was not acknowledged is either whole or absent: 3 units per order, never 1 or 2.
        #expect(try after.call("shippedItems", ["date": .string(day())])["totalUnits"] == .int(count * 3))
        #expect(try after.call("validate")["ok"] == true)
    }
}
