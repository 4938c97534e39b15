import Testing
import Foundation
import ORAJSON
import ORAProtocol

@Suite struct RecordShipmentTests {
    /// A new order is created with merged lines and lots created on the fly; the same request again is unchanged.
    @Test func createMergeAndIdempotence() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        let params = shipment("100231", day(), [("17612 - 250300", 1), ("17904-1", 2), ("17612-250300", 2), ("18000", 1)],
                              extra: [("source", "daily_processor")])
        let first = try c.call("recordShipment", params)
        #expect(first["status"] == "created" && first["previousShipDate"] == .null)
        let items = try #require(first["items"]?.arrayValue)
        #expect(items.map { $0["sku"]! } == ["17612 - 250300", "17904-1", "18000"])
        #expect(items.map { $0["quantity"]! } == [3, 2, 1])
        #expect(items[2]["lotNumber"] == .null && items[2]["lotId"] == .null)
        #expect(first["createdLots"]?.arrayValue?.map { $0["lotNumber"]! } == ["1"])
        let again = try c.call("recordShipment", params)
        #expect(again["status"] == "unchanged" && again["createdLots"] == [])
        #expect(try c.call("shippedItems", ["orderNumber": "100231"])["totalUnits"] == 6)
    }

    /// The request is the order's whole content: fewer lines replace, new quantities set, nothing doubles.
    @Test func wholeOrderReplace() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("200", day(), [("17612 - 250300", 5), ("17904", 1)]))
        let updated = try c.call("recordShipment", shipment("200", day(), [("17612 - 250300", 4)]))
        #expect(updated["status"] == "updated" && updated["previousShipDate"] == .null)
        let listed = try c.call("shippedItems", ["orderNumber": "200"])
        #expect(listed["totalLines"] == 1 && listed["totalUnits"] == 4)
    }

    /// A known order sent with a new date moves whole: no line stays behind on the old date.
    @Test func wholeOrderMove() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("300", day(-1), [("17612 - 250300", 2), ("17904", 1)]))
        let moved = try c.call("recordShipment", shipment("300", day(), [("17612 - 250300", 2), ("17904", 1)]))
        #expect(moved["status"] == "updated" && moved["previousShipDate"] == .string(day(-1)))
        #expect(try c.call("shippedItems", ["date": .string(day(-1))])["totalLines"] == 0)
        #expect(try c.call("shippedItems", ["date": .string(day())])["totalUnits"] == 3)
        #expect(try c.call("validate")["ok"] == true)
    }

    /// Stale dates need backfill; later than tomorrow is refused; tomorrow is fine.
    @Test func dateGuard() throws {
        let server = try TestServer(arguments: ["--freshness-days", "30"])
        let c = try server.connect()
        try seedMasterData(c)
        let stale = try c.callError("recordShipment", shipment("400", day(-31), [("17612", 1)]))
        #expect(stale.code == -32003 && stale["data"]?["cutoff"] == .string(day(-30)))
        #expect(try c.call("recordShipment", shipment("400", day(-31), [("17612", 1)], extra: [("backfill", true)]))["status"] == "created")
        #expect(try c.callError("recordShipment", shipment("401", day(2), [("17612", 1)], extra: [("backfill", true)])).code == -32004)
        #expect(try c.call("recordShipment", shipment("402", day(1), [("17612", 1)]))["status"] == "created")
        #expect(try c.call("recordShipment", shipment("403", day(-30), [("17612", 1)]))["status"] == "created")
    }

    /// Every malformed field is -32602 naming it, and nothing is written.
    @Test func badParamsNameTheField() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        let cases: [(JSON, String)] = [
            (shipment("1", day(), [("17612", 1)]).replacing("items", with: [["sku": "17612", "quantity": .number(JSONNumber(text: "1.5"))]]), "/items/0/quantity"),
            (shipment("1", day(), [("17612", 1), ("17904", 0)]), "/items/1/quantity"),
            (shipment("1", day(), [("17612", -1)]), "/items/0/quantity"),
            (shipment("1", day(), [("17612", 1)]).replacing("items", with: [["sku": "17612", "quantity": "2"]]), "/items/0/quantity"),
            (shipment("1", day(), [("17612", 1)]).replacing("items", with: [["sku": "17612", "quantity": .number(JSONNumber(text: "1e30"))]]), "/items/0/quantity"),
            (shipment("", day(), [("17612", 1)]), "/orderNumber"),
            (shipment("1", day(), [("17612", 1)]).replacing("orderNumber", with: nil), "/orderNumber"),
            (shipment("1", "2025-02-30", [("17612", 1)]), "/shipDate"),
            (shipment("1", "2025-2-3", [("17612", 1)]), "/shipDate"),
            (shipment("1", day(), []), "/items"),
        ]
        for (params, field) in cases {
            let error = try c.callError("recordShipment", params)
            #expect(error.code == -32602 && error.field == field, "\(JSONWriter.string(params))")
        }
        #expect(try c.call("status")["counts"]?["orders"] == 0)
        #expect(try c.call("validate")["checks"]?.arrayValue?.first { $0["name"] == "quarantine" }?["count"] == 0)
    }

    /// Unparseable and unknown SKUs are refused, write nothing, and are kept in the quarantine.
    @Test func refusalsAreQuarantined() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        let invalid = try c.callError("recordShipment", shipment("500", day(), [("17612", 1), ("17612 - 25O300", 1)], extra: [("source", "status_sync")]))
        #expect(invalid.code == -32002 && invalid["data"]?["items"]?.arrayValue?.first?["index"] == 1)
        let unknown = try c.callError("recordShipment", shipment("501", day(), [("17612", 1), ("99999 - 1", 1), ("88888", 2)]))
        #expect(unknown.code == -32001 && unknown["data"]?["skus"] == ["99999", "88888"])
        #expect(try c.call("status")["counts"] == ["skus": 3, "lots": 1, "orders": 0, "items": 0])
        let quarantine = try #require(try c.call("validate")["checks"]?.arrayValue?.first { $0["name"] == "quarantine" })
        #expect(quarantine["status"] == "warning" && quarantine["count"] == 2)
        let history = try #require(try c.call("orderHistory", ["orderNumber": "500"])["events"]?.arrayValue)
        #expect(history.count == 1 && history[0]["action"] == "refused" && history[0]["reason"] == "invalid_sku" && history[0]["source"] == "status_sync")
        #expect(history[0]["items"]?.arrayValue?.count == 2)
        let stored = try sqlite(server.databasePath, "SELECT count(*) FROM quarantine WHERE request LIKE '%99999 - 1%'")
        #expect(stored == "1")
    }

    /// One failing request in a group commit never takes the others down with it.
    @Test func badRequestDoesNotSpoilItsGroup() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        var lines = ""
        for i in 0..<50 {
            let sku = i % 5 == 0 ? "77777" : "17612 - 250300"
            lines += recordLine(id: .int(i), shipment("G\(i)", day(), [(sku, 1)]))
        }
        try c.send(raw: lines)
        var ok = 0, refused = 0
        for _ in 0..<50 {
            let r = try c.readJSON()
            if r["result"] != nil { ok += 1 } else if r["error"]?.code == -32001 { refused += 1 }
        }
        #expect(ok == 40 && refused == 10)
        #expect(try c.call("status")["counts"]?["orders"] == 40)
    }
}

extension JSON {
    func replacing(_ key: String, with value: JSON?) -> JSON {
        guard var o = objectValue else { return self }
        o[key] = value
        return .object(o)
    }
}
