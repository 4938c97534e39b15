// importOrder: an order arriving in the inbox (INBOUND.md, "The orders inbox").
//
// (1) An item's text is first a bundle code (trimmed, exact), expanded into its components times
//     the line's quantity; otherwise a SKU as parseSku reads it, with its lot when the order names
//     one (an unknown lot of a known SKU is created, as recordShipment does).
// (2) Unparseable text (-32002) or an unknown SKU (-32001) refuses the whole order, which is kept
//     in the quarantine as recordShipment's refusals are.
// (3) Lines of the same SKU and lot, after expansion, are added together; the merged line keeps
//     the first line's text and price (null when the first is a bundle's component).
// (4) A pending order sent again is unchanged (same content) or replaced, losing its allocation;
//     an order past pending is unchanged or -32020 order_locked: ShipStation already has it.
// (5) An order number ORA is done with (purged, or shipped without an inbox order) is never
//     imported again (doneWith).

import ORAJSON
import ORADomain

extension Store {
    public func importOrder(_ r: ImportOrderRequest, params: JSON, now: String) throws -> JSON {
        if let done = try doneWith(r.orderNumber) {
            return ["orderNumber": .string(r.orderNumber), "status": "unchanged", "orderStatus": .string(done), "items": [], "bundles": []]
        }
        func refuse(_ error: DomainError) -> QuarantinedRefusal {
            QuarantinedRefusal(error: error, method: "importOrder", orderNumber: r.orderNumber, request: params, source: r.source)
        }
        var bundles: [Int: [(skuID: Int64, skuCode: String, quantity: Int64)]] = [:]
        var invalid: [DomainError.InvalidSkuItem] = []
        for (i, item) in r.items.enumerated() {
            if let components = try bundleComponents(item.trimmed) {
                bundles[i] = components
            } else if let error = item.parsed.error {
                invalid.append(DomainError.InvalidSkuItem(index: i, sku: item.sku, error: error))
            }
        }
        if !invalid.isEmpty {
            throw refuse(.invalidSku(orderNumber: r.orderNumber, items: invalid))
        }
        var seen = Set<String>()
        let baseSkus = r.items.indices.filter { bundles[$0] == nil }.compactMap { r.items[$0].parsed.baseSku }.filter { seen.insert($0).inserted }
        let skus = try skuIDs(for: baseSkus)
        if !skus.unknown.isEmpty { throw refuse(.unknownSku(skus.unknown)) }

        let content = InboxContent.key(orderDate: r.orderDate, lines: r.items.enumerated().map { i, item in
            (bundles[i] != nil ? .bundle(item.trimmed) : .sku(item.parsed.key!), item.quantity)
        })
        if let existing = try loadInboxOrder(r.orderNumber) {
            if existing.content == content { return try importReply(existing, status: "unchanged") }
            guard existing.status == "pending" else {
                throw DomainError.orderLocked(orderNumber: r.orderNumber, status: existing.status)
            }
            try moveAllocatedUnits(existing, sign: -1)
            try db.run("DELETE FROM order_items_inbox WHERE order_id = ?", [.int(existing.id)])
            try db.run("DELETE FROM order_bundles_inbox WHERE order_id = ?", [.int(existing.id)])
            try db.run("UPDATE orders_inbox SET order_date = ?, content = ?, allocated = 0, source = ?, updated_at = ? WHERE order_id = ?",
                       [.text(r.orderDate.description), .text(content), .text(r.source), .text(now), .int(existing.id)])
            try writeInboxLines(existing.id, r, bundles: bundles, skuIDs: skus.known, now: now)
            let updated = try requireInboxOrder(r.orderNumber)
            try inboxEvent(r.orderNumber, "updated", source: r.source, detail: try importDetail(updated), now: now)
            return try importReply(updated, status: "updated")
        }
        try db.run("""
            INSERT INTO orders_inbox (order_number, order_date, status, source, content, created_at, updated_at)
            VALUES (?, ?, 'pending', ?, ?, ?, ?)
            """, [.text(r.orderNumber), .text(r.orderDate.description), .text(r.source), .text(content), .text(now), .text(now)])
        let id = db.lastInsertRowID
        try writeInboxLines(id, r, bundles: bundles, skuIDs: skus.known, now: now)
        let created = try requireInboxOrder(r.orderNumber)
        try inboxEvent(r.orderNumber, "imported", source: r.source, detail: try importDetail(created), now: now)
        return try importReply(created, status: "created")
    }

