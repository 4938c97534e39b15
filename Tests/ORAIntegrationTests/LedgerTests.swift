import Foundation
import ORAJSON
import ORAProtocol
import Testing

/// The stock ledger against balances computed by hand: a lot received with 500, shipped on two
/// days, damaged, returned to, counted twice (once in agreement, once 28 short, the Python era's
/// discrepancy), and a SKU without lots received through the ledger.
@Suite struct LedgerTests {
    func lotFixture(_ c: RPCClient) throws {
        try seedMasterData(c)
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "250400", "receivedDate": .string(day(-30)), "initialQty": 500])
        _ = try c.call("recordShipment", shipment("L1", day(-20), [("17612 - 250400", 30)]))
        _ = try c.call("recordShipment", shipment("L2", day(-20), [("17612 - 250400", 20)]))
        _ = try c.call("recordShipment", shipment("L3", day(-10), [("17612-250400", 5)]))
        let damage = try c.call("adjustInventory", ["skuCode": "17612", "lotNumber": "250400", "quantity": -7, "reason": "damage",
                                                    "date": .string(day(-15)), "note": "forklift", "source": "test"])
        #expect(damage["remaining"] == 438)
        #expect(try c.call("adjustInventory", ["skuCode": "17612", "lotNumber": "250400", "quantity": 12, "reason": "return",
                                               "date": .string(day(-5))])["remaining"] == 450)
        let agree = try c.call("countInventory", ["skuCode": "17612", "lotNumber": "250400", "counted": 450, "date": .string(day(-3))])
        #expect(agree == ["expected": 450, "counted": 450, "adjustment": 0, "entryId": nil])
        let short = try c.call("countInventory", ["skuCode": "17612", "lotNumber": "250400", "counted": 422, "date": .string(day(-2)), "note": "cycle count"])
        #expect(short["expected"] == 450 && short["adjustment"] == -28 && short["entryId"]?.int64Value != nil)
    }

    @Test func lotBalancesByHand() throws {
        let server = try TestServer()
        let c = try server.connect()
        try lotFixture(c)
        let ledger = try c.call("inventoryLedger", ["skuCode": "17612", "lotNumber": "250400"])
        let rows = ledger["entries"]!.arrayValue!.map { e in
            "\(e["date"]!.stringValue!) \(e["kind"]!.stringValue!) \(e["quantity"]!.int64Value!) \(e["reason"]?.stringValue ?? "-") \(e["balance"]!.int64Value!)"
        }
        #expect(rows == [
            "\(day(-30)) receipt 500 - 500",
            "\(day(-20)) shipped -50 - 450",
            "\(day(-15)) adjustment -7 damage 443",
            "\(day(-10)) shipped -5 438",
            "\(day(-5)) adjustment 12 return 450",
            "\(day(-2)) adjustment -28 count 422",
        ].map { $0.replacingOccurrences(of: "shipped -5 438", with: "shipped -5 - 438") })
        #expect(ledger["opening"] == 0 && ledger["closing"] == 422)
        #expect(ledger["entries"]?.arrayValue?[2]["note"] == "forklift")

        // A range: the balance before it, its lines, and the balance at its end.
        let range = try c.call("inventoryLedger", ["skuCode": "17612", "lotNumber": "250400", "from": .string(day(-15)), "to": .string(day(-5))])
        #expect(range["opening"] == 450 && range["closing"] == 450)
        #expect(range["entries"]?.arrayValue?.map { $0["quantity"]!.int64Value! } == [-7, -5, 12])

        // The reports agree with the ledger to the unit.
        let lots = try c.call("lotInventory", ["skuCode": "17612"])
        let lot = lots["skus"]?.arrayValue?.first?["lots"]?.arrayValue?.first { $0["lotNumber"] == "250400" }
        #expect(lot?["remaining"] == 422 && lot?["adjustments"] == -23 && lot?["shipped"] == 55)
        let skuLedger = try c.call("inventoryLedger", ["skuCode": "17612"])
        #expect(skuLedger["closing"] == lots["skus"]?.arrayValue?.first?["remaining"])

        let trace = try c.call("lotTrace", ["skuCode": "17612", "lotNumber": "250400"])
        #expect(trace["initialQty"] == 500 && trace["shipped"] == 55 && trace["remaining"] == 422 && trace["receivedDate"] == .string(day(-30)))
        #expect(trace["orders"]?.arrayValue?.map { "\($0["orderNumber"]!.stringValue!):\($0["quantity"]!.int64Value!)" } == ["L1:30", "L2:20", "L3:5"])

        let validate = try c.call("validate")
        #expect(validate["ok"] == true)
        #expect(validate["checks"]?.arrayValue?.contains { $0["name"] == "ledger_totals" && $0["status"] == "ok" } == true)
    }

    @Test func skuWithoutLotsIsReceivedThroughTheLedger() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        #expect(try c.call("adjustInventory", ["skuCode": "18000", "quantity": 100, "reason": "receipt", "date": .string(day(-8))])["remaining"] == 100)
        _ = try c.call("recordShipment", shipment("N1", day(-3), [("18000", 2)]))
        let ledger = try c.call("inventoryLedger", ["skuCode": "18000"])
        #expect(ledger["entries"]?.arrayValue?.map { "\($0["kind"]!.stringValue!) \($0["balance"]!.int64Value!)" } == ["adjustment 100", "shipped 98"])
        #expect(ledger["closing"] == 98 && ledger["lotNumber"] == .null)
        let sku = try c.call("lotInventory", ["skuCode": "18000"])["skus"]?.arrayValue?.first
        #expect(sku?["remaining"] == 98 && sku?["adjustedWithoutLot"] == 100)
    }

    @Test func refusalsWriteNothing() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "250999"])  // initial quantity unknown
        let base: JSON = ["skuCode": "17612", "lotNumber": "250300", "quantity": 5, "reason": "correction"]
        func with(_ key: String, _ value: JSON) -> JSON { var o = base.objectValue!; o[key] = value; return .object(o) }
        let refusals: [(String, JSON, Int64, String)] = [
            ("adjustInventory", with("quantity", 0), -32602, "/quantity"),
            ("adjustInventory", with("quantity", 1_000_001), -32602, "/quantity"),
            ("adjustInventory", with("reason", "theft"), -32602, "/reason"),
            ("adjustInventory", with("lotNumber", "777"), -32602, "/lotNumber"),
            ("adjustInventory", with("date", .string(day(5))), -32602, "/date"),
            ("adjustInventory", with("skuCode", "55555"), -32001, ""),
            ("countInventory", ["skuCode": "17612", "lotNumber": "250999", "counted": 3], -32602, "/lotNumber"),
            ("countInventory", ["skuCode": "17612", "lotNumber": "250300", "counted": -1], -32602, "/counted"),
            ("inventoryLedger", ["skuCode": "17612", "lotNumber": "777"], -32602, "/lotNumber"),
            ("lotTrace", ["skuCode": "17612", "lotNumber": "777"], -32602, "/lotNumber"),
        ]
        for (method, params, code, field) in refusals {
            let error = try c.callError(method, params)
            #expect(error.code == code, "\(method) \(JSONWriter.string(params))")
            if !field.isEmpty { #expect(error["data"]?["field"] == .string(field), "\(method) \(JSONWriter.string(params))") }
        }
        #expect(try sqlite(server.databasePath, "SELECT count(*) FROM inventory_transactions") == "0")
        #expect(try sqlite(server.databasePath, "SELECT count(*) FROM ledger_totals") == "0")
    }

    /// Entries are never edited or deleted; totals edited behind the server's back are found.
    @Test func entriesAreKeptAndTotalsChecked() throws {
        let server = try TestServer()
        let c = try server.connect()
        try lotFixture(c)
        #expect(throws: (any Error).self) { try sqlite(server.databasePath, "UPDATE inventory_transactions SET quantity = 1") }
        #expect(throws: (any Error).self) { try sqlite(server.databasePath, "DELETE FROM inventory_transactions") }
        _ = try sqlite(server.databasePath, "UPDATE ledger_totals SET units = units + 1")
        let check = try c.call("validate")["checks"]?.arrayValue?.first { $0["name"] == "ledger_totals" }
        #expect(check?["status"] == "error")
    }

    /// Acknowledged ledger writes survive kill -9.
    @Test func ledgerWritesSurviveKillNine() throws {
        let server = try TestServer()
        let c = try server.connect()
        try lotFixture(c)
        let before = try c.call("inventoryLedger", ["skuCode": "17612"])
        server.stop(signal: SIGKILL)
        try server.start()
        let after = try server.connect()
        #expect(try after.call("inventoryLedger", ["skuCode": "17612"]) == before)
        #expect(try after.call("validate")["ok"] == true)
    }

    /// ora-client adjust, count, ledger, trace and report lots, as a person runs them.
    @Test func clientCommands() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "250400", "receivedDate": .string(day(-30)), "initialQty": 500])
        _ = try c.call("recordShipment", shipment("L1", day(-20), [("17612 - 250400", 30)]))
        let client = productsDirectory.appendingPathComponent("ora-client").path
        let address = ["--connect", "127.0.0.1:\(server.port)"]
        let (s1, adjust, _) = try runCommand(client, ["adjust", "--sku", "17612", "--lot", "250400", "--quantity=-7", "--reason", "damage",
                                                      "--date", day(-15), "--note", "forklift"] + address)
        #expect(s1 == 0 && adjust.contains("17612 - 250400 -7 (damage); remaining 463"))
        let (s2, count, _) = try runCommand(client, ["count", "--sku", "17612", "--lot", "250400", "--counted", "435"] + address)
        #expect(s2 == 0 && count.contains("expected 463, counted 435; count entry") && count.contains("of -28"))
        let (s3, ledger, _) = try runCommand(client, ["ledger", "--sku", "17612", "--lot", "250400"] + address)
        let lines = ledger.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(s3 == 0 && lines.contains { $0.hasPrefix("\(day(-15)) adjustment damage -7") && $0.hasSuffix("forklift 463") })
        #expect(lines.contains { $0.hasPrefix("closing") && $0.hasSuffix("435") })
        let (s4, trace, _) = try runCommand(client, ["trace", "--sku", "17612", "--lot", "250400"] + address)
        #expect(s4 == 0 && trace.contains("shipped 30, remaining 435") && trace.contains("L1"))
        let (s5, lots, _) = try runCommand(client, ["report", "lots", "--sku", "17612", "--csv"] + address)
        #expect(s5 == 0 && lots.contains("17612,250400,\(day(-30)),500,0,-35,30,435,active"))
        let (s6, _, err) = try runCommand(client, ["adjust", "--sku", "17612", "--lot", "777", "--quantity", "1", "--reason", "return"] + address)
        #expect(s6 == 1 && err.contains("/lotNumber"))
    }

    /// lotTrace's allocatedTo lists the open orders allocated to the lot (pending and uploaded, with
    /// their units from it), and not those shipped or cancelled: the recall question's second half.
    @Test func lotTraceListsOpenOrdersAllocatedToTheLot() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)  // 17612 lot 250300: 1000 units, the only lot
        func order(_ number: String, _ quantity: Int) throws {
            _ = try c.call("importOrder", ["orderNumber": .string(number), "orderDate": .string(day(-1)),
                                           "items": [["sku": "17612", "quantity": .int(quantity)]]])
            _ = try c.call("allocateOrder", ["orderNumber": .string(number)])
        }
        try order("P1", 3)
        try order("U1", 4)
        _ = try c.call("markUploaded", ["orderNumber": "U1", "shipstationOrderId": "901"])
        try order("S1", 5)
        _ = try c.call("markUploaded", ["orderNumber": "S1", "shipstationOrderId": "902"])
        _ = try c.call("recordShipment", shipment("S1", day(), [("17612 - 250300", 5)]))
        try order("C1", 6)
        _ = try c.call("cancelOrder", ["orderNumber": "C1"])
        _ = try c.call("importOrder", ["orderNumber": "N1", "orderDate": .string(day(-1)), "items": [["sku": "17612", "quantity": 7]]])  // not allocated

        let trace = try c.call("lotTrace", ["skuCode": "17612", "lotNumber": "250300"])
        #expect(trace["allocatedTo"] == [["orderNumber": "P1", "orderStatus": "pending", "quantity": 3],
                                         ["orderNumber": "U1", "orderStatus": "uploaded", "quantity": 4]])
        #expect(trace["orders"]?.arrayValue?.map { $0["orderNumber"]! } == ["S1"])
        // Another lot of the same SKU has nothing allocated.
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "250999", "receivedDate": .string(day()), "initialQty": 10])
        #expect(try c.call("lotTrace", ["skuCode": "17612", "lotNumber": "250999"])["allocatedTo"] == [])
    }
}
