// ShipStation's shipment object (v1 `GET /shipments?includeShipmentItems=true`), reduced to what
// reconciliation reads. Every other member is ignored, whatever it holds.

import ORAProtocol

public struct ShipStationShipment: Sendable {
    public struct Item: Sendable {
        public let sku: String
        public let parsed: ParsedSku
        public let quantity: Int64
    }

    public let orderNumber: String
    public let shipDate: BusinessDate
    public let voided: Bool
    public let items: [Item]

    public init(orderNumber: String, shipDate: BusinessDate, voided: Bool, items: [Item]) {
        self.orderNumber = orderNumber
        self.shipDate = shipDate
        self.voided = voided
        self.items = items
    }

    /// Reads one shipment at `path` (`/shipments/3`); a bad shape is -32602 naming the field.
    public init(json: JSON, path: String) throws(RPCError) {
        let p = try Params(nested: json, path: path, allowed: nil)
        orderNumber = try p.requiredString("orderNumber", maxLength: 100, allowEmpty: false)
        let dateText = try p.requiredString("shipDate", maxLength: 64)
        guard let date = BusinessDate(isoDateOrDateTime: dateText) else {
            throw .invalidParams(p.pointer("shipDate"), "must be YYYY-MM-DD or an ISO date-time, got \"\(dateText)\"")
        }
        shipDate = date
        voided = try p.bool("voided") ?? false
        // ShipStation sends null items when they were not requested; a custom line may have a null SKU.
        var items: [Item] = []
        for (i, raw) in (try p.array("shipmentItems") ?? []).enumerated() {
            let item = try Params(nested: raw, path: p.pointer("shipmentItems") + "/\(i)", allowed: nil)
            let sku = try item.string("sku", maxLength: 200) ?? ""
            let quantity = try item.requiredInt("quantity", in: 0...RecordShipmentRequest.maxQuantity)
            if quantity > 0 { items.append(Item(sku: sku, parsed: SkuParser.parse(sku), quantity: quantity)) }
        }
        self.items = items
    }
}
