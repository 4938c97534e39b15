import Testing
import Foundation
@testable import ORAStore
import ORADomain

/// shippedItems must search an index for each filter a script uses, never scan every item: on a
/// million items a scan costs a hundred milliseconds per page.
@Suite struct ShippedItemsPlanTests {
    @Test(arguments: [
        ("date", "shipped_items_ship_date"),
        ("order", "shipped_items_order_sku_lot"),
        ("sku and date", "shipped_items_ship_date"),
    ])
    func filterSearchesAnIndex(filter: String, index: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ora-plan-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try Store.openWriter(path: path)
        var q = ShippedItemsQuery()
        if filter.contains("date") { q.from = BusinessDate(iso: "2026-11-01"); q.to = BusinessDate(iso: "2026-11-07") }
        if filter == "order" { q.orderNumber = "A-1" }
        if filter.contains("sku") { q.skuCode = "17612" }
        let f = Store.shippedItemsFilter(q)
        let plan = try store.db.query("EXPLAIN QUERY PLAN SELECT i.item_id " + f.sql, f.args) { $0.text(3) }
        #expect(plan.contains { $0.hasPrefix("SEARCH i USING INDEX \(index)") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN i") }, "\(plan)")
    }
}
