// Bundles: a code sold as one line that ships as several SKUs (INBOUND.md, "Bundles").

import ORAJSON
import ORADomain

extension Store {
    public struct BundleComponent: Sendable {
        public let skuCode: String
        public let quantity: Int64
        public init(skuCode: String, quantity: Int64) { self.skuCode = skuCode; self.quantity = quantity }
    }

    /// `upsertBundle`: every component's SKU must exist (-32001); the components replace the old
    /// ones (future imports only: an imported order keeps what it expanded to).
    public func upsertBundle(code: String, name: String?, components: [BundleComponent], now: String) throws -> JSON {
        let skus = try skuIDs(for: components.map(\.skuCode))
        if !skus.unknown.isEmpty { throw DomainError.unknownSku(skus.unknown) }
        let existing = try db.one("SELECT bundle_id FROM bundles WHERE bundle_sku = ?", [.text(code)]) { $0.int(0) }
        let id: Int64
        if let existing {
            id = existing
            try db.run("UPDATE bundles SET name = coalesce(?, name), updated_at = ? WHERE bundle_id = ?", [.text(name), .text(now), .int(id)])
            try db.run("DELETE FROM bundle_components WHERE bundle_id = ?", [.int(id)])
        } else {
            try db.run("INSERT INTO bundles (bundle_sku, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                       [.text(code), .text(name), .text(now), .text(now)])
            id = db.lastInsertRowID
        }
        for (position, c) in components.enumerated() {
            try db.run("INSERT INTO bundle_components (bundle_id, sku_id, quantity, position) VALUES (?, ?, ?, ?)",
                       [.int(id), .int(skus.known[c.skuCode]!), .int(c.quantity), .int(position)])
        }
        return ["bundleSku": .string(code), "created": .bool(existing == nil)]
    }

    /// A bundle's components as (SKU id, SKU code, quantity), or nil when `code` is no bundle.
    func bundleComponents(_ code: String) throws -> [(skuID: Int64, skuCode: String, quantity: Int64)]? {
        guard let id = try db.one("SELECT bundle_id FROM bundles WHERE bundle_sku = ?", [.text(code)], { $0.int(0) }) else { return nil }
        return try db.query("""
            SELECT c.sku_id, s.sku_code, c.quantity FROM bundle_components c JOIN skus s ON s.sku_id = c.sku_id
            WHERE c.bundle_id = ? ORDER BY c.position
            """, [.int(id)]) { ($0.int(0), $0.text(1), $0.int(2)) }
    }

    public func listBundles() throws -> JSON {
        try snapshot {
            var bundles: [(code: String, name: String?, components: [JSON])] = []
            var index: [Int64: Int] = [:]
            _ = try db.query("""
                SELECT b.bundle_id, b.bundle_sku, b.name, s.sku_code, c.quantity FROM bundles b
                LEFT JOIN bundle_components c ON c.bundle_id = b.bundle_id LEFT JOIN skus s ON s.sku_id = c.sku_id
                ORDER BY b.bundle_sku, c.position
                """) { r in
                let id = r.int(0)
                if index[id] == nil { index[id] = bundles.count; bundles.append((r.text(1), r.textOrNil(2), [])) }
                if !r.isNull(3) { bundles[index[id]!].components.append(["skuCode": .string(r.text(3)), "quantity": .int(r.int(4))]) }
            }
            return ["bundles": .array(bundles.map { ["bundleSku": .string($0.code), "name": .string($0.name), "components": .array($0.components)] })]
        }
    }
}
