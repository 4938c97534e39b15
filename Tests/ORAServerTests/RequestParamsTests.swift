// Reading params into the domain's requests: every bad field is refused with its JSON pointer.

import Testing
@testable import ORAServer
import ORADomain
import ORAJSON
import ORAProtocol

@Suite struct RequestParamsTests {
    func field(_ params: JSON) -> String? {
        do { _ = try RecordShipmentRequest(params: params); return nil } catch { return error.data["field"]?.stringValue }
    }

    static let item: JSON = ["sku": "17612", "quantity": 1]

    /// Each bad field of recordShipment is refused with its JSON pointer.
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

}
