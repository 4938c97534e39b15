// The stock ledger's rules as pure functions: which reasons an adjustment may give, and how a
// lot's (or a SKU's) movements become a statement with a running balance (INBOUND.md, "The stock
// ledger").

/// Why stock moved, other than a shipment.
public enum LedgerReason: String, CaseIterable, Sendable {
    case receipt, `return`, damage, count, correction
}

/// One movement of a lot's or a SKU's stock, as a statement lists it.
public struct LedgerLine: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A lot's initial quantity, on its received date (none when the date is unknown).
        case receipt
        /// The units shipped on one date, negative.
        case shipped
        /// A ledger entry with its reason (a lot's manual adjustment shows as one, `correction`).
        case adjustment
        /// A Python-era transaction: history only, it moves no balance.
        case legacy
    }

    public let date: BusinessDate?
    public let kind: Kind
    public let quantity: Int64
    public let reason: String?
    public let note: String?
    /// The ledger entry's id (adjustments and legacy rows), for writing order within a day.
    public let entryID: Int64?
    /// The balance after this line; set by `LedgerStatement`.
    public internal(set) var balance: Int64 = 0

    public init(date: BusinessDate?, kind: Kind, quantity: Int64, reason: String? = nil, note: String? = nil, entryID: Int64? = nil) {
        self.date = date
        self.kind = kind
        self.quantity = quantity
        self.reason = reason
        self.note = note
        self.entryID = entryID
    }

    /// What the line adds to the balance.
    public var movement: Int64 { kind == .legacy ? 0 : quantity }

    /// Within a day: receipts, then shipments, then adjustments (and legacy rows) in the order written.
    var rank: Int {
        switch kind {
        case .receipt: return 0
        case .shipped: return 1
        case .adjustment, .legacy: return 2
        }
    }
}

/// A range of a ledger: the balance before it, its lines with their running balance, and the
/// balance after it.
public struct LedgerStatement: Sendable, Equatable {
    public let opening: Int64
    public let entries: [LedgerLine]
    public let closing: Int64

    /// Sorts `lines` (by date, an undated receipt first; within a day receipts, shipments, then
    /// entries in the order written) and keeps those from `from` through `to`, inclusive: the
    /// lines before `from` make `opening`, those after `to` are left out.
    public init(lines: [LedgerLine], from: BusinessDate? = nil, to: BusinessDate? = nil) {
        let sorted = lines.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            let dx = x.date?.dayNumber ?? Int.min, dy = y.date?.dayNumber ?? Int.min
            if dx != dy { return dx < dy }
            if x.rank != y.rank { return x.rank < y.rank }
            if let ex = x.entryID, let ey = y.entryID, ex != ey { return ex < ey }
            return a.offset < b.offset
        }.map(\.element)
        var opening: Int64 = 0
        var balance: Int64 = 0
        var shown: [LedgerLine] = []
        for var line in sorted {
            let day = line.date?.dayNumber ?? Int.min
            if let to, day > to.dayNumber { break }
            if let from, day < from.dayNumber {
                opening += line.movement
                balance = opening
                continue
            }
            balance += line.movement
            line.balance = balance
            shown.append(line)
        }
        self.opening = opening
        entries = shown
        closing = balance
    }
}
