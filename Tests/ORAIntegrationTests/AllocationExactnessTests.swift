// Allocation and accounting exactly as INBOUND.md and PROTOCOL.md say, on the six differences a
// differential test against an independent implementation found (issue 33).

import Foundation
import ORAJSON
import Testing

@Suite struct AllocationExactnessTests {
    func order(_ c: RPCClient, _ number: String, _ items: [(String, Int, Int?)]) throws -> JSON {
        try c.call("importOrder", .object(JSONObject([
            ("orderNumber", .string(number)), ("orderDate", .string(day(-1))),
            ("items", .array(items.map { sku, quantity, price in
                var o = JSONObject([("sku", .string(sku)), ("quantity", .int(quantity))])
                if let price { o["unitPriceCents"] = .int(price) }
                return .object(o)
            })),
        ])))
    }

    func lines(_ allocation: JSON) -> [String] {
        allocation["items"]?.arrayValue?.map { "\($0["sku"]!.stringValue!)=\($0["quantity"]!.int64Value!)" } ?? []
    }

    /// (1) A named line keeps its lot even when a plain line of the same SKU comes first: the plain
    /// line takes the other lots, and the order is allocated (it was refused -32021 with 25 available).
    @Test func aNamedLineKeepsItsLotWhateverItsPosition() throws {
        let server = try TestServer()
        let c = try server.connect()
        _ = try c.call("upsertSku", ["skuCode": "1003", "productName": "Thing"])
        _ = try c.call("upsertLot", ["skuCode": "1003", "lotNumber": "2505", "receivedDate": "2025-01-01", "initialQty": 5])
        _ = try c.call("upsertLot", ["skuCode": "1003", "lotNumber": "2501", "receivedDate": "2025-02-01", "initialQty": 20])
        _ = try order(c, "P1", [("1003", 5, nil), ("1003 - 2505", 1, nil)])
        #expect(lines(try c.call("allocateOrder", ["orderNumber": "P1"])) == ["1003 - 2505=4", "1003 - 2501=1", "1003 - 2505=1"])
        // markUploaded allocates the same way.
        _ = try order(c, "P2", [("1003", 2, nil), ("1003 - 2501", 1, nil)])
        #expect(try c.call("markUploaded", ["orderNumber": "P2", "shipstationOrderId": "77"])["orderStatus"] == "uploaded")
        let summary = try c.call("inboxSummary")["skus"]?.arrayValue?.first { $0["skuCode"] == "1003" }
        #expect(summary?["allocatedUnits"] == 9 && summary?["onHand"] == 25 && summary?["available"] == 16, "\(String(describing: summary))")
    }

    /// (2) A short SKU reports everything its lots have available, also the lots the allocator did
    /// not need to read before it knew it was short (it said 55 where 60 were available).
    @Test func shortCountsEveryLot() throws {
        let server = try TestServer()
        let c = try server.connect()
        _ = try c.call("upsertSku", ["skuCode": "1004", "productName": "Thing"])
        _ = try c.call("upsertLot", ["skuCode": "1004", "lotNumber": "11", "receivedDate": "2025-01-01", "initialQty": 50])
        _ = try c.call("upsertLot", ["skuCode": "1004", "lotNumber": "12", "receivedDate": "2025-02-01", "initialQty": 5])
        _ = try c.call("upsertLot", ["skuCode": "1004", "lotNumber": "13", "receivedDate": "2025-03-01", "initialQty": 5])
        _ = try order(c, "S1", [("1004 - 12", 10, nil), ("1004", 40, nil)])
        let refusal = try c.callError("allocateOrder", ["orderNumber": "S1"])
        #expect(refusal.code == -32021)
        #expect(refusal["data"]?["short"] == [["skuCode": "1004", "wanted": 50, "available": 60]])
        #expect(try c.call("inboxSummary")["skus"]?.arrayValue?.first { $0["skuCode"] == "1004" }?["allocatedUnits"] == 0)
    }

