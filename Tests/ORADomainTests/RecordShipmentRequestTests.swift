import Testing
@testable import ORADomain

@Suite struct RecordShipmentRequestTests {
    static func request(_ items: [(String, Int64)]) -> RecordShipmentRequest {
        RecordShipmentRequest(orderNumber: "1", shipDate: BusinessDate(iso: "2025-10-06")!,
                              items: items.map { RecordShipmentRequest.Item(sku: $0.0, quantity: $0.1) })
    }

    /// Lines naming the same SKU and lot in any spelling add up, keeping the first spelling.
    @Test func linesMerge() throws {
        let r = Self.request([("17612 - 250300", 1), ("17904", 4), ("17612-250300", 2), (" 17904 ", 1), ("17612", 3)])
        #expect(r.lines.map(\.raw) == ["17612 - 250300", "17904", "17612"])
        #expect(r.lines.map(\.quantity) == [3, 5, 3])
        #expect(r.baseSkus == ["17612", "17904"])
        #expect(r.invalidItems.isEmpty)
    }

    /// Unparseable SKU text is kept for the invalid_sku refusal with its index.
    @Test func invalidItemsListed() throws {
        let r = Self.request([("17612", 1), ("17612 - x", 1)])
        #expect(r.invalidItems.count == 1 && r.invalidItems[0].index == 1)
    }
}
