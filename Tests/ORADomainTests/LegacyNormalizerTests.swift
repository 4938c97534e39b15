import Testing
@testable import ORADomain
import ORAProtocol

@Suite struct LegacyNormalizerTests {
    func row(_ id: Int64, _ order: String?, _ date: String?, _ base: String?, _ lot: String?, _ qty: Int64?, at: String? = nil) -> LegacyItemRow {
        LegacyItemRow(id: id, orderNumber: order, shipDate: date, baseSku: base, skuLot: lot, quantity: qty, createdAt: at, original: ["id": .int(id)])
    }

    /// Spellings of one lot are duplicates; identical quantities count once, differing ones keep the newest.
    @Test func duplicatesMerge() {
        let n = LegacyNormalizer.normalize([
            row(1, "A", "2025-10-06", "17612", "17612 - 250300", 2, at: "2025-10-06 10:00:00"),
            row(2, "A", "2025-10-06", "17612", "17612-250300", 2, at: "2025-10-06 11:00:00"),
            row(3, "B", "2025-10-06", "17612", "", 1, at: "2025-10-06 10:00:00"),
            row(4, "B", "2025-10-06", "17612", nil, 3, at: "2025-10-07 10:00:00"),
        ], knownSkus: ["17612"])
        #expect(n.orders.map { $0.lines.map(\.quantity) } == [[2], [3]])
        #expect(n.duplicatesMerged.count == 2)
        #expect(n.duplicatesMerged[0]["identical"] == true && n.duplicatesMerged[1]["keptRow"] == 4)
    }

    /// An order split over two dates is unified on the latest.
    @Test func splitOrdersUnify() {
        let n = LegacyNormalizer.normalize([
            row(1, "A", "2024-04-16", "17612", "17612 - 1", 5),
            row(2, "A", "2025-10-06", "17612", "17612 - 2", 3),
        ], knownSkus: ["17612"])
        #expect(n.orders.count == 1 && n.orders[0].shipDate.description == "2025-10-06" && n.orders[0].lines.count == 2)
        #expect(n.datesUnified.first?["unifiedOn"] == "2025-10-06")
    }

    /// Rows that cannot be normalized are quarantined with a reason; an order of only such rows is not created.
    @Test func refusalsAreKept() {
        let n = LegacyNormalizer.normalize([
            row(1, "A", "2025-10-06", "17612", "17612 - x", 1),
            row(2, "A", "2025-10-06", "99999", "99999 - 1", 1),
            row(3, "", "2025-10-06", "17612", nil, 1),
            row(4, "B", "someday", "17612", nil, 1),
            row(5, "C", "2025-10-06", "17612", nil, nil),
            row(6, "D", "2025-10-06 08:00:00", "17612", nil, 1),
        ], knownSkus: ["17612"])
        #expect(n.quarantined.map(\.reason) == ["invalid_sku", "unknown_sku", "missing_order_number", "invalid_date", "invalid_quantity"])
        #expect(n.orders.map(\.orderNumber) == ["D"])
    }
}
