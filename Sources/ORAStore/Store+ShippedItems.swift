// shippedItems: shipped lines joined to their SKU and lot, newest date first, then SKU code, paged
// by keyset so a page costs the same however deep it is. The cursor is the last row's sort key.

import Foundation
import ORAJSON
import ORADomain

public struct ShippedItemsQuery: Sendable {
    public var from: BusinessDate?
    public var to: BusinessDate?
    public var skuCode: String?
    public var orderNumber: String?
    public var limit: Int = 1000
    public var after: ShippedItemsCursor?

    public init() {}
}

/// Opaque to clients: base64 of `v1|<date>|<sku code>|<item id>`.
public struct ShippedItemsCursor: Sendable, Equatable {
    public let shipDate: String
    public let skuCode: String
    public let itemID: Int64

    public var token: String { Data("v1|\(shipDate)|\(skuCode)|\(itemID)".utf8).base64EncodedString() }

    public init(shipDate: String, skuCode: String, itemID: Int64) {
        self.shipDate = shipDate
        self.skuCode = skuCode
        self.itemID = itemID
    }

    public init?(token: String) {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "v1", BusinessDate(iso: String(parts[1])) != nil,
              let id = Int64(parts[3]) else { return nil }
        self.init(shipDate: String(parts[1]), skuCode: String(parts[2]), itemID: id)
    }
}

extension Store {
    /// The filter names only the conditions given, so SQLite can search the index that serves
    /// them (a date range: the ship-date index; an order: its id's prefix of the order/SKU/lot
    /// index) instead of scanning every item behind an `?n IS NULL OR ...` it cannot index.
    /// At most eight distinct texts, so the statement cache stays small.
    static func shippedItemsFilter(_ q: ShippedItemsQuery) -> (sql: String, args: [SQLValue]) {
        var conditions: [String] = []
        var args: [SQLValue] = []
        if let from = q.from, let to = q.to {
            conditions.append("i.ship_date BETWEEN ? AND ?")
            args += [.text(from.description), .text(to.description)]
        }
        if let sku = q.skuCode {
            conditions.append("i.sku_id = (SELECT sku_id FROM skus WHERE sku_code = ?)")
            args.append(.text(sku))
        }
        if let order = q.orderNumber {
            conditions.append("i.order_id = (SELECT order_id FROM shipped_orders WHERE order_number = ?)")
            args.append(.text(order))
        }
        let sql = """
            FROM shipped_items i JOIN skus s ON s.sku_id = i.sku_id LEFT JOIN lots l ON l.lot_id = i.lot_id
            WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
            """
        return (sql, args)
    }

    public func shippedItems(_ q: ShippedItemsQuery) throws -> JSON {
        let filter = Self.shippedItemsFilter(q)
        return try snapshot {
            let (units, lines) = try db.one("SELECT coalesce(sum(i.quantity), 0), count(*) " + filter.sql, filter.args) {
                ($0.int(0), $0.int(1))
            } ?? (0, 0)
            var pageSQL = "SELECT i.item_id, i.ship_date, i.shipstation_sku_raw, s.sku_code, l.lot_number, i.quantity, i.order_number " + filter.sql
            var pageArgs = filter.args
            if let after = q.after {
                pageSQL += " AND (i.ship_date < ? OR (i.ship_date = ? AND (s.sku_code > ? OR (s.sku_code = ? AND i.item_id > ?))))"
                pageArgs += [.text(after.shipDate), .text(after.shipDate), .text(after.skuCode), .text(after.skuCode), .int(after.itemID)]
            }
            pageSQL += " ORDER BY i.ship_date DESC, s.sku_code, i.item_id LIMIT ?"
            pageArgs.append(.int(q.limit + 1))
            let page: [(JSON, ShippedItemsCursor)] = try db.query(pageSQL, pageArgs) { r in
                (["id": .int(r.int(0)), "shipDate": .string(r.text(1)), "sku": .string(r.text(2)),
                  "baseSku": .string(r.text(3)), "lotNumber": .string(r.textOrNil(4)), "quantity": .int(r.int(5)),
                  "orderNumber": .string(r.text(6))],
                 ShippedItemsCursor(shipDate: r.text(1), skuCode: r.text(3), itemID: r.int(0)))
            }
            let hasMore = page.count > q.limit
            let shown = page.prefix(q.limit)
            return ["items": .array(shown.map(\.0)), "totalUnits": .int(units), "totalLines": .int(lines),
                    "nextCursor": hasMore ? .string(shown.last!.1.token) : .null]
        }
    }

    public func counts() throws -> JSON {
        try snapshot {
            ["skus": .int(try db.scalarInt("SELECT count(*) FROM skus")),
             "lots": .int(try db.scalarInt("SELECT count(*) FROM lots")),
             "orders": .int(try db.scalarInt("SELECT count(*) FROM shipped_orders")),
             "items": .int(try db.scalarInt("SELECT count(*) FROM shipped_items"))]
        }
    }

    public var schemaVersion: Int { Int((try? db.scalarInt("PRAGMA user_version")) ?? 0) }
}
