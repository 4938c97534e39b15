// Each schema version's SQL, in order: `Schema.migrations[n]` upgrades a file from version n to n+1.

extension Schema {
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

    /// Version 7: the orders inbox (issue 16). Orders that arrive (`orders_inbox`), their lines
    /// (`order_items_inbox`: as imported, or once allocated the allocation's lines, each with its
    /// lot), the bundle lines they were sent with (`order_bundles_inbox`), bundles and their
    /// components, and the inbox's events for orderHistory. `allocated_totals` keeps the units
    /// each lot has promised to `pending`/`uploaded` orders, written in the same savepoint as the
    /// allocation (validate's `allocated_totals` recomputes it), so a lot's available costs O(1).
    static let v7 = """
        CREATE TABLE bundles (
          bundle_id  INTEGER PRIMARY KEY,
          bundle_sku TEXT NOT NULL CHECK (bundle_sku <> '' AND length(bundle_sku) <= 64),
          name       TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX bundles_sku ON bundles(bundle_sku);
        CREATE TABLE bundle_components (
          bundle_id INTEGER NOT NULL REFERENCES bundles(bundle_id),
          sku_id    INTEGER NOT NULL REFERENCES skus(sku_id),
          quantity  INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
          position  INTEGER NOT NULL,
          PRIMARY KEY (bundle_id, sku_id)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE orders_inbox (
          order_id             INTEGER PRIMARY KEY,
          order_number         TEXT NOT NULL CHECK (order_number <> ''),
          order_date           TEXT NOT NULL CHECK (date(order_date) = order_date),
          status               TEXT NOT NULL CHECK (status = 'pending' OR status = 'uploaded' OR status = 'shipped' OR status = 'cancelled'),
          allocated            INTEGER NOT NULL DEFAULT 0 CHECK (allocated IN (0, 1)),
          shipstation_order_id TEXT,
          source               TEXT,
          content              TEXT NOT NULL,  -- the date and merged lines as sent, before bundle expansion
          created_at           TEXT NOT NULL,
          updated_at           TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX orders_inbox_number ON orders_inbox(order_number);
        CREATE INDEX orders_inbox_status_date ON orders_inbox(status, order_date);

        CREATE TABLE order_items_inbox (
          item_id             INTEGER PRIMARY KEY,
          order_id            INTEGER NOT NULL REFERENCES orders_inbox(order_id),
          position            INTEGER NOT NULL,
          sku_id              INTEGER NOT NULL REFERENCES skus(sku_id),
          lot_id              INTEGER REFERENCES lots(lot_id),
          shipstation_sku_raw TEXT NOT NULL CHECK (shipstation_sku_raw <> ''),
          quantity            INTEGER NOT NULL CHECK (quantity > 0),
          unit_price_cents    INTEGER CHECK (unit_price_cents >= 0),
          bundle_sku          TEXT
        ) STRICT;
        CREATE INDEX order_items_inbox_order ON order_items_inbox(order_id, position);
        CREATE INDEX order_items_inbox_lot ON order_items_inbox(lot_id) WHERE lot_id IS NOT NULL;

        CREATE TABLE order_bundles_inbox (
          order_id         INTEGER NOT NULL REFERENCES orders_inbox(order_id),
          position         INTEGER NOT NULL,
          bundle_sku       TEXT NOT NULL,
          quantity         INTEGER NOT NULL CHECK (quantity > 0),
          unit_price_cents INTEGER CHECK (unit_price_cents >= 0),
          PRIMARY KEY (order_id, position)
        ) STRICT, WITHOUT ROWID;

        -- Allocation walks a SKU's lots oldest first and stops once it has enough: in index order.
        CREATE INDEX lots_fifo ON lots(sku_id, received_date IS NULL, received_date, lot_id)
          WHERE status = 'active' AND initial_qty IS NOT NULL;

        CREATE TABLE allocated_totals (
          sku_id  INTEGER NOT NULL,
          lot_key INTEGER NOT NULL,  -- lot_id
          units   INTEGER NOT NULL,
          PRIMARY KEY (sku_id, lot_key)
        ) STRICT, WITHOUT ROWID;

        -- What happened to inbox orders, for orderHistory (shipments keep theirs in audit_log).
        CREATE TABLE inbox_events (
          event_id     INTEGER PRIMARY KEY,
          at           TEXT NOT NULL,
          order_number TEXT NOT NULL,
          action       TEXT NOT NULL CHECK (action = 'imported' OR action = 'updated' OR action = 'allocated'
                                            OR action = 'uploaded' OR action = 'cancelled' OR action = 'shipped' OR action = 'purged'
                                            OR action = 'migrated'),
          source       TEXT,
          detail       TEXT NOT NULL
        ) STRICT;
        CREATE INDEX inbox_events_order ON inbox_events(order_number, event_id);
        """

    /// Version 8: an audit row keeps why it was written (removeShipment's `reason`: a label voided
    /// in ShipStation), shown by orderHistory.
    static let v8 = """
        ALTER TABLE audit_log ADD COLUMN reason TEXT;
        """

    /// Version 9: the workflows' run journal, how often each must succeed, and the pause switch
    /// (OPERATIONS.md). A pause row names one workflow, or `*` for all of them.
    static let v9 = """
        CREATE TABLE workflow_runs (
          run_id      INTEGER PRIMARY KEY,
          workflow    TEXT NOT NULL,
          args        TEXT,
          dry_run     INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
          started_at  TEXT NOT NULL,
          finished_at TEXT,
          exit_status INTEGER CHECK (exit_status BETWEEN 0 AND 255),
          summary     TEXT,
          counts      TEXT,
          CHECK ((finished_at IS NULL) = (exit_status IS NULL))
        ) STRICT;
        CREATE INDEX workflow_runs_workflow ON workflow_runs(workflow, run_id);
        CREATE TABLE workflow_schedules (
          workflow      TEXT PRIMARY KEY,
          every_minutes INTEGER NOT NULL CHECK (every_minutes BETWEEN 1 AND 527040)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE workflow_pauses (
          workflow TEXT PRIMARY KEY,
          reason   TEXT NOT NULL,
          since    TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;
        """
}
