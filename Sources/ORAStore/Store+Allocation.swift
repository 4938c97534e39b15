// allocateOrder: which lot each line of an inbox order ships from (the rule: ORADomain/Allocation).
//
// A lot's available = initialQty + manualAdjustment + its ledger entries - shipped - allocated to
// pending/uploaded orders, read from the kept totals: an allocation reads O(lots of its SKUs),
// never the history of shipments or allocations. The single writer runs allocations one after
// another, so two orders racing for the last units of a lot can never both get them.

import ORAJSON
import ORADomain

extension Store {
    private static let availableSQL = """
        SELECT l.lot_id, ifnull(l.initial_qty, 0) + l.manual_adjustment + ifnull(g.units, 0) - ifnull(t.units, 0) - ifnull(a.units, 0)
        FROM lots l
        LEFT JOIN ledger_totals g ON g.sku_id = l.sku_id AND g.lot_key = l.lot_id
        LEFT JOIN shipped_totals t ON t.sku_id = l.sku_id AND t.lot_key = l.lot_id
        LEFT JOIN allocated_totals a ON a.sku_id = l.sku_id AND a.lot_key = l.lot_id
        """

    /// The SKU's allocatable lots, FIFO: active, with a known initial quantity, oldest received
    /// first, lots without a date last, then lowest id; read only until they hold `enough` units
    /// (a SKU with a thousand lots mostly needs its oldest one or two).
    static let fifoSQL = availableSQL + """
         WHERE l.sku_id = ? AND l.status = 'active' AND l.initial_qty IS NOT NULL
        ORDER BY l.received_date IS NULL, l.received_date, l.lot_id
        """

    func fifoLots(sku: Int64, enough: Int64) throws -> [(lot: Int64, available: Int64)] {
        var lots: [(lot: Int64, available: Int64)] = []
        var total: Int64 = 0
        try db.scan(Self.fifoSQL, [.int(sku)]) { r in
            lots.append((r.int(0), r.int(1)))
            total += max(0, r.int(1))
            return total < enough
        }
        return lots
    }

    /// What a lot a line names has available; 0 for a lot whose quantity is unknown (created on
    /// the fly, never received): its remaining is null everywhere, so nothing is allocated from it.
    func available(lot: Int64) throws -> Int64 {
        try db.one(Self.availableSQL + " WHERE l.lot_id = ? AND l.initial_qty IS NOT NULL", [.int(lot)]) { $0.int(1) } ?? 0
    }

    /// `allocateOrder`: idempotent; allowed for pending and uploaded orders (-32022 otherwise).
    public func allocateOrder(_ number: String, now: String) throws -> JSON {
        let order = try requireInboxOrder(number)
        guard Self.openStatuses.contains(order.status) else { throw Self.invalidTransition(order, "allocate it") }
        var items = try inboxItems(order.id)
        if !order.allocated {
            var fifo: [Int64: [(lot: Int64, available: Int64)]] = [:], named: [Int64: Int64] = [:], tracked = Set<Int64>()
            var wanted: [Int64: Int64] = [:]
            for item in items { wanted[item.skuID, default: 0] += item.quantity }
            for (sku, units) in wanted {
                if try db.scalarInt("SELECT EXISTS (SELECT 1 FROM lots WHERE sku_id = ?)", [.int(sku)]) == 1 { tracked.insert(sku) }
                fifo[sku] = try fifoLots(sku: sku, enough: units)
            }
            for item in items { if let lot = item.lotID { named[lot] = try available(lot: lot) } }
            let lines = items.enumerated().map { Allocation.Line(position: $0.offset, skuID: $0.element.skuID, namedLot: $0.element.lotID, quantity: $0.element.quantity) }
            var outcome = Allocation.allocate(lines, fifo: fifo, named: named, tracked: tracked)
            if case .failure = outcome {
                // Short: what each SKU has available counts every lot, not only those read so far.
                for sku in wanted.keys { fifo[sku] = try fifoLots(sku: sku, enough: .max) }
                outcome = Allocation.allocate(lines, fifo: fifo, named: named, tracked: tracked)
            }
            switch outcome {
            case .failure(let e):
                let codes = Dictionary(items.map { ($0.skuID, $0.skuCode) }, uniquingKeysWith: { a, _ in a })
                throw DomainError.insufficientStock(orderNumber: number, short: e.short.map {
                    DomainError.ShortSku(skuCode: codes[$0.skuID]!, wanted: $0.wanted, available: $0.available)
                })
            case .success(let pieces):
                try db.run("DELETE FROM order_items_inbox WHERE order_id = ?", [.int(order.id)])
                for (position, piece) in pieces.enumerated() {
                    let line = items[piece.position]
                    try db.run("""
                        INSERT INTO order_items_inbox (order_id, position, sku_id, lot_id, shipstation_sku_raw, quantity, unit_price_cents, bundle_sku)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, [.int(order.id), .int(position), .int(piece.skuID), .int(piece.lotID), .text(line.raw), .int(piece.quantity),
                              .int(line.unitPriceCents), .text(line.bundleSku)])
                }
                try db.run("UPDATE orders_inbox SET allocated = 1, updated_at = ? WHERE order_id = ?", [.text(now), .int(order.id)])
                let allocated = try requireInboxOrder(number)
                try moveAllocatedUnits(allocated, sign: 1)
                items = try inboxItems(order.id)
                try inboxEvent(number, "allocated", source: nil, detail: ["orderStatus": .string(order.status), "items": .array(items.map(\.allocationJSON))], now: now)
            }
        }
        return ["orderNumber": .string(number), "items": .array(items.map(\.allocationJSON))]
    }
}

extension InboxItem {
    /// An allocated line: `sku` is the text to send to ShipStation.
    var allocationJSON: JSON {
        ["sku": .string(lotNumber.map { "\(skuCode) - \($0)" } ?? skuCode), "skuCode": .string(skuCode), "lotNumber": .string(lotNumber), "quantity": .int(quantity)]
    }
}
