// recordShipment's params, read into the domain's request: every field's shape is checked here;
// SKU text is parsed but an unparseable one is not refused here (the store refuses it with
// invalid_sku and quarantines the request).

import ORAJSON
import ORAProtocol
import ORADomain

extension RecordShipmentRequest {
    public static let parameterNames: [String] = ["orderNumber", "shipDate", "items", "backfill", "source", "external"]

    public init(params: JSON?) throws(RPCError) {
        let p = try Params(params, allowed: Self.parameterNames)
        let orderNumber = try p.recordedOrderNumber()
        let shipDate = try p.requiredDate("shipDate")
        let rawItems = try p.requiredArray("items", atMost: Self.maxItems)
        var items: [Item] = []
        items.reserveCapacity(rawItems.count)
        for (i, raw) in rawItems.enumerated() {
            let item = try Params(nested: raw, path: "/items/\(i)", allowed: ["sku", "quantity"])
            items.append(Item(sku: try item.requiredString("sku", maxLength: 200),
                              quantity: try item.requiredInt("quantity", in: 1...Self.maxQuantity)))
        }
        self.init(orderNumber: orderNumber, shipDate: shipDate, items: items, backfill: try p.bool("backfill") ?? false,
                  source: try p.string("source", maxLength: 100), external: try p.bool("external") ?? false)
    }
}
