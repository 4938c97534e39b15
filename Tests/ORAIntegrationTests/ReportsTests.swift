import Testing
import Foundation
import ORAProtocol

@Suite struct ReportsTests {
    /// Weekly figures equal hand-computed sums, weeks in order, Monday to Sunday.
    @Test func weeklyShippedFigures() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        // Week of 2025-10-06 (Mon) .. 2025-10-12 (Sun), and the next week.
        _ = try c.call("recordShipment", shipment("W1", "2025-10-06", [("17612 - 250300", 2), ("18000", 1)], extra: [("backfill", true)]))
        _ = try c.call("recordShipment", shipment("W2", "2025-10-12", [("17612-250300", 3)], extra: [("backfill", true)]))
        _ = try c.call("recordShipment", shipment("W3", "2025-10-13", [("17904", 4)], extra: [("backfill", true)]))
        _ = try c.call("recordShipment", shipment("W0", "2025-10-05", [("17904", 9)], extra: [("backfill", true)]))
        let r = try c.call("weeklyShipped", ["weekStart": "2025-10-06", "weeks": 2])
        let weeks = try #require(r["weeks"]?.arrayValue)
        #expect(weeks.count == 2)
        #expect(weeks[0] == ["weekStart": "2025-10-06", "weekEnd": "2025-10-12", "totalUnits": 6,
                             "skus": [["skuCode": "17612", "productName": "Widget", "units": 5], ["skuCode": "18000", "productName": "Gizmo", "units": 1]]])
        #expect(weeks[1] == ["weekStart": "2025-10-13", "weekEnd": "2025-10-19", "totalUnits": 4,
                             "skus": [["skuCode": "17904", "productName": "Gadget", "units": 4]]])
        let thisWeek = try c.call("weeklyShipped")["weeks"]?.arrayValue?.first?["weekStart"]?.stringValue ?? ""
        #expect(!thisWeek.isEmpty)
        #expect(try c.callError("weeklyShipped", ["weekStart": "2025-10-07"]).field == "/weekStart")
        #expect(try c.callError("weeklyShipped", ["weekStart": "2025-10-06", "weeks": 53]).field == "/weeks")
    }

    /// Lot inventory: FIFO order, remaining = initial + adjustment - shipped, reorder alert, unknown quantities.
    @Test func lotInventoryFigures() throws {
        let server = try TestServer()
        let c = try server.connect()
        _ = try c.call("upsertSku", ["skuCode": "17612", "productName": "Widget", "reorderPoint": 100])
        _ = try c.call("upsertSku", ["skuCode": "18000", "productName": "Gizmo", "reorderPoint": 5])
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "2", "receivedDate": "2025-05-01", "initialQty": 50])
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "1", "receivedDate": "2025-02-01", "initialQty": 80, "manualAdjustment": -5])
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "0", "receivedDate": "2024-01-01", "initialQty": 10, "status": "inactive"])
        _ = try c.call("upsertLot", ["skuCode": "18000", "lotNumber": "7", "receivedDate": "2025-01-01", "initialQty": 100])
        _ = try c.call("recordShipment", shipment("A", day(), [("17612 - 1", 30), ("17612 - 2", 10), ("17612", 4), ("17612 - 9", 1)]))
        _ = try c.call("recordShipment", shipment("B", day(), [("17612-1", 5), ("18000 - 7", 1)]))
        let r = try c.call("lotInventory", ["skuCode": "17612"])
        let sku = try #require(r["skus"]?.arrayValue?.first)
        #expect(sku["lots"]?.arrayValue?.map { $0["lotNumber"]! } == ["1", "2", "9"])  // FIFO, unknown date last, inactive hidden
        #expect(sku["lots"]?.arrayValue?[0]["remaining"] == 40)   // 80 - 5 - 35
        #expect(sku["lots"]?.arrayValue?[1]["remaining"] == 40)   // 50 - 10
        #expect(sku["lots"]?.arrayValue?[2]["remaining"] == .null) // created on the fly
        #expect(sku["shippedWithoutLot"] == 4 && sku["lotsWithUnknownQuantity"] == 1)
        #expect(sku["remaining"] == 76)                            // 40 + 40 - 4
        #expect(sku["belowReorderPoint"] == true)
        let all = try c.call("lotInventory", ["includeInactive": true])
        #expect(all["skus"]?.arrayValue?.first?["lots"]?.arrayValue?.first?["lotNumber"] == "0")
        #expect(all["skus"]?.arrayValue?.last?["belowReorderPoint"] == false)

        // Totals follow updates, moves and removals.
        _ = try c.call("recordShipment", shipment("A", day(-1), [("17612 - 1", 10)]))
        let after = try c.call("lotInventory", ["skuCode": "17612"])["skus"]?.arrayValue?.first
        #expect(after?["lots"]?.arrayValue?[0]["shipped"] == 15 && after?["shippedWithoutLot"] == 0)
        _ = try c.call("reconcileDate", ["date": .string(day(-1)), "shipments": [], "apply": true])
        #expect(try c.call("lotInventory", ["skuCode": "17612"])["skus"]?.arrayValue?.first?["lots"]?.arrayValue?[0]["shipped"] == 5)
        #expect(try c.call("validate")["ok"] == true)
    }

    /// Totals edited behind the server's back are caught by validate.
    @Test func tamperedTotalsAreFound() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("A", day(), [("17612 - 250300", 3)]))
        server.stop()
        _ = try sqlite(server.databasePath, "UPDATE shipped_totals SET units = units + 1")
        try server.start()
        let check = try server.connect().call("validate")["checks"]?.arrayValue?.first { $0["name"] == "shipped_totals" }
        #expect(check?["status"] == "error" && check?["samples"] == ["17612 - 250300: kept 4, items say 3"])
    }

    /// ora-client report: tables, CSV, and a self-contained HTML page.
    @Test func clientReports() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("W1", "2025-10-06", [("17612 - 250300", 2), ("18000", 1)], extra: [("backfill", true)]))
        let client = productsDirectory.appendingPathComponent("ora-client").path
        let address = "127.0.0.1:\(server.port)"
        let (s1, csv, _) = try runCommand(client, ["report", "weekly", "--week-start", "2025-10-06", "--csv", "--connect", address])
        #expect(s1 == 0 && csv == "WEEK,SKU,PRODUCT,UNITS\r\n2025-10-06,17612,Widget,2\r\n2025-10-06,18000,Gizmo,1\r\n")
        let html = server.dir.path("weekly.html")
        let (s2, _, _) = try runCommand(client, ["report", "weekly", "--week-start", "2025-10-06", "--weeks", "2", "--html", html, "--connect", address])
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(s2 == 0 && page.contains("<svg") && !page.contains("http://") && !page.contains("https://") && page.contains("17612"))
        let (s3, lots, _) = try runCommand(client, ["report", "lots", "--connect", address])
        #expect(s3 == 0 && lots.contains("REORDER 17612 Widget: 998 left, reorder point 100") == false && lots.contains("250300"))
        let (s4, bad, err) = try runCommand(client, ["report", "weekly", "--week-start", "2025-10-07", "--connect", address])
        #expect(s4 == 1 && bad.isEmpty && err.contains("Monday"))
    }
}
