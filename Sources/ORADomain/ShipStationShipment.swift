// ShipStation's shipment object (v1 `GET /shipments?includeShipmentItems=true`), reduced to what
// reconciliation reads (decoded in the server: ReconcileRequest+Params.swift).

public struct ShipStationShipment: Sendable {
    public struct Item: Sendable {
        public let sku: String
        public let parsed: ParsedSku
        public let quantity: Int64

        public init(sku: String, quantity: Int64) {
            self.sku = sku
            self.parsed = SkuParser.parse(sku)
            self.quantity = quantity
        }
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
}
