import Testing
import Foundation
import ORAProtocol

@Suite struct OrderHistoryTests {
    /// Create, update, move and a refusal each leave one event, oldest first; an unchanged re-send leaves none.
    @Test func eventsInOrder() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("700", day(-1), [("17612 - 250300", 1)], extra: [("source", "daily_processor")]))
        _ = try c.call("recordShipment", shipment("700", day(-1), [("17612 - 250300", 1)], extra: [("source", "daily_processor")]))
        _ = try c.call("recordShipment", shipment("700", day(-1), [("17612 - 250300", 2)], extra: [("source", "status_sync")]))
        _ = try c.callError("recordShipment", shipment("700", day(), [("12345", 2)]))
        _ = try c.call("recordShipment", shipment("700", day(), [("17612 - 250300", 2), ("18000", 1)], extra: [("source", "manual_sync")]))
        let events = try #require(try c.call("orderHistory", ["orderNumber": "700"])["events"]?.arrayValue)
        #expect(events.map { $0["action"]! } == ["created", "updated", "refused", "moved"])
        #expect(events[0]["source"] == "daily_processor" && events[1]["source"] == "status_sync")
        #expect(events[1]["previousItems"] == [["sku": "17612 - 250300", "quantity": 1]])
        #expect(events[3]["previousShipDate"] == .string(day(-1)) && events[3]["shipDate"] == .string(day()))
        #expect(events[3]["items"]?.arrayValue?.count == 2)
        #expect(try c.call("orderHistory", ["orderNumber": "nope"])["events"] == [])
    }
}