    /// (5) An order number ORA is done with is never imported again, whatever the content:
    /// `purged` when its inbox order was shipped or cancelled and then purged, `shipped` when ORA
    /// holds it as shipped without an inbox order (recorded from ShipStation). nil otherwise.
    func doneWith(_ number: String) throws -> String? {
        guard try loadInboxOrder(number) == nil else { return nil }
        if try db.scalarInt("SELECT EXISTS (SELECT 1 FROM inbox_events WHERE order_number = ? AND action = 'purged')", [.text(number)]) == 1 {
            return "purged"
        }
        if try db.scalarInt("SELECT EXISTS (SELECT 1 FROM shipped_orders WHERE order_number = ?)", [.text(number)]) == 1 {
            return "shipped"
        }
        return nil
    }

    /// Expands bundles (1), merges lines (3) and writes them with the bundle lines as sent.
    private func writeInboxLines(_ orderID: Int64, _ r: ImportOrderRequest, bundles: [Int: [(skuID: Int64, skuCode: String, quantity: Int64)]],
                                 skuIDs: [String: Int64], now: String) throws {
        struct Line { let skuID: Int64; let lotID: Int64?; let raw: String; var quantity: Int64; let price: Int64?; let bundle: String? }
        struct Key: Hashable { let sku: Int64; let lot: Int64? }
        var lines: [Line] = []
        var index: [Key: Int] = [:]
        func add(_ line: Line) {
            let key = Key(sku: line.skuID, lot: line.lotID)
            if let i = index[key] {
                lines[i].quantity += line.quantity
            } else {
                index[key] = lines.count
                lines.append(line)
            }
        }
        var bundlePosition = 0
        for (i, item) in r.items.enumerated() {
            if let components = bundles[i] {
                try db.run("INSERT INTO order_bundles_inbox (order_id, position, bundle_sku, quantity, unit_price_cents) VALUES (?, ?, ?, ?, ?)",
                           [.int(orderID), .int(bundlePosition), .text(item.trimmed), .int(item.quantity), .int(item.unitPriceCents)])
                bundlePosition += 1
                for c in components {
                    add(Line(skuID: c.skuID, lotID: nil, raw: c.skuCode, quantity: c.quantity * item.quantity, price: nil, bundle: item.trimmed))
                }
                continue
            }
            let sku = skuIDs[item.parsed.baseSku!]!
            var lot: Int64?
            if let number = item.parsed.lotNumber {
                lot = try lotID(skuID: sku, lotNumber: number) ?? createLotOnTheFly(skuID: sku, lotNumber: number, now: now)
            }
            add(Line(skuID: sku, lotID: lot, raw: item.sku, quantity: item.quantity, price: item.unitPriceCents, bundle: nil))
        }
        for (position, l) in lines.enumerated() {
            try db.run("""
                INSERT INTO order_items_inbox (order_id, position, sku_id, lot_id, shipstation_sku_raw, quantity, unit_price_cents, bundle_sku)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.int(orderID), .int(position), .int(l.skuID), .int(l.lotID), .text(l.raw), .int(l.quantity), .int(l.price), .text(l.bundle)])
        }
    }

    private func importItems(_ order: InboxOrder) throws -> [JSON] {
        try inboxItems(order.id).map {
            ["skuCode": .string($0.skuCode), "lotNumber": .string($0.lotNumber), "quantity": .int($0.quantity),
             "unitPriceCents": .int($0.unitPriceCents), "bundleSku": .string($0.bundleSku)]
        }
    }

    private func importDetail(_ order: InboxOrder) throws -> JSON {
        ["orderStatus": .string(order.status), "orderDate": .string(order.date), "items": .array(try importItems(order))]
    }

    private func importReply(_ order: InboxOrder, status: String) throws -> JSON {
        ["orderNumber": .string(order.number), "status": .string(status), "orderStatus": .string(order.status),
         "items": .array(try importItems(order)), "bundles": .array(try inboxBundles(order.id))]
    }
}
