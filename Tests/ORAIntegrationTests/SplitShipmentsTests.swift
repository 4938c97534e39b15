import Testing
import Foundation
import ORAJSON
import ORAProtocol

/// Orders shipped in several boxes over several days, and labels voided after ORA recorded them:
/// reconcileDate's multi-date rule and removeShipment (PROTOCOL.md).
@Suite struct SplitShipmentsTests {
    let d1 = day(-2), d2 = day(-1)

    /// The slim shape the workflows send.
    func box(_ order: String, _ date: String, _ items: [(String, Int)], voided: Bool = false) -> JSON {
        ["orderNumber": .string(order), "shipDate": .string(date), "voided": .bool(voided),
         "shipmentItems": .array(items.map { ["sku": .string($0.0), "quantity": .int($0.1)] })]
    }

    func units(_ c: RPCClient, _ order: String) throws -> (date: JSON?, units: JSON?) {
        let r = try c.call("shippedItems", ["orderNumber": .string(order)])
        return (r["items"]?.arrayValue?.first?["shipDate"], r["totalUnits"])
    }

    func reconcile(_ c: RPCClient, _ date: String, _ shipments: [JSON], apply: Bool = true) throws -> JSON {
        try c.call("reconcileDate", ["date": .string(date), "shipments": .array(shipments), "apply": .bool(apply)])
    }

    /// A backorder: 2 units on D1, 3 on D2. Reconciling either day, in any order and again, leaves
    /// the order with 5 units on D2, and once it is there nothing changes.
    @Test func twoBoxesOnTwoDaysEndOnTheLatest() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        let boxes = [box("BO", d1, [("17612 - 250300", 2)]), box("BO", d2, [("17612-250300", 3), ("18000", 1)])]

        // The day of the earlier box first: the order is not D1's, it goes to D2 whole.
        let first = try reconcile(c, d1, boxes)
        #expect(first["missing"] == [] && first["ignoredOtherDates"] == 2 && first["shipstation"] == ["orders": 0, "units": 0])
        #expect(try units(c, "BO").units == 0)
        let second = try reconcile(c, d2, boxes)
        #expect(second["shipstation"] == ["orders": 1, "units": 6])
        #expect(second["missing"]?.arrayValue?.count == 2)
        #expect(try units(c, "BO") == (.string(d2), 6))

        // Again, each day, in either order: nothing changes, nothing is moved back.
        for date in [d1, d2, d1] {
            let again = try reconcile(c, date, boxes)
            for list in ["missing", "dateFixed", "quantityFixed", "removed"] { #expect(again[list] == [], "\(date) \(list)") }
        }
        #expect(try units(c, "BO") == (.string(d2), 6))

        // ORA held only the D1 box on D1 (the daily run of D1): reconciling D1 with both boxes
        // moves it whole to D2 with both boxes' units.
        _ = try c.call("recordShipment", shipment("BO2", d1, [("17612 - 250300", 2)]))
        let moved = try reconcile(c, d1, [box("BO2", d1, [("17612 - 250300", 2)]), box("BO2", d2, [("17612 - 250300", 4)])])
        #expect(moved["dateFixed"] == [["orderNumber": "BO2", "from": .string(d1), "to": .string(d2)]])
        #expect(moved["databaseAfter"] == ["orders": 0, "units": 0])
        #expect(try units(c, "BO2") == (.string(d2), 6))
        #expect(try c.call("validate")["checks"]?.arrayValue?.filter { $0["status"] == "error" } == [])
    }

