// Whole-order writes, shared by recordShipment and reconcileDate:
//
// (1) An order's lines all carry the order's one ship date; a new date moves every line.
// (2) A write states the order's whole content: afterwards it holds exactly the given lines.
// (3) Nothing changes without an audit row; an unchanged order writes nothing at all.
// (4) shipped_totals changes with every line written here, in the same savepoint: this file is the
//     only code that writes shipped_items (validate recomputes the totals from the items).
// (5) An inbox order of the same number is shipped by any write of it, which releases its allocation.

import ORAJSON
import ORADomain

/// A line whose SKU and lot are known to the database.
public struct ResolvedLine: Sendable {
    public let line: OrderLine
    public let skuID: Int64
    public let lotID: Int64?
}

struct StoredLine {
    let itemID: Int64
    let skuID: Int64
    let lotID: Int64?
    let raw: String
    let quantity: Int64

    var auditJSON: JSON { ["sku": .string(raw), "quantity": .int(quantity)] }
}

struct StoredOrder {
    let orderID: Int64
    let orderNumber: String
    let shipDate: String
    let external: Bool
    let lines: [StoredLine]
}

public enum OrderWriteStatus: String, Sendable {
    case created, updated, unchanged
}

extension Store {
    func loadOrder(_ orderNumber: String) throws -> StoredOrder? {
        guard let (id, date, external) = try db.one(
            "SELECT order_id, ship_date, external FROM shipped_orders WHERE order_number = ?", [.text(orderNumber)],
            { r in (r.int(0), r.text(1), r.int(2) != 0) })
        else { return nil }
        let lines = try db.query("""
            SELECT item_id, sku_id, lot_id, shipstation_sku_raw, quantity FROM shipped_items
            WHERE order_id = ? ORDER BY item_id
            """, [.int(id)]) { r in
            StoredLine(itemID: r.int(0), skuID: r.int(1), lotID: r.intOrNil(2), raw: r.text(3), quantity: r.int(4))
        }
        return StoredOrder(orderID: id, orderNumber: orderNumber, shipDate: date, external: external, lines: lines)
    }

    /// Resolves each line's lot, creating unknown lots of known SKUs (reported in `createdLots`).
    func resolveLines(_ lines: [OrderLine], skuIDs: [String: Int64], now: String, createdLots: inout [JSON]) throws -> [ResolvedLine] {
        try lines.map { line in
            let sku = skuIDs[line.key.baseSku]!
            guard let lotNumber = line.key.lotNumber else { return ResolvedLine(line: line, skuID: sku, lotID: nil) }
            if let lot = try lotID(skuID: sku, lotNumber: lotNumber) {
                return ResolvedLine(line: line, skuID: sku, lotID: lot)
            }
            let lot = try createLotOnTheFly(skuID: sku, lotNumber: lotNumber, now: now)
            createdLots.append(["skuCode": .string(line.key.baseSku), "lotNumber": .string(lotNumber), "lotId": .int(lot)])
            return ResolvedLine(line: line, skuID: sku, lotID: lot)
        }
    }

    struct OrderWrite {
        let status: OrderWriteStatus
        let previousShipDate: String?
    }

