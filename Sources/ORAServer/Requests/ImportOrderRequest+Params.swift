// importOrder's params, read into the domain's request (INBOUND.md, "The orders inbox").

import ORAJSON
import ORAProtocol
import ORADomain

extension ImportOrderRequest {
    public static let parameterNames: [String] = ["orderNumber", "orderDate", "items", "source"]

    public init(params: JSON?) throws(RPCError) {
        let p = try Params(params, allowed: Self.parameterNames)
        let orderNumber = try p.recordedOrderNumber()
        let orderDate = try p.requiredDate("orderDate")
        let rawItems = try p.requiredArray("items", atMost: RecordShipmentRequest.maxItems)
        var items: [Item] = []
        for (i, raw) in rawItems.enumerated() {
            let item = try Params(nested: raw, path: "/items/\(i)", allowed: ["sku", "quantity", "unitPriceCents"])
            items.append(Item(sku: try item.requiredString("sku", maxLength: 200),
                              quantity: try item.requiredInt("quantity", in: 1...RecordShipmentRequest.maxQuantity),
                              unitPriceCents: try item.int("unitPriceCents", in: 0...1_000_000_000_000)))
        }
        self.init(orderNumber: orderNumber, orderDate: orderDate, items: items, source: try p.string("source", maxLength: 100))
    }
}
