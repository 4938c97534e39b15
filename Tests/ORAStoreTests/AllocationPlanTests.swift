import Foundation
import Testing
@testable import ORAStore

/// allocateOrder walks a SKU's lots in FIFO order straight from an index and stops once it has
/// enough: sorting a SKU's thousand lots per call made a lone allocation take a millisecond.
@Suite struct AllocationPlanTests {
    @Test func fifoWalksTheIndexWithoutSorting() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ora-plan-\(UUID().uuidString).db").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let store = try Store.openWriter(path: path)
        let plan = try store.db.query("EXPLAIN QUERY PLAN " + Store.fifoSQL, [.int(1)]) { $0.text(3) }
        #expect(plan.contains { $0.hasPrefix("SEARCH l USING INDEX lots_fifo") }, "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }
}