    /// Makes order `orderNumber` hold exactly `lines` on `shipDate`. `action` names the audit
    /// event for a change (nil: created / updated / moved as the change was).
    /// `rowTime` overrides the rows' created/updated time (the migration keeps when a row was
    /// really written); the audit row always carries `now`.
    func writeOrder(_ orderNumber: String, shipDate: String, lines: [ResolvedLine], external: Bool,
                    source: String?, action: AuditAction? = nil, now: String, rowTime: String? = nil) throws -> OrderWrite {
        let auditTime = now
        let now = rowTime ?? now
        // An order the inbox holds ships with this write, even an unchanged one (Store+Inbox).
        try shipInboxOrder(orderNumber, source: source, now: auditTime)
        let newAudit = lines.map(\.line.auditJSON)
        guard let existing = try loadOrder(orderNumber) else {
            try db.run("""
                INSERT INTO shipped_orders (order_number, ship_date, external, source, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(orderNumber), .text(shipDate), .int(external ? 1 : 0), .text(source), .text(now), .text(now)])
            let orderID = db.lastInsertRowID
            for l in lines { try insertItem(orderID: orderID, orderNumber: orderNumber, shipDate: shipDate, l, now: now) }
            try audit(AuditEntry(orderNumber: orderNumber, action: action ?? .created, source: source, shipDate: shipDate,
                                 items: newAudit), now: auditTime)
            return OrderWrite(status: .created, previousShipDate: nil)
        }

        struct Key: Hashable { let sku: Int64; let lot: Int64? }
        var old: [Key: StoredLine] = [:]
        for l in existing.lines { old[Key(sku: l.skuID, lot: l.lotID)] = l }
        let wanted = Set(lines.map { Key(sku: $0.skuID, lot: $0.lotID) })

        let removed = existing.lines.filter { !wanted.contains(Key(sku: $0.skuID, lot: $0.lotID)) }
        var changed: [(StoredLine, ResolvedLine)] = []
        var added: [ResolvedLine] = []
        for l in lines {
            if let o = old[Key(sku: l.skuID, lot: l.lotID)] {
                if o.quantity != l.line.quantity || o.raw != l.line.raw { changed.append((o, l)) }
            } else {
                added.append(l)
            }
        }
        let moved = existing.shipDate != shipDate
        if !moved && removed.isEmpty && changed.isEmpty && added.isEmpty && existing.external == external {
            return OrderWrite(status: .unchanged, previousShipDate: nil)
        }

        for l in removed {
            try db.run("DELETE FROM shipped_items WHERE item_id = ?", [.int(l.itemID)])
            try addShippedUnits(-l.quantity, skuID: l.skuID, lotID: l.lotID)
        }
        for (o, l) in changed {
            try db.run("UPDATE shipped_items SET quantity = ?, shipstation_sku_raw = ?, updated_at = ? WHERE item_id = ?",
                       [.int(l.line.quantity), .text(l.line.raw), .text(now), .int(o.itemID)])
            if l.line.quantity != o.quantity { try addShippedUnits(l.line.quantity - o.quantity, skuID: o.skuID, lotID: o.lotID) }
        }
        if moved {
            try db.run("UPDATE shipped_items SET ship_date = ?, updated_at = ? WHERE order_id = ?",
                       [.text(shipDate), .text(now), .int(existing.orderID)])
        }
        for l in added { try insertItem(orderID: existing.orderID, orderNumber: orderNumber, shipDate: shipDate, l, now: now) }
        try db.run("UPDATE shipped_orders SET ship_date = ?, external = ?, source = ?, updated_at = ? WHERE order_id = ?",
                   [.text(shipDate), .int(external ? 1 : 0), .text(source), .text(now), .int(existing.orderID)])
        try audit(AuditEntry(orderNumber: orderNumber, action: action ?? (moved ? .moved : .updated), source: source,
                             shipDate: shipDate, previousShipDate: moved ? existing.shipDate : nil,
                             items: newAudit, previousItems: existing.lines.map(\.auditJSON)), now: auditTime)
        return OrderWrite(status: .updated, previousShipDate: moved ? existing.shipDate : nil)
    }

    func insertItem(orderID: Int64, orderNumber: String, shipDate: String, _ l: ResolvedLine, now: String) throws {
        try db.run("""
            INSERT INTO shipped_items (order_id, order_number, ship_date, sku_id, lot_id, shipstation_sku_raw, quantity, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.int(orderID), .text(orderNumber), .text(shipDate), .int(l.skuID), .int(l.lotID), .text(l.line.raw),
                  .int(l.line.quantity), .text(now), .text(now)])
        try addShippedUnits(l.line.quantity, skuID: l.skuID, lotID: l.lotID)
    }

    /// Keeps shipped_totals (units per SKU and lot, lot_key 0 for lines without a lot) in step.
    func addShippedUnits(_ units: Int64, skuID: Int64, lotID: Int64?) throws {
        try db.run("""
            INSERT INTO shipped_totals (sku_id, lot_key, units) VALUES (?, ?, ?)
            ON CONFLICT (sku_id, lot_key) DO UPDATE SET units = units + excluded.units
            """, [.int(skuID), .int(lotID ?? 0), .int(units)])
    }

    /// Deletes a whole order (ShipStation no longer has it shipped); its inbox order, if shipped,
    /// is uploaded again (Store+Inbox).
    func removeOrder(_ order: StoredOrder, source: String?, reason: String? = nil, now: String) throws {
        try db.run("DELETE FROM shipped_items WHERE order_id = ?", [.int(order.orderID)])
        for l in order.lines { try addShippedUnits(-l.quantity, skuID: l.skuID, lotID: l.lotID) }
        try db.run("DELETE FROM shipped_orders WHERE order_id = ?", [.int(order.orderID)])
        try audit(AuditEntry(orderNumber: order.orderNumber, action: .removed, source: source, shipDate: nil,
                             previousShipDate: order.shipDate, items: [], previousItems: order.lines.map(\.auditJSON),
                             reason: reason), now: now)
        try unshipInboxOrder(order.orderNumber, source: source, reason: reason, now: now)
    }

    /// `removeShipment`: takes back what an order shipped; an order recorded `external` only a
    /// person removes (-32022), and one not held as shipped is `unchanged`.
    public func removeShipment(_ number: String, source: String?, reason: String?, now: String) throws -> JSON {
        var status = "unchanged", shipDate: String?, units: Int64 = 0
        if let order = try loadOrder(number) {
            if order.external {
                throw DomainError.invalidTransition(orderNumber: number, status: "external",
                                                    action: "remove a shipment made outside ShipStation's labels (a person corrects it with recordShipment)")
            }
            try removeOrder(order, source: source, reason: reason, now: now)
            (status, shipDate, units) = ("removed", order.shipDate, order.lines.reduce(0) { $0 + $1.quantity })
        }
        let inbox = try loadInboxOrder(number)
        return ["orderNumber": .string(number), "status": .string(status), "shipDate": .string(shipDate),
                "removedUnits": .int(units), "orderStatus": .string(inbox?.status)]
    }
}
