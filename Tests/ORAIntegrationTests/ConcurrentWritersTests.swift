import Testing
import Foundation
import ORAProtocol

@Suite struct ConcurrentWritersTests {
    /// 40 clients each record 40 orders at once: every acknowledged order is there, and groups share commits.
    @Test func fortyClientsFortyOrdersNothingLost() async throws {
        let server = try TestServer()
        try seedMasterData(try server.connect())
        let port = server.port
        let date = day()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for client in 0..<40 {
                group.addTask {
                    let c = try RPCClient(port: port)
                    var acknowledged = 0
                    for order in 0..<40 {
                        let r = try c.call("recordShipment", shipment("C\(client)-\(order)", date, [("17612 - 250300", 1), ("17904", order % 3 + 1)]))
                        if r["status"] == "created" { acknowledged += 1 }
                    }
                    return acknowledged
                }
            }
            var total = 0
            for try await n in group { total += n }
            #expect(total == 1600)
        }
        let c = try server.connect()
        let status = try c.call("status")
        #expect(status["counts"]?["orders"] == 1600 && status["counts"]?["items"] == 3200)
        let transactions = status["transactions"]?.int64Value ?? 0
        let writes = status["writes"]?.int64Value ?? 0
        #expect(transactions <= writes)
        print("40x40 recordShipment: \(writes) writes in \(transactions) transactions")
        #expect(try c.call("validate")["ok"] == true)
    }
}