    /// (3) upsertSku creating a SKU without reorderPoint gives it 50 (the seed schema's default);
    /// an update without it keeps what is there.
    @Test func aNewSkuReordersAtFifty() throws {
        let server = try TestServer()
        let c = try server.connect()
        _ = try c.call("upsertSku", ["skuCode": "2001", "productName": "New"])
        _ = try c.call("upsertSku", ["skuCode": "2002", "productName": "Set", "reorderPoint": 7])
        _ = try c.call("upsertSku", ["skuCode": "2002", "productName": "Set again"])
        let points = try c.call("listSkus")["skus"]?.arrayValue?.map { "\($0["skuCode"]!.stringValue!)=\($0["reorderPoint"]!.int64Value!)" }
        #expect(points == ["2001=50", "2002=7"])
    }

    /// (4) Merged import lines keep the first line's text and price, null when the first is a
    /// bundle's component (the later line's price used to win).
    @Test func mergedLinesKeepTheFirstTextAndPrice() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("upsertBundle", ["bundleSku": "GIFT", "components": [["skuCode": "17612", "quantity": 1]]])
        let first = try order(c, "M1", [("GIFT", 2, 1500), ("17612", 3, 999)])
        #expect(first["items"] == [["skuCode": "17612", "lotNumber": nil, "quantity": 5, "unitPriceCents": nil, "bundleSku": "GIFT"]])
        let second = try order(c, "M2", [(" 17904 ", 1, 100), ("17904", 2, 200), ("17904", 1, nil)])
        #expect(second["items"] == [["skuCode": "17904", "lotNumber": nil, "quantity": 4, "unitPriceCents": 100, "bundleSku": nil]])
    }

    /// (5) reconcileDate's manualIntervention: `reason` is the stable word, `message` the words for people.
    @Test func manualInterventionReasonIsAStableWord() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        let shipments: JSON = [
            ["orderNumber": "U1", "shipDate": .string(day()), "voided": false, "shipmentItems": [["sku": "1999", "quantity": 1]]],
            ["orderNumber": "B1", "shipDate": .string(day()), "voided": false, "shipmentItems": [["sku": "17612 -- 3", "quantity": 1]]],
        ]
        let result = try c.call("reconcileDate", ["date": .string(day()), "shipments": shipments])
        let manual = result["manualIntervention"]?.arrayValue ?? []
        #expect(manual.map { "\($0["orderNumber"]!.stringValue!):\($0["reason"]!.stringValue!)" } == ["U1:unknown_sku", "B1:invalid_sku"])
        #expect(manual[0]["message"]?.stringValue?.contains("1999 is not in skus") == true)
        #expect((manual[1]["message"]?.stringValue ?? "").isEmpty == false)
    }

    /// (6) A lot of unknown quantity (created on the fly, never received) is never allocated from,
    /// even when a line names it and a ledger entry added units; its units are not `available`.
    @Test func aLotOfUnknownQuantityIsNotAllocated() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("FLY", day(), [("18000 - 77", 1)]))  // creates lot 77, quantity unknown
        _ = try c.call("adjustInventory", ["skuCode": "18000", "lotNumber": "77", "quantity": 10, "reason": "return"])
        let lot = try c.call("lotInventory", ["skuCode": "18000"])["skus"]?.arrayValue?.first?["lots"]?.arrayValue?.first
        #expect(lot?["remaining"] == .null)
        _ = try order(c, "N1", [("18000 - 77", 1, nil)])
        let refusal = try c.callError("allocateOrder", ["orderNumber": "N1"])
        #expect(refusal.code == -32021)
        #expect(refusal["data"]?["short"] == [["skuCode": "18000", "wanted": 1, "available": 0]])
        // Received with upsertLot, it is allocated.
        _ = try c.call("upsertLot", ["skuCode": "18000", "lotNumber": "77", "initialQty": 5])
        #expect(lines(try c.call("allocateOrder", ["orderNumber": "N1"])) == ["18000 - 77=1"])
    }
}
