// importOrder's request as the domain sees it (INBOUND.md, "The orders inbox"; the server reads
// it from params), and what "the same content" means for an order sent again.

import Foundation

public struct ImportOrderRequest: Sendable {
    public struct Item: Sendable {
        /// The text as sent, and trimmed (a bundle code is looked up exactly, trimmed).
        public let sku: String
        public let trimmed: String
        public let parsed: ParsedSku
        public let quantity: Int64
        public let unitPriceCents: Int64?

        public init(sku: String, quantity: Int64, unitPriceCents: Int64? = nil) {
            self.sku = sku
            self.trimmed = sku.trimmingCharacters(in: .whitespaces)
            self.parsed = SkuParser.parse(sku)
            self.quantity = quantity
            self.unitPriceCents = unitPriceCents
        }
    }


    public let orderNumber: String
    public let orderDate: BusinessDate
    public let items: [Item]
    public let source: String?

    public init(orderNumber: String, orderDate: BusinessDate, items: [Item], source: String? = nil) {
        self.orderNumber = orderNumber
        self.orderDate = orderDate
        self.items = items
        self.source = source
    }
}

/// "Same content": the same order date and the same lines as sent, after parsing and merging and
/// before bundle expansion. Spelling, prices and source do not count, and neither does a later
/// change of a bundle.
public enum InboxContent {
    public enum Line: Hashable, Sendable {
        case bundle(String)
        case sku(SkuLotKey)

        var text: String {
            switch self {
            case .bundle(let code): return "B:" + code
            case .sku(let key): return "S:" + key.baseSku + (key.lotNumber.map { "-" + $0 } ?? "")
            }
        }
    }

    public static func key(orderDate: BusinessDate, lines: [(Line, Int64)]) -> String {
        var merged: [String: Int64] = [:]
        for (line, quantity) in lines { merged[line.text, default: 0] += quantity }
        return ([orderDate.description] + merged.keys.sorted().map { "\($0)=\(merged[$0]!)" }).joined(separator: "|")
    }
}
