import Testing
import Foundation
@testable import ORAStore

/// The writer remembers SKU and lot ids; a rollback must never leave it remembering a row that
/// the rollback took away.
@Suite struct IDMemoTests {
    func openStore() throws -> (Store, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ora-memo-\(UUID().uuidString).db").path
        return (try Store.openWriter(path: path), path)
    }

    @Test func savepointRollbackForgetsALotItCreated() throws {
        let (store, path) = try openStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let now = Timestamp.now()
        _ = try store.upsertSku(code: "17612", productName: "P", reorderPoint: nil, palletCount: nil, now: now)
        let sku = try #require(try store.skuID(code: "17612"))

        try store.db.run("BEGIN IMMEDIATE")
        try store.db.run("SAVEPOINT request")
        let lot = try store.createLotOnTheFly(skuID: sku, lotNumber: "250300", now: now)
        #expect(try store.lotID(skuID: sku, lotNumber: "250300") == lot)
        try store.rollback(toSavepoint: "request")
        try store.db.run("RELEASE request")
        #expect(try store.lotID(skuID: sku, lotNumber: "250300") == nil)
        try store.db.run("COMMIT")
    }

    @Test func transactionRollbackForgetsASkuItCreated() throws {
        let (store, path) = try openStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try store.db.run("BEGIN IMMEDIATE")
        _ = try store.upsertSku(code: "18000", productName: "P", reorderPoint: nil, palletCount: nil, now: Timestamp.now())
        #expect(try store.skuID(code: "18000") != nil)
        try store.db.execute("ROLLBACK")
        #expect(try store.skuID(code: "18000") == nil)
    }

    /// A miss is not remembered: the SKU created next is found.
    @Test func missIsNotRemembered() throws {
        let (store, path) = try openStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try store.skuID(code: "17904") == nil)
        _ = try store.upsertSku(code: "17904", productName: "P", reorderPoint: nil, palletCount: nil, now: Timestamp.now())
        #expect(try store.skuID(code: "17904") != nil)
    }
}
