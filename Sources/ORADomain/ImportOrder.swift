// importOrder's request as the domain sees it (INBOUND.md, "The orders inbox"): validated params,
// and what "the same content" means for an order sent again.

import ORAProtocol

public struct ImportOrderRequest: Sendable {
    public struct Item: Sendable {
        /// The text as sent, and trimmed (a bundle code is looked up exactly, trimmed).
        public let sku: String
        public let trimmed: String
        public let parsed: ParsedSku
        public let quantity: Int64
        public let unitPriceCents: Int64?
    }

    public static let parameterNames: [String] = ["orderNumber", "orderDate", "items", "source"]

    public let orderNumber: String
    public let orderDate: BusinessDate
    public let items: [Item]
    public let source: String?

    public init(params: JSON?) throws(RPCError) {
        let p = try Params(params, allowed: Self.parameterNames)
        orderNumber = try p.requiredOrderNumber()
        orderDate = try p.requiredDate("orderDate")
        let rawItems = try p.requiredArray("items")
        if rawItems.isEmpty { throw .invalidParams("/items", "must not be empty") }
        if rawItems.count > RecordShipmentRequest.maxItems { throw .invalidParams("/items", "must hold at most \(RecordShipmentRequest.maxItems) items") }
        var items: [Item] = []
        for (i, raw) in rawItems.enumerated() {
            let item = try Params(nested: raw, path: "/items/\(i)", allowed: ["sku", "quantity", "unitPriceCents"])
            let sku = try item.requiredString("sku", maxLength: 200)
            let trimmed = sku.trimmingCharacters(in: .whitespaces)
            items.append(Item(sku: sku, trimmed: trimmed, parsed: SkuParser.parse(sku),
                              quantity: try item.requiredInt("quantity", in: 1...RecordShipmentRequest.maxQuantity),
                              unitPriceCents: try item.int("unitPriceCents", in: 0...1_000_000_000_000)))
        }
        self.items = items
        source = try p.string("source", maxLength: 100)
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
