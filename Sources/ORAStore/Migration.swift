// `ora-server migrate`: a Python-era ora.db becomes a normalized ORA database, losing nothing.
//
//   (1) refuse a file that fails quick_check (untouched)     (2) verified backup next to the file
//   (3) one transaction: legacy tables renamed legacy_*, schema created, skus, lots, orders and
//       items normalized (LegacyNormalizer), side tables carried over by sku_id, every refused row
//       quarantined with its original columns, a log of everything in migration_log
//   (4) the full validate inside that transaction: an error rolls everything back
// A dry run does (1) and (3) and rolls back. The caller holds the database lock.

import Foundation
import ORAJSON
import ORADomain

public enum MigrationError: Error, CustomStringConvertible {
    case missing(String)
    case corrupt(String, problems: [String])
    case notPythonEra(String)
    case validationFailed([CheckResult])

    public var description: String {
        switch self {
        case .missing(let path): return "\(path) does not exist"
        case .corrupt(let path, let problems): return "\(path) fails quick_check, so it was not touched: \(problems.prefix(3).joined(separator: "; "))"
        case .notPythonEra(let path): return "\(path) is not a Python-era database (no inventory_current, lot_inventory or text-keyed shipped_items)"
        case .validationFailed(let checks):
            return "validate found errors after migrating, so nothing was changed: " + checks.map { "\($0.name): \($0.message) \($0.samples.prefix(3))" }.joined(separator: "; ")
        }
    }
}

public struct Migration {
    public enum Outcome {
        case alreadyMigrated(version: Int)
        case migrated(JSON)
    }

    public let path: String
    public let dryRun: Bool
    public var progress: ((_ done: Int, _ total: Int) -> Void)?

    public init(path: String, dryRun: Bool) {
        self.path = path
        self.dryRun = dryRun
    }

    static let renamed = ["shipped_orders", "shipped_items", "weekly_shipped_history", "inventory_transactions", "orders_inbox", "order_items_inbox"]

    public func run() throws -> Outcome {
        let started = Date()
        guard FileManager.default.fileExists(atPath: path) else { throw MigrationError.missing(path) }
        let db = try Database(path: path)
        try db.execute("PRAGMA busy_timeout = 5000")
        let problems = try db.query("PRAGMA quick_check") { $0.text(0) }
        guard problems == ["ok"] else { throw MigrationError.corrupt(path, problems: problems) }
        switch try Schema.inspect(db) {
        case .ora(let version): return .alreadyMigrated(version: version)
        case .empty, .foreign: throw MigrationError.notPythonEra(path)
        case .pythonEra: break
        }

        var backup: Backup.Copy?
        if !dryRun {
            let stamp = Self.stamp(started)
            backup = try Backup.copy(from: db, to: "\(path).pre-migration-\(stamp).bak", database: path)
            guard backup!.integrity == "ok" else { throw StoreError(code: 0, message: "backup \(backup!.path) failed integrity_check: \(backup!.integrity)") }
        }

        let now = Timestamp.format(started)
        // Off for the renames (a no-op inside the transaction); the full validate below runs foreign_key_check.
        try db.execute("PRAGMA foreign_keys = OFF")
        try db.execute("BEGIN IMMEDIATE")
        do {
            // One Store per connection: its id memo owns the connection's rollback hook.
            let store = Store(db: db, path: path)
            var report = try migrate(store, now: now)
            let checks = try store.validationChecks(full: true, freshnessDays: 60, now: started)
            let errors = checks.filter { $0.status == .error }
            guard errors.isEmpty else { throw MigrationError.validationFailed(errors) }
            report["validate"] = .array(checks.map(\.json))
            report["backupPath"] = .string(backup?.path)
            report["dryRun"] = .bool(dryRun)
            report["durationMs"] = .int(Int(Date().timeIntervalSince(started) * 1000))
            try db.run("INSERT INTO migration_log (migrated_at, kind, detail) VALUES (?, 'report', ?)",
                       [.text(now), .text(JSONWriter.string(.object(report)))])
            try db.execute(dryRun ? "ROLLBACK" : "COMMIT")
            if !dryRun { _ = try db.one("PRAGMA journal_mode = WAL") { $0.text(0) } }
            return .migrated(.object(report))
        } catch {
            if db.isInTransaction { try? db.execute("ROLLBACK") }
            throw error
        }
    }

