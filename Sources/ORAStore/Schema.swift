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
    static let migrations: [String] = [v1, v2, v3, v4, v5, v6]

    /// Indexes `validate` requires, by name.
    public static let requiredIndexes: [String] = [
        "skus_code", "lots_sku_lot", "shipped_orders_number", "shipped_orders_ship_date",
        "shipped_items_ship_date", "shipped_items_order_sku_lot", "quarantine_order", "audit_log_order",
        "weekly_shipped_history_sku_week", "inventory_transactions_sku_lot_date",
    ]

    static let v1 = """
        CREATE TABLE skus (
          sku_id        INTEGER PRIMARY KEY,
          sku_code      TEXT NOT NULL CHECK (sku_code <> '' AND sku_code NOT GLOB '*[^0-9]*'),
          product_name  TEXT NOT NULL,
          reorder_point INTEGER NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
          pallet_count  INTEGER CHECK (pallet_count >= 0),
          created_at    TEXT NOT NULL,
          updated_at    TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX skus_code ON skus(sku_code);

        CREATE TABLE lots (
          lot_id            INTEGER PRIMARY KEY,
          sku_id            INTEGER NOT NULL REFERENCES skus(sku_id),
          lot_number        TEXT NOT NULL CHECK (lot_number <> '' AND lot_number NOT GLOB '*[^0-9]*'),
          received_date     TEXT CHECK (received_date IS NULL OR date(received_date) = received_date),
          initial_qty       INTEGER CHECK (initial_qty >= 0),
          manual_adjustment INTEGER NOT NULL DEFAULT 0,
          status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
          created_at        TEXT NOT NULL,
          updated_at        TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX lots_sku_lot ON lots(sku_id, lot_number);

        CREATE TABLE shipped_orders (
          order_id     INTEGER PRIMARY KEY,
          order_number TEXT NOT NULL CHECK (order_number <> ''),
          ship_date    TEXT NOT NULL CHECK (date(ship_date) = ship_date),
          external     INTEGER NOT NULL DEFAULT 0 CHECK (external IN (0, 1)),
          source       TEXT,
          created_at   TEXT NOT NULL,
          updated_at   TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX shipped_orders_number ON shipped_orders(order_number);
        CREATE INDEX shipped_orders_ship_date ON shipped_orders(ship_date);

        -- order_number and ship_date repeat the order's so that the per-date and per-SKU indexes
        -- cover the reports; `validate` checks they agree with the order (ship_date_splits).
        CREATE TABLE shipped_items (
          item_id             INTEGER PRIMARY KEY,
          order_id            INTEGER NOT NULL REFERENCES shipped_orders(order_id),
          order_number        TEXT NOT NULL,
          ship_date           TEXT NOT NULL CHECK (date(ship_date) = ship_date),
          sku_id              INTEGER NOT NULL REFERENCES skus(sku_id),
          lot_id              INTEGER REFERENCES lots(lot_id),
          shipstation_sku_raw TEXT NOT NULL CHECK (shipstation_sku_raw <> ''),
          quantity            INTEGER NOT NULL CHECK (quantity > 0),
          created_at          TEXT NOT NULL,
          updated_at          TEXT NOT NULL
        ) STRICT;
        CREATE INDEX shipped_items_ship_date ON shipped_items(ship_date);
        CREATE INDEX shipped_items_sku_date ON shipped_items(sku_id, ship_date);
        CREATE INDEX shipped_items_lot ON shipped_items(lot_id);
        -- Its order_number prefix also serves lookups by order number.
        CREATE UNIQUE INDEX shipped_items_order_raw ON shipped_items(order_number, shipstation_sku_raw);
        -- One order never holds the same SKU and lot twice, whatever the spelling.
        CREATE UNIQUE INDEX shipped_items_order_sku_lot ON shipped_items(order_id, sku_id, ifnull(lot_id, 0));

        -- Requests refused for their SKUs, kept whole so nothing sent is ever lost.
        CREATE TABLE quarantine (
          quarantine_id INTEGER PRIMARY KEY,
          received_at   TEXT NOT NULL,
          method        TEXT NOT NULL,
          order_number  TEXT,
          reason        TEXT NOT NULL,
          message       TEXT NOT NULL,
          request       TEXT NOT NULL,
          source        TEXT
        ) STRICT;
        CREATE INDEX quarantine_order ON quarantine(order_number);

        -- One row per change to shipped data: what, from what, to what, by whom, when.
        CREATE TABLE audit_log (
          audit_id           INTEGER PRIMARY KEY,
          at                 TEXT NOT NULL,
          order_number       TEXT NOT NULL,
          action             TEXT NOT NULL CHECK (action IN ('created', 'updated', 'moved', 'removed', 'reconciled', 'migrated')),
          source             TEXT,
          ship_date          TEXT,
          previous_ship_date TEXT,
          items              TEXT,
          previous_items     TEXT
        ) STRICT;
        CREATE INDEX audit_log_order ON audit_log(order_number, audit_id);
        """

    /// Version 2: the Python era's side tables keyed by sku_id, and the migration's log.
    static let v2 = """
        CREATE TABLE weekly_shipped_history (
          id         INTEGER PRIMARY KEY,
          sku_id     INTEGER NOT NULL REFERENCES skus(sku_id),
          week_start TEXT NOT NULL,
          quantity   INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX weekly_shipped_history_sku_week ON weekly_shipped_history(sku_id, week_start);

        CREATE TABLE inventory_transactions (
          id               INTEGER PRIMARY KEY,
          date             TEXT,
          sku_id           INTEGER NOT NULL REFERENCES skus(sku_id),
          quantity         INTEGER NOT NULL,
          transaction_type TEXT,
          notes            TEXT
        ) STRICT;
        CREATE INDEX inventory_transactions_sku_date ON inventory_transactions(sku_id, date);

        -- What `ora-server migrate` did, so its report can be read again later.
        CREATE TABLE migration_log (
          log_id       INTEGER PRIMARY KEY,
          migrated_at  TEXT NOT NULL,
          kind         TEXT NOT NULL,
          order_number TEXT,
          detail       TEXT NOT NULL
        ) STRICT;
        """

    /// Version 3: shipped units per SKU and lot kept by triggers, so lot inventory costs O(lots)
    /// however many items there are (validate's `shipped_totals` recomputes them); the ship-date
    /// index covers SKU and quantity for the weekly report.
    static let v3 = """
        CREATE TABLE shipped_totals (
          sku_id  INTEGER NOT NULL,
          lot_key INTEGER NOT NULL,  -- lot_id, or 0 for lines without a lot
          units   INTEGER NOT NULL,
          PRIMARY KEY (sku_id, lot_key)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO shipped_totals (sku_id, lot_key, units)
          SELECT sku_id, ifnull(lot_id, 0), sum(quantity) FROM shipped_items GROUP BY sku_id, ifnull(lot_id, 0);

        CREATE TRIGGER shipped_totals_on_insert AFTER INSERT ON shipped_items BEGIN
          INSERT INTO shipped_totals (sku_id, lot_key, units) VALUES (NEW.sku_id, ifnull(NEW.lot_id, 0), NEW.quantity)
            ON CONFLICT (sku_id, lot_key) DO UPDATE SET units = units + excluded.units;
        END;
        CREATE TRIGGER shipped_totals_on_delete AFTER DELETE ON shipped_items BEGIN
          UPDATE shipped_totals SET units = units - OLD.quantity WHERE sku_id = OLD.sku_id AND lot_key = ifnull(OLD.lot_id, 0);
        END;
        CREATE TRIGGER shipped_totals_on_update AFTER UPDATE OF sku_id, lot_id, quantity ON shipped_items BEGIN
          UPDATE shipped_totals SET units = units - OLD.quantity WHERE sku_id = OLD.sku_id AND lot_key = ifnull(OLD.lot_id, 0);
          INSERT INTO shipped_totals (sku_id, lot_key, units) VALUES (NEW.sku_id, ifnull(NEW.lot_id, 0), NEW.quantity)
            ON CONFLICT (sku_id, lot_key) DO UPDATE SET units = units + excluded.units;
        END;

        DROP INDEX shipped_items_ship_date;
        CREATE INDEX shipped_items_ship_date ON shipped_items(ship_date, sku_id, quantity);
        """

    /// Version 4: fewer b-tree pages and less work per shipped line, since every line is written by
    /// the one writer thread (issue 8):
    ///   - shipped_totals is kept by Store+Orders in the same savepoint, not by triggers: a trigger
    ///     makes every item INSERT a multi-write statement, which SQLite journals page by page.
    ///   - three item indexes no query reads go: (order_number, raw) is implied by the unique
    ///     (order_id, sku_id, lot) one; lot_id and (sku_id, ship_date) served only deletes of lots
    ///     and SKUs, which never happen.
    ///   - audit_log's action CHECK names the six actions with `=`: an IN list of more than two
    ///     constants builds a temporary b-tree on every INSERT.
    static let v4 = """
        DROP TRIGGER shipped_totals_on_insert;
        DROP TRIGGER shipped_totals_on_delete;
        DROP TRIGGER shipped_totals_on_update;
        DROP INDEX shipped_items_order_raw;
        DROP INDEX shipped_items_lot;
        DROP INDEX shipped_items_sku_date;

        CREATE TABLE audit_log_v4 (
          audit_id           INTEGER PRIMARY KEY,
          at                 TEXT NOT NULL,
          order_number       TEXT NOT NULL,
          action             TEXT NOT NULL CHECK (action = 'created' OR action = 'updated' OR action = 'moved'
                                                 OR action = 'removed' OR action = 'reconciled' OR action = 'migrated'),
          source             TEXT,
          ship_date          TEXT,
          previous_ship_date TEXT,
          items              TEXT,
          previous_items     TEXT
        ) STRICT;
        INSERT INTO audit_log_v4 SELECT audit_id, at, order_number, action, source, ship_date, previous_ship_date, items, previous_items FROM audit_log;
        DROP TABLE audit_log;
        ALTER TABLE audit_log_v4 RENAME TO audit_log;
        CREATE INDEX audit_log_order ON audit_log(order_number, audit_id);
        """

    /// Version 5: the per-date item index is ordered by order within a date, so a new order's
    /// items land at the end of their date's range (next to the ones written just before them)
    /// instead of among that date's SKUs: one page per date a commit touches rather than one per
    /// (date, SKU). It still covers the weekly report's SKU and quantity.
    static let v5 = """
        DROP INDEX shipped_items_ship_date;
        CREATE INDEX shipped_items_ship_date ON shipped_items(ship_date, order_id, sku_id, quantity);
        """

    /// Version 6: the stock ledger (issue 17). `inventory_transactions` holds every movement of
    /// stock that is not a shipment, never edited or deleted (triggers refuse it): `adjustment`
    /// entries with a reason move a lot's (or, without a lot, a SKU's) balance; `legacy` entries
    /// are the Python era's rows, kept as history with their original type, moving nothing.
    /// `ledger_totals` keeps each (SKU, lot) sum of adjustments, written in the same savepoint as
    /// every entry (validate's `ledger_totals` recomputes it), so a remaining costs O(lots).
    static let v6 = """
        CREATE TABLE inventory_transactions_v6 (
          entry_id    INTEGER PRIMARY KEY,
          sku_id      INTEGER NOT NULL REFERENCES skus(sku_id),
          lot_id      INTEGER REFERENCES lots(lot_id),
          kind        TEXT NOT NULL CHECK (kind = 'adjustment' OR kind = 'legacy'),
          reason      TEXT CHECK (kind = 'legacy' OR reason = 'receipt' OR reason = 'return' OR reason = 'damage'
                                  OR reason = 'count' OR reason = 'correction'),
          quantity    INTEGER NOT NULL CHECK (kind = 'legacy' OR (quantity <> 0 AND quantity BETWEEN -1000000 AND 1000000)),
          date        TEXT CHECK (kind = 'legacy' OR date(date) = date),
          note        TEXT,
          source      TEXT,
          legacy_type TEXT,
          created_at  TEXT NOT NULL
        ) STRICT;
        INSERT INTO inventory_transactions_v6 (entry_id, sku_id, lot_id, kind, reason, quantity, date, note, source, legacy_type, created_at)
          SELECT id, sku_id, NULL, 'legacy', NULL, quantity, date, notes, 'migration', transaction_type,
                 strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          FROM inventory_transactions;
        DROP TABLE inventory_transactions;
        ALTER TABLE inventory_transactions_v6 RENAME TO inventory_transactions;
        CREATE INDEX inventory_transactions_sku_lot_date ON inventory_transactions(sku_id, lot_id, date);
        CREATE TRIGGER inventory_transactions_never_updated BEFORE UPDATE ON inventory_transactions BEGIN
          SELECT RAISE(ABORT, 'ledger entries are never changed: correct one with another entry');
        END;
        CREATE TRIGGER inventory_transactions_never_deleted BEFORE DELETE ON inventory_transactions BEGIN
          SELECT RAISE(ABORT, 'ledger entries are never deleted: correct one with another entry');
        END;

        CREATE TABLE ledger_totals (
          sku_id  INTEGER NOT NULL,
          lot_key INTEGER NOT NULL,  -- lot_id, or 0 for entries without a lot
          units   INTEGER NOT NULL,
          PRIMARY KEY (sku_id, lot_key)
        ) STRICT, WITHOUT ROWID;
        """

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
        let tables = Set(try db.query("SELECT name FROM sqlite_schema WHERE type = 'table'") { $0.text(0) })
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
