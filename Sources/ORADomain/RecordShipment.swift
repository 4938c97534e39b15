// recordShipment's request as the domain sees it (the server reads it from params): every SKU
// parsed, and the order's lines merged so one order never holds the same SKU and lot twice.

import ORAJSON

/// One stored line of an order: identified by SKU and lot, keeping the first spelling it arrived in.
public struct OrderLine: Sendable, Equatable {
    public let key: SkuLotKey
    public let raw: String
    public var quantity: Int64

    public init(key: SkuLotKey, raw: String, quantity: Int64) {
        self.key = key
        self.raw = raw
        self.quantity = quantity
    }

    public var auditJSON: JSON { ["sku": .string(raw), "quantity": .int(quantity)] }
}

public enum OrderLines {
    /// Adds together lines naming the same SKU and lot, in any spelling; order of first appearance
    /// and the first spelling are kept. (An order shipped in boxes is the boxes' items concatenated.)
    public static func merge(_ items: [(ParsedSku, Int64)]) -> [OrderLine] {
        var lines: [OrderLine] = []
        var position: [SkuLotKey: Int] = [:]
        for (parsed, quantity) in items {
            guard let key = parsed.key else { continue }
            if let i = position[key] {
                lines[i].quantity += quantity
            } else {
                position[key] = lines.count
                lines.append(OrderLine(key: key, raw: parsed.raw, quantity: quantity))
            }
        }
        return lines
    }
}

public struct RecordShipmentRequest: Sendable {
    public struct Item: Sendable {
        public let sku: String
        public let parsed: ParsedSku
        public let quantity: Int64

        public init(sku: String, quantity: Int64) {
            self.sku = sku
            self.parsed = SkuParser.parse(sku)
            self.quantity = quantity
        }
    }

    public static let maxQuantity: Int64 = 1_000_000
    public static let maxItems = 10_000

    public let orderNumber: String
    public let shipDate: BusinessDate
    public let items: [Item]
    public let backfill: Bool
    public let source: String?
    public let external: Bool
    /// The items merged by SKU and lot, and the distinct base SKUs in order of first appearance:
    /// worked out once, on the thread that parsed the request (the loop), not on the writer's.
    public let lines: [OrderLine]
    public let baseSkus: [String]

    public init(orderNumber: String, shipDate: BusinessDate, items: [Item], backfill: Bool = false,
                source: String? = nil, external: Bool = false) {
        self.orderNumber = orderNumber
        self.shipDate = shipDate
        self.items = items
        self.backfill = backfill
        self.source = source
        self.external = external
        (lines, baseSkus) = Self.linesAndBaseSkus(items)
    }

    /// Items whose SKU text does not parse (refused as invalid_sku, and quarantined).
    public var invalidItems: [DomainError.InvalidSkuItem] {
        items.enumerated().compactMap { i, item in
            item.parsed.error.map { DomainError.InvalidSkuItem(index: i, sku: item.sku, error: $0) }
        }
    }

    private static func linesAndBaseSkus(_ items: [Item]) -> ([OrderLine], [String]) {
        var seen = Set<String>()
        return (OrderLines.merge(items.map { ($0.parsed, $0.quantity) }),
                items.compactMap { $0.parsed.baseSku }.filter { seen.insert($0).inserted })
    }
}
