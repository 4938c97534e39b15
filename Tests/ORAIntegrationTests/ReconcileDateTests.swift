import Testing
import Foundation
import ORAJSON
import ORAProtocol

/// A ShipStation shipment in ShipStation's shape (the members ORA reads, plus a few it must ignore).
func shipStation(_ order: String, _ date: String, _ items: [(String?, Int)], voided: Bool = false, id: Int = Int.random(in: 1...9_999_999)) -> JSON {
    ["shipmentId": .int(id), "orderId": .int(id), "orderNumber": .string(order), "createDate": "2025-10-06T09:15:02.5370000",
     "shipDate": .string(date), "voided": .bool(voided), "voidDate": nil, "shipmentCost": .double(8.41),
     "shipTo": ["name": "A Customer", "city": "Springfield"],
     "shipmentItems": .array(items.map { ["orderItemId": 1, "sku": .string($0.0), "name": "Product", "quantity": .int($0.1), "unitPrice": .double(9.5)] })]
}

@Suite struct ReconcileDateTests {
    let date = day(-1)

    /// Builds a database and a truth that hold every case of the contract at once.
    func scenario(_ c: RPCClient) throws -> [JSON] {
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("OK", date, [("17612 - 250300", 2)]))           // correct
        _ = try c.call("recordShipment", shipment("QTY", date, [("17612 - 250300", 5), ("18000", 1)])) // wrong quantity, extra line
        _ = try c.call("recordShipment", shipment("DATE", day(-3), [("17904", 1)]))               // recorded on a wrong date
        _ = try c.call("recordShipment", shipment("VOID", date, [("17904", 7)]))                  // voided label
        _ = try c.call("recordShipment", shipment("GHOST", date, [("18000", 4)]))                 // ShipStation never had it
        _ = try c.call("recordShipment", shipment("LATER", date, [("18000", 2)]))                 // ShipStation says another day
        _ = try c.call("recordShipment", shipment("EXT", date, [("17904", 3)], extra: [("external", true)]))
        return [
            shipStation("OK", date, [("17612-250300", 2)]),
            shipStation("QTY", date + "T00:00:00.0000000", [("17612 - 250300", 3)]),
            shipStation("DATE", date, [("17904", 1)]),
            shipStation("VOID", date, [("17904", 7)], voided: true),
            shipStation("LATER", day(), [("18000", 2)]),
            shipStation("NEW", date, [("17612 - 250999", 1), (nil, 0)]),                          // missing from the database
            shipStation("BOXES", date, [("17612 - 250300", 1)]),                                  // two boxes, one order
            shipStation("BOXES", date, [("17612-250300", 2), ("18000", 1)]),
            shipStation("UNKNOWN", date, [("55555 - 1", 9), ("17612", 1)]),                       // unknown SKU
            shipStation("BAD", date, [("17612 - 25x", 1)]),                                       // unparseable
            shipStation("OLD", "2024-04-16", [("18000", 5)]),                                     // another date: not counted
        ]
    }

    /// The dry run reports every case, writes nothing, and predicts exactly what applying gives.
    @Test func dryRunThenApply() throws {
        let server = try TestServer()
        let c = try server.connect()
        let truth = try scenario(c)
        let before = try c.call("shippedItems", ["from": .string(day(-5)), "to": .string(day())])

        let dry = try c.call("reconcileDate", ["date": .string(date), "shipments": .array(truth)])
        #expect(dry["applied"] == false)
        #expect(try c.call("shippedItems", ["from": .string(day(-5)), "to": .string(day())]) == before)
        #expect(dry["shipstation"] == ["orders": 7, "units": 22])
        #expect(dry["databaseBefore"] == ["orders": 6, "units": 24])
        #expect(dry["missing"]?.arrayValue?.map { $0["orderNumber"]! } == ["NEW", "BOXES", "BOXES"])
        #expect(dry["quantityFixed"] == [["orderNumber": "QTY", "sku": "17612 - 250300", "from": 5, "to": 3]])
        #expect(Set(dry["removed"]?.arrayValue?.map { $0["orderNumber"]! } ?? []) == ["QTY", "VOID", "GHOST"])
        #expect(dry["dateFixed"] == [["orderNumber": "DATE", "from": .string(day(-3)), "to": .string(date)],
                                     ["orderNumber": "LATER", "from": .string(date), "to": .string(day())]])
        #expect(Set(dry["manualIntervention"]?.arrayValue?.map { $0["orderNumber"]! } ?? []) == ["UNKNOWN", "BAD"])
        #expect(dry["keptExternal"]?.arrayValue?.map { $0["orderNumber"]! } == ["EXT"])
        #expect(dry["voidedIgnored"] == 1 && dry["ignoredOtherDates"] == 2)
        #expect(dry["createdLots"] == [["skuCode": "17612", "lotNumber": "250999", "lotId": nil]])

        let applied = try c.call("reconcileDate", ["date": .string(date), "shipments": .array(truth), "apply": true])
        #expect(applied["applied"] == true)
        #expect(applied["databaseAfter"] == dry["databaseAfter"])
        #expect(applied["databaseAfter"] == ["orders": 6, "units": 14])  // OK 2, QTY 3, DATE 1, NEW 1, BOXES 4, EXT 3
        let after = try c.call("shippedItems", ["date": .string(date)])
        #expect(after["totalUnits"] == 14)
        #expect(try c.call("shippedItems", ["orderNumber": "BOXES"])["totalUnits"] == 4)
        #expect(try c.call("shippedItems", ["orderNumber": "LATER"])["items"]?.arrayValue?.first?["shipDate"] == .string(day()))
        #expect(try c.call("shippedItems", ["orderNumber": "EXT"])["totalUnits"] == 3)
        #expect(applied["createdLots"]?.arrayValue?.first?["lotId"]?.int64Value != nil)
        #expect(try c.call("validate")["checks"]?.arrayValue?.filter { $0["status"] == "error" } == [])

        let history = try c.call("orderHistory", ["orderNumber": "GHOST"])["events"]?.arrayValue ?? []
        #expect(history.last?["action"] == "removed" && history.last?["source"] == "reconcile")
        #expect(try c.call("orderHistory", ["orderNumber": "QTY"])["events"]?.arrayValue?.last?["action"] == "reconciled")
    }

    /// Applying the same truth again changes nothing and returns empty change lists.
    @Test func applyIsIdempotent() throws {
        let server = try TestServer()
        let c = try server.connect()
        let truth = try scenario(c)
        _ = try c.call("reconcileDate", ["date": .string(date), "shipments": .array(truth), "apply": true])
        let again = try c.call("reconcileDate", ["date": .string(date), "shipments": .array(truth), "apply": true])
        for list in ["missing", "dateFixed", "quantityFixed", "removed", "createdLots"] {
            #expect(again[list] == [], "\(list)")
        }
        #expect(again["databaseBefore"] == again["databaseAfter"])
        let events = try c.call("orderHistory", ["orderNumber": "QTY"])["events"]?.arrayValue?.count
        _ = try c.call("reconcileDate", ["date": .string(date), "shipments": .array(truth), "apply": true])
        #expect(try c.call("orderHistory", ["orderNumber": "QTY"])["events"]?.arrayValue?.count == events)
    }

    /// Bad shapes are -32602 naming the field, and nothing is written.
    @Test func badShapesAreRefused() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        var bad = shipStation("A", date, [("17612", 1)]).objectValue!
        bad["shipDate"] = "06/10/2025"
        #expect(try c.callError("reconcileDate", ["date": .string(date), "shipments": [shipStation("B", date, [("17612", 1)]), .object(bad)], "apply": true]).field == "/shipments/1/shipDate")
        var badQty = shipStation("A", date, [("17612", 1)]).objectValue!
        badQty["shipmentItems"] = [["sku": "17612", "quantity": "1"]]
        #expect(try c.callError("reconcileDate", ["date": .string(date), "shipments": [.object(badQty)], "apply": true]).field == "/shipments/0/shipmentItems/0/quantity")
        #expect(try c.callError("reconcileDate", ["date": .string(date), "shipments": ["x"]]).field == "/shipments/0")
        #expect(try c.callError("reconcileDate", ["date": "2025-13-01", "shipments": []]).field == "/date")
        #expect(try c.callError("reconcileDate", ["date": .string(date)]).field == "/shipments")
        #expect(try c.call("status")["counts"]?["orders"] == 0)
    }

    /// The sample page in ShipStation's real shape reconciles as its README describes.
    @Test func sharedSamplePage() throws {
        let server = try TestServer()
        let c = try server.connect()
        for sku in ["17612", "18795", "17904", "17914", "18675"] { _ = try c.call("upsertSku", ["skuCode": .string(sku), "productName": "P"]) }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../samples/shipstation-shipments-2025-10-06.json").standardized
        let page = try JSONParser.parse(Array(try Data(contentsOf: url)))
        let result = try c.call("reconcileDate", ["date": "2025-10-06", "shipments": page["shipments"]!, "apply": true])
        #expect(result["voidedIgnored"] == 1 && result["ignoredOtherDates"] == 1)
        #expect(result["manualIntervention"]?.arrayValue?.map { $0["orderNumber"]! } == ["100236"])
        #expect(try c.call("shippedItems", ["orderNumber": "100234"])["items"]?.arrayValue?.map { $0["quantity"]! } == [3])
        #expect(result["databaseAfter"] == ["orders": 4, "units": 13])
    }

    /// 5,000 shipments in one call: applied in one transaction while another client keeps writing.
    @Test func fiveThousandShipments() throws {
        let server = try TestServer(arguments: ["--max-line-bytes", "4194304"])
        let c = try server.connect()
        try seedMasterData(c)
        let shipments: [JSON] = (0..<5000).map { i in
            ["orderNumber": .string("R\(i)"), "shipDate": .string(date), "voided": false,
             "shipmentItems": [["sku": "17612 - 250300", "quantity": .int(i % 3 + 1)], ["sku": "18000", "quantity": 1]]]
        }
        let started = Date()
        let result = try c.call("reconcileDate", ["date": .string(date), "shipments": .array(shipments), "apply": true])
        let elapsed = Date().timeIntervalSince(started)
        #expect(result["missing"]?.arrayValue?.count == 10_000)
        #expect(result["databaseAfter"] == ["orders": 5000, "units": 14_999])  // 1667x1 + 1667x2 + 1666x3 + 5000
        let other = try server.connect()
        #expect(try other.call("recordShipment", shipment("during", day(), [("18000", 1)]))["status"] == "created")
        let again = Date()
        let dry = try c.call("reconcileDate", ["date": .string(date), "shipments": .array(shipments)])
        print("reconcile 5000 shipments: apply \(Int(elapsed * 1000)) ms, dry run of the same \(Int(Date().timeIntervalSince(again) * 1000)) ms (debug build)")
        #expect(dry["missing"] == [])
    }
}
