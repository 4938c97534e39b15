// The reports the seed's weekly reporter, dashboard and lot page read: units per SKU per week,
// and what is left of each lot, oldest first.

import ORAJSON
import ORADomain

extension Store {
    /// `weeks` weeks from `weekStart` (a Monday), in date order; SKUs with no units are omitted.
    public func weeklyShipped(weekStart: BusinessDate, weeks: Int) throws -> JSON {
        let end = weekStart.adding(days: 7 * weeks)
        var perWeek: [[JSON]] = Array(repeating: [], count: weeks)
        var totals = Array(repeating: Int64(0), count: weeks)
        _ = try snapshot {
            try db.query("""
                SELECT CAST((julianday(i.ship_date) - julianday(?1)) / 7 AS INTEGER), s.sku_code, s.product_name, sum(i.quantity)
                FROM shipped_items i JOIN skus s ON s.sku_id = i.sku_id
                WHERE i.ship_date >= ?1 AND i.ship_date < ?2
                GROUP BY 1, i.sku_id ORDER BY 1, s.sku_code
                """, [.text(weekStart.description), .text(end.description)]) { r in
                let week = Int(r.int(0))
                perWeek[week].append(["skuCode": .string(r.text(1)), "productName": .string(r.text(2)), "units": .int(r.int(3))])
                totals[week] += r.int(3)
            }
        }
        let result: [JSON] = (0..<weeks).map { w in
            let start = weekStart.adding(days: 7 * w)
            return ["weekStart": .string(start.description), "weekEnd": .string(start.adding(days: 6).description),
                    "totalUnits": .int(totals[w]), "skus": .array(perWeek[w])]
        }
        return ["weeks": .array(result)]
    }

    /// Per SKU, its lots oldest received first (unknown dates last) with what is left of each.
    ///
    /// A lot's `remaining` is initial + manual adjustment + its ledger entries (`adjustments`) -
    /// shipped, or null while its initial quantity is unknown. A SKU's `remaining` is the sum over
    /// its active lots with a known quantity, plus its ledger entries without a lot, less the units
    /// shipped without a lot (they left the building, from no lot anyone can name).
    public func lotInventory(skuCode: String?, includeInactive: Bool) throws -> JSON {
        struct SkuRow { var json: JSONObject; var remaining: Int64; var lots: [JSON]; var unknownLots: Int; let reorder: Int64 }
        var skus: [SkuRow] = []
        try snapshot {
            var noLot: [Int64: Int64] = [:], adjustedNoLot: [Int64: Int64] = [:]
            _ = try db.query("SELECT sku_id, units FROM shipped_totals WHERE lot_key = 0") { noLot[$0.int(0)] = $0.int(1) }
            _ = try db.query("SELECT sku_id, units FROM ledger_totals WHERE lot_key = 0") { adjustedNoLot[$0.int(0)] = $0.int(1) }
            var index: [Int64: Int] = [:]
            _ = try db.query("""
                SELECT s.sku_id, s.sku_code, s.product_name, s.reorder_point,
                       l.lot_id, l.lot_number, l.received_date, l.initial_qty, l.manual_adjustment, l.status, ifnull(t.units, 0),
                       ifnull(g.units, 0)
                FROM skus s
                LEFT JOIN lots l ON l.sku_id = s.sku_id
                LEFT JOIN shipped_totals t ON t.sku_id = s.sku_id AND t.lot_key = l.lot_id
                LEFT JOIN ledger_totals g ON g.sku_id = s.sku_id AND g.lot_key = l.lot_id
                WHERE ?1 IS NULL OR s.sku_code = ?1
                ORDER BY s.sku_code, l.received_date IS NULL, l.received_date, l.lot_number
                """, [.text(skuCode)]) { r in
                let skuID = r.int(0)
                if index[skuID] == nil {
                    index[skuID] = skus.count
                    let withoutLot = noLot[skuID] ?? 0, adjustedWithoutLot = adjustedNoLot[skuID] ?? 0
                    skus.append(SkuRow(json: JSONObject([("skuCode", .string(r.text(1))), ("productName", .string(r.text(2))),
                                                         ("reorderPoint", .int(r.int(3))), ("shippedWithoutLot", .int(withoutLot)),
                                                         ("adjustedWithoutLot", .int(adjustedWithoutLot))]),
                                       remaining: adjustedWithoutLot - withoutLot, lots: [], unknownLots: 0, reorder: r.int(3)))
                }
                guard !r.isNull(4) else { return }
                let i = index[skuID]!
                let status = r.text(9)
                let initial = r.intOrNil(7)
                let shipped = r.int(10), adjusted = r.int(11)
                let remaining = initial.map { $0 + r.int(8) + adjusted - shipped }
                if status == "active" {
                    if let remaining { skus[i].remaining += remaining } else { skus[i].unknownLots += 1 }
                }
                guard includeInactive || status == "active" else { return }
                skus[i].lots.append(["lotNumber": .string(r.text(5)), "receivedDate": .string(r.textOrNil(6)), "initialQty": .int(initial),
                                     "manualAdjustment": .int(r.int(8)), "adjustments": .int(adjusted), "shipped": .int(shipped), "remaining": .int(remaining),
                                     "status": .string(status)])
            }
        }
        return ["skus": .array(skus.map { row in
            var o = row.json
            o["remaining"] = .int(row.remaining)
            o["belowReorderPoint"] = .bool(row.remaining < row.reorder)
            o["lotsWithUnknownQuantity"] = .int(row.unknownLots)
            o["lots"] = .array(row.lots)
            return .object(o)
        })]
    }
}
