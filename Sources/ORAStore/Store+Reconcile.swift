// reconcileDate: load the database's side, let the domain plan, and (with apply) carry the plan
// out inside the writer's savepoint. A dry run runs the same code on a reader's snapshot.

import ORAJSON
import ORADomain

extension Store {
    /// `now` is nil for a dry run (nothing is written).
    public func reconcile(_ r: ReconcileRequest, now: String?) throws -> JSON {
        let date = r.date.description
        let onDate = try databaseOrders(where: "o.ship_date = ?1", [.text(date)])
        let numbers = Reconciler.orderNumbersOfInterest(r)
        let elsewhere = numbers.isEmpty ? [] : try databaseOrders(
            where: "o.order_number IN (SELECT value FROM json_each(?1)) AND o.ship_date <> ?2",
            [.text(JSONWriter.string(.array(numbers.map(JSON.string)))), .text(date)])
        let bases = Set(r.shipments.flatMap { $0.items.compactMap(\.parsed.baseSku) })
        let skus = try skuIDs(for: bases.sorted())
        let plan = Reconciler.plan(r, onDate: onDate, elsewhere: elsewhere, knownSkus: Set(skus.known.keys))

        var createdLots: [JSON] = []
        if let now, r.apply {
            for change in plan.changes {
                switch change {
                case .write(let number, let shipDate, let lines):
                    let resolved = try resolveLines(lines, skuIDs: skus.known, now: now, createdLots: &createdLots)
                    _ = try writeOrder(number, shipDate: shipDate.description, lines: resolved, external: false,
                                       source: r.source, action: .reconciled, now: now)
                case .remove(let number):
                    if let order = try loadOrder(number) {
                        try removeOrder(order, source: r.source, reason: "not shipped in ShipStation's shipments", now: now)
                    }
                }
            }
        } else {
            createdLots = try lotsToCreate(plan.linesWritten, skuIDs: skus.known)
        }
        return plan.report(date: r.date, applied: now != nil && r.apply, createdLots: createdLots)
    }

    /// Orders (with their lines) matching a condition on `shipped_orders o`.
    func databaseOrders(where condition: String, _ args: [SQLValue]) throws -> [DatabaseOrder] {
        var orders: [DatabaseOrder] = []
        var current: (number: String, date: String, external: Bool, lines: [OrderLine])?
        func finish() {
            guard let c = current, let date = BusinessDate(iso: c.date) else { return }
            orders.append(DatabaseOrder(orderNumber: c.number, shipDate: date, external: c.external, lines: c.lines))
        }
        _ = try db.query("""
            SELECT o.order_number, o.ship_date, o.external, i.shipstation_sku_raw, s.sku_code, l.lot_number, i.quantity
            FROM shipped_orders o
            LEFT JOIN shipped_items i ON i.order_id = o.order_id
            LEFT JOIN skus s ON s.sku_id = i.sku_id
            LEFT JOIN lots l ON l.lot_id = i.lot_id
            WHERE \(condition)
            ORDER BY o.order_number, i.item_id
            """, args) { r in
            let number = r.text(0)
            if current?.number != number {
                finish()
                current = (number, r.text(1), r.int(2) != 0, [])
            }
            if let sku = r.textOrNil(4) {
                current!.lines.append(OrderLine(key: SkuLotKey(baseSku: sku, lotNumber: r.textOrNil(5)), raw: r.text(3), quantity: r.int(6)))
            }
        }
        finish()
        return orders
    }

    /// The lots a dry run would create (ids null: they do not exist yet).
    func lotsToCreate(_ lines: [OrderLine], skuIDs: [String: Int64]) throws -> [JSON] {
        var seen = Set<SkuLotKey>()
        var result: [JSON] = []
        for line in lines {
            guard let lot = line.key.lotNumber, let sku = skuIDs[line.key.baseSku], seen.insert(line.key).inserted else { continue }
            if try lotID(skuID: sku, lotNumber: lot) == nil {
                result.append(["skuCode": .string(line.key.baseSku), "lotNumber": .string(lot), "lotId": nil])
            }
        }
        return result
    }
}
