import Testing
@testable import ORADomain
import ORAProtocol

@Suite struct RecordShipmentRequestTests {
    func field(_ params: JSON) -> String? {
        do { _ = try RecordShipmentRequest(params: params); return nil } catch { return error.data["field"]?.stringValue }
    }

    static let item: JSON = ["sku": "17612", "quantity": 1]

    /// Each bad field is refused with its JSON pointer.
    @Test func badFieldsAreNamed() {
        #expect(field(["shipDate": "2025-10-06", "items": [Self.item]]) == "/orderNumber")
        #expect(field(["orderNumber": "", "shipDate": "2025-10-06", "items": [Self.item]]) == "/orderNumber")
        #expect(field(["orderNumber": .string(String(repeating: "9", count: 101)), "shipDate": "2025-10-06", "items": [Self.item]]) == "/orderNumber")
        #expect(field(["orderNumber": "1", "shipDate": "2025-02-30", "items": [Self.item]]) == "/shipDate")
        #expect(field(["orderNumber": "1", "shipDate": "10/06/2025", "items": [Self.item]]) == "/shipDate")
        #expect(field(["orderNumber": "1", "shipDate": "2025-10-06", "items": []]) == "/items")
        #expect(field(["orderNumber": "1", "shipDate": "2025-10-06"]) == "/items")
        for q: JSON in [.number(JSONNumber(text: "1.5")), "2", 0, -1, .number(JSONNumber(text: "1e30")), 1_000_001, nil] {
            #expect(field(["orderNumber": "1", "shipDate": "2025-10-06", "items": [Self.item, ["sku": "1", "quantity": q]]]) == "/items/1/quantity")
        }
        #expect(field(["orderNumber": "1", "shipDate": "2025-10-06", "items": [["sku": 17612, "quantity": 1]]]) == "/items/0/sku")
        #expect(field(["orderNumber": "1", "shipDate": "2025-10-06", "items": [Self.item], "extenal": true]) == "/extenal")
        #expect(field(["orderNumber": "1", "shipDate": "2025-10-06", "items": [Self.item], "external": "yes"]) == "/external")
        #expect(field(["orderNumber": "1", "shipDate": "2025-10-06", "items": [Self.item]]) == nil)
    }

    /// Lines naming the same SKU and lot in any spelling add up, keeping the first spelling.
    @Test func linesMerge() throws {
        let r = try RecordShipmentRequest(params: ["orderNumber": "1", "shipDate": "2025-10-06", "items": [
            ["sku": "17612 - 250300", "quantity": 1], ["sku": "17904", "quantity": 4],
            ["sku": "17612-250300", "quantity": 2], ["sku": " 17904 ", "quantity": 1], ["sku": "17612", "quantity": 3],
        ]])
        #expect(r.lines.map(\.raw) == ["17612 - 250300", "17904", "17612"])
        #expect(r.lines.map(\.quantity) == [3, 5, 3])
        #expect(r.baseSkus == ["17612", "17904"])
        #expect(r.invalidItems.isEmpty)
    }

    /// Unparseable SKU text is kept for the -32002 refusal with its index.
    @Test func invalidItemsListed() throws {
        let r = try RecordShipmentRequest(params: ["orderNumber": "1", "shipDate": "2025-10-06", "items": [Self.item, ["sku": "17612 - x", "quantity": 1]]])
        #expect(r.invalidItems.count == 1 && r.invalidItems[0]["index"] == 1)
    }
}
