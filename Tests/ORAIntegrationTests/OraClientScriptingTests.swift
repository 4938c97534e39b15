import Testing
import Foundation
import ORAJSON
import ORAProtocol

/// ora-client as a script uses it: `--json` prints exactly the method's result as one document,
/// options may come before the subcommand, defaults match the other reports, and a reply that is
/// not the one asked for is a transport failure (exit 3).
@Suite struct OraClientScriptingTests {
    let client = productsDirectory.appendingPathComponent("ora-client").path

    func json(_ text: String) throws -> JSON { try JSONParser.parse(Array(text.utf8)) }

    @Test func jsonIsOneDocumentOfTheResult() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        let connect = ["--connect", "127.0.0.1:\(server.port)"]
        for i in 0..<3 { _ = try c.call("recordShipment", shipment("J\(i)", day(-1), [("17612 - 250300", i + 1)])) }

        let (s1, shipped, _) = try runCommand(client, ["report", "shipped", "--date", day(-1), "--json"] + connect)
        let report = try json(shipped)
        #expect(s1 == 0 && report["totalUnits"] == 6 && report["items"]?.arrayValue?.count == 3 && report["nextCursor"] == .null)

        let dir = TempDir()
        let file = dir.path("orders.json")
        try #"[{"orderNumber":"F1","orderDate":"2025-10-06","items":[{"sku":"17612","quantity":1}]},{"orderNumber":"F2","orderDate":"2025-10-06","items":[{"sku":"55555","quantity":1}]}]"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let (s2, imported, _) = try runCommand(client, ["import", "--file", file, "--json"] + connect)
        let results = try json(imported).arrayValue ?? []
        #expect(s2 == 1 && results.count == 2)
        #expect(results.first?["status"] == "created" && results.last?["error"]?["data"]?["reason"] == "unknown_sku")

        // A file of one order is still one array, its refusal included; a file that is not orders is usage.
        try #"[{"orderNumber":"F3","orderDate":"2025-10-06","items":[{"sku":"55555","quantity":1}]}]"#.write(toFile: file, atomically: true, encoding: .utf8)
        let (s5, one, _) = try runCommand(client, ["import", "--file", file, "--json"] + connect)
        let oneResult = try json(one)
        #expect(s5 == 1 && oneResult.arrayValue?.first?["error"]?["data"]?["reason"] == "unknown_sku", "\(one)")
        for bad in ["[]", "[1]", "[null]", #"[{"orderNumber":"F4","orderDate":"2025-10-06","items":[{"sku":"17612","quantity":1}]}, 7]"#, "\"x\""] {
            try bad.write(toFile: file, atomically: true, encoding: .utf8)
            let (status, _, err) = try runCommand(client, ["import", "--file", file] + connect)
            #expect(status == 2 && !err.contains("Fatal error"), "\(bad): \(err)")
        }
        #expect(try c.call("listOrders", ["orderNumber": "F4"])["orders"] == [])

        let (s3, orders, _) = try runCommand(client, ["orders", "--json"] + connect)
        let listed = try json(orders)
        #expect(s3 == 0 && listed["orders"]?.arrayValue?.count == 1 && listed["nextCursor"] == .null)

        // Options before the subcommand.
        let (s4, status, err4) = try runCommand(client, connect + ["--json", "status"])
        let statusJSON = try json(status)
        #expect(s4 == 0 && statusJSON["version"] != nil, "\(err4)")
    }

    @Test func weeklyDefaultsToTheLastCompleteWeeksAndHistoryShowsInboxLines() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        let connect = ["--connect", "127.0.0.1:\(server.port)"]
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let thisMonday = calendar.dateInterval(of: .weekOfYear, for: Date())!.start
        let lastMonday = calendar.date(byAdding: .day, value: -7, to: thisMonday)!
        let offset = Int((lastMonday.timeIntervalSinceNow / 86_400).rounded(.down))
        _ = try c.call("recordShipment", shipment("WK", day(offset + 1), [("17612 - 250300", 6)]))
        let (s1, out, _) = try runCommand(client, ["report", "weekly", "--weeks", "2", "--json"] + connect)
        let weeks = try json(out)["weeks"]?.arrayValue ?? []
        #expect(s1 == 0 && weeks.count == 2)
        #expect(weeks.last?["totalUnits"] == 6)  // last week is the latest complete one; this week is not shown

        _ = try c.call("importOrder", ["orderNumber": "H1", "orderDate": "2025-10-06", "items": [["sku": "17612", "quantity": 6]]])
        _ = try c.call("allocateOrder", ["orderNumber": "H1"])
        let (s2, history, _) = try runCommand(client, ["history", "H1"] + connect)
        #expect(s2 == 0 && history.contains("17612=6") && history.contains("17612 - 250300=6") && !history.contains("-=6"), "\(history)")
    }

    /// A stand-in server that answers with another id, or with neither a result nor an error:
    /// the reply is not trusted (exit 3).
    @Test(arguments: [("other-id", "out of step"), ("no-result", "neither a result nor an error")])
    func aReplyNotForTheRequestIsATransportFailure(mode: String, words: String) throws {
        let dir = TempDir()
        let portFile = dir.path("port")
        let script = """
            import socket, json, sys
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
            open(sys.argv[1], "w").write(str(s.getsockname()[1]))
            conn, _ = s.accept(); f = conn.makefile("rwb")
            for line in f:
                r = json.loads(line)
                reply = {"jsonrpc": "2.0", "id": r["id"] + 1, "result": {}} if sys.argv[2] == "other-id" else {"jsonrpc": "2.0", "id": r["id"]}
                f.write((json.dumps(reply) + "\\n").encode()); f.flush()
            """
        let stub = Process()
        stub.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        stub.arguments = ["python3", "-c", script, portFile, mode]
        try stub.run()
        defer { stub.terminate() }
        var port = ""
        for _ in 0..<100 where port.isEmpty {
            Thread.sleep(forTimeInterval: 0.05)
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
        }
        let (status, _, err) = try runCommand(client, ["status", "--connect", "127.0.0.1:\(port)"])
        #expect(status == 3 && err.contains(words), "\(err)")
    }
}
