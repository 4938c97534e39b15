// validate: read-only health checks on one snapshot. Each check is a query that lists offending
// keys; it must find damage done behind the server's back (the sqlite3 shell, a restored copy),
// so none of them trusts the constraints the schema declares.

import Foundation
import ORAJSON
import ORADomain

public struct CheckResult: Sendable {
    public enum Status: String, Sendable { case ok, warning, error }
    public let name: String
    public let status: Status
    public let count: Int
    public let message: String
    public let samples: [String]

    public var json: JSON {
        ["name": .string(name), "status": .string(status.rawValue), "count": .int(count),
         "message": .string(message), "samples": .array(samples.map(JSON.string))]
    }
}

extension Store {
    static let sampleLimit = 10

    public func validate(full: Bool, freshnessDays: Int, now: Date = Date()) throws -> JSON {
        let started = DispatchTime.now().uptimeNanoseconds
        let checks = try snapshot { try validationChecks(full: full, freshnessDays: freshnessDays, now: now) }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        return ["ok": .bool(!checks.contains { $0.status == .error }), "durationMs": .double((ms * 10).rounded() / 10),
                "checks": .array(checks.map(\.json))]
    }

    public func validationChecks(full: Bool, freshnessDays: Int, now: Date = Date()) throws -> [CheckResult] {
        let integrity = try integrityCheck(full: full)
        let scan = try ItemScan.run(db)
        func finding(_ name: String, _ f: ItemScan.Finding, _ what: String) -> CheckResult {
            CheckResult(name: name, status: f.count == 0 ? .ok : .error, count: f.count, message: f.count == 0 ? "none" : "\(f.count) \(what)", samples: f.samples)
        }
        var overdrawn = ItemScan.Finding(), unreceived = ItemScan.Finding()
        let ledger = try ledgerSums()
        for (id, lot) in scan.lots.sorted(by: { $0.key < $1.key }) where scan.skus[lot.sku] != nil {
            let shipped = scan.shippedPerLot[id] ?? 0
            if let initial = lot.initialQty {
                let stock = initial + lot.adjustment + (ledger[ItemScan.TotalKey(sku: lot.sku, lot: id)] ?? 0)
                if shipped > stock { overdrawn.add("\(scan.name(sku: lot.sku, lot: id)) (shipped \(shipped) of \(stock))") }
            } else if shipped > 0 {
                unreceived.add(scan.name(sku: lot.sku, lot: id))
            }
        }
        return [
            integrity,
            try foreignKeyCheck(items: scan.foreignKeys),
            finding("orphaned_items", scan.orphans, "items pointing at a missing order, SKU or lot, or at a lot of another SKU"),
            finding("missing_raw_sku", scan.missingRaw, "items without their raw ShipStation SKU text"),
            finding("raw_sku_mismatch", scan.rawMismatch, "items whose raw SKU text parses to another SKU or lot than stored"),
            CheckResult(name: "ship_date_splits", status: scan.splitOrders.isEmpty ? .ok : .error, count: scan.splitOrders.count,
                        message: scan.splitOrders.isEmpty ? "none" : "\(scan.splitOrders.count) orders whose items are not all on the order's ship date",
                        samples: Array(scan.splitOrders.prefix(Self.sampleLimit))),
            try duplicatesCheck(),
            CheckResult(name: "lot_overdrawn", status: overdrawn.count == 0 ? .ok : .warning, count: overdrawn.count,
                        message: overdrawn.count == 0 ? "none" : "\(overdrawn.count) lots that shipped more than they received and were adjusted by", samples: overdrawn.samples),
            CheckResult(name: "lots_unreceived", status: unreceived.count == 0 ? .ok : .warning, count: unreceived.count,
                        message: unreceived.count == 0 ? "none" : "\(unreceived.count) lots created on the fly (no initial quantity) that have shipments", samples: unreceived.samples),
            try keysCheck("suspicious_dates", severity: .warning,
                          what: "orders written in the last \(freshnessDays) days with a ship date more than \(freshnessDays) days before the write", sql: """
                SELECT order_number || ' (' || ship_date || ', written ' || substr(updated_at, 1, 10) || ')' FROM shipped_orders
                WHERE updated_at >= ?1 AND ship_date < date(substr(updated_at, 1, 10), '-' || ?2 || ' days')
                """, args: [.text(Timestamp.format(now.addingTimeInterval(-Double(freshnessDays) * 86_400))), .int(freshnessDays)]),
            try totalsCheck(scan),
            try ledgerTotalsCheck(scan, recomputed: ledger),
        ] + (try inboxChecks(scan, ledger: ledger, now: now)) + [
            try indexesCheck(),
            try schemaVersionCheck(),
            try keysCheck("quarantine", severity: .warning, what: "refused requests kept in the quarantine", sql: """
                SELECT coalesce(order_number, '#' || quarantine_id) || ' (' || reason || ')' FROM quarantine ORDER BY quarantine_id DESC
                """),
        ]
    }