    static func stamp(_ date: Date) -> String {
        Timestamp.format(date).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "").prefix(15) + "Z"
    }

    // MARK: - The transaction's body

    private func migrate(_ store: Store, now: String) throws -> JSONObject {
        let db = store.db
        let tables = Set(try db.query("SELECT name FROM sqlite_schema WHERE type = 'table'") { $0.text(0) })
        var log: [(kind: String, order: String?, detail: JSON)] = []
        var quarantined: [JSON] = []

        func quarantine(table: String, row: JSON, order: String?, reason: String, message: String) throws {
            try store.quarantine(method: "migrate", orderNumber: order, reason: reason, message: message,
                                 request: ["table": .string(table), "row": row], source: "migration", now: now)
            quarantined.append(["table": .string(table), "row": row["id"] ?? .null, "orderNumber": .string(order), "reason": .string(reason), "message": .string(message)])
        }

        // Legacy tables whose names the schema takes are kept, renamed.
        var keptAs: [JSON] = []
        for name in Self.renamed where tables.contains(name) {
            guard !tables.contains("legacy_\(name)") else { throw StoreError(code: 0, message: "both \(name) and legacy_\(name) exist; rename one first") }
            try db.execute("ALTER TABLE \(name) RENAME TO legacy_\(name)")
            keptAs.append(["table": .string(name), "keptAs": .string("legacy_\(name)")])
        }
        for v in 0..<Schema.currentVersion { try db.execute(Schema.migrations[v]) }
        try db.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = \(Schema.currentVersion)")

        // SKUs from inventory_current.
        var skuIDs: [String: Int64] = [:]
        if tables.contains("inventory_current") {
            let rows = try db.query("SELECT rowid, * FROM inventory_current ORDER BY rowid") { Self.rowJSON($0) }
            for row in rows {
                let code = Self.text(row["sku"])?.trimmingCharacters(in: .whitespaces) ?? ""
                guard !code.isEmpty, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    try quarantine(table: "inventory_current", row: row, order: nil, reason: "invalid_sku", message: "SKU code '\(code)' is not ASCII digits"); continue
                }
                guard skuIDs[code] == nil else {
                    try quarantine(table: "inventory_current", row: row, order: nil, reason: "duplicate_sku", message: "SKU \(code) appears twice"); continue
                }
                let reorder = max(0, row["reorder_point"]?.int64Value ?? 0)
                try db.run("INSERT INTO skus (sku_code, product_name, reorder_point, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                           [.text(code), .text(Self.text(row["product_name"]) ?? ""), .int(reorder), .text(now), .text(now)])
                skuIDs[code] = db.lastInsertRowID
            }
        }

        // Lots from lot_inventory.
        var lotCount = 0
        if tables.contains("lot_inventory") {
            let rows = try db.query("SELECT * FROM lot_inventory ORDER BY id") { Self.rowJSON($0) }
            var seen = Set<String>()
            for row in rows {
                let code = Self.text(row["sku"])?.trimmingCharacters(in: .whitespaces) ?? ""
                let lot = Self.text(row["lot"])?.trimmingCharacters(in: .whitespaces) ?? ""
                guard let sku = skuIDs[code] else {
                    try quarantine(table: "lot_inventory", row: row, order: nil, reason: "unknown_sku", message: "lot \(lot) of SKU '\(code)', which is not in inventory_current"); continue
                }
                guard !lot.isEmpty, lot.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    try quarantine(table: "lot_inventory", row: row, order: nil, reason: "invalid_lot", message: "lot number '\(lot)' is not ASCII digits"); continue
                }
                guard seen.insert("\(code)|\(lot)").inserted else {
                    try quarantine(table: "lot_inventory", row: row, order: nil, reason: "duplicate_lot", message: "lot \(code) - \(lot) appears twice"); continue
                }
                if let qty = row["initial_qty"]?.int64Value, qty < 0 {
                    try quarantine(table: "lot_inventory", row: row, order: nil, reason: "invalid_quantity", message: "lot \(code) - \(lot) has a negative initial quantity"); continue
                }
                let received = Self.text(row["received_date"]).flatMap { BusinessDate(isoDateOrDateTime: $0.trimmingCharacters(in: .whitespaces)) }
                if received == nil, let text = Self.text(row["received_date"]), !text.isEmpty {
                    log.append(("lot_date_unreadable", nil, ["sku": .string(code), "lot": .string(lot), "receivedDate": .string(text)]))
                }
                var status = (Self.text(row["status"]) ?? "active").trimmingCharacters(in: .whitespaces).lowercased()
                if status != "active" && status != "inactive" {
                    log.append(("lot_status_mapped", nil, ["sku": .string(code), "lot": .string(lot), "status": .string(status), "now": "inactive"]))
                    status = "inactive"
                }
                try db.run("""
                    INSERT INTO lots (sku_id, lot_number, received_date, initial_qty, manual_adjustment, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.int(sku), .text(lot), .text(received?.description), .int(row["initial_qty"]?.int64Value),
                          .int(row["manual_adjustment"]?.int64Value ?? 0), .text(status), .text(now), .text(now)])
                lotCount += 1
            }
        }

        // Shipped items, normalized.
        var legacyRows: [LegacyItemRow] = []
        var legacyUnits: Int64 = 0
        if tables.contains("shipped_items") {
            let total = Int(try db.scalarInt("SELECT count(*) FROM legacy_shipped_items"))
            legacyRows.reserveCapacity(total)
            _ = try db.query("SELECT * FROM legacy_shipped_items ORDER BY id") { r -> Void in
                let row = Self.rowJSON(r)
                let quantity = row["quantity_shipped"]?.int64Value
                legacyUnits += max(0, quantity ?? 0)
                legacyRows.append(LegacyItemRow(id: row["id"]?.int64Value ?? 0, orderNumber: Self.text(row["order_number"]), shipDate: Self.text(row["ship_date"]),
                                                 baseSku: Self.text(row["base_sku"]), skuLot: Self.text(row["sku_lot"]), quantity: quantity,
                                                 createdAt: Self.text(row["created_at"]), original: row))
                if legacyRows.count % 5000 == 0 { progress?(legacyRows.count, total) }
            }
            progress?(legacyRows.count, total)
        }
        let normalized = LegacyNormalizer.normalize(legacyRows, knownSkus: Set(skuIDs.keys))
        for refusal in normalized.quarantined {
            try quarantine(table: "shipped_items", row: refusal.row.original, order: refusal.row.orderNumber, reason: refusal.reason, message: refusal.message)
        }
        let quarantinedUnits = normalized.quarantined.reduce(Int64(0)) { $0 + max(0, $1.row.quantity ?? 0) }

        var createdLots: [JSON] = []
        var migratedUnits: Int64 = 0
        var items = 0
        for order in normalized.orders {
            let resolved = try store.resolveLines(order.lines, skuIDs: skuIDs, now: now, createdLots: &createdLots)
            _ = try store.writeOrder(order.orderNumber, shipDate: order.shipDate.description, lines: resolved, external: false,
                                     source: "migration", action: .migrated, now: now, rowTime: order.createdAt.flatMap(Self.isoTime))
            migratedUnits += order.lines.reduce(0) { $0 + $1.quantity }
            items += order.lines.count
        }
        let droppedUnits = normalized.duplicatesMerged.reduce(Int64(0)) { total, d in
            total + (d["dropped"]?.arrayValue ?? []).reduce(0) { $0 + ($1["quantity"]?.int64Value ?? 0) }
        }

        // Orders the legacy shipped_orders table had, against the items it had.
        let migratedNumbers = Set(normalized.orders.map(\.orderNumber))
        var legacyOrderNumbers = Set<String>()
        if tables.contains("shipped_orders") {
            legacyOrderNumbers = Set(try db.query("SELECT order_number FROM legacy_shipped_orders WHERE order_number IS NOT NULL") { $0.text(0) })
        }
        let createdFromItems = migratedNumbers.subtracting(legacyOrderNumbers).sorted()
        let withoutItems = legacyOrderNumbers.subtracting(Set(legacyRows.compactMap(\.orderNumber))).sorted()

        // Side tables, keyed by sku_id from now on: (column, where its value comes from). The
        // Python era's inventory transactions become `legacy` ledger entries, which move no
        // balance (its lot quantities already hold them).
        enum Source { case legacy(String), sku, quantity, constant(String) }
        var carried: [JSON] = []
        let sideTables: [(String, [(String, Source)])] = [
            ("weekly_shipped_history", [("id", .legacy("id")), ("sku_id", .sku), ("week_start", .legacy("week_start")), ("quantity", .quantity)]),
            ("inventory_transactions", [("entry_id", .legacy("id")), ("date", .legacy("date")), ("sku_id", .sku), ("quantity", .quantity),
                                        ("legacy_type", .legacy("transaction_type")), ("note", .legacy("notes")), ("kind", .constant("legacy")),
                                        ("source", .constant("migration")), ("created_at", .constant(now))]),
        ]
        for (table, columns) in sideTables where tables.contains(table) {
            var count = 0
            let rows = try db.query("SELECT * FROM legacy_\(table) ORDER BY id") { Self.rowJSON($0) }
            for row in rows {
                let code = Self.text(row["sku"])?.trimmingCharacters(in: .whitespaces) ?? ""
                guard let sku = skuIDs[code] else {
                    try quarantine(table: table, row: row, order: nil, reason: "unknown_sku", message: "\(table) row \(Self.text(row["id"]) ?? "?") names SKU '\(code)', not in inventory_current"); continue
                }
                guard let quantity = row["quantity"]?.int64Value else {
                    try quarantine(table: table, row: row, order: nil, reason: "invalid_quantity", message: "\(table) row \(Self.text(row["id"]) ?? "?") has no integer quantity"); continue
                }
                let values: [SQLValue] = columns.map { _, source in
                    switch source {
                    case .sku: return .int(sku)
                    case .quantity: return .int(quantity)
                    case .legacy("id"): return .int(row["id"]?.int64Value)
                    case .legacy(let column): return .text(Self.text(row[column]))
                    case .constant(let value): return .text(value)
                    }
                }
                try db.run("INSERT INTO \(table) (\(columns.map(\.0).joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))", values)
                count += 1
            }
            carried.append(["table": .string(table), "rows": .int(count)])
        }

        // The inbox, when the file has one (Migration+Inbox.swift).
        var inbox: JSON = .null
        if tables.contains("orders_inbox") && tables.contains("order_items_inbox") {
            let context = InboxContext(store: store, skuIDs: skuIDs, now: now,
                                       quarantine: { try quarantine(table: $0, row: $1, order: $2, reason: $3, message: $4) },
                                       log: { log.append(($0, $1, $2)) })
            inbox = try migrateInbox(context, createdLots: &createdLots)
        }

        for d in normalized.duplicatesMerged { log.append(("duplicate_merged", d["orderNumber"]?.stringValue, d)) }
        for d in normalized.datesUnified { log.append(("date_unified", d["orderNumber"]?.stringValue, d)) }
        for q in quarantined { log.append(("quarantined", q["orderNumber"]?.stringValue, q)) }
        for l in createdLots { log.append(("lot_created", nil, l)) }
        for n in createdFromItems { log.append(("order_created_from_items", n, ["orderNumber": .string(n)])) }
        for n in withoutItems { log.append(("order_without_items", n, ["orderNumber": .string(n)])) }
        for entry in log {
            try db.run("INSERT INTO migration_log (migrated_at, kind, order_number, detail) VALUES (?, ?, ?, ?)",
                       [.text(now), .text(entry.kind), .text(entry.order), .text(JSONWriter.string(entry.detail))])
        }

        return JSONObject([
            ("database", .string(path)), ("backupPath", nil),
            ("skus", .int(skuIDs.count)), ("lots", .int(lotCount + createdLots.count)), ("orders", .int(normalized.orders.count)),
            ("items", .int(items)), ("units", .int(migratedUnits)),
            ("duplicatesMerged", .int(normalized.duplicatesMerged.count)), ("datesUnified", .int(normalized.datesUnified.count)),
            ("quarantined", .int(quarantined.count)),
            ("accounting", ["legacyRows": .int(legacyRows.count), "legacyUnits": .int(legacyUnits), "migratedUnits": .int(migratedUnits),
                            "quarantinedUnits": .int(quarantinedUnits), "duplicateUnitsDropped": .int(droppedUnits),
                            "balanced": .bool(legacyUnits == migratedUnits + quarantinedUnits + droppedUnits)]),
            ("durationMs", nil),
            ("duplicates", .array(normalized.duplicatesMerged)), ("unifiedDates", .array(normalized.datesUnified)),
            ("quarantine", .array(quarantined)), ("createdLots", .array(createdLots)),
            ("ordersCreatedFromItems", .array(createdFromItems.map(JSON.string))), ("ordersWithoutItems", .array(withoutItems.map(JSON.string))),
            ("legacyTablesKept", .array(keptAs)), ("carriedOver", .array(carried)), ("inbox", inbox),
            ("notes", .array(log.filter { $0.kind.hasPrefix("lot_") && $0.kind != "lot_created" }.map(\.detail))),
        ])
    }

    /// Every column of a row, by name, as JSON (integers, reals, text; blobs as hex).
    static func rowJSON(_ r: Row) -> JSON {
        var object = JSONObject()
        for i in 0..<r.columnCount {
            let name = r.columnName(i)
            switch r.type(i) {
            case .int: object[name] = .int(r.int(i))
            case .double: object[name] = .double(r.double(i))
            case .text: object[name] = .string(r.text(i))
            case .null: object[name] = .null
            case .blob: object[name] = .string("x'" + r.blobHex(i) + "'")
            }
        }
        return .object(object)
    }

    static func text(_ value: JSON?) -> String? {
        switch value {
        case .string(let s)?: return s
        case .number(let n)?: return n.text
        default: return nil
        }
    }

    /// Legacy `YYYY-MM-DD HH:MM:SS` as the ISO form ORA stores.
    static func isoTime(_ legacy: String) -> String? {
        let t = legacy.trimmingCharacters(in: .whitespaces)
        guard t.count >= 19, BusinessDate(iso: String(t.prefix(10))) != nil else { return nil }
        return String(t.prefix(10)) + "T" + String(t.dropFirst(11).prefix(8)) + ".000000Z"
    }
}
