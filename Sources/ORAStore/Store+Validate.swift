// validate: read-only health checks on one snapshot. Each check is a query that lists offending
// keys; it must find damage done behind the server's back (the sqlite3 shell, a restored copy),
// so none of them trusts the constraints the schema declares.

import Foundation
import ORAProtocol
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
        [
            try integrityCheck(full: full),
            try foreignKeyCheck(),
            try keysCheck("orphaned_items", severity: .error, what: "items pointing at a missing order, SKU or lot, or at a lot of another SKU", sql: """
                SELECT i.item_id FROM shipped_items i
                LEFT JOIN shipped_orders o ON o.order_id = i.order_id
                LEFT JOIN skus s ON s.sku_id = i.sku_id
                LEFT JOIN lots l ON l.lot_id = i.lot_id
                WHERE o.order_id IS NULL OR s.sku_id IS NULL OR o.order_number IS NOT i.order_number
                   OR (i.lot_id IS NOT NULL AND (l.lot_id IS NULL OR l.sku_id IS NOT i.sku_id))
                """, label: "item "),
            try keysCheck("missing_raw_sku", severity: .error, what: "items without their raw ShipStation SKU text", sql: """
                SELECT item_id FROM shipped_items WHERE shipstation_sku_raw IS NULL OR trim(shipstation_sku_raw, ' ' || char(9)) = ''
                """, label: "item "),
            try rawSkuMismatchCheck(),
            try keysCheck("ship_date_splits", severity: .error, what: "orders whose items are not all on the order's ship date", sql: """
                SELECT order_number FROM shipped_items GROUP BY order_number HAVING count(DISTINCT ship_date) > 1
                UNION
                SELECT o.order_number FROM shipped_items i JOIN shipped_orders o ON o.order_id = i.order_id
                WHERE i.ship_date IS NOT o.ship_date
                """),
            try keysCheck("duplicate_items", severity: .error, what: "orders holding the same SKU and lot in more than one row", sql: """
                SELECT o.order_number || ' ' || s.sku_code || coalesce(' - ' || l.lot_number, '')
                FROM (SELECT order_id, sku_id, lot_id FROM shipped_items GROUP BY order_id, sku_id, lot_id HAVING count(*) > 1) d
                LEFT JOIN shipped_orders o ON o.order_id = d.order_id
                LEFT JOIN skus s ON s.sku_id = d.sku_id LEFT JOIN lots l ON l.lot_id = d.lot_id
                """),
            try keysCheck("lot_overdrawn", severity: .warning, what: "lots that shipped more than initial quantity plus adjustment", sql: """
                SELECT s.sku_code || ' - ' || l.lot_number || ' (shipped ' || t.shipped || ' of ' || (l.initial_qty + l.manual_adjustment) || ')'
                FROM lots l JOIN skus s ON s.sku_id = l.sku_id
                JOIN (SELECT lot_id, sum(quantity) AS shipped FROM shipped_items WHERE lot_id IS NOT NULL GROUP BY lot_id) t ON t.lot_id = l.lot_id
                WHERE l.initial_qty IS NOT NULL AND t.shipped > l.initial_qty + l.manual_adjustment
                """),
            try keysCheck("lots_unreceived", severity: .warning, what: "lots created on the fly (no initial quantity) that have shipments", sql: """
                SELECT s.sku_code || ' - ' || l.lot_number FROM lots l JOIN skus s ON s.sku_id = l.sku_id
                WHERE l.initial_qty IS NULL AND EXISTS (SELECT 1 FROM shipped_items i WHERE i.lot_id = l.lot_id)
                """),
            try keysCheck("suspicious_dates", severity: .warning,
                          what: "orders written in the last \(freshnessDays) days with a ship date more than \(freshnessDays) days before the write", sql: """
                SELECT order_number || ' (' || ship_date || ', written ' || substr(updated_at, 1, 10) || ')' FROM shipped_orders
                WHERE updated_at >= ?1 AND ship_date < date(substr(updated_at, 1, 10), '-' || ?2 || ' days')
                """, args: [.text(Timestamp.format(now.addingTimeInterval(-Double(freshnessDays) * 86_400))), .int(freshnessDays)]),
            try keysCheck("shipped_totals", severity: .error, what: "SKU/lot totals that disagree with the shipped items (edited behind the server's back)", sql: """
                SELECT coalesce(s.sku_code, '#' || coalesce(a.sku_id, b.sku_id)) || coalesce(' - ' || l.lot_number, '') || ': kept ' || ifnull(b.units, 0) || ', items say ' || ifnull(a.units, 0)
                FROM (SELECT sku_id, ifnull(lot_id, 0) AS lot_key, sum(quantity) AS units FROM shipped_items GROUP BY 1, 2) a
                FULL OUTER JOIN (SELECT * FROM shipped_totals WHERE units <> 0) b ON a.sku_id = b.sku_id AND a.lot_key = b.lot_key
                LEFT JOIN skus s ON s.sku_id = coalesce(a.sku_id, b.sku_id)
                LEFT JOIN lots l ON l.lot_id = coalesce(a.lot_key, b.lot_key)
                WHERE a.units IS NOT b.units
                """),
            try indexesCheck(),
            try schemaVersionCheck(),
            try keysCheck("quarantine", severity: .warning, what: "refused requests kept in the quarantine", sql: """
                SELECT coalesce(order_number, '#' || quarantine_id) || ' (' || reason || ')' FROM quarantine ORDER BY quarantine_id DESC
                """),
        ]
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

    func foreignKeyCheck() throws -> CheckResult {
        let rows = try db.query("PRAGMA foreign_key_check") { r in "\(r.text(0)) rowid \(r.int(1)) -> \(r.text(2))" }
        return CheckResult(name: "foreign_keys", status: rows.isEmpty ? .ok : .error, count: rows.count,
                           message: rows.isEmpty ? "none" : "\(rows.count) rows point at a missing parent",
                           samples: Array(rows.prefix(Self.sampleLimit)))
    }

    /// The stored raw text must still parse to the stored SKU and lot (the parser is Swift, so
    /// this scans in Swift, parsing each distinct spelling once).
    func rawSkuMismatchCheck() throws -> CheckResult {
        var parsed: [String: ParsedSku] = [:]
        var count = 0
        var samples: [String] = []
        _ = try db.query("""
            SELECT i.item_id, i.shipstation_sku_raw, s.sku_code, l.lot_number
            FROM shipped_items i JOIN skus s ON s.sku_id = i.sku_id LEFT JOIN lots l ON l.lot_id = i.lot_id
            """) { r in
            let raw = r.text(1)
            let p = parsed[raw] ?? { let p = SkuParser.parse(raw); parsed[raw] = p; return p }()
            if p.baseSku != r.text(2) || p.lotNumber != r.textOrNil(3) {
                count += 1
                if samples.count < Self.sampleLimit {
                    samples.append("item \(r.int(0)): '\(raw)' stored as \(SkuLotKey(baseSku: r.text(2), lotNumber: r.textOrNil(3)))")
                }
            }
        }
        return CheckResult(name: "raw_sku_mismatch", status: count == 0 ? .ok : .error, count: count,
                           message: count == 0 ? "none" : "\(count) items whose raw SKU text parses to another SKU or lot than stored",
                           samples: samples)
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
