import Testing
import Foundation
@testable import ORAStore
import ORADomain

@Suite struct SchemaTests {
    func tempPath() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("ora-store-\(UUID().uuidString).db").path }

    /// A new file gets the current schema, marked with ORA's application id and version.
    @Test func newFileGetsTheSchema() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try Store.openWriter(path: path)
        #expect(try Schema.inspect(store.db) == .ora(version: Schema.currentVersion))
        let strict = try store.db.query("SELECT name FROM pragma_table_list WHERE strict = 1 AND schema = 'main'") { $0.text(0) }
        #expect(Set(strict).isSuperset(of: ["skus", "lots", "shipped_orders", "shipped_items", "quarantine", "audit_log"]))
        #expect(try store.db.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try store.db.one("PRAGMA journal_mode") { $0.text(0) } == "wal")
        let checks = try store.validationChecks(full: true, freshnessDays: 60)
        #expect(checks.allSatisfy { $0.status == .ok })
    }

    /// A version-1 file is upgraded in place when opened.
    @Test func upgradesVersionOne() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let db = try Database(path: path)
            try db.execute(Schema.v1 + "; PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 1")
        }
        let store = try Store.openWriter(path: path)
        #expect(try Schema.inspect(store.db) == .ora(version: Schema.currentVersion))
        #expect(try store.db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'migration_log'") == 1)
    }

    /// A version-3 file (totals kept by triggers, 4 KiB pages) keeps every audit row and total
    /// when upgraded, and its totals stay right under the store's own bookkeeping afterwards.
    @Test func upgradesVersionThreeKeepingAuditAndTotals() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let now = Timestamp.now()
        do {
            let db = try Database(path: path)
            try db.execute("PRAGMA page_size = 4096")
            try db.execute(Schema.v1 + ";" + Schema.v2 + ";" + Schema.v3 + "; PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 3")
            try db.execute("""
                INSERT INTO skus (sku_id, sku_code, product_name, created_at, updated_at) VALUES (1, '17612', 'P', '\(now)', '\(now)');
                INSERT INTO shipped_orders (order_id, order_number, ship_date, created_at, updated_at) VALUES (1, 'A', '2026-11-20', '\(now)', '\(now)');
                INSERT INTO shipped_items (order_id, order_number, ship_date, sku_id, shipstation_sku_raw, quantity, created_at, updated_at)
                  VALUES (1, 'A', '2026-11-20', 1, '17612', 4, '\(now)', '\(now)');
                INSERT INTO audit_log (audit_id, at, order_number, action, items) VALUES (7, '\(now)', 'A', 'created', '[]');
                INSERT INTO inventory_transactions (id, date, sku_id, quantity, transaction_type, notes) VALUES (3, '1/2/2025', 1, 28, 'Adjust', 'found');
                """)
        }
        let store = try Store.openWriter(path: path)
        #expect(try Schema.inspect(store.db) == .ora(version: Schema.currentVersion))
        #expect(try store.db.scalarInt("PRAGMA page_size") == 4096)
        #expect(try store.db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'shipped_items'") == 0)
        // v6: the Python era's transaction is a legacy ledger entry, as it was, moving no balance.
        let legacy = try store.db.one("SELECT entry_id, kind, quantity, date, legacy_type, note FROM inventory_transactions") {
            "\($0.int(0)) \($0.text(1)) \($0.int(2)) \($0.text(3)) \($0.text(4)) \($0.text(5))"
        }
        #expect(legacy == "3 legacy 28 1/2/2025 Adjust found")
        #expect(try store.db.scalarInt("SELECT count(*) FROM ledger_totals") == 0)
        #expect(try store.db.scalarInt("SELECT audit_id FROM audit_log WHERE order_number = 'A'") == 7)
        #expect(try store.db.scalarInt("SELECT units FROM shipped_totals WHERE sku_id = 1 AND lot_key = 0") == 4)
        #expect { try store.db.run("INSERT INTO audit_log (at, order_number, action) VALUES ('\(now)', 'A', 'deleted')") } throws: { _ in true }

        let line = ResolvedLine(line: OrderLine(key: SkuLotKey(baseSku: "17612", lotNumber: nil), raw: "17612", quantity: 9), skuID: 1, lotID: nil)
        try store.db.transaction { _ = try store.writeOrder("A", shipDate: "2026-11-21", lines: [line], external: false, source: nil, now: now) }
        #expect(try store.db.scalarInt("SELECT units FROM shipped_totals WHERE sku_id = 1 AND lot_key = 0") == 9)
        let checks = try store.validationChecks(full: true, freshnessDays: 60)
        #expect(checks.first { $0.name == "shipped_totals" }?.status == .ok)
        #expect(checks.first { $0.name == "indexes" }?.status == .ok)
        let dateIndex = try store.db.query("SELECT name FROM pragma_index_info('shipped_items_ship_date')") { $0.text(0) }
        #expect(dateIndex == ["ship_date", "order_id", "sku_id", "quantity"])
    }

    /// A new file gets the small pages that keep a shipment's WAL bytes down.
    @Test func newFileGetsSmallPages() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try Store.openWriter(path: path)
        #expect(try store.db.scalarInt("PRAGMA page_size") == Int64(Store.newFilePageSize))
    }

    /// A Python-era file is refused with the advice to migrate; an unrelated file is refused as foreign.
    @Test func refusesFilesItDoesNotOwn() throws {
        let legacy = tempPath(), foreign = tempPath()
        defer { try? FileManager.default.removeItem(atPath: legacy); try? FileManager.default.removeItem(atPath: foreign) }
        try Database(path: legacy).execute("CREATE TABLE inventory_current (sku TEXT PRIMARY KEY, product_name TEXT)")
        try Database(path: foreign).execute("CREATE TABLE notes (x)")
        #expect { try Store.openWriter(path: legacy) } throws: { "\($0)".contains("ora-server migrate") }
        #expect { try Store.openWriter(path: foreign) } throws: { "\($0)".contains("not an ORA database") }
    }

    /// Litestream's tables (a file it replicated or restored) change nothing about what a file is.
    @Test func litestreamTablesAreIgnored() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let db = try Database(path: path)
            try db.execute("CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER); CREATE TABLE _litestream_lock (id INTEGER)")
            #expect(try Schema.inspect(db) == .empty)
            try db.execute("CREATE TABLE inventory_current (sku TEXT PRIMARY KEY)")
            #expect(try Schema.inspect(db) == .pythonEra)
        }
    }
}
