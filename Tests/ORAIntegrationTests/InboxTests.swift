import Foundation
import ORAJSON
import ORAProtocol
import Testing

/// The orders inbox and bundles against INBOUND.md, with expectations worked out by hand.
@Suite struct InboxTests {
    func importOrder(_ c: RPCClient, _ number: String, _ items: [(String, Int)], date: String = "2025-10-06", prices: [Int?] = []) throws -> JSON {
        try c.call("importOrder", inboxOrder(number, items, date: date, prices: prices))
    }

    func inboxOrder(_ number: String, _ items: [(String, Int)], date: String = "2025-10-06", prices: [Int?] = []) -> JSON {
        .object(JSONObject([("orderNumber", .string(number)), ("orderDate", .string(date)),
                            ("items", .array(items.enumerated().map { i, item in
                                var o = JSONObject([("sku", .string(item.0)), ("quantity", .int(item.1))])
                                if i < prices.count, let p = prices[i] { o["unitPriceCents"] = .int(p) }
                                return .object(o)
                            }))]))
    }

    /// SKU 17612 with five lots: B (oldest, 5), A (10), C (no date, 100), D (inactive), E (unknown quantity).
    func fifoFixture(_ c: RPCClient) throws {
        try seedMasterData(c)  // 17612 has lot 250300 received 2025-01-10 with 1000: made inactive below
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "250300", "status": "inactive"])
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "1001", "receivedDate": "2025-01-05", "initialQty": 10])  // A
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "1002", "receivedDate": "2025-01-01", "initialQty": 5])   // B
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "1003", "initialQty": 100])                              // C
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "1004", "receivedDate": "2024-12-01", "initialQty": 50, "status": "inactive"])
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "1005", "receivedDate": "2024-11-01"])                  // E: unknown
    }

    func skus(_ allocation: JSON) -> [String] {
        allocation["items"]?.arrayValue?.map { "\($0["sku"]!.stringValue!)=\($0["quantity"]!.int64Value!)" } ?? []
    }

    @Test func bundlesExpandAndImportsAreIdempotent() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        for (bundle, field) in [("17612", "/bundleSku"), ("17612 - 250300", "/bundleSku")] {
            #expect(try c.callError("upsertBundle", ["bundleSku": .string(bundle), "components": [["skuCode": "17612", "quantity": 1]]])["data"]?["field"] == .string(field))
        }
        #expect(try c.callError("upsertBundle", ["bundleSku": "B-GIFT", "components": [["skuCode": "17612", "quantity": 1], ["skuCode": "17612", "quantity": 2]]])["data"]?["field"] == "/components/1/skuCode")
        #expect(try c.callError("upsertBundle", ["bundleSku": "B-GIFT", "components": [["skuCode": "55555", "quantity": 1]]]).code == -32001)
        #expect(try c.callError("upsertBundle", ["bundleSku": "B-GIFT", "components": []])["data"]?["field"] == "/components")
        #expect(try c.call("upsertBundle", ["bundleSku": " B-GIFT ", "name": "Gift box", "components": [["skuCode": "17612", "quantity": 2], ["skuCode": "18000", "quantity": 1]]])
                == ["bundleSku": "B-GIFT", "created": true])
        #expect(try c.call("listBundles")["bundles"] == [["bundleSku": "B-GIFT", "name": "Gift box", "components": [["skuCode": "17612", "quantity": 2], ["skuCode": "18000", "quantity": 1]]]])

        let first = try importOrder(c, "W1", [(" B-GIFT", 3), ("17904", 2), ("17904 ", 1)], prices: [2500, 999])
        #expect(first["status"] == "created" && first["orderStatus"] == "pending")
        #expect(first["items"] == [
            ["skuCode": "17612", "lotNumber": nil, "quantity": 6, "unitPriceCents": nil, "bundleSku": "B-GIFT"],
            ["skuCode": "18000", "lotNumber": nil, "quantity": 3, "unitPriceCents": nil, "bundleSku": "B-GIFT"],
            ["skuCode": "17904", "lotNumber": nil, "quantity": 3, "unitPriceCents": 999, "bundleSku": nil],
        ])
        #expect(first["bundles"] == [["bundleSku": "B-GIFT", "quantity": 3, "unitPriceCents": 2500]])
        // The same lines in another spelling, other prices: unchanged. A change of the bundle does not make it differ.
        _ = try c.call("upsertBundle", ["bundleSku": "B-GIFT", "components": [["skuCode": "18000", "quantity": 5]]])
        #expect(try importOrder(c, "W1", [("B-GIFT", 3), ("17904", 3)], prices: [100])["status"] == "unchanged")
        let updated = try importOrder(c, "W1", [("B-GIFT", 1), ("17904", 3)])
        #expect(updated["status"] == "updated" && updated["items"]?.arrayValue?.first?["quantity"] == 5)
        #expect(try c.call("orderHistory", ["orderNumber": "W1"])["events"]?.arrayValue?.map { $0["action"]!.stringValue! } == ["imported", "updated"])
    }

    @Test func unknownAndUnparseableSkusAreQuarantined() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        let unknown = try c.callError("importOrder", inboxOrder("Q1", [("17612", 1), ("55555 - 1", 2)]))
        #expect(unknown.code == -32001 && unknown["data"]?["skus"] == ["55555"])
        let unparseable = try c.callError("importOrder", inboxOrder("Q2", [("not a sku", 1)]))
        #expect(unparseable.code == -32002 && unparseable["data"]?["items"]?.arrayValue?.first?["index"] == 0)
        #expect(try c.call("listOrders")["orders"] == [])
        #expect(try c.call("orderHistory", ["orderNumber": "Q1"])["events"]?.arrayValue?.first?["action"] == "refused")
        let quarantine = try c.call("validate")["checks"]?.arrayValue?.first { $0["name"] == "quarantine" }
        #expect(quarantine?["count"] == 2)
    }

    @Test func fifoSplitsShortageAndIdempotence() throws {
        let server = try TestServer()
        let c = try server.connect()
        try fifoFixture(c)
        _ = try importOrder(c, "O1", [("17612", 8), ("18000", 4)])
        let o1 = try c.call("allocateOrder", ["orderNumber": "O1"])
        #expect(skus(o1) == ["17612 - 1002=5", "17612 - 1001=3", "18000=4"])  // B is oldest; 18000 has no lots
        _ = try importOrder(c, "O2", [("17612", 10)])
        #expect(skus(try c.call("allocateOrder", ["orderNumber": "O2"])) == ["17612 - 1001=7", "17612 - 1003=3"])
        #expect(try c.call("allocateOrder", ["orderNumber": "O1"]) == o1)  // idempotent
        // A line that names its lot keeps it, when the lot has it.
        _ = try importOrder(c, "O3", [("17612 - 1003", 90)])
        #expect(skus(try c.call("allocateOrder", ["orderNumber": "O3"])) == ["17612 - 1003=90"])
        // 7 left in C, nothing in A or B: 8 is short, and nothing is allocated.
        _ = try importOrder(c, "O4", [("17612", 8), ("17904", 1)])
        let short = try c.callError("allocateOrder", ["orderNumber": "O4"])
        #expect(short.code == -32021 && short["data"]?["short"] == [["skuCode": "17612", "wanted": 8, "available": 7]])
        let o4 = try c.call("listOrders", ["orderNumber": "O4"])["orders"]?.arrayValue?.first
        #expect(o4?["items"]?.arrayValue?.allSatisfy { $0["lotNumber"] == .null } == true)
        let summary = try c.call("inboxSummary")
        let widget = summary["skus"]?.arrayValue?.first { $0["skuCode"] == "17612" }
        #expect(widget == ["skuCode": "17612", "pendingUnits": 116, "uploadedUnits": 0, "allocatedUnits": 108, "onHand": 115, "available": 7])
        #expect(summary["orders"] == ["pending": 4, "uploaded": 0, "shipped": 0, "cancelled": 0])
        #expect(try c.call("validate")["ok"] == true)
    }

    @Test func lifeCycleAndShipmentRelease() throws {
        let server = try TestServer()
        let c = try server.connect()
        try fifoFixture(c)
        _ = try importOrder(c, "L1", [("17612", 4)])
        #expect(try c.call("markUploaded", ["orderNumber": "L1", "shipstationOrderId": 12345]) == ["orderNumber": "L1", "orderStatus": "uploaded"])
        #expect(try c.call("markUploaded", ["orderNumber": "L1", "shipstationOrderId": "12345"])["orderStatus"] == "uploaded")
        #expect(try c.callError("markUploaded", ["orderNumber": "L1", "shipstationOrderId": "999"]).code == -32022)
        #expect(skus(try c.call("allocateOrder", ["orderNumber": "L1"])) == ["17612 - 1002=4"])
        let locked = try c.callError("importOrder", inboxOrder("L1", [("17612", 5)]))
        #expect(locked.code == -32020 && locked["data"]?["status"] == "uploaded")
        #expect(try importOrder(c, "L1", [("17612", 4)])["status"] == "unchanged")

        _ = try importOrder(c, "L2", [("17612", 3)])
        _ = try c.call("allocateOrder", ["orderNumber": "L2"])
        #expect(try c.call("cancelOrder", ["orderNumber": "L2", "reason": "customer"]) == ["orderNumber": "L2", "orderStatus": "cancelled"])
        #expect(try c.call("cancelOrder", ["orderNumber": "L2"])["orderStatus"] == "cancelled")
        for (method, params) in [("markUploaded", ["orderNumber": "L2", "shipstationOrderId": "1"] as JSON), ("allocateOrder", ["orderNumber": "L2"])] {
            let e = try c.callError(method, params)
            #expect(e.code == -32022 && e["data"]?["status"] == "cancelled")
        }
        #expect(try c.callError("cancelOrder", ["orderNumber": "NOPE"]).code == -32023)

        // Shipping L1 from another lot than allocated: the shipment is the truth; the allocation is released.
        _ = try c.call("recordShipment", shipment("L1", day(), [("17612 - 1001", 4)]))
        #expect(try c.call("listOrders", ["status": "shipped"])["orders"]?.arrayValue?.map { $0["orderNumber"]! } == ["L1"])
        #expect(try c.callError("cancelOrder", ["orderNumber": "L1"]).code == -32022)
        let widget = try c.call("inboxSummary")["skus"]?.arrayValue?.first { $0["skuCode"] == "17612" }
        #expect(widget?["allocatedUnits"] == 0 && widget?["onHand"] == 111)
        #expect(try c.call("orderHistory", ["orderNumber": "L1"])["events"]?.arrayValue?.map { $0["action"]!.stringValue! }
                == ["imported", "allocated", "uploaded", "created", "shipped"])

        // Purge: shipped and cancelled orders dated before the cut, never open ones, never shipped items.
        _ = try importOrder(c, "L3", [("17612", 1)])
        let dry = try c.call("purgeOrders", ["before": "2025-10-07"])
        #expect(dry == ["count": 2, "orderNumbers": ["L1", "L2"], "applied": false])
        #expect(try c.call("purgeOrders", ["before": "2025-10-07", "apply": true])["applied"] == true)
        #expect(try c.call("listOrders")["orders"]?.arrayValue?.map { $0["orderNumber"]! } == ["L3"])
        #expect(try c.call("shippedItems", ["orderNumber": "L1"])["totalUnits"] == 4)
        #expect(try c.call("orderHistory", ["orderNumber": "L2"])["events"]?.arrayValue?.last?["action"] == "purged")
        #expect(try c.call("validate")["ok"] == true)
    }

    @Test func listOrdersPages() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        for i in 0..<25 { _ = try importOrder(c, String(format: "P%02d", i), [("18000", 1)], date: i < 20 ? "2025-10-06" : "2025-10-08") }
        var seen: [String] = [], cursor: JSON = .null, pages = 0
        repeat {
            var params = JSONObject([("limit", .int(10)), ("to", "2025-10-07")])
            if cursor != .null { params["cursor"] = cursor }
            let page = try c.call("listOrders", .object(params))
            seen += page["orders"]?.arrayValue?.map { $0["orderNumber"]!.stringValue! } ?? []
            cursor = page["nextCursor"] ?? .null
            pages += 1
        } while cursor != .null
        #expect(seen == (0..<20).map { String(format: "P%02d", $0) } && pages == 2)
        #expect(try c.callError("listOrders", ["cursor": "bogus"])["data"]?["field"] == "/cursor")
    }

    /// 40 clients race for a lot of 100 units, 5 each: exactly 20 get it, never an oversold unit.
    @Test func concurrentAllocationsNeverOversell() async throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "250300", "status": "inactive"])
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "777", "receivedDate": "2025-02-01", "initialQty": 100])
        let port = server.port
        let won = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<40 {
                group.addTask {
                    let client = try RPCClient(port: port)
                    _ = try client.call("importOrder", ["orderNumber": .string("R\(i)"), "orderDate": "2025-10-06", "items": [["sku": "17612", "quantity": 5]]])
                    let reply = try client.request("markUploaded", ["orderNumber": .string("R\(i)"), "shipstationOrderId": .string("S\(i)")])
                    if reply["result"] != nil { return true }
                    #expect(reply["error"]?.code == -32021)
                    return false
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(won == 20)
        let summary = try c.call("inboxSummary")
        #expect(summary["skus"]?.arrayValue?.first { $0["skuCode"] == "17612" }?["available"] == 0)
        #expect(summary["orders"]?["uploaded"] == 20 && summary["orders"]?["pending"] == 20)
        #expect(try c.call("validate")["ok"] == true)
    }

    @Test func inboxWritesSurviveKillNine() throws {
        let server = try TestServer()
        let c = try server.connect()
        try fifoFixture(c)
        _ = try importOrder(c, "K1", [("17612", 12)])
        _ = try c.call("markUploaded", ["orderNumber": "K1", "shipstationOrderId": "77"])
        _ = try importOrder(c, "K2", [("17612", 1)])
        let before = try c.call("listOrders")
        server.stop(signal: SIGKILL)
        try server.start()
        let after = try server.connect()
        #expect(try after.call("listOrders") == before)
        #expect(try after.call("validate")["ok"] == true)
    }

    /// ora-client's inbox commands, as a person runs them.
    @Test func clientCommands() throws {
        let server = try TestServer()
        let c = try server.connect()
        try fifoFixture(c)
        let client = productsDirectory.appendingPathComponent("ora-client").path
        let address = ["--connect", "127.0.0.1:\(server.port)"]
        func run(_ args: [String]) throws -> (Int32, String, String) { try runCommand(client, args + address) }
        #expect(try run(["bundle", "--bundle", "B-DUO", "--component", "17612=2", "--component", "18000=1"]).1.contains("bundle B-DUO created (2 components)"))
        #expect(try run(["bundles"]).1.contains("B-DUO"))
        let (s1, one, _) = try run(["import", "--order", "C1", "--date", "2025-10-06", "--item", "B-DUO=2@1999", "--item", "17904=1"])
        #expect(s1 == 0 && one.contains("order C1 created (pending)"))
        let file = server.dir.path("orders.json")
        try #"[{"orderNumber":"C2","orderDate":"2025-10-06","items":[{"sku":"17612","quantity":1}]},{"orderNumber":"C3","orderDate":"2025-10-06","items":[{"sku":"99999","quantity":1}]}]"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let (s2, many, err) = try run(["import", "--file", file])
        #expect(s2 == 1 && many.contains("order C2 created") && err.contains("order C3: error -32001"))
        let (s3, allocation, _) = try run(["allocate", "--order", "C1"])
        #expect(s3 == 0 && allocation.contains("17612 - 1002") && allocation.contains("18000"))
        #expect(try run(["uploaded", "--order", "C1", "--shipstation-id", "555"]).1.contains("order C1 uploaded"))
        #expect(try run(["cancel", "--order", "C2", "--reason", "duplicate"]).1.contains("order C2 cancelled"))
        let (_, orders, _) = try run(["orders", "--status", "uploaded"])
        #expect(orders.contains("C1") && !orders.contains("C2"))
        let (_, inbox, _) = try run(["inbox"])
        #expect(inbox.contains("orders: 0 pending, 1 uploaded, 0 shipped, 1 cancelled"))
        let (_, dry, _) = try run(["purge", "--before", "2025-10-07"])
        #expect(dry.contains("would purge 1 orders: C2") && dry.contains("dry run"))
        #expect(try run(["purge", "--before", "2025-10-07", "--apply"]).1.contains("purged 1 orders: C2"))
    }

    /// validate's inbox checks find an over-promised lot, edited totals, and text naming another lot.
    @Test func validateFindsInboxDamage() throws {
        let server = try TestServer()
        let c = try server.connect()
        try fifoFixture(c)
        _ = try importOrder(c, "V1", [("17612 - 1002", 5)])
        _ = try c.call("allocateOrder", ["orderNumber": "V1"])
        func check(_ name: String) throws -> JSON? { try c.call("validate")["checks"]?.arrayValue?.first { $0["name"] == .string(name) } }
        #expect(try check("allocation_exceeds_stock")?["status"] == "ok")
        // A shipment of another order takes lot B's units: V1's allocation can no longer be covered.
        _ = try c.call("recordShipment", shipment("OTHER", day(), [("17612 - 1002", 2)]))
        #expect(try check("allocation_exceeds_stock")?["status"] == "warning")
        _ = try sqlite(server.databasePath, "UPDATE allocated_totals SET units = units + 1")
        #expect(try check("allocated_totals")?["status"] == "error")
        _ = try sqlite(server.databasePath, "UPDATE allocated_totals SET units = units - 1; UPDATE order_items_inbox SET shipstation_sku_raw = '17612 - 1001'")
        let mismatch = try check("inbox_raw_mismatch")
        #expect(mismatch?["status"] == "error" && mismatch?["samples"]?.arrayValue?.first?.stringValue?.contains("V1") == true)
    }
}
