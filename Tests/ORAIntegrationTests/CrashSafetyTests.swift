import Testing
import Foundation
import ORAJSON
import ORAProtocol

@Suite struct CrashSafetyTests {
    /// 20 rounds of kill -9 at a random moment under 8 concurrent pipelining writers: after each restart every
    /// acknowledged order is there, no order is half there, and validate is clean (with each --sync that promises it).
    @Test(arguments: ["full", "pipelined", "full, replicated"])
    func killNineUnderLoadTwentyRounds(sync: String) throws {
        let dir = TempDir()
        let replicate = sync.hasSuffix("replicated") ? ["--replicate", "file://" + dir.path("replica"), "--litestream-bin", litestreamBinary] : []
        let server = try TestServer(arguments: ["--sync", String(sync.prefix { $0 != "," })] + replicate, dir: dir)
        try seedMasterData(try server.connect())
        var generator = SystemRandomNumberGenerator()
        var totalAcknowledged = 0
        let date = day()  // one date for the whole test, also across midnight
        for round in 0..<20 {
            let port = server.port
            let acks = Acknowledged()
            let writers = DispatchGroup()
            for client in 0..<8 {
                writers.enter()
                Thread.detachNewThread {
                    defer { writers.leave() }
                    guard let c = try? RPCClient(port: port) else { return }
                    var lines = ""
                    for i in 0..<150 {
                        lines += recordLine(id: .string("R\(round)-\(client)-\(i)"), shipment("R\(round)-\(client)-\(i)", date, [("17612 - 250300", 1), ("18000", 2)]))
                    }
                    try? c.send(raw: lines)
                    while let reply = try? c.readJSON(timeout: 5), reply["result"] != nil {
                        acks.add(reply["id"]!.stringValue!)
                    }
                }
            }
            // The kill lands at a random moment once writes are being acknowledged (on a loaded
            // machine the clients may take longer than the whole window to get going).
            let started = Date()
            while acks.all.isEmpty && Date().timeIntervalSince(started) < 10 { usleep(1_000) }
            usleep(UInt32.random(in: 0...280_000, using: &generator))
            server.stop(signal: SIGKILL)
            writers.wait()
            let acknowledged = acks.all
            try server.start()
            let c = try server.connect()
            let orders = try c.call("shippedItems", ["date": .string(date), "limit": 10_000])
            var unitsByOrder: [String: Int64] = [:]
            var cursor: JSON = orders["nextCursor"] ?? .null
            for item in orders["items"]?.arrayValue ?? [] { unitsByOrder[item["orderNumber"]!.stringValue!, default: 0] += item["quantity"]!.int64Value! }
            while cursor != .null {
                let page = try c.call("shippedItems", ["date": .string(date), "limit": 10_000, "cursor": cursor])
                for item in page["items"]?.arrayValue ?? [] { unitsByOrder[item["orderNumber"]!.stringValue!, default: 0] += item["quantity"]!.int64Value! }
                cursor = page["nextCursor"] ?? .null
            }
            for order in acknowledged { #expect(unitsByOrder[order] == 3, "round \(round): acknowledged \(order) lost") }
            #expect(unitsByOrder.values.allSatisfy { $0 == 3 }, "round \(round): an order is half there")
            #expect(try c.call("validate")["ok"] == true)
            totalAcknowledged += acknowledged.count
        }
        print("kill -9 (--sync \(sync)): 20 rounds, \(totalAcknowledged) acknowledged writes, all present after restart")
        #expect(totalAcknowledged > 0)
    }
}

/// Order numbers acknowledged by the server, collected from several threads.
final class Acknowledged: @unchecked Sendable {
    private let lock = NSLock()
    private var orders: [String] = []
    func add(_ order: String) { lock.lock(); orders.append(order); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return orders }
}
