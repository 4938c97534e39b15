// reconcileDate's params, read into the domain's request, with each of ShipStation's shipments
// (v1 `GET /shipments?includeShipmentItems=true`) reduced to what reconciliation reads. A
// shipment's members other than these are ignored, whatever they hold.

import ORAJSON
import ORAProtocol
import ORADomain

extension ReconcileRequest {
    public static let parameterNames: [String] = ["date", "shipments", "apply", "source"]

    public init(params: JSON?) throws(RPCError) {
        let p = try Params(params, allowed: Self.parameterNames)
        let date = try p.requiredDate("date")
        let raw = try p.requiredArray("shipments", atMost: Self.maxShipments, allowEmpty: true)
        var shipments: [ShipStationShipment] = []
        shipments.reserveCapacity(raw.count)
        for (i, s) in raw.enumerated() { shipments.append(try ShipStationShipment(json: s, path: "/shipments/\(i)")) }
        self.init(date: date, shipments: shipments, apply: try p.bool("apply") ?? false,
                  source: try p.string("source", maxLength: 100) ?? "reconcile")
    }
}

extension ShipStationShipment {
    /// Reads one shipment at `path` (`/shipments/3`); a bad shape is -32602 naming the field.
    public init(json: JSON, path: String) throws(RPCError) {
        let p = try Params(nested: json, path: path, allowed: nil)
        let orderNumber = try p.requiredOrderNumber()
        let dateText = try p.requiredString("shipDate", maxLength: 64)
        guard let shipDate = BusinessDate(isoDateOrDateTime: dateText) else {
            throw .invalidParams(p.pointer("shipDate"), "must be YYYY-MM-DD or an ISO date-time, got \"\(dateText)\"")
        }
        // ShipStation sends null items when they were not requested; a custom line may have a null SKU.
        var items: [Item] = []
        for (i, raw) in (try p.array("shipmentItems") ?? []).enumerated() {
            let item = try Params(nested: raw, path: p.pointer("shipmentItems") + "/\(i)", allowed: nil)
            let sku = try item.string("sku", maxLength: 200) ?? ""
            let quantity = try item.requiredInt("quantity", in: 0...RecordShipmentRequest.maxQuantity)
            if quantity > 0 { items.append(Item(sku: sku, quantity: quantity)) }
        }
        self.init(orderNumber: orderNumber, shipDate: shipDate, voided: try p.bool("voided") ?? false, items: items)
    }
}
