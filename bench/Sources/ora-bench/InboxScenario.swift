// The orders inbox under load: importOrder and allocateOrder with 64 clients (durable), and a lone
// allocateOrder on a SKU with 1,000 lots and 100,000 open allocations.

import Foundation
import ORAJSON
import ORAProtocol
import ORADomain
import ORAStore

extension Bench {
    struct InboxRun {
        let imports: LoadGenerator.Result
        let allocations: LoadGenerator.Result
        let lone: LoadGenerator.Result
        let lots: Int
        let openAllocations: Int
    }

    /// A database whose SKU 17612 has `lots` received lots and `open` allocated pending orders of
    /// one unit each (spread over its lots), written straight through SQL with the totals kept.
    func inboxDatabase(lots: Int, open: Int) throws -> String {
        let file = freshPath("inbox.db")
        let store = try Store.openWriter(path: file)
        let now = Timestamp.now()
        try store.db.transaction {
            for sku in ["17612", "18795"] {
                _ = try store.upsertSku(code: sku, productName: "P\(sku)", reorderPoint: 10, palletCount: nil, now: now)
            }
            try store.db.run("""
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
                INSERT INTO lots (sku_id, lot_number, received_date, initial_qty, manual_adjustment, status, created_at, updated_at)
                SELECT 1, 300000 + i, date('2024-01-01', '+' || i || ' days'), 1000000, 0, 'active', ?2, ?2 FROM n
                """, [.int(lots), .text(now)])
            try store.db.run("""
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
                INSERT INTO orders_inbox (order_id, order_number, order_date, status, allocated, source, content, created_at, updated_at)
                SELECT i + 1, 'OPEN' || i, '2025-10-01', 'pending', 1, 'bench', 'x', ?2, ?2 FROM n
                """, [.int(open), .text(now)])
            try store.db.run("""
                INSERT INTO order_items_inbox (order_id, position, sku_id, lot_id, shipstation_sku_raw, quantity)
                SELECT order_id, 0, 1, (order_id % ?1) + 1, '17612', 1 FROM orders_inbox
                """, [.int(lots)])
            try store.db.run("""
                INSERT INTO allocated_totals (sku_id, lot_key, units)
                SELECT sku_id, lot_id, sum(quantity) FROM order_items_inbox GROUP BY sku_id, lot_id
                """)
        }
        try store.checkpoint(.truncate)
        return file
    }

    func inbox(orders: Int, lots: Int = 1000, open: Int = 100_000) throws -> InboxRun {
        let file = try inboxDatabase(lots: lots, open: open)
        let server = try ServerProcess(binary: serverBinary, database: file)
        defer { server.stop() }
        func lines(_ method: String, _ count: Int, prefix: String) -> [[UInt8]] {
            (0..<count).map { i in
                let params: JSON = method == "importOrder"
                    ? ["orderNumber": .string("\(prefix)\(i)"), "orderDate": "2025-10-06",
                       "items": [["sku": "17612", "quantity": .int(1 + i % 3), "unitPriceCents": 1250], ["sku": "18795", "quantity": 1]]]
                    : ["orderNumber": .string("\(prefix)\(i)")]
                return JSONWriter.bytes(["jsonrpc": "2.0", "id": .int(i), "method": .string(method), "params": params]) + [0x0A]
            }
        }
        let imports = LoadGenerator(lines: lines("importOrder", orders, prefix: "N"), connections: 64, depth: 1).run(port: server.port)
        let allocations = LoadGenerator(lines: lines("allocateOrder", orders, prefix: "N"), connections: 64, depth: 1).run(port: server.port)
        let loneCount = scaled(2000)
        _ = LoadGenerator(lines: lines("importOrder", loneCount, prefix: "L"), connections: 8, depth: 1).run(port: server.port)
        let lone = LoadGenerator(lines: lines("allocateOrder", loneCount, prefix: "L"), connections: 1, depth: 1).run(port: server.port)
        guard imports.errors == 0, allocations.errors == 0, lone.errors == 0 else {
            throw BenchError("inbox: \(imports.errors) imports, \(allocations.errors) and \(lone.errors) allocations failed")
        }
        return InboxRun(imports: imports, allocations: allocations, lone: lone, lots: lots, openAllocations: open)
    }
}
