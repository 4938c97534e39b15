// validate's checks of the orders inbox: the kept allocation totals, allocations a lot can no
// longer cover, item text that names another lot than the one stored, and orders that have sat
// in `uploaded` for long (or sit there unallocated).

import Foundation
import ORAJSON
import ORADomain

extension Store {
    static let stuckUploadedDays = 14

    func inboxChecks(_ scan: ItemScan, ledger: [ItemScan.TotalKey: Int64], now: Date) throws -> [CheckResult] {
        // allocated_totals against the allocated lines of open orders.
        var recomputed: [ItemScan.TotalKey: Int64] = [:]
        _ = try db.query("""
            SELECT i.sku_id, i.lot_id, sum(i.quantity) FROM order_items_inbox i JOIN orders_inbox o ON o.order_id = i.order_id
            WHERE o.allocated = 1 AND (o.status = 'pending' OR o.status = 'uploaded') AND i.lot_id IS NOT NULL GROUP BY 1, 2
            """) { recomputed[ItemScan.TotalKey(sku: $0.int(0), lot: $0.int(1))] = $0.int(2) }
        var kept: [ItemScan.TotalKey: Int64] = [:]
        _ = try db.query("SELECT sku_id, lot_key, units FROM allocated_totals") { kept[ItemScan.TotalKey(sku: $0.int(0), lot: $0.int(1))] = $0.int(2) }
        var totals = ItemScan.Finding(), exceeding = ItemScan.Finding()
        for key in Set(kept.keys).union(recomputed.keys).sorted(by: { ($0.sku, $0.lot) < ($1.sku, $1.lot) }) {
            if (kept[key] ?? 0) != (recomputed[key] ?? 0) {
                totals.add("\(scan.name(sku: key.sku, lot: key.lot)): kept \(kept[key] ?? 0), open orders say \(recomputed[key] ?? 0)")
            }
            guard let promised = recomputed[key], promised > 0, let lot = scan.lots[key.lot] else { continue }
            let stock = (lot.initialQty ?? 0) + lot.adjustment + (ledger[key] ?? 0) - (scan.shippedPerLot[key.lot] ?? 0)
            if promised > stock { exceeding.add("\(scan.name(sku: key.sku, lot: key.lot)) (\(promised) allocated, \(stock) left)") }
        }
        // Lines whose text names a lot other than the one stored (a bare SKU allocated to a lot is fine).
        var mismatch = ItemScan.Finding()
        _ = try db.query("""
            SELECT o.order_number, i.shipstation_sku_raw, s.sku_code, l.lot_number FROM order_items_inbox i
            JOIN orders_inbox o ON o.order_id = i.order_id JOIN skus s ON s.sku_id = i.sku_id LEFT JOIN lots l ON l.lot_id = i.lot_id
            WHERE i.bundle_sku IS NULL
            """) { r in
            let parsed = SkuParser.parse(r.text(1))
            if parsed.baseSku != r.text(2) || (parsed.lotNumber != nil && parsed.lotNumber != r.textOrNil(3)) {
                mismatch.add("\(r.text(0)): '\(r.text(1))' stored as \(r.text(2))\(r.textOrNil(3).map { " - " + $0 } ?? "")")
            }
        }
        func result(_ name: String, _ f: ItemScan.Finding, _ severity: CheckResult.Status, _ what: String) -> CheckResult {
            CheckResult(name: name, status: f.count == 0 ? .ok : severity, count: f.count, message: f.count == 0 ? "none" : "\(f.count) \(what)", samples: f.samples)
        }
        return [
            result("allocated_totals", totals, .error, "SKU/lot allocation totals that disagree with the open orders' lines (edited behind the server's back)"),
            result("allocation_exceeds_stock", exceeding, .warning, "lots whose open allocations exceed what they have left"),
            result("inbox_raw_mismatch", mismatch, .error, "inbox lines whose SKU text names another SKU or lot than stored"),
            // An uploaded order without an allocation had its shipment taken back when its lots
            // could no longer cover it (removeShipment): a person must find it stock.
            try keysCheck("stuck_uploaded", severity: .warning,
                          what: "orders uploaded more than \(Self.stuckUploadedDays) days ago and not shipped, or uploaded without an allocation", sql: """
                SELECT order_number || CASE WHEN allocated = 0 THEN ' (uploaded, not allocated)' ELSE ' (uploaded ' || substr(updated_at, 1, 10) || ')' END
                FROM orders_inbox WHERE status = 'uploaded' AND (updated_at < ? OR allocated = 0) ORDER BY updated_at
                """, args: [.text(Timestamp.format(now.addingTimeInterval(-Double(Self.stuckUploadedDays) * 86_400)))]),
        ]
    }
}
