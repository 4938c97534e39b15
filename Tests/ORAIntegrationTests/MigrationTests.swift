import Testing
import Foundation
import ORAJSON
import ORAProtocol

@Suite struct MigrationTests {
    let server = productsDirectory.appendingPathComponent("ora-server").path

    func migrate(_ path: String, _ extra: [String] = []) throws -> (Int32, JSON?, String) {
        let (status, out, err) = try runCommand(server, ["migrate", "--database", path, "--json"] + extra)
        return (status, try? JSONParser.parse(out.trimmingCharacters(in: .whitespacesAndNewlines)), err)
    }

    /// Dry run leaves the file byte-identical; the real run backs up, normalizes, quarantines, balances; a second run is a no-op.
    @Test func migratesADamagedFileLosingNothing() throws {
        let dir = TempDir()
        let path = dir.path("ora.db")
        let model = try LegacyDatabase.create(at: path, orders: 3000)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))

        // The server refuses a Python-era file and says what to do.
        let (refused, _, refusal) = try runCommand(server, ["--database", path, "--listen", "127.0.0.1:0"])
        #expect(refused != 0 && refusal.contains("ora-server migrate"))

        let (dryStatus, dry, dryErr) = try migrate(path, ["--dry-run"])
        #expect(dryStatus == 0, "\(dryErr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
        #expect(dry?["dryRun"] == true && dry?["backupPath"] == .null)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.contains("pre-migration") }
        #expect(leftovers.isEmpty)

        let (status, report, err) = try migrate(path)
        #expect(status == 0, "\(err)")
        let r = try #require(report)
        #expect(r["orders"] == .int(model.expectedOrders))
        #expect(r["skus"] == 5)
        #expect(r["duplicatesMerged"] == .int(model.duplicateGroups))
        #expect(r["datesUnified"] == .int(model.splitOrders))
        // Bad shipped rows, the duplicate lot, the lot of an unknown SKU, and the history row of an unknown SKU.
        #expect(r["quarantined"] == .int(model.badItemRows + 3))
        #expect(r["accounting"]?["balanced"] == true)
        #expect(r["accounting"]?["legacyRows"] == .int(model.legacyItemRows))
        #expect(r["ordersWithoutItems"] == ["NOITEMS"])
        #expect((r["ordersCreatedFromItems"]?.arrayValue?.count ?? 0) == (model.expectedOrders + 32) / 33)
        #expect(r["dryRun"] == false)
        #expect(dry?["orders"] == r["orders"] && dry?["units"] == r["units"] && dry?["quarantined"] == r["quarantined"])

        // The backup is a verified copy of the original.
        let backup = try #require(r["backupPath"]?.stringValue)
        #expect(try sqlite(backup, "PRAGMA integrity_check") == "ok")
        #expect(try sqlite(backup, "SELECT count(*) FROM shipped_items") == String(model.legacyItemRows))

        // Units per date, as the clean model says.
        let byDate = try sqlite(path, "SELECT ship_date || '=' || sum(quantity) FROM shipped_items GROUP BY ship_date ORDER BY ship_date")
        let expected = model.expectedUnitsByDate.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        #expect(byDate == expected)
        // Legacy tables are kept, renamed; tables the migration does not know are untouched.
        #expect(try sqlite(path, "SELECT count(*) FROM legacy_shipped_items") == String(model.legacyItemRows))
        #expect(try sqlite(path, "SELECT body FROM notes") == "kept as it was")
        #expect(try sqlite(path, "SELECT count(*) FROM weekly_shipped_history") == "2")
        #expect(try sqlite(path, "SELECT count(*) FROM inventory_transactions") == "2")
        #expect(try sqlite(path, "SELECT count(*) FROM quarantine WHERE request LIKE '%25O300%'") != "0")
        #expect(try sqlite(path, "SELECT count(*) FROM migration_log WHERE kind = 'report'") == "1")

        // A second run is a no-op that says so.
        let (again, second, _) = try migrate(path)
        #expect(again == 0 && second?["alreadyMigrated"] == true)

        // The server serves the migrated file, and validate has no error.
        let s = try TestServer(database: path, dir: dir)
        let c = try s.connect()
        let health = try c.call("validate", ["full": true])
        #expect(health["checks"]?.arrayValue?.filter { $0["status"] == "error" } == [])
        #expect(try c.call("orderHistory", ["orderNumber": "100000"])["events"]?.arrayValue?.first?["action"] == "migrated")
        #expect(try c.call("shippedItems", ["orderNumber": "100000"])["items"]?.arrayValue?.allSatisfy { $0["shipDate"] == "2025-09-01" } == true)
        // The Python era's inventory transactions are legacy ledger lines: history that moves nothing.
        let ledger = try c.call("inventoryLedger", ["skuCode": "17904"])
        let legacy = ledger["entries"]?.arrayValue?.filter { $0["kind"] == "legacy" } ?? []
        #expect(legacy.count == 1 && legacy.first?["quantity"] == -3 && legacy.first?["reason"] == "adjustment" && legacy.first?["note"] == "count")
        let inventory = try c.call("lotInventory", ["skuCode": "17904"])
        #expect(ledger["closing"] == inventory["skus"]?.arrayValue?.first?["remaining"])

        // While a server owns the file, migrate refuses.
        let (locked, _, lockErr) = try migrate(path)
        #expect(locked != 0 && lockErr.contains("already owned"))
    }

    /// On a terminal, migrate shows how far normalizing has come.
    /// A Python-era inbox with its damage: duplicates, unreadable and unknown SKUs, an unknown
    /// status, an unreadable date, an orphaned item. Units by hand: 33 legacy = 11 migrated + 19
    /// quarantined + 3 in a duplicate row.
    @Test func migratesTheInbox() throws {
        let dir = TempDir()
        let path = dir.path("ora.db")
        _ = try LegacyDatabase.create(at: path, orders: 20)
        _ = try sqlite(path, """
            CREATE TABLE orders_inbox (id INTEGER PRIMARY KEY, order_number TEXT, order_date TEXT, status TEXT, shipstation_order_id TEXT, created_at TEXT);
            CREATE TABLE order_items_inbox (id INTEGER PRIMARY KEY, order_id INTEGER, sku TEXT, sku_lot TEXT, quantity INTEGER, unit_price_cents INTEGER);
            INSERT INTO orders_inbox VALUES (1, '900001', '2025-10-06', 'pending', NULL, '2025-10-06 09:00:00'),
              (2, '900002', '2025-10-05', 'awaiting_shipment', '555', '2025-10-05 09:00:00'),
              (3, '900003', '2025-10-04', 'on_hold', NULL, '2025-10-04 09:00:00'),
              (4, '900004', '2025-10-03', 'shipped', '556', '2025-10-03 09:00:00'),
              (5, '900005', 'someday', 'pending', NULL, NULL);
            INSERT INTO order_items_inbox VALUES (1, 1, '17612', '', 3, 1250), (2, 1, '17612', NULL, 3, 1250), (3, 1, '18000', NULL, 1, NULL),
              (4, 2, '17612', '17612 - 250300', 4, 999), (5, 2, '17612', '17612-25O300', 1, NULL),
              (6, 3, '17904', NULL, 2, NULL), (7, 3, '55555', NULL, 7, NULL), (8, 4, '18000', '', 1, NULL),
              (9, 5, '17612', NULL, 5, NULL), (10, 99, '17612', NULL, 6, NULL);
            """)
        let (status, report, err) = try migrate(path)
        #expect(status == 0, "\(err)")
        #expect(report?["inbox"] == ["orders": 4, "legacyOrders": 5, "legacyRows": 10, "legacyUnits": 33, "migratedUnits": 11,
                                     "quarantinedUnits": 19, "duplicateUnitsDropped": 3, "balanced": true])
        #expect(try sqlite(path, "SELECT count(*) FROM legacy_orders_inbox") == "5")
        let server = try TestServer(database: path, dir: dir)
        let c = try server.connect()
        let orders = try c.call("listOrders")["orders"]?.arrayValue ?? []
        #expect(orders.map { "\($0["orderNumber"]!.stringValue!) \($0["orderStatus"]!.stringValue!)" } == ["900001 pending", "900002 uploaded", "900003 uploaded", "900004 shipped"])
        #expect(orders.first?["items"]?.arrayValue?.map { "\($0["sku"]!.stringValue!)=\($0["quantity"]!.int64Value!)" } == ["17612=3", "18000=1"])
        #expect(orders[1]["items"]?.arrayValue?.first?["lotNumber"] == "250300" && orders[1]["shipstationOrderId"] == "555")
        // The uploaded order's lines named their lots: allocated, and reserving them.
        #expect(try c.call("allocateOrder", ["orderNumber": "900002"])["items"] == [["sku": "17612 - 250300", "skuCode": "17612", "lotNumber": "250300", "quantity": 4]])
        #expect(try c.call("inboxSummary")["skus"]?.arrayValue?.first { $0["skuCode"] == "17612" }?["allocatedUnits"] == 4)
        #expect(try c.call("orderHistory", ["orderNumber": "900003"])["events"]?.arrayValue?.first?["action"] == "migrated")
        #expect(try c.call("validate", ["full": true])["ok"] == true)
        #expect(try sqlite(path, "SELECT count(*) FROM migration_log WHERE kind = 'inbox_status_mapped'") == "1")
    }

    @Test(.enabled("needs script(1) for a pseudo-terminal") { FileManager.default.isExecutableFile(atPath: "/usr/bin/script") })
    func progressLineOnATerminal() throws {
        let dir = TempDir()
        let path = dir.path("ora.db")
        let model = try LegacyDatabase.create(at: path, orders: 2000)
        let (status, out, _) = try runCommand("/usr/bin/script", ["-qec", "\(server) migrate --database \(path)", "/dev/null"])
        #expect(status == 0)
        #expect(out.contains("normalizing shipped_items: \(model.legacyItemRows) of \(model.legacyItemRows) rows"))
        #expect(out.contains("accounting") && out.contains("(balanced)"))
    }

    /// A file that fails quick_check is refused, untouched, and no backup is made.
    @Test func corruptFileIsRefusedUntouched() throws {
        let dir = TempDir()
        let path = dir.path("ora.db")
        _ = try LegacyDatabase.create(at: path, orders: 400)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count > 5 * 4096)
        // Scribble over the b-tree page headers of pages 2 to 5.
        for page in 1..<5 { for i in (page * 4096)..<(page * 4096 + 64) { bytes[i] = UInt8(truncatingIfNeeded: i * 31 + 7) } }
        try bytes.write(to: URL(fileURLWithPath: path))
        let (status, _, err) = try migrate(path)
        #expect(status != 0)
        #expect(err.contains("quick_check") || err.contains("malformed"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.contains("pre-migration") }.isEmpty)
    }

    /// backup copies a live database while another client keeps writing, verifies it, and never overwrites.
    @Test func onlineBackupWhileWriting() async throws {
        let s = try TestServer()
        let c = try s.connect()
        try seedMasterData(c)
        for i in 0..<200 { _ = try c.call("recordShipment", shipment("B\(i)", day(), [("17612 - 250300", 1)])) }
        let port = s.port
        let writer = Task.detached { () throws -> Int in
            let w = try RPCClient(port: port)
            var n = 0
            for i in 0..<300 {
                if try w.call("recordShipment", shipment("W\(i)", day(), [("18000", 1)]))["status"] == "created" { n += 1 }
            }
            return n
        }
        let target = s.dir.path("copy.db")  // backup writes under the database's folder (no --backup-dir)
        let copy = try c.call("backup", ["path": "copy.db"])
        #expect(copy["integrity"] == "ok" && (copy["pages"]?.int64Value ?? 0) > 0)
        #expect(try await writer.value == 300)
        let copied = Int(try sqlite(target, "SELECT count(*) FROM shipped_orders")) ?? 0
        #expect(copied >= 200 && copied <= 500)
        #expect(copy["path"] == .string(target))
        for refused in ["copy.db", target, "../escape.db", "sub/../../escape.db", "./x.db"] {
            #expect(try c.callError("backup", ["path": .string(refused)]).field == "/path", "\(refused)")
        }
    }
}
