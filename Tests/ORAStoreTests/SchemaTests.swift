import Testing
import Foundation
@testable import ORAStore

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

    /// A Python-era file is refused with the advice to migrate; an unrelated file is refused as foreign.
    @Test func refusesFilesItDoesNotOwn() throws {
        let legacy = tempPath(), foreign = tempPath()
        defer { try? FileManager.default.removeItem(atPath: legacy); try? FileManager.default.removeItem(atPath: foreign) }
        try Database(path: legacy).execute("CREATE TABLE inventory_current (sku TEXT PRIMARY KEY, product_name TEXT)")
        try Database(path: foreign).execute("CREATE TABLE notes (x)")
        #expect { try Store.openWriter(path: legacy) } throws: { "\($0)".contains("ora-server migrate") }
        #expect { try Store.openWriter(path: foreign) } throws: { "\($0)".contains("not an ORA database") }
    }
}