    /// With the unique (order, SKU, lot) index in place SQLite itself forbids duplicates (and
    /// quick_check verifies that index); without it, they are looked for.
    func duplicatesCheck() throws -> CheckResult {
        let indexed = try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'shipped_items_order_sku_lot'") == 1
        guard !indexed else { return CheckResult(name: "duplicate_items", status: .ok, count: 0, message: "none (enforced by a unique index)", samples: []) }
        return try keysCheck("duplicate_items", severity: .error, what: "orders holding the same SKU and lot in more than one row", sql: """
            SELECT o.order_number || ' ' || s.sku_code || coalesce(' - ' || l.lot_number, '')
            FROM (SELECT order_id, sku_id, lot_id FROM shipped_items GROUP BY order_id, sku_id, lot_id HAVING count(*) > 1) d
            LEFT JOIN shipped_orders o ON o.order_id = d.order_id
            LEFT JOIN skus s ON s.sku_id = d.sku_id LEFT JOIN lots l ON l.lot_id = d.lot_id
            """)
    }

    /// shipped_totals (kept by Store+Orders) against the totals the item scan just computed.
    func totalsCheck(_ scan: ItemScan) throws -> CheckResult {
        var kept: [ItemScan.TotalKey: Int64] = [:]
        _ = try db.query("SELECT sku_id, lot_key, units FROM shipped_totals WHERE units <> 0") { kept[ItemScan.TotalKey(sku: $0.int(0), lot: $0.int(1))] = $0.int(2) }
        var finding = ItemScan.Finding()
        for key in Set(kept.keys).union(scan.totals.keys).sorted(by: { ($0.sku, $0.lot) < ($1.sku, $1.lot) }) where kept[key] != scan.totals[key] {
            finding.add("\(scan.name(sku: key.sku, lot: key.lot)): kept \(kept[key] ?? 0), items say \(scan.totals[key] ?? 0)")
        }
        return CheckResult(name: "shipped_totals", status: finding.count == 0 ? .ok : .error, count: finding.count,
                           message: finding.count == 0 ? "none" : "\(finding.count) SKU/lot totals that disagree with the shipped items (edited behind the server's back)",
                           samples: finding.samples)
    }

    /// Every (SKU, lot) sum of ledger adjustments, from the entries themselves.
    func ledgerSums() throws -> [ItemScan.TotalKey: Int64] {
        var sums: [ItemScan.TotalKey: Int64] = [:]
        _ = try db.query("SELECT sku_id, ifnull(lot_id, 0), sum(quantity) FROM inventory_transactions WHERE kind = 'adjustment' GROUP BY 1, 2") {
            sums[ItemScan.TotalKey(sku: $0.int(0), lot: $0.int(1))] = $0.int(2)
        }
        return sums
    }

