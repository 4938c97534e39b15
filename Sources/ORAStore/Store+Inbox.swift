// The orders inbox: orders that arrive (importOrder), their life until they ship or are
// cancelled, and purging old ones (INBOUND.md, "The orders inbox").
//
//   importOrder -> pending --markUploaded--> uploaded --(recordShipment of that order)--> shipped
//                                               ^------------ removeShipment -------------+
//                     +------------- cancelOrder ------------+--> cancelled
//
// (1) An order holds its lines as imported until it is allocated; from then on the allocation's
//     lines (Store+Allocation), each with its lot.
// (2) allocated_totals holds the units of every allocated line of a `pending` or `uploaded` order,
//     per lot; any status change out of those two releases the order's lines from it, in the
//     same savepoint.
// (3) Every change leaves an inbox event for orderHistory.

import ORAJSON
import ORADomain

/// An inbox order as stored.
struct InboxOrder {
    let id: Int64
    let number: String
    let date: String
    let status: String
    let allocated: Bool
    let shipstationOrderID: String?
    let source: String?
    let content: String
}

struct InboxItem {
    let skuID: Int64
    let skuCode: String
    let lotID: Int64?
    let lotNumber: String?
    let raw: String
    let quantity: Int64
    let unitPriceCents: Int64?
    let bundleSku: String?

    var json: JSON {
        ["sku": .string(lotNumber.map { "\(skuCode) - \($0)" } ?? skuCode), "skuCode": .string(skuCode), "lotNumber": .string(lotNumber),
         "quantity": .int(quantity), "unitPriceCents": .int(unitPriceCents), "bundleSku": .string(bundleSku)]
    }
}

extension Store {
    static let openStatuses = ["pending", "uploaded"]

    func loadInboxOrder(_ number: String) throws -> InboxOrder? {
        try db.one("""
            SELECT order_id, order_number, order_date, status, allocated, shipstation_order_id, source, content
            FROM orders_inbox WHERE order_number = ?
            """, [.text(number)]) {
            InboxOrder(id: $0.int(0), number: $0.text(1), date: $0.text(2), status: $0.text(3), allocated: $0.int(4) != 0,
                       shipstationOrderID: $0.textOrNil(5), source: $0.textOrNil(6), content: $0.text(7))
        }
    }

    func requireInboxOrder(_ number: String) throws -> InboxOrder {
        guard let order = try loadInboxOrder(number) else {
            throw DomainError.unknownOrder(number)
        }
        return order
    }

    static func invalidTransition(_ order: InboxOrder, _ what: String) -> DomainError {
        .invalidTransition(orderNumber: order.number, status: order.status, action: what)
    }

    func inboxItems(_ orderID: Int64) throws -> [InboxItem] {
        try db.query("""
            SELECT i.sku_id, s.sku_code, i.lot_id, l.lot_number, i.shipstation_sku_raw, i.quantity, i.unit_price_cents, i.bundle_sku
            FROM order_items_inbox i JOIN skus s ON s.sku_id = i.sku_id LEFT JOIN lots l ON l.lot_id = i.lot_id
            WHERE i.order_id = ? ORDER BY i.position
            """, [.int(orderID)]) {
            InboxItem(skuID: $0.int(0), skuCode: $0.text(1), lotID: $0.intOrNil(2), lotNumber: $0.textOrNil(3), raw: $0.text(4),
                      quantity: $0.int(5), unitPriceCents: $0.intOrNil(6), bundleSku: $0.textOrNil(7))
        }
    }

    func inboxBundles(_ orderID: Int64) throws -> [JSON] {
        try db.query("SELECT bundle_sku, quantity, unit_price_cents FROM order_bundles_inbox WHERE order_id = ? ORDER BY position", [.int(orderID)]) {
            ["bundleSku": .string($0.text(0)), "quantity": .int($0.int(1)), "unitPriceCents": .int($0.intOrNil(2))]
        }
    }

    func inboxEvent(_ order: String, _ action: String, source: String?, detail: JSON, now: String) throws {
        try db.run("INSERT INTO inbox_events (at, order_number, action, source, detail) VALUES (?, ?, ?, ?, ?)",
                   [.text(now), .text(order), .text(action), .text(source), .text(JSONWriter.string(detail))])
    }

    /// Moves allocated_totals by `sign` times the order's allocated lines (2).
    func moveAllocatedUnits(_ order: InboxOrder, sign: Int64) throws {
        guard order.allocated else { return }
        for item in try inboxItems(order.id) where item.lotID != nil {
            try db.run("""
                INSERT INTO allocated_totals (sku_id, lot_key, units) VALUES (?, ?, ?)
                ON CONFLICT (sku_id, lot_key) DO UPDATE SET units = units + excluded.units
                """, [.int(item.skuID), .int(item.lotID!), .int(sign * item.quantity)])
        }
    }

    /// Sets an order's status, releasing its allocation when it leaves pending/uploaded (2).
    func setInboxStatus(_ order: InboxOrder, to status: String, shipstationOrderID: String? = nil, now: String) throws {
        if Self.openStatuses.contains(order.status) && !Self.openStatuses.contains(status) { try moveAllocatedUnits(order, sign: -1) }
        try db.run("UPDATE orders_inbox SET status = ?, shipstation_order_id = coalesce(?, shipstation_order_id), updated_at = ? WHERE order_id = ?",
                   [.text(status), .text(shipstationOrderID), .text(now), .int(order.id)])
    }