    /// The later box's label is voided after ORA recorded the order on D2: reconciling D2 moves
    /// the order back to D1 with what is left; the first box is kept.
    @Test func voidedSecondBoxKeepsTheFirst() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("V2", d2, [("17612 - 250300", 5)]))
        let report = try reconcile(c, d2, [box("V2", d1, [("17612 - 250300", 2)]), box("V2", d2, [("17612 - 250300", 3)], voided: true)])
        #expect(report["voidedIgnored"] == 1)
        #expect(report["dateFixed"] == [["orderNumber": "V2", "from": .string(d2), "to": .string(d1)]])
        #expect(try units(c, "V2") == (.string(d1), 2))
    }

    /// Every label voided: reconcile removes the order, and its inbox order is uploaded and
    /// allocated again, exactly as removeShipment does.
    @Test func everyLabelVoidedUploadsTheInboxOrderAgain() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("importOrder", ["orderNumber": "IV", "orderDate": .string(d1), "items": [["sku": "17612", "quantity": 4]]])
        _ = try c.call("markUploaded", ["orderNumber": "IV", "shipstationOrderId": 9001])
        _ = try c.call("recordShipment", shipment("IV", d2, [("17612 - 250300", 4)]))
        #expect(try c.call("listOrders", ["orderNumber": "IV"])["orders"]?.arrayValue?.first?["orderStatus"] == "shipped")

        let report = try reconcile(c, d2, [box("IV", d2, [("17612 - 250300", 4)], voided: true)])
        #expect(report["removed"]?.arrayValue?.first?["reason"] == "voided in ShipStation")
        let order = try c.call("listOrders", ["orderNumber": "IV"])["orders"]?.arrayValue?.first
        #expect(order?["orderStatus"] == "uploaded" && order?["shipstationOrderId"] == "9001")
        #expect(order?["items"]?.arrayValue?.first?["lotNumber"] == "250300")
        let sku = try c.call("inboxSummary")["skus"]?.arrayValue?.first { $0["skuCode"] == "17612" }
        #expect(sku?["allocatedUnits"] == 4 && sku?["uploadedUnits"] == 4)
        #expect(try c.call("validate")["checks"]?.arrayValue?.filter { $0["status"] == "error" } == [])
    }

    @Test func removeShipment() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("importOrder", ["orderNumber": "R1", "orderDate": .string(d1), "items": [["sku": "17612", "quantity": 3], ["sku": "18000", "quantity": 1]]])
        _ = try c.call("markUploaded", ["orderNumber": "R1", "shipstationOrderId": "77"])
        _ = try c.call("recordShipment", shipment("R1", d2, [("17612 - 250300", 3), ("18000", 1)]))
        func available() throws -> JSON? { try c.call("inboxSummary")["skus"]?.arrayValue?.first { $0["skuCode"] == "17612" }?["available"] }
        let availableBefore = try available()

        let removed = try c.call("removeShipment", ["orderNumber": "R1", "source": "daily_processor", "reason": "every label voided"])
        #expect(removed == ["orderNumber": "R1", "status": "removed", "shipDate": .string(d2), "removedUnits": 4, "orderStatus": "uploaded"])
        #expect(try units(c, "R1").units == 0)
        let order = try c.call("listOrders", ["orderNumber": "R1"])["orders"]?.arrayValue?.first
        #expect(order?["orderStatus"] == "uploaded")
        #expect(order?["items"]?.arrayValue?.map { $0["sku"]! } == ["17612 - 250300", "18000"])
        // The lot got its 3 units back from the shipment and promised them to the order again.
        #expect(try c.call("lotInventory", ["skuCode": "17612"])["skus"]?.arrayValue?.first?["remaining"] == 1000)
        #expect(try available() == availableBefore && availableBefore == 997)
        let history = try c.call("orderHistory", ["orderNumber": "R1"])["events"]?.arrayValue ?? []
        let removal = history.first { $0["action"] == "removed" }
        #expect(removal?["source"] == "daily_processor" && removal?["reason"] == "every label voided")
        #expect(removal?["previousItems"]?.arrayValue?.count == 2)
        #expect(history.last?["action"] == "allocated")

        // Again: unchanged, nothing written.
        let events = history.count
        #expect(try c.call("removeShipment", ["orderNumber": "R1"]) == ["orderNumber": "R1", "status": "unchanged", "shipDate": nil, "removedUnits": 0, "orderStatus": "uploaded"])
        #expect(try c.call("orderHistory", ["orderNumber": "R1"])["events"]?.arrayValue?.count == events)
        // An order nobody knows: unchanged, no inbox order.
        #expect(try c.call("removeShipment", ["orderNumber": "NOPE"])["orderStatus"] == .null)
        // Recorded again later (a new label): shipped again.
        _ = try c.call("recordShipment", shipment("R1", d2, [("17612 - 250300", 3), ("18000", 1)]))
        #expect(try c.call("listOrders", ["orderNumber": "R1"])["orders"]?.arrayValue?.first?["orderStatus"] == "shipped")
        #expect(try c.call("validate")["checks"]?.arrayValue?.filter { $0["status"] == "error" } == [])
    }

    /// An external order is only a person's to remove; bad params name the field; nothing is written.
    @Test func removeShipmentRefusals() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("X1", d2, [("17904", 2)], extra: [("external", true)]))
        let refused = try c.callError("removeShipment", ["orderNumber": "X1"])
        #expect(refused.code == -32022 && refused["data"]?["status"] == "external")
        #expect(try units(c, "X1").units == 2)
        #expect(try c.callError("removeShipment", [:])["data"]?["field"] == "/orderNumber")
        #expect(try c.callError("removeShipment", ["orderNumber": ""])["data"]?["field"] == "/orderNumber")
        #expect(try c.callError("removeShipment", ["orderNumber": "X1", "reason": 5])["data"]?["field"] == "/reason")
        #expect(try c.callError("removeShipment", ["orderNumber": "X1", "force": true])["data"]?["field"] == "/force")
        #expect(try units(c, "X1").units == 2)

        // ora-client remove-shipment ORDER [--reason R]
        let client = productsDirectory.appendingPathComponent("ora-client").path
        let connect = ["--connect", "127.0.0.1:\(server.port)"]
        let (refusedStatus, _, refusedErr) = try runCommand(client, ["remove-shipment", "X1"] + connect)
        #expect(refusedStatus == 1 && refusedErr.contains("invalid_transition"))
        _ = try c.call("recordShipment", shipment("C1", d2, [("17904", 2)]))
        let (status, out, _) = try runCommand(client, ["remove-shipment", "C1", "--reason", "label voided"] + connect)
        #expect(status == 0 && out.contains("removed 2 units shipped \(d2)"), "\(out)")
        let (jsonStatus, json, _) = try runCommand(client, ["remove-shipment", "C1", "--json"] + connect)
        #expect(jsonStatus == 0 && json.contains("\"unchanged\""))
        #expect(try c.call("orderHistory", ["orderNumber": "C1"])["events"]?.arrayValue?.last?["reason"] == "label voided")
    }

    /// The lots can no longer cover a removed order (sold to another meanwhile): it stays
    /// uploaded without an allocation, and validate's stuck_uploaded names it.
    @Test func removedOrderTheLotsCannotCoverIsStuck() throws {
        let server = try TestServer()
        let c = try server.connect()
        _ = try c.call("upsertSku", ["skuCode": "30000", "productName": "Scarce"])
        _ = try c.call("upsertLot", ["skuCode": "30000", "lotNumber": "1", "receivedDate": "2025-01-01", "initialQty": 5])
        _ = try c.call("importOrder", ["orderNumber": "S1", "orderDate": .string(d1), "items": [["sku": "30000", "quantity": 5]]])
        _ = try c.call("markUploaded", ["orderNumber": "S1", "shipstationOrderId": "1"])
        _ = try c.call("recordShipment", shipment("S1", d1, [("30000 - 1", 5)]))
        _ = try c.call("recordShipment", shipment("OTHER", d2, [("30000 - 1", 3)]))  // hand-made order takes 3 of the lot
        let removed = try c.call("removeShipment", ["orderNumber": "S1"])
        #expect(removed["status"] == "removed" && removed["orderStatus"] == "uploaded")
        let sku = try c.call("inboxSummary")["skus"]?.arrayValue?.first { $0["skuCode"] == "30000" }
        #expect(sku?["allocatedUnits"] == 0 && sku?["uploadedUnits"] == 5)
        let stuck = try c.call("validate")["checks"]?.arrayValue?.first { $0["name"] == "stuck_uploaded" }
        #expect(stuck?["status"] == "warning" && stuck?["samples"]?.arrayValue?.first == "S1 (uploaded, not allocated)")
    }
}
