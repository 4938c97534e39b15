import Testing
@testable import ORADomain

/// The statement's order and running balance, as INBOUND.md states them.
@Suite struct StockLedgerTests {
    func d(_ s: String) -> BusinessDate { BusinessDate(iso: s)! }

    @Test func ordersADayReceiptsShipmentsThenEntriesInWritingOrder() {
        let lines = [
            LedgerLine(date: d("2025-10-02"), kind: .adjustment, quantity: -3, reason: "damage", entryID: 9),
            LedgerLine(date: d("2025-10-02"), kind: .shipped, quantity: -10),
            LedgerLine(date: d("2025-10-02"), kind: .adjustment, quantity: 4, reason: "return", entryID: 2),
            LedgerLine(date: d("2025-10-01"), kind: .receipt, quantity: 100),
            LedgerLine(date: d("2025-10-02"), kind: .receipt, quantity: 50),
            LedgerLine(date: d("2025-10-02"), kind: .legacy, quantity: 999, reason: "adjustment", entryID: 1),
            LedgerLine(date: nil, kind: .receipt, quantity: 7),
        ]
        let s = LedgerStatement(lines: lines)
        #expect(s.entries.map(\.quantity) == [7, 100, 50, -10, 999, 4, -3])
        #expect(s.entries.map(\.balance) == [7, 107, 157, 147, 147, 151, 148])  // legacy moves nothing
        #expect(s.opening == 0 && s.closing == 148)
    }

    @Test func aRangeOpensWithWhatCameBeforeAndEndsAtItsLastDay() {
        let lines = [
            LedgerLine(date: d("2025-10-01"), kind: .receipt, quantity: 100),
            LedgerLine(date: d("2025-10-03"), kind: .shipped, quantity: -20),
            LedgerLine(date: d("2025-10-05"), kind: .adjustment, quantity: -1, reason: "count", entryID: 1),
            LedgerLine(date: d("2025-10-09"), kind: .shipped, quantity: -5),
        ]
        let s = LedgerStatement(lines: lines, from: d("2025-10-03"), to: d("2025-10-05"))
        #expect(s.opening == 100 && s.closing == 79)
        #expect(s.entries.map(\.balance) == [80, 79])
        let empty = LedgerStatement(lines: lines, from: d("2025-10-06"), to: d("2025-10-08"))
        #expect(empty.entries.isEmpty && empty.opening == 79 && empty.closing == 79)
    }
}
