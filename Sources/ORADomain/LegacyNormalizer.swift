// The migration's rules for Python-era `shipped_items` rows, as a pure function.
//
// (1) A row's raw SKU text is `sku_lot` when present, else `base_sku`, read by the same parser
//     as parseSku. A row that cannot be normalized (bad text, unknown SKU, no order number, no
//     real date, no positive integer quantity) is quarantined whole, never dropped.
// (2) An order's rows on several ship dates are unified on the latest date (a historical
//     re-sync wrote old dates over some lines).
// (3) Rows of one order naming the same SKU and lot in any spelling are duplicates: identical
//     quantities count once; differing quantities keep the newest row, and the others are logged.
// (4) An order all of whose rows are quarantined is not created.

import ORAJSON

public struct LegacyItemRow: Sendable {
    public let id: Int64
    public let orderNumber: String?
    public let shipDate: String?
    public let baseSku: String?
    public let skuLot: String?
    /// nil when the stored value is not an integer.
    public let quantity: Int64?
    public let createdAt: String?
    /// Every column as stored, kept in the quarantine when the row is refused.
    public let original: JSON

    public init(id: Int64, orderNumber: String?, shipDate: String?, baseSku: String?, skuLot: String?, quantity: Int64?, createdAt: String?, original: JSON) {
        self.id = id
        self.orderNumber = orderNumber
        self.shipDate = shipDate
        self.baseSku = baseSku
        self.skuLot = skuLot
        self.quantity = quantity
        self.createdAt = createdAt
        self.original = original
    }

    /// The text the parser reads: `sku_lot`, or `base_sku` when the lot column is empty.
    public var rawSku: String {
        if let lot = skuLot, !lot.trimmingCharacters(in: [" ", "\t"]).isEmpty { return lot }
        return baseSku ?? ""
    }
}

public struct NormalizedOrder: Sendable {
    public let orderNumber: String
    public let shipDate: BusinessDate
    public let lines: [OrderLine]
    public let createdAt: String?
}

public struct LegacyNormalization: Sendable {
    public struct Refusal: Sendable {
        public let row: LegacyItemRow
        public let reason: String
        public let message: String
    }

    public var orders: [NormalizedOrder] = []
    public var quarantined: [Refusal] = []
    public var duplicatesMerged: [JSON] = []
    public var datesUnified: [JSON] = []
}

public enum LegacyNormalizer {
    public static func normalize(_ rows: [LegacyItemRow], knownSkus: Set<String>) -> LegacyNormalization {
        var result = LegacyNormalization()
        struct Good { let row: LegacyItemRow; let parsed: ParsedSku; let date: BusinessDate; let key: SkuLotKey; let quantity: Int64 }
        var byOrder: [String: [Good]] = [:]
        var orderSequence: [String] = []

        for row in rows {
            func refuse(_ reason: String, _ message: String) {
                result.quarantined.append(.init(row: row, reason: reason, message: message))
            }
            guard let number = row.orderNumber?.trimmingCharacters(in: .whitespaces), !number.isEmpty else {
                refuse("missing_order_number", "row \(row.id) has no order number"); continue
            }
            guard let dateText = row.shipDate, let date = BusinessDate(isoDateOrDateTime: dateText.trimmingCharacters(in: .whitespaces)) else {
                refuse("invalid_date", "row \(row.id) has no real ship date (\(row.shipDate ?? "null"))"); continue
            }
            guard let quantity = row.quantity, quantity > 0 else {
                refuse("invalid_quantity", "row \(row.id) has no positive integer quantity"); continue
            }
            let parsed = SkuParser.parse(row.rawSku)
            guard let key = parsed.key else {
                refuse("invalid_sku", "row \(row.id): '\(parsed.raw)': \(parsed.error ?? "invalid")"); continue
            }
            guard knownSkus.contains(key.baseSku) else {
                refuse("unknown_sku", "row \(row.id): base SKU \(key.baseSku) is not in inventory_current"); continue
            }
            if byOrder[number] == nil { orderSequence.append(number) }
            byOrder[number, default: []].append(Good(row: row, parsed: parsed, date: date, key: key, quantity: quantity))
        }

        for number in orderSequence {
            let goods = byOrder[number]!
            let dates = Set(goods.map(\.date))
            let date = dates.max()!
            if dates.count > 1 {
                result.datesUnified.append(["orderNumber": .string(number), "dates": .array(dates.sorted().map { .string($0.description) }),
                                            "unifiedOn": .string(date.description),
                                            "units": .int(goods.reduce(0) { $0 + $1.quantity })])
            }
            var lines: [OrderLine] = []
            var position: [SkuLotKey: Int] = [:]
            var groups: [[Good]] = []
            for g in goods {
                if let i = position[g.key] { groups[i].append(g) } else { position[g.key] = groups.count; groups.append([g]) }
            }
            for group in groups {
                if group.count == 1 {
                    lines.append(OrderLine(key: group[0].key, raw: group[0].parsed.raw, quantity: group[0].quantity))
                    continue
                }
                // Newest first: created_at, then the larger id.
                let newest = group.max { ($0.row.createdAt ?? "", $0.row.id) < ($1.row.createdAt ?? "", $1.row.id) }!
                let identical = Set(group.map(\.quantity)).count == 1
                lines.append(OrderLine(key: newest.key, raw: group[0].parsed.raw, quantity: newest.quantity))
                result.duplicatesMerged.append([
                    "orderNumber": .string(number), "sku": .string(newest.key.description),
                    "rows": .array(group.map { .int($0.row.id) }), "keptRow": .int(newest.row.id), "quantity": .int(newest.quantity),
                    "identical": .bool(identical),
                    "dropped": .array(group.filter { $0.row.id != newest.row.id }.map { ["row": .int($0.row.id), "sku": .string($0.parsed.raw), "quantity": .int($0.quantity)] }),
                ])
            }
            let created = goods.compactMap(\.row.createdAt).min()
            result.orders.append(NormalizedOrder(orderNumber: number, shipDate: date, lines: lines, createdAt: created))
        }
        return result
    }
}
