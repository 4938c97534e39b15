import Testing
import Foundation
import ORAJSON
import ORAProtocol

@Suite struct ShippedItemsTests {
    /// Newest date first then SKU code; totals cover the whole filter; cursors page through without gaps or repeats.
    @Test func orderingFiltersAndPaging() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        for i in 0..<25 {
            _ = try c.call("recordShipment", shipment("S\(i)", day(-(i % 3)), [("18000", 1), ("17612 - 250300", 2)]))
        }
        var seen: [JSON] = []
        var cursor: JSON = nil
        repeat {
            var params = JSONObject([("from", .string(day(-2))), ("to", .string(day())), ("limit", 7)])
            if cursor != .null { params["cursor"] = cursor }
            let page = try c.call("shippedItems", .object(params))
            #expect(page["totalLines"] == 50 && page["totalUnits"] == 75)
            seen += page["items"]?.arrayValue ?? []
            cursor = page["nextCursor"] ?? nil
        } while cursor != .null
        #expect(seen.count == 50)
        #expect(Set(seen.compactMap { $0["id"]?.int64Value }).count == 50)
        let keys: [String] = seen.map { item in
            let date = item["shipDate"]?.stringValue ?? ""
            return String(99_999_999 - (Int(date.replacingOccurrences(of: "-", with: "")) ?? 0)) + "|" + (item["baseSku"]?.stringValue ?? "")
        }
        #expect(keys == keys.sorted())

        let one = try c.call("shippedItems", ["date": .string(day()), "skuCode": "18000"])
        #expect(one["totalLines"] == 9 && one["items"]?.arrayValue?.allSatisfy { $0["lotNumber"] == .null } == true)
        #expect(try c.call("shippedItems", ["orderNumber": "S4"])["totalUnits"] == 3)
    }

    /// Ranges over 366 days, inverted ranges, half ranges and forged cursors are refused.
    @Test func badQueries() throws {
        let server = try TestServer()
        let c = try server.connect()
        #expect(try c.callError("shippedItems", ["from": "2024-01-01", "to": "2025-01-01"]).field == "/to")
        #expect(try c.callError("shippedItems", ["from": "2025-01-02", "to": "2025-01-01"]).field == "/to")
        #expect(try c.callError("shippedItems", ["from": "2025-01-02"]).field == "/to")
        #expect(try c.callError("shippedItems", [:]).field == "/date")
        #expect(try c.callError("shippedItems", ["date": "2025-01-01", "cursor": "bm9wZQ=="]).field == "/cursor")
        #expect(try c.callError("shippedItems", ["date": "2025-01-01", "limit": 10_001]).field == "/limit")
        #expect(try c.call("shippedItems", ["from": "2024-01-01", "to": "2024-12-31"])["totalLines"] == 0)
    }
}
