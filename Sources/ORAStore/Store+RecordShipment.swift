// recordShipment, as the writer runs it inside the request's savepoint.

import ORAJSON
import ORADomain

extension Store {
    /// Looks up every base SKU; the unknown ones come back in `unknown`, in request order.
    func skuIDs<C: Sequence<String>>(for codes: C) throws -> (known: [String: Int64], unknown: [String]) {
        var known: [String: Int64] = [:]
        var unknown: [String] = []
        for code in codes {
            if let id = try skuID(code: code) { known[code] = id } else { unknown.append(code) }
        }
        return (known, unknown)
    }

    public func recordShipment(_ r: RecordShipmentRequest, params: JSON, now: String) throws -> RecordedShipment {
        func refuse(_ error: DomainError) -> QuarantinedRefusal {
            QuarantinedRefusal(error: error, method: "recordShipment", orderNumber: r.orderNumber, request: params, source: r.source)
        }
        let invalid = r.invalidItems
        if !invalid.isEmpty {
            throw refuse(.invalidSku(orderNumber: r.orderNumber, items: invalid))
        }
        let skus = try skuIDs(for: r.baseSkus)
        if !skus.unknown.isEmpty { throw refuse(.unknownSku(skus.unknown)) }

        var createdLots: [JSON] = []
        let lines = try resolveLines(r.lines, skuIDs: skus.known, now: now, createdLots: &createdLots)
        let shipDate = r.shipDate.description
        let write = try writeOrder(r.orderNumber, shipDate: shipDate, lines: lines, external: r.external,
                                   source: r.source, now: now)
        return RecordedShipment(orderNumber: r.orderNumber, shipDate: shipDate, status: write.status,
                                previousShipDate: write.previousShipDate, lines: lines, createdLots: createdLots)
    }
}

/// What recordShipment did. Its reply is built from this by `jsonValue`, on the thread that sends it.
public struct RecordedShipment: JSONConvertible {
    public let orderNumber: String
    public let shipDate: String
    public let status: OrderWriteStatus
    public let previousShipDate: String?
    public let lines: [ResolvedLine]
    public let createdLots: [JSON]

    public var jsonValue: JSON {
        let items: [JSON] = lines.map { l in
            ["sku": .string(l.line.raw), "baseSku": .string(l.line.key.baseSku), "lotNumber": .string(l.line.key.lotNumber),
             "skuId": .int(l.skuID), "lotId": .int(l.lotID), "quantity": .int(l.line.quantity)]
        }
        return ["orderNumber": .string(orderNumber), "shipDate": .string(shipDate),
                "status": .string(status.rawValue), "previousShipDate": .string(previousShipDate),
                "items": .array(items), "createdLots": .array(createdLots)]
    }
}
