// The stock ledger: adjustments with a reason, physical counts, a lot's or a SKU's statement with
// its running balance, and the recall question "who got lot X" (INBOUND.md, "The stock ledger").
//
// (1) A lot's remaining is initial + manual adjustment + its ledger entries - shipped; a SKU's is
//     the sum over its active lots with a known initial quantity, plus its entries without a lot,
//     less the units shipped without a lot. Both read the kept totals (shipped_totals,
//     ledger_totals), never the items, so they cost O(lots).
// (2) An entry is only ever added: its ledger_totals row moves in the same savepoint.

import ORAJSON
import ORADomain

extension Store {
    /// A lot as the ledger needs it.
    public struct LotFacts: Sendable {
        public let id: Int64
        public let skuID: Int64
        public let number: String
        public let receivedDate: String?
        public let initialQty: Int64?
        public let manualAdjustment: Int64
        public let status: String
    }

    func lotFacts(skuID: Int64, lotNumber: String) throws -> LotFacts? {
        try db.one("""
            SELECT lot_id, sku_id, lot_number, received_date, initial_qty, manual_adjustment, status FROM lots
            WHERE sku_id = ? AND lot_number = ?
            """, [.int(skuID), .text(lotNumber)]) {
            LotFacts(id: $0.int(0), skuID: $0.int(1), number: $0.text(2), receivedDate: $0.textOrNil(3), initialQty: $0.intOrNil(4),
                     manualAdjustment: $0.int(5), status: $0.text(6))
        }
    }

    /// The lot named by `lotNumber`, or -32602 at `/lotNumber`: stock moves on lots that exist.
    func requireLot(skuID: Int64, skuCode: String, lotNumber: String) throws -> LotFacts {
        guard let lot = try lotFacts(skuID: skuID, lotNumber: lotNumber) else {
            throw DomainError.invalidValue(field: "/lotNumber", problem: "names no lot of SKU \(skuCode): \(lotNumber)")
        }
        return lot
    }

    private func kept(_ table: String, sku: Int64, lotKey: Int64) throws -> Int64 {
        try db.scalarInt("SELECT units FROM \(table) WHERE sku_id = ? AND lot_key = ?", [.int(sku), .int(lotKey)])
    }

    /// (1) for a lot; nil while its initial quantity is unknown.
    public func remaining(of lot: LotFacts) throws -> Int64? {
        guard let initial = lot.initialQty else { return nil }
        return initial + lot.manualAdjustment + (try kept("ledger_totals", sku: lot.skuID, lotKey: lot.id))
            - (try kept("shipped_totals", sku: lot.skuID, lotKey: lot.id))
    }

    /// (1) for a SKU.
    public func remaining(ofSku sku: Int64) throws -> Int64 {
        let lots = try db.scalarInt("""
            SELECT ifnull(sum(l.initial_qty + l.manual_adjustment + ifnull(g.units, 0) - ifnull(t.units, 0)), 0)
            FROM lots l
            LEFT JOIN ledger_totals g ON g.sku_id = l.sku_id AND g.lot_key = l.lot_id
            LEFT JOIN shipped_totals t ON t.sku_id = l.sku_id AND t.lot_key = l.lot_id
            WHERE l.sku_id = ? AND l.status = 'active' AND l.initial_qty IS NOT NULL
            """, [.int(sku)])
        return lots + (try kept("ledger_totals", sku: sku, lotKey: 0)) - (try kept("shipped_totals", sku: sku, lotKey: 0))
    }

    /// Adds one ledger entry and moves its kept total (2); returns the entry's id.
    func addEntry(sku: Int64, lot: Int64?, quantity: Int64, reason: LedgerReason, date: BusinessDate,
                  note: String?, source: String?, now: String) throws -> Int64 {
        try db.run("""
            INSERT INTO inventory_transactions (sku_id, lot_id, kind, reason, quantity, date, note, source, created_at)
            VALUES (?, ?, 'adjustment', ?, ?, ?, ?, ?, ?)
            """, [.int(sku), .int(lot), .text(reason.rawValue), .int(quantity), .text(date.description), .text(note), .text(source), .text(now)])
        let entry = db.lastInsertRowID
        try db.run("""
            INSERT INTO ledger_totals (sku_id, lot_key, units) VALUES (?, ?, ?)
            ON CONFLICT (sku_id, lot_key) DO UPDATE SET units = units + excluded.units
            """, [.int(sku), .int(lot ?? 0), .int(quantity)])
        return entry
    }

    /// `adjustInventory`: one entry on a lot, or on the SKU itself without a lot.
    public func adjustInventory(skuCode: String, lotNumber: String?, quantity: Int64, reason: LedgerReason, date: BusinessDate,
                                note: String?, source: String?, now: String) throws -> JSON {
        let sku = try requireSku(skuCode)
        let lot = try lotNumber.map { try requireLot(skuID: sku, skuCode: skuCode, lotNumber: $0) }
        let entry = try addEntry(sku: sku, lot: lot?.id, quantity: quantity, reason: reason, date: date, note: note, source: source, now: now)
        let left: Int64? = try lot.map { try self.remaining(of: $0) } ?? self.remaining(ofSku: sku)
        return ["entryId": .int(entry), "skuCode": .string(skuCode), "lotNumber": .string(lotNumber), "quantity": .int(quantity),
                "remaining": .int(left)]
    }

    /// `countInventory`: a physical count of a received lot; one `count` entry of the difference.
    public func countInventory(skuCode: String, lotNumber: String, counted: Int64, date: BusinessDate,
                               note: String?, source: String?, now: String) throws -> JSON {
        let sku = try requireSku(skuCode)
        let lot = try requireLot(skuID: sku, skuCode: skuCode, lotNumber: lotNumber)
        guard let expected = try remaining(of: lot) else {
            throw DomainError.invalidValue(field: "/lotNumber", problem: "lot \(lotNumber) of SKU \(skuCode) has no initial quantity yet: receive it with upsertLot first")
        }
        let difference = counted - expected
        guard abs(difference) <= 1_000_000 else {
            throw DomainError.invalidValue(field: "/counted", problem: "differs from the expected \(expected) by more than 1,000,000")
        }
        let entry = difference == 0 ? nil
            : try addEntry(sku: sku, lot: lot.id, quantity: difference, reason: .count, date: date, note: note, source: source, now: now)
        return ["expected": .int(expected), "counted": .int(counted), "adjustment": .int(difference), "entryId": .int(entry)]
    }
}
