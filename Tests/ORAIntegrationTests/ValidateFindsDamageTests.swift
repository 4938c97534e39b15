import Testing
import Foundation
import ORAJSON
import ORAProtocol

@Suite struct ValidateFindsDamageTests {
    func check(_ result: JSON, _ name: String) -> JSON? {
        result["checks"]?.arrayValue?.first { $0["name"] == .string(name) }
    }

    /// A clean database passes every check the contract names.
    @Test func cleanDatabasePasses() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("1", day(), [("17612 - 250300", 1)]))
        let result = try c.call("validate", ["full": true])
        #expect(result["ok"] == true)
        let names = result["checks"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names == ["integrity", "foreign_keys", "orphaned_items", "missing_raw_sku", "raw_sku_mismatch", "ship_date_splits",
                          "duplicate_items", "lot_overdrawn", "lots_unreceived", "suspicious_dates", "shipped_totals", "ledger_totals", "allocated_totals", "allocation_exceeds_stock",
                          "inbox_raw_mismatch", "stuck_uploaded", "indexes", "schema_version", "quarantine"])
        #expect(check(result, "integrity")?["message"] == "integrity_check: ok")
    }

    /// Damage done with the sqlite3 shell while the server was stopped is found after restart.
    @Test func findsDamageDoneBehindTheServersBack() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "1", "initialQty": 1])
        _ = try c.call("recordShipment", shipment("A", day(), [("17612 - 250300", 1), ("17904", 2)]))
        _ = try c.call("recordShipment", shipment("B", day(), [("17612 - 250300", 1)]))
        _ = try c.call("recordShipment", shipment("C", day(), [("18000", 1)]))
        _ = try c.call("recordShipment", shipment("D", day(), [("17612 - 1", 5)]))
        _ = try c.call("recordShipment", shipment("E", day(), [("17612 - 777", 1)]))
        _ = try c.call("recordShipment", shipment("F", day(-100), [("18000", 1)], extra: [("backfill", true)]))
        server.stop()
        _ = try sqlite(server.databasePath, """
            PRAGMA foreign_keys = OFF;
            UPDATE shipped_items SET sku_id = 999 WHERE order_number = 'C';
            UPDATE shipped_items SET shipstation_sku_raw = '17612 - 250301' WHERE order_number = 'B';
            UPDATE shipped_items SET ship_date = date(ship_date, '-1 day') WHERE order_number = 'A' AND shipstation_sku_raw = '17904';
            DROP INDEX shipped_orders_ship_date;
            """)
        try server.start()
        let result = try server.connect().call("validate")
        #expect(result["ok"] == false)
        #expect(check(result, "foreign_keys")?["status"] == "error")
        #expect(check(result, "orphaned_items")?["count"] == 1)
        #expect(check(result, "raw_sku_mismatch")?["count"] == 1)
        #expect(check(result, "ship_date_splits")?["samples"] == ["A"])
        #expect(check(result, "indexes")?["samples"] == ["shipped_orders_ship_date"])
        #expect(check(result, "lot_overdrawn")?["status"] == "warning")
        #expect(check(result, "lots_unreceived")?["count"] == 1)
        #expect(check(result, "suspicious_dates")?["count"] == 1)
        #expect(check(result, "integrity")?["status"] == "ok")
    }

    /// A second row for the same SKU and lot in one order (index dropped first) is a duplicate.
    @Test func findsDuplicates() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("A", day(), [("17612 - 250300", 1)]))
        server.stop()
        _ = try sqlite(server.databasePath, """
            DROP INDEX shipped_items_order_sku_lot;
            INSERT INTO shipped_items (order_id, order_number, ship_date, sku_id, lot_id, shipstation_sku_raw, quantity, created_at, updated_at)
            SELECT order_id, order_number, ship_date, sku_id, lot_id, '17612-250300', 1, created_at, updated_at FROM shipped_items;
            """)
        try server.start()
        let result = try server.connect().call("validate")
        #expect(check(result, "duplicate_items")?["samples"] == ["A 17612 - 250300"])
        #expect(check(result, "indexes")?["status"] == "error")
    }
}