    /// recordShipment and reconcileDate of an order the inbox holds (any status but cancelled):
    /// it is shipped, and its shipped items count against the lots from now on, not its allocation.
    func shipInboxOrder(_ number: String, source: String?, now: String) throws {
        guard let order = try loadInboxOrder(number), Self.openStatuses.contains(order.status) else { return }
        try setInboxStatus(order, to: "shipped", now: now)
        try inboxEvent(number, "shipped", source: source, detail: ["orderStatus": "shipped", "previousStatus": .string(order.status)], now: now)
    }

    /// The shipment of an inbox order was taken back (removeShipment, or reconcile removing it):
    /// a `shipped` order is `uploaded` again, as ShipStation holds it, and allocated again (its
    /// lines name the lots it had, which the removal just gave back); when the lots cannot cover
    /// it, it stays unallocated, for validate's `stuck_uploaded` to show.
    func unshipInboxOrder(_ number: String, source: String?, reason: String?, now: String) throws {
        guard let order = try loadInboxOrder(number), order.status == "shipped" else { return }
        try db.run("UPDATE orders_inbox SET status = 'uploaded', allocated = 0, updated_at = ? WHERE order_id = ?", [.text(now), .int(order.id)])
        try inboxEvent(number, "uploaded", source: source,
                       detail: ["orderStatus": "uploaded", "previousStatus": "shipped", "reason": .string(reason ?? "shipment removed")], now: now)
        do {
            _ = try allocateOrder(number, now: now)
        } catch DomainError.insufficientStock {
            // Nothing was written by the refused allocation: the order stays uploaded, unallocated.
        }
    }

    /// `cancelOrder`: from pending or uploaded; cancelled again is harmless; shipped is -32022.
    public func cancelOrder(_ number: String, reason: String?, now: String) throws -> JSON {
        let order = try requireInboxOrder(number)
        switch order.status {
        case "cancelled": break
        case "shipped": throw Self.invalidTransition(order, "cancel a shipped order")
        default:
            try setInboxStatus(order, to: "cancelled", now: now)
            try inboxEvent(number, "cancelled", source: nil, detail: ["orderStatus": "cancelled", "reason": .string(reason)], now: now)
        }
        return ["orderNumber": .string(number), "orderStatus": "cancelled"]
    }

    /// `markUploaded`: allocates first when not yet allocated; the same id again is harmless.
    /// `sent`, when given, are the lines sent to ShipStation: unless they are the order's
    /// allocated lines now (by SKU, lot and quantity), -32024 and nothing is written.
    public func markUploaded(_ number: String, shipstationOrderID: String, sent: [OrderLine]? = nil, now: String) throws -> JSON {
        var order = try requireInboxOrder(number)
        switch order.status {
        case "uploaded":
            guard order.shipstationOrderID == shipstationOrderID else {
                throw Self.invalidTransition(order, "mark it uploaded as ShipStation order \(shipstationOrderID): it is \(order.shipstationOrderID ?? "?")")
            }
            if let sent { try requireSent(sent, match: order) }
        case "pending":
            if !order.allocated {
                _ = try allocateOrder(number, now: now)
                order = try requireInboxOrder(number)
            }
            // A refusal here undoes the allocation just made with the rest of the request.
            if let sent { try requireSent(sent, match: order) }
            try setInboxStatus(order, to: "uploaded", shipstationOrderID: shipstationOrderID, now: now)
            try inboxEvent(number, "uploaded", source: nil, detail: ["orderStatus": "uploaded", "shipstationOrderId": .string(shipstationOrderID)], now: now)
        default:
            throw Self.invalidTransition(order, "mark it uploaded")
        }
        return ["orderNumber": .string(number), "orderStatus": "uploaded"]
    }

    /// -32024 unless `sent` holds exactly the order's allocated lines (SKU, lot, quantity).
    private func requireSent(_ sent: [OrderLine], match order: InboxOrder) throws {
        let current = try inboxItems(order.id)
        var want: [SkuLotKey: Int64] = [:], got: [SkuLotKey: Int64] = [:]
        for item in current { want[SkuLotKey(baseSku: item.skuCode, lotNumber: item.lotNumber), default: 0] += item.quantity }
        for line in sent { got[line.key, default: 0] += line.quantity }
        guard want != got else { return }
        throw DomainError.orderChanged(orderNumber: order.number, current: current.map { item in
            DomainError.SentLine(sku: item.lotNumber.map { "\(item.skuCode) - \($0)" } ?? item.skuCode, quantity: item.quantity)
        })
    }

    /// `purgeOrders`: shipped or cancelled orders dated before `before`; never open ones, never
    /// shipped items. Without `apply` it only says what it would delete.
    public func purgeOrders(before: BusinessDate, apply: Bool, now: String) throws -> JSON {
        let orders = try db.query("""
            SELECT order_id, order_number, status FROM orders_inbox
            WHERE (status = 'shipped' OR status = 'cancelled') AND order_date < ? ORDER BY order_date, order_id
            """, [.text(before.description)]) { ($0.int(0), $0.text(1), $0.text(2)) }
        if apply {
            for (id, number, status) in orders {
                try db.run("DELETE FROM order_items_inbox WHERE order_id = ?", [.int(id)])
                try db.run("DELETE FROM order_bundles_inbox WHERE order_id = ?", [.int(id)])
                try db.run("DELETE FROM orders_inbox WHERE order_id = ?", [.int(id)])
                try inboxEvent(number, "purged", source: nil, detail: ["orderStatus": .string(status), "before": .string(before.description)], now: now)
            }
        }
        return ["count": .int(orders.count), "orderNumbers": .array(orders.map { .string($0.1) }), "applied": .bool(apply)]
    }
}
