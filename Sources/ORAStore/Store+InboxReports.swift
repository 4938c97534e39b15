// Reading the inbox: orders page by page (listOrders) and what is still to ship per SKU
// (inboxSummary). Both run on one snapshot.

import Foundation
import ORAJSON
import ORADomain

public struct ListOrdersQuery: Sendable {
    public var status: String?
    public var from: BusinessDate?
    public var to: BusinessDate?
    public var orderNumber: String?
    public var limit = 1000
    /// The last order id of the page before (opaque to clients: see `token`).
    public var afterID: Int64?

    public init() {}

    public static func token(afterID: Int64) -> String { Data("o1|\(afterID)".utf8).base64EncodedString() }
    public static func afterID(token: String) -> Int64? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8), text.hasPrefix("o1|") else { return nil }
        return Int64(text.dropFirst(3))
    }
}

extension Store {
    /// `listOrders`: oldest first by id, keyset-paged. An allocated order's items are its allocation.
    public func listOrders(_ q: ListOrdersQuery) throws -> JSON {
        try snapshot {
            var orders = try db.query("""
                SELECT order_id, order_number, order_date, status, allocated, shipstation_order_id, source, content FROM orders_inbox
                WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR order_date >= ?2) AND (?3 IS NULL OR order_date <= ?3)
                  AND (?4 IS NULL OR order_number = ?4) AND order_id > ?5
                ORDER BY order_id LIMIT ?6
                """, [.text(q.status), .text(q.from?.description), .text(q.to?.description), .text(q.orderNumber), .int(q.afterID ?? 0), .int(q.limit + 1)]) {
                InboxOrder(id: $0.int(0), number: $0.text(1), date: $0.text(2), status: $0.text(3), allocated: $0.int(4) != 0,
                           shipstationOrderID: $0.textOrNil(5), source: $0.textOrNil(6), content: $0.text(7))
            }
            let more = orders.count > q.limit
            if more { orders.removeLast() }
            let json: [JSON] = try orders.map { o in
                ["orderNumber": .string(o.number), "orderDate": .string(o.date), "orderStatus": .string(o.status),
                 "shipstationOrderId": .string(o.shipstationOrderID), "source": .string(o.source),
                 "items": .array(try inboxItems(o.id).map(\.json)), "bundles": .array(try inboxBundles(o.id))]
            }
            return ["orders": .array(json), "nextCursor": more ? .string(ListOrdersQuery.token(afterID: orders.last!.id)) : .null]
        }
    }

    /// `inboxSummary`: orders per status, and per SKU (every SKU) the units of pending and
    /// uploaded orders, the units allocated to lots, the SKU's remaining, and what is left.
    public func inboxSummary() throws -> JSON {
        try snapshot {
            var counts = JSONObject([("pending", .int(0)), ("uploaded", .int(0)), ("shipped", .int(0)), ("cancelled", .int(0))])
            _ = try db.query("SELECT status, count(*) FROM orders_inbox GROUP BY status") { counts[$0.text(0)] = .int($0.int(1)) }
            var open: [Int64: (pending: Int64, uploaded: Int64)] = [:]
            _ = try db.query("""
                SELECT i.sku_id, o.status, sum(i.quantity) FROM order_items_inbox i JOIN orders_inbox o ON o.order_id = i.order_id
                WHERE o.status = 'pending' OR o.status = 'uploaded' GROUP BY i.sku_id, o.status
                """) { r in
                var units = open[r.int(0)] ?? (0, 0)
                if r.text(1) == "pending" { units.pending += r.int(2) } else { units.uploaded += r.int(2) }
                open[r.int(0)] = units
            }
            var allocated: [Int64: Int64] = [:]
            _ = try db.query("SELECT sku_id, sum(units) FROM allocated_totals GROUP BY sku_id") { allocated[$0.int(0)] = $0.int(1) }
            let skus = try db.query("SELECT sku_id, sku_code FROM skus ORDER BY sku_code") { ($0.int(0), $0.text(1)) }
            let rows: [JSON] = try skus.map { id, code in
                let onHand = try remaining(ofSku: id), promised = allocated[id] ?? 0
                return ["skuCode": .string(code), "pendingUnits": .int(open[id]?.pending ?? 0), "uploadedUnits": .int(open[id]?.uploaded ?? 0),
                        "allocatedUnits": .int(promised), "onHand": .int(onHand), "available": .int(onHand - promised)]
            }
            return ["orders": .object(counts), "skus": .array(rows)]
        }
    }
}
