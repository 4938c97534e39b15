// Reading the stock ledger: a statement with its running balance (`inventoryLedger`) and the
// recall question, who got lot X (`lotTrace`). Both run on one snapshot.
//
// Shipped units per lot and date are read from shipped_items, which has no index by lot (each
// index is paid for on every shipped line): these scan the items, about a quarter of a second
// per million, on a reader.

import ORAJSON
import ORADomain

extension Store {
    /// `inventoryLedger`: one lot's statement, or without `lotNumber` the SKU's: its active lots
    /// with a known initial quantity, its entries without a lot, and its units shipped without one
    /// (so `closing` is lotInventory's remaining). A lot whose initial quantity is unknown has no
    /// balance: opening, closing and each balance are then null.
    public func inventoryLedger(skuCode: String, lotNumber: String?, from: BusinessDate?, to: BusinessDate?) throws -> JSON {
        try snapshot {
            let sku = try requireSku(skuCode)
            let lots: [LotFacts]
            if let lotNumber {
                lots = [try requireLot(skuID: sku, skuCode: skuCode, lotNumber: lotNumber)]
            } else {
                lots = try db.query("""
                    SELECT lot_id, sku_id, lot_number, received_date, initial_qty, manual_adjustment, status FROM lots
                    WHERE sku_id = ? AND status = 'active' AND initial_qty IS NOT NULL
                    """, [.int(sku)]) {
                    LotFacts(id: $0.int(0), skuID: $0.int(1), number: $0.text(2), receivedDate: $0.textOrNil(3), initialQty: $0.intOrNil(4),
                             manualAdjustment: $0.int(5), status: $0.text(6))
                }
            }
            var lines: [LedgerLine] = []
            for lot in lots {
                let received = lot.receivedDate.flatMap(BusinessDate.init(iso:))
                if let initial = lot.initialQty { lines.append(LedgerLine(date: received, kind: .receipt, quantity: initial)) }
                if lot.manualAdjustment != 0 {
                    lines.append(LedgerLine(date: received, kind: .adjustment, quantity: lot.manualAdjustment, reason: "correction", note: "the lot's manualAdjustment"))
                }
            }
            // Shipments and entries: of these lots, and for the SKU's statement those without a lot.
            let lotIDs = lots.map(\.id)
            let wanted = { (lot: Int64?) in lot.map(lotIDs.contains) ?? (lotNumber == nil) }
            var shippedPerDate: [String: Int64] = [:]
            _ = try db.query("SELECT lot_id, ship_date, sum(quantity) FROM shipped_items WHERE sku_id = ? GROUP BY lot_id, ship_date", [.int(sku)]) { r in
                if wanted(r.intOrNil(0)) { shippedPerDate[r.text(1), default: 0] += r.int(2) }
            }
            for (date, units) in shippedPerDate { lines.append(LedgerLine(date: BusinessDate(iso: date), kind: .shipped, quantity: -units)) }
            _ = try db.query("""
                SELECT entry_id, lot_id, kind, reason, quantity, date, note, legacy_type FROM inventory_transactions
                WHERE sku_id = ? ORDER BY entry_id
                """, [.int(sku)]) { r in
                guard wanted(r.intOrNil(1)) else { return }
                let legacy = r.text(2) == "legacy"
                let dateText = r.textOrNil(5)
                let date = dateText.flatMap { BusinessDate(iso: String($0.prefix(10))) }
                var note = r.textOrNil(6)
                if legacy, let dateText, date == nil { note = "dated '\(dateText)'" + (note.map { "; " + $0 } ?? "") }
                lines.append(LedgerLine(date: date, kind: legacy ? .legacy : .adjustment, quantity: r.int(4),
                                        reason: legacy ? r.textOrNil(7) : r.textOrNil(3), note: note, entryID: r.int(0)))
            }
            let statement = LedgerStatement(lines: lines, from: from, to: to)
            let known = lotNumber == nil || lots[0].initialQty != nil
            let entries: [JSON] = statement.entries.map { line in
                ["date": .string(line.date?.description), "kind": .string(line.kind.rawValue), "quantity": .int(line.quantity),
                 "reason": .string(line.reason), "note": .string(line.note), "entryId": .int(line.entryID),
                 "balance": known ? .int(line.balance) : .null]
            }
            return ["skuCode": .string(skuCode), "lotNumber": .string(lotNumber), "opening": known ? .int(statement.opening) : .null,
                    "entries": .array(entries), "closing": known ? .int(statement.closing) : .null]
        }
    }

    /// `lotTrace`: the lot, what is left of it, every order that shipped from it, and the open
    /// (`pending` or `uploaded`) orders allocated to it, which would ship from it next.
    public func lotTrace(skuCode: String, lotNumber: String) throws -> JSON {
        try snapshot {
            let sku = try requireSku(skuCode)
            let lot = try requireLot(skuID: sku, skuCode: skuCode, lotNumber: lotNumber)
            let orders: [JSON] = try db.query("""
                SELECT order_number, ship_date, quantity FROM shipped_items WHERE lot_id = ? ORDER BY ship_date, order_number
                """, [.int(lot.id)]) { ["orderNumber": .string($0.text(0)), "shipDate": .string($0.text(1)), "quantity": .int($0.int(2))] }
            let allocated: [JSON] = try db.query(Self.openAllocationsOfLot, [.int(lot.id)]) {
                ["orderNumber": .string($0.text(0)), "orderStatus": .string($0.text(1)), "quantity": .int($0.int(2))]
            }
            return ["skuCode": .string(skuCode), "lotNumber": .string(lotNumber), "receivedDate": .string(lot.receivedDate),
                    "initialQty": .int(lot.initialQty), "shipped": .int(try db.scalarInt("SELECT units FROM shipped_totals WHERE sku_id = ? AND lot_key = ?", [.int(sku), .int(lot.id)])),
                    "remaining": .int(try remaining(of: lot)), "orders": .array(orders), "allocatedTo": .array(allocated)]
        }
    }

    /// Open orders allocated to one lot, with their units from it (order_items_inbox_lot).
    static let openAllocationsOfLot = """
        SELECT o.order_number, o.status, sum(i.quantity) FROM order_items_inbox i JOIN orders_inbox o ON o.order_id = i.order_id
        WHERE i.lot_id = ? AND o.allocated = 1 AND o.status IN ('pending', 'uploaded')
        GROUP BY o.order_id ORDER BY o.order_date, o.order_number
        """
}
