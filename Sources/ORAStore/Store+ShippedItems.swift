// shippedItems: shipped lines joined to their SKU and lot, newest date first, then SKU code, paged
// by keyset so a page costs the same however deep it is. The cursor is the last row's sort key.

import Foundation
import ORAProtocol
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
    static let shippedItemsFilter = """
        FROM shipped_items i JOIN skus s ON s.sku_id = i.sku_id LEFT JOIN lots l ON l.lot_id = i.lot_id
        WHERE (?1 IS NULL OR i.ship_date >= ?1) AND (?2 IS NULL OR i.ship_date <= ?2)
          AND (?3 IS NULL OR s.sku_code = ?3) AND (?4 IS NULL OR i.order_number = ?4)
        """

    public func shippedItems(_ q: ShippedItemsQuery) throws -> JSON {
        let filter: [SQLValue] = [.text(q.from?.description), .text(q.to?.description), .text(q.skuCode), .text(q.orderNumber)]
        return try snapshot {
            let (units, lines) = try db.one("SELECT coalesce(sum(i.quantity), 0), count(*) " + Self.shippedItemsFilter, filter) {
                ($0.int(0), $0.int(1))
            } ?? (0, 0)
            let after = q.after
            let page: [(JSON, ShippedItemsCursor)] = try db.query("""
                SELECT i.item_id, i.ship_date, i.shipstation_sku_raw, s.sku_code, l.lot_number, i.quantity, i.order_number
                \(Self.shippedItemsFilter)
                  AND (?5 IS NULL OR i.ship_date < ?5 OR (i.ship_date = ?5 AND (s.sku_code > ?6 OR (s.sku_code = ?6 AND i.item_id > ?7))))
                ORDER BY i.ship_date DESC, s.sku_code, i.item_id
                LIMIT ?8
                """, filter + [.text(after?.shipDate), .text(after?.skuCode), .int(after?.itemID), .int(q.limit + 1)]) { r in
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
