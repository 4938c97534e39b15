// Builds a Python-era ora.db (the layout in shared/contract/LEGACY.md) holding every kind of
// damage the real files have, and remembers what a correct migration must give.

import Foundation

struct LegacyDatabase {
    /// Units per ship date that the migrated database must hold.
    var expectedUnitsByDate: [String: Int] = [:]
    var expectedOrders = 0
    /// shipped_items rows that cannot be normalized (bad text or unknown SKU).
    var badItemRows = 0
    var duplicateGroups = 0
    var splitOrders = 0
    var legacyItemRows = 0

    static let skus = ["17612", "17904", "18000", "18795", "17914"]

    /// Writes the file with the sqlite3 shell; `orders` clean orders plus their damage.
    static func create(at path: String, orders: Int) throws -> LegacyDatabase {
        var model = LegacyDatabase()
        var sql = """
            CREATE TABLE inventory_current (sku TEXT PRIMARY KEY, product_name TEXT, reorder_point INTEGER, current_quantity INTEGER);
            CREATE TABLE lot_inventory (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, lot TEXT NOT NULL, received_date TEXT, initial_qty INTEGER, manual_adjustment INTEGER DEFAULT 0, status TEXT DEFAULT 'active');
            CREATE TABLE shipped_orders (id INTEGER PRIMARY KEY, order_number TEXT, ship_date TEXT, created_at TEXT);
            CREATE TABLE shipped_items (id INTEGER PRIMARY KEY, ship_date TEXT, order_number TEXT, base_sku TEXT, sku_lot TEXT, quantity_shipped INTEGER, created_at TEXT);
            CREATE TABLE weekly_shipped_history (id INTEGER PRIMARY KEY, sku TEXT, week_start TEXT, quantity INTEGER);
            CREATE TABLE inventory_transactions (id INTEGER PRIMARY KEY, date TEXT, sku TEXT, quantity INTEGER, transaction_type TEXT, notes TEXT);
            CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
            INSERT INTO notes (body) VALUES ('kept as it was');
            BEGIN;

            """
        for (i, sku) in skus.enumerated() {
            sql += "INSERT INTO inventory_current VALUES ('\(sku)', 'Product \(sku)', \(i * 10), 100);\n"
            sql += "INSERT INTO lot_inventory (sku, lot, received_date, initial_qty) VALUES ('\(sku)', '2503\(i)0', '2025-03-0\(i + 1)', 100000);\n"
        }
        sql += "INSERT INTO lot_inventory (sku, lot, received_date, initial_qty) VALUES ('17612', '250300', '2025-03-01', 100000);\n"  // duplicate lot
        sql += "INSERT INTO lot_inventory (sku, lot, initial_qty) VALUES ('55555', '1', 10);\n"                                       // unknown SKU
        sql += "INSERT INTO weekly_shipped_history (sku, week_start, quantity) VALUES ('17612', '2025-09-29', 40), ('18000', '2025-09-29', 12), ('55555', '2025-09-29', 1);\n"
        sql += "INSERT INTO inventory_transactions (date, sku, quantity, transaction_type, notes) VALUES ('2025-09-30', '17904', -3, 'adjustment', 'count'), ('2025-10-01', '17612', 500, 'receipt', NULL);\n"

        var itemID = 0
        func item(_ date: String, _ order: String, _ base: String, _ lot: String?, _ qty: Int, at time: String) {
            itemID += 1
            let lotSQL = lot.map { "'\($0)'" } ?? "NULL"
            sql += "INSERT INTO shipped_items VALUES (\(itemID), '\(date)', '\(order)', '\(base)', \(lotSQL), \(qty), '\(time)');\n"
            model.legacyItemRows += 1
        }
        for i in 0..<orders {
            let order = String(format: "%06d", 100_000 + i)
            let date = String(format: "2025-%02d-%02d", 9 + (i % 2), 1 + (i % 28))
            let time = "\(date) 1\(i % 10):00:00"
            if i % 33 != 0 { sql += "INSERT INTO shipped_orders (order_number, ship_date, created_at) VALUES ('\(order)', '\(date)', '\(time)');\n" }
            var lines: [(date: String, qty: Int)] = []
            let lineCount = 1 + i % 3
            for l in 0..<lineCount {
                let sku = skus[(i + l) % skus.count]
                let lotText: String? = (i + l) % 20 == 0 ? nil : ((i + l) % 2 == 0 ? "\(sku) - 2503\((i + l) % skus.count)0" : "\(sku)-2503\((i + l) % skus.count)0")
                let qty = 1 + (i * 7 + l) % 5
                // A historical re-sync wrote an old date on the first line of every 40th order.
                let lineDate = i % 40 == 0 && l == 0 ? "2024-04-16" : date
                item(lineDate, order, sku, lotText ?? (i % 3 == 0 ? "" : nil), qty, at: time)
                var kept = qty
                if l == 0 && i % 50 == 0 {            // the same item stored twice (identical)
                    item(date, order, sku, lotText.map { $0.replacingOccurrences(of: " - ", with: "-") } ?? "", qty, at: time)
                    model.duplicateGroups += 1
                    lines.append((date, 0))
                }
                if l == 0 && i % 70 == 0 && i % 50 != 0 {  // stored twice, the newer row differs: it wins
                    item(date, order, sku, lotText, qty + 2, at: "\(date) 23:59:59")
                    kept = qty + 2
                    model.duplicateGroups += 1
                    lines.append((date, 0))
                }
                lines.append((lineDate, kept))
            }
            if i % 97 == 0 { item(date, order, "17612", "17612 - 25O300", 1, at: time); model.badItemRows += 1 }
            if i % 89 == 0 { item(date, order, "55555", "55555 - 1", 2, at: time); model.badItemRows += 1 }
            // The order lands whole on the latest date its readable rows carry.
            let dates = Set(lines.map(\.date))
            if dates.count > 1 { model.splitOrders += 1 }
            model.expectedUnitsByDate[dates.max()!, default: 0] += lines.reduce(0) { $0 + $1.qty }
            model.expectedOrders += 1
        }
        // An order whose only row cannot be read is not created.
        item("2025-10-01", "BROKEN", "abc", "abc - def", 1, at: "2025-10-01 10:00:00")
        model.badItemRows += 1
        sql += "INSERT INTO shipped_orders (order_number, ship_date, created_at) VALUES ('NOITEMS', '2025-10-01', '2025-10-01 10:00:00');\n"
        sql += "COMMIT;\n"

        let script = path + ".sql"
        try sql.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let (status, _, err) = try runCommand("/usr/bin/sqlite3", [path, ".read \(script)"])
        guard status == 0 else { throw TestError.failed("building the legacy file failed: \(err)") }
        return model
    }
}