    /// ledger_totals (kept with every entry) against the sums of the entries.
    func ledgerTotalsCheck(_ scan: ItemScan, recomputed: [ItemScan.TotalKey: Int64]) throws -> CheckResult {
        var kept: [ItemScan.TotalKey: Int64] = [:]
        _ = try db.query("SELECT sku_id, lot_key, units FROM ledger_totals") { kept[ItemScan.TotalKey(sku: $0.int(0), lot: $0.int(1))] = $0.int(2) }
        var finding = ItemScan.Finding()
        for key in Set(kept.keys).union(recomputed.keys).sorted(by: { ($0.sku, $0.lot) < ($1.sku, $1.lot) }) where (kept[key] ?? 0) != (recomputed[key] ?? 0) {
            finding.add("\(scan.name(sku: key.sku, lot: key.lot)): kept \(kept[key] ?? 0), entries say \(recomputed[key] ?? 0)")
        }
        return CheckResult(name: "ledger_totals", status: finding.count == 0 ? .ok : .error, count: finding.count,
                           message: finding.count == 0 ? "none" : "\(finding.count) SKU/lot ledger totals that disagree with the ledger's entries (edited behind the server's back)",
                           samples: finding.samples)
    }

    /// A check whose query lists offending keys: the count is all of them, the samples the first ten.
    func keysCheck(_ name: String, severity: CheckResult.Status, what: String, sql: String,
                   args: [SQLValue] = [], label: String = "") throws -> CheckResult {
        var count = 0
        var samples: [String] = []
        _ = try db.query(sql, args) { r in
            count += 1
            if samples.count < Self.sampleLimit { samples.append(label + r.text(0)) }
        }
        return CheckResult(name: name, status: count == 0 ? .ok : severity, count: count,
                           message: count == 0 ? "none" : "\(count) \(what)", samples: samples)
    }

    func integrityCheck(full: Bool) throws -> CheckResult {
        let pragma = full ? "integrity_check" : "quick_check"
        let rows = try db.query("PRAGMA \(pragma)") { $0.text(0) }
        let ok = rows == ["ok"]
        return CheckResult(name: "integrity", status: ok ? .ok : .error, count: ok ? 0 : rows.count,
                           message: ok ? "\(pragma): ok" : "\(pragma) found \(rows.count) problem(s)",
                           samples: ok ? [] : Array(rows.prefix(Self.sampleLimit)))
    }

    /// PRAGMA foreign_key_check for every table but shipped_items, whose references the item scan checked.
    func foreignKeyCheck(items: ItemScan.Finding) throws -> CheckResult {
        var finding = items
        let tables = try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'shipped_items' AND name NOT LIKE 'sqlite_%'") { $0.text(0) }
        for table in tables {
            _ = try db.query("PRAGMA foreign_key_check(\"\(table)\")") { r in finding.add("\(r.text(0)) rowid \(r.int(1)) -> \(r.text(2))") }
        }
        return CheckResult(name: "foreign_keys", status: finding.count == 0 ? .ok : .error, count: finding.count,
                           message: finding.count == 0 ? "none" : "\(finding.count) rows point at a missing parent", samples: finding.samples)
    }

    func indexesCheck() throws -> CheckResult {
        let present = Set(try db.query("SELECT name FROM sqlite_schema WHERE type = 'index'") { $0.text(0) })
        let missing = Schema.requiredIndexes.filter { !present.contains($0) }
        return CheckResult(name: "indexes", status: missing.isEmpty ? .ok : .error, count: missing.count,
                           message: missing.isEmpty ? "all \(Schema.requiredIndexes.count) required indexes exist" : "\(missing.count) required indexes are missing",
                           samples: Array(missing.prefix(Self.sampleLimit)))
    }

    func schemaVersionCheck() throws -> CheckResult {
        let version = Int(try db.scalarInt("PRAGMA user_version"))
        let appID = try db.scalarInt("PRAGMA application_id")
        let ok = version == Schema.currentVersion && appID == Schema.applicationID
        return CheckResult(name: "schema_version", status: ok ? .ok : .error, count: ok ? 0 : 1,
                           message: ok ? "version \(version)" : "schema version \(version) (application id \(appID)), expected \(Schema.currentVersion)",
                           samples: [])
    }
}
