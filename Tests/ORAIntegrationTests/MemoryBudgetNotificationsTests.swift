// Requests without an id take no reply slot, but they still count: against --max-in-flight and
// against the memory budget at what they cost once parsed, until they have run.

import Foundation
import ORAJSON
import Testing

@Suite(.serialized) struct MemoryBudgetNotificationsTests {
    func rssMB(_ pid: Int32) -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    /// One recordShipment of `items` lines (distinct lots of 17612), as a notification or with an id.
    func line(_ order: String, items: Int, id: Int?) -> String {
        let lines = (0..<items).map { #"{"sku":"17612 - \#(900_000 + $0)","quantity":1}"# }.joined(separator: ",")
        let head = id.map { #"{"jsonrpc":"2.0","id":\#($0),"#} ?? #"{"jsonrpc":"2.0","#
        return head + #""method":"recordShipment","params":{"orderNumber":"\#(order)","shipDate":"\#(day())","items":[\#(lines)]}}"# + "\n"
    }

    /// Sends `payload` from a thread (blocking while the server does not read) and samples the
    /// server's RSS until it is all sent, or for `seconds`; returns the peak growth in MB.
    func peakGrowth(_ server: TestServer, _ c: RPCClient, _ payload: String, seconds: Double = 600) throws -> Double {
        let pid = server.process.processIdentifier
        let before = rssMB(pid)
        let sent = DispatchSemaphore(value: 0)
        let bytes = Array(payload.utf8)
        let fd = c.fd
        Thread.detachNewThread {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                offset += n
            }
            sent.signal()
        }
        var peak = before
        let deadline = Date().addingTimeInterval(seconds)
        while sent.wait(timeout: .now() + 0.05) == .timedOut && Date() < deadline { peak = max(peak, rssMB(pid)) }
        return peak - before
    }

    func waitForOrders(_ c: RPCClient, _ count: Int) throws -> Int64 {
        let deadline = Date().addingTimeInterval(120)
        var orders: Int64 = 0
        while Date() < deadline {
            orders = try c.call("status")["counts"]?["orders"]?.int64Value ?? 0
            if orders >= Int64(count) { break }
            usleep(200_000)
        }
        return orders
    }

    /// 500 recordShipment notifications of 2,000 lines each (about 40 MB of lines, several times
    /// that once parsed) from one client: the server stays near its 16 MiB budget, and every one
    /// of them is run in the end.
    @Test func aNotificationFloodStaysWithinTheBudget() throws {
        let server = try TestServer(arguments: ["--max-memory-mb", "16"])
        let c = try server.connect()
        try seedMasterData(c)
        let flood = try server.connect()
        var payload = ""
        for i in 0..<500 { payload += line("N\(i)", items: 2000, id: nil) }
        let growth = try peakGrowth(server, flood, payload)
        print("notification flood: \(payload.utf8.count >> 20) MB of lines, server RSS grew by at most \(Int(growth)) MB (budget 16 MiB)")
        #expect(growth < 64, "RSS grew by \(Int(growth)) MB")
        #expect(try waitForOrders(c, 500) == 500)
    }

    /// Batches of notifications: each entry counts (against --max-in-flight 8 too), and all of them run.
    @Test func batchesOfNotificationsCountEachEntry() throws {
        let server = try TestServer(arguments: ["--max-memory-mb", "16", "--max-in-flight", "8"])
        let c = try server.connect()
        try seedMasterData(c)
        let flood = try server.connect()
        var payload = ""
        for b in 0..<60 {
            let entries = (0..<5).map { line("B\(b)-\($0)", items: 1000, id: nil).dropLast() }
            payload += "[" + entries.joined(separator: ",") + "]\n"
        }
        let growth = try peakGrowth(server, flood, payload)
        print("batched notifications: \(payload.utf8.count >> 20) MB of lines, server RSS grew by at most \(Int(growth)) MB")
        #expect(growth < 64, "RSS grew by \(Int(growth)) MB")
        #expect(try waitForOrders(c, 300) == 300)
    }

    /// With ids, from a client that never reads its replies: replies and requests together stay
    /// within the budget (the replies are large: each lists its 2,000 lines).
    @Test func requestsWithIdsFromAClientThatNeverReads() throws {
        let server = try TestServer(arguments: ["--max-memory-mb", "16", "--max-output-bytes", "268435456"])
        let c = try server.connect()
        try seedMasterData(c)
        let flood = try server.connect()
        var payload = ""
        for i in 0..<500 { payload += line("I\(i)", items: 2000, id: i) }
        let growth = try peakGrowth(server, flood, payload, seconds: 15)
        print("requests with ids, replies never read: server RSS grew by at most \(Int(growth)) MB (budget 16 MiB)")
        #expect(growth < 64, "RSS grew by \(Int(growth)) MB")
        #expect(try c.call("parseSku", ["sku": "17612"])["valid"] == true)  // others are still served
    }
}
