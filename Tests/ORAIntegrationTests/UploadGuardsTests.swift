import Testing
import Foundation
import ORAJSON
import ORAProtocol

/// markUploaded's `items` (-32024 order_changed) and importOrder of an order number ORA is done
/// with (INBOUND.md): what keeps the upload command and ShipStation from diverging.
@Suite struct UploadGuardsTests {
    func order(_ number: String, _ items: [(String, Int)], date: String = "2025-10-06") -> JSON {
        ["orderNumber": .string(number), "orderDate": .string(date),
         "items": .array(items.map { ["sku": .string($0.0), "quantity": .int($0.1)] })]
    }

    func status(_ c: RPCClient, _ number: String) throws -> JSON? {
        try c.call("listOrders", ["orderNumber": .string(number)])["orders"]?.arrayValue?.first?["orderStatus"]
    }

    @Test func markUploadedComparesTheLinesSent() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("importOrder", order("M1", [("17612", 2), ("18000", 1)]))
        let sent = try c.call("allocateOrder", ["orderNumber": "M1"])["items"]!
        #expect(sent == [["sku": "17612 - 250300", "skuCode": "17612", "lotNumber": "250300", "quantity": 2],
                         ["sku": "18000", "skuCode": "18000", "lotNumber": nil, "quantity": 1]])
        let lines: JSON = .array(sent.arrayValue!.map { ["sku": $0["sku"]!, "quantity": $0["quantity"]!] })

        // Re-imported while the POST was in flight: the lines sent are not the order's any more.
        _ = try c.call("importOrder", order("M1", [("17612", 9)]))
        let changed = try c.callError("markUploaded", ["orderNumber": "M1", "shipstationOrderId": 5, "items": lines])
        #expect(changed.code == -32024 && changed["data"]?["reason"] == "order_changed")
        #expect(changed["data"]?["items"] == [["sku": "17612 - 250300", "quantity": 9]])
        #expect(try status(c, "M1") == "pending")
        // Nothing was written, not even the allocation markUploaded made before comparing.
        #expect(try c.call("inboxSummary")["skus"]?.arrayValue?.first { $0["skuCode"] == "17612" }?["allocatedUnits"] == 0)
        #expect(try c.call("orderHistory", ["orderNumber": "M1"])["events"]?.arrayValue?.last?["action"] == "updated")

        // The current lines, in any order and spelling, are accepted.
        let ok = try c.call("markUploaded", ["orderNumber": "M1", "shipstationOrderId": 5, "items": [["sku": "17612-250300", "quantity": 9]]])
        #expect(ok == ["orderNumber": "M1", "orderStatus": "uploaded"])
        // Again with the same id and lines: harmless; with other lines: refused.
        #expect(try c.call("markUploaded", ["orderNumber": "M1", "shipstationOrderId": "5", "items": [["sku": "17612 - 250300", "quantity": 9]]])["orderStatus"] == "uploaded")
        #expect(try c.callError("markUploaded", ["orderNumber": "M1", "shipstationOrderId": "5", "items": [["sku": "17612 - 250300", "quantity": 8]]]).code == -32024)
        // Without items: as before.
        #expect(try c.call("markUploaded", ["orderNumber": "M1", "shipstationOrderId": "5"])["orderStatus"] == "uploaded")

        // A line split over two lots is sent as two lines.
        _ = try c.call("upsertLot", ["skuCode": "17904", "lotNumber": "1", "receivedDate": "2025-01-01", "initialQty": 1])
        _ = try c.call("upsertLot", ["skuCode": "17904", "lotNumber": "2", "receivedDate": "2025-02-01", "initialQty": 5])
        _ = try c.call("importOrder", order("M2", [("17904", 3)]))
        #expect(try c.callError("markUploaded", ["orderNumber": "M2", "shipstationOrderId": 6, "items": [["sku": "17904", "quantity": 3]]]).code == -32024)
        #expect(try c.call("markUploaded", ["orderNumber": "M2", "shipstationOrderId": 6,
                                            "items": [["sku": "17904 - 2", "quantity": 2], ["sku": "17904 - 1", "quantity": 1]]])["orderStatus"] == "uploaded")
    }

    @Test func markUploadedItemsMustBeWellFormed() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("importOrder", order("B1", [("18000", 1)]))
        for (items, field) in [(JSON("x"), "/items"), ([["sku": "not a sku", "quantity": 1]], "/items/0/sku"),
                               ([["sku": "18000", "quantity": 0]], "/items/0/quantity"), ([["sku": "18000"]], "/items/0/quantity"),
                               ([["sku": "18000", "quantity": 1, "lot": "2"]], "/items/0/lot")] as [(JSON, String)] {
            #expect(try c.callError("markUploaded", ["orderNumber": "B1", "shipstationOrderId": 1, "items": items])["data"]?["field"] == .string(field))
        }
        #expect(try status(c, "B1") == "pending")
    }

    /// An order number ORA is done with never comes back: purged, or shipped without an inbox order.
    @Test func importOrderOfADoneOrderWritesNothing() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("importOrder", order("P1", [("18000", 2)], date: "2025-01-02"))
        _ = try c.call("recordShipment", shipment("P1", day(), [("18000", 2)]))
        _ = try c.call("importOrder", order("P2", [("18000", 1)], date: "2025-01-02"))
        _ = try c.call("cancelOrder", ["orderNumber": "P2"])
        #expect(try c.call("purgeOrders", ["before": "2025-02-01", "apply": true])["count"] == 2)

        for number in ["P1", "P2"] {
            let again = try c.call("importOrder", order(number, [("18000", 5), ("55555", 1)]))  // any content, even an unknown SKU
            #expect(again == ["orderNumber": .string(number), "status": "unchanged", "orderStatus": "purged", "items": [], "bundles": []])
            #expect(try c.call("listOrders", ["orderNumber": .string(number)])["orders"] == [])
        }
        // Recorded from ShipStation, never imported: shipped.
        _ = try c.call("recordShipment", shipment("SS1", day(), [("17904", 1)]))
        #expect(try c.call("importOrder", order("SS1", [("17904", 1)]))["orderStatus"] == "shipped")
        #expect(try c.call("inboxSummary")["orders"] == ["pending": 0, "uploaded": 0, "shipped": 0, "cancelled": 0])
        // Nothing was quarantined for the unknown SKU of a done order, and the histories gained nothing.
        #expect(try c.call("validate")["checks"]?.arrayValue?.first { $0["name"] == "quarantine" }?["count"] == 0)
        #expect(try c.call("orderHistory", ["orderNumber": "P2"])["events"]?.arrayValue?.last?["action"] == "purged")
    }
}
