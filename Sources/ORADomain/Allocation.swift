// allocateOrder's rule as a pure function (INBOUND.md): each line gets a lot, FIFO, all or nothing.
//
// (1) A SKU that has no lots at all is not lot-tracked: its lines ship without a lot, never short.
// (2) A line that names its lot takes it, if the lot has the units available. Named lines are
//     served first, whatever their position: a plain line never takes the units a named line
//     needs when other lots could cover it.
// (3) Otherwise the SKU's lots in FIFO order (the caller's order: oldest received first, lots
//     without a date last, then lowest id) each give at most what they have available; a line may
//     split across lots.
// (4) If any line cannot be covered, nothing is allocated and every short SKU is reported with
//     everything its lots have available (the caller then passes every lot, not only the first few).
// A lot whose quantity is unknown (never received) has nothing available: the caller passes 0.

public enum Allocation {
    public struct Line: Sendable {
        public let position: Int
        public let skuID: Int64
        public let namedLot: Int64?
        public let quantity: Int64
        public init(position: Int, skuID: Int64, namedLot: Int64?, quantity: Int64) {
            self.position = position; self.skuID = skuID; self.namedLot = namedLot; self.quantity = quantity
        }
    }

    public struct Piece: Sendable, Equatable {
        public let position: Int
        public let skuID: Int64
        public let lotID: Int64?
        public let quantity: Int64
    }

    public struct Short: Sendable, Equatable {
        public let skuID: Int64
        public let wanted: Int64
        public let available: Int64
    }

    /// `fifo[sku]`: the SKU's allocatable lots in FIFO order with what each has available;
    /// `named[lot]`: what a lot named by a line has available; `tracked`: SKUs that have lots.
    public static func allocate(_ lines: [Line], fifo: [Int64: [(lot: Int64, available: Int64)]], named: [Int64: Int64],
                                tracked: Set<Int64>) -> Result<[Piece], ShortError> {
        var left: [Int64: Int64] = named
        for lots in fifo.values { for l in lots where left[l.lot] == nil { left[l.lot] = l.available } }
        var pieces: [Piece] = []
        var wanted: [Int64: Int64] = [:], shortSkus: [Int64] = []
        let ordered = lines.sorted { ($0.namedLot == nil ? 1 : 0, $0.position) < ($1.namedLot == nil ? 1 : 0, $1.position) }
        for line in ordered {
            guard tracked.contains(line.skuID) else {
                pieces.append(Piece(position: line.position, skuID: line.skuID, lotID: nil, quantity: line.quantity))
                continue
            }
            wanted[line.skuID, default: 0] += line.quantity
            if let lot = line.namedLot {
                let have = left[lot] ?? 0
                if have >= line.quantity {
                    left[lot] = have - line.quantity
                    pieces.append(Piece(position: line.position, skuID: line.skuID, lotID: lot, quantity: line.quantity))
                } else if !shortSkus.contains(line.skuID) {
                    shortSkus.append(line.skuID)
                }
                continue
            }
            var need = line.quantity
            for l in fifo[line.skuID] ?? [] where need > 0 {
                let take = min(need, left[l.lot] ?? 0)
                guard take > 0 else { continue }
                left[l.lot]! -= take
                need -= take
                pieces.append(Piece(position: line.position, skuID: line.skuID, lotID: l.lot, quantity: take))
            }
            if need > 0 && !shortSkus.contains(line.skuID) { shortSkus.append(line.skuID) }
        }
        guard shortSkus.isEmpty else {
            let first = Dictionary(lines.map { ($0.skuID, $0.position) }, uniquingKeysWith: min)
            return .failure(ShortError(short: shortSkus.sorted { first[$0]! < first[$1]! }.map { sku in
                var stock: [Int64: Int64] = [:]
                for l in fifo[sku] ?? [] { stock[l.lot] = l.available }
                for lot in lines.filter({ $0.skuID == sku }).compactMap(\.namedLot) { stock[lot] = named[lot] ?? 0 }
                let available = stock.values.reduce(Int64(0)) { $0 + max(0, $1) }
                return Short(skuID: sku, wanted: wanted[sku] ?? 0, available: available)
            }))
        }
        // Back in the order of the lines (a line's pieces keep their FIFO order).
        return .success(pieces.enumerated().sorted { ($0.element.position, $0.offset) < ($1.element.position, $1.offset) }.map(\.element))
    }

    public struct ShortError: Error, Sendable, Equatable {
        public let short: [Short]
    }
}
