// The database's shape, its version, and what kind of file a path holds.
//
// (1) Every ORA file carries `PRAGMA application_id = 0x4F524131` ("ORA1") and its schema version
//     in `PRAGMA user_version`; upgrades run in order from `migrations`, each in one transaction.
// (2) A file with tables but neither mark is never touched: a Python-era file is refused with the
//     advice to run `ora-server migrate`; anything else is refused as foreign.

public enum Schema {
    public static let applicationID: Int64 = 0x4F52_4131
    public static var currentVersion: Int { migrations.count }

    /// `migrations[n]` upgrades a file from version n to n+1.
    static let migrations: [String] = [v1, v2, v3, v4, v5, v6, v7, v8, v9]

    /// Indexes `validate` requires, by name.
    public static let requiredIndexes: [String] = [
        "skus_code", "lots_sku_lot", "shipped_orders_number", "shipped_orders_ship_date",
        "shipped_items_ship_date", "shipped_items_order_sku_lot", "quarantine_order", "audit_log_order",
        "weekly_shipped_history_sku_week", "inventory_transactions_sku_lot_date",
        "bundles_sku", "orders_inbox_number", "orders_inbox_status_date", "order_items_inbox_order", "order_items_inbox_lot", "lots_fifo",
        "inbox_events_order", "workflow_runs_workflow",
    ]

    public enum FileKind: Equatable, Sendable {
        case empty
        case ora(version: Int)
        case pythonEra
        case foreign
    }

    public static func inspect(_ db: Database) throws -> FileKind {
        let appID = try db.scalarInt("PRAGMA application_id")
        let version = Int(try db.scalarInt("PRAGMA user_version"))
        if appID == applicationID { return .ora(version: version) }
        // Litestream's own tables (it may have replicated the file before) and SQLite's say nothing
        // about what the file is.
        let tables = Set(try db.query("SELECT name FROM sqlite_schema WHERE type = 'table'") { $0.text(0) })
            .filter { !$0.hasPrefix("_litestream_") && !$0.hasPrefix("sqlite_") }
        if tables.isEmpty { return .empty }
        let legacyItems = try tables.contains("shipped_items") && columns(db, "shipped_items").contains("sku_lot")
        if tables.contains("inventory_current") || tables.contains("lot_inventory") || legacyItems {
            return .pythonEra
        }
        return .foreign
    }

    static func columns(_ db: Database, _ table: String) throws -> [String] {
        try db.query("SELECT name FROM pragma_table_info(?)", [.text(table)]) { $0.text(0) }
    }

    /// Throws, changing nothing, unless the file is empty or an ORA file this server can serve.
    /// Returns what the file holds when it can be owned.
    @discardableResult
    public static func checkOwnable(_ db: Database) throws -> FileKind {
        let kind = try inspect(db)
        switch kind {
        case .empty:
            return kind
        case .ora(let version) where version > currentVersion:
            throw StoreError(code: 0, message: "\(db.path) has schema version \(version), newer than this server's \(currentVersion); upgrade ora-server")
        case .ora:
            return kind
        case .pythonEra:
            throw StoreError(code: 0, message: "\(db.path) is a Python-era database; run `ora-server migrate --database \(db.path)` first")
        case .foreign:
            throw StoreError(code: 0, message: "\(db.path) is not an ORA database (it has tables, but no ORA application id)")
        }
    }

    /// Brings an empty or older ORA file to the current version; refuses anything else.
    public static func prepare(_ db: Database) throws {
        switch try checkOwnable(db) {
        case .empty: try upgrade(db, from: 0)
        case .ora(let version) where version < currentVersion: try upgrade(db, from: version)
        default: return
        }
    }

    static func upgrade(_ db: Database, from version: Int) throws {
        try db.transaction {
            for v in version..<currentVersion {
                try db.execute(migrations[v])
            }
            try db.execute("PRAGMA application_id = \(applicationID); PRAGMA user_version = \(currentVersion)")
        }
    }
}
