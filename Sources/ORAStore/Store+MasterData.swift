// SKUs and lots: the master data every shipped line points at.

import ORAJSON
import ORADomain

extension Store {
    public func skuID(code: String) throws -> Int64? {
        if let id = ids.skus[code] { return id }
        let id = try db.one("SELECT sku_id FROM skus WHERE sku_code = ?", [.text(code)]) { $0.int(0) }
        if let id { ids.skus[code] = id }
        return id
    }

    public func lotID(skuID: Int64, lotNumber: String) throws -> Int64? {
        let key = IDMemo.LotKey(skuID: skuID, lotNumber: lotNumber)
        if let id = ids.lots[key] { return id }
        let id = try db.one("SELECT lot_id FROM lots WHERE sku_id = ? AND lot_number = ?", [.int(skuID), .text(lotNumber)]) { $0.int(0) }
        if let id { ids.lots[key] = id }
        return id
    }

    func requireSku(_ code: String) throws -> Int64 {
        guard let id = try skuID(code: code) else { throw DomainError.unknownSku([code]) }
        return id
    }

    /// A new SKU's reorder point when upsertSku names none (the seed's schema default): a SKU
    /// created without one still raises a reorder alert.
    public static let defaultReorderPoint: Int64 = 50

    /// `upsertSku {skuCode, productName, reorderPoint?, palletCount?}`: omitted optional fields keep
    /// their stored value on update.
    public func upsertSku(code: String, productName: String, reorderPoint: Int64?, palletCount: Int64?, now: String) throws -> JSON {
        if let id = try skuID(code: code) {
            try db.run("""
                UPDATE skus SET product_name = ?, reorder_point = coalesce(?, reorder_point),
                  pallet_count = coalesce(?, pallet_count), updated_at = ? WHERE sku_id = ?
                """, [.text(productName), .int(reorderPoint), .int(palletCount), .text(now), .int(id)])
            return ["skuId": .int(id), "created": false]
        }
        try db.run("""
            INSERT INTO skus (sku_code, product_name, reorder_point, pallet_count, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(code), .text(productName), .int(reorderPoint ?? Self.defaultReorderPoint), .int(palletCount), .text(now), .text(now)])
        return ["skuId": .int(db.lastInsertRowID), "created": true]
    }

    public struct LotFields: Sendable {
        public var receivedDate: BusinessDate?
        public var initialQty: Int64?
        public var manualAdjustment: Int64?
        public var status: String?
        public init(receivedDate: BusinessDate? = nil, initialQty: Int64? = nil, manualAdjustment: Int64? = nil, status: String? = nil) {
            self.receivedDate = receivedDate
            self.initialQty = initialQty
            self.manualAdjustment = manualAdjustment
            self.status = status
        }
    }

    /// `upsertLot`: the SKU must exist (-32001); omitted fields keep their stored value on update,
    /// and an omitted `initialQty` on a new lot means "not yet known".
    public func upsertLot(skuCode: String, lotNumber: String, fields: LotFields, now: String) throws -> JSON {
        let sku = try requireSku(skuCode)
        let args: [SQLValue] = [.text(fields.receivedDate?.description), .int(fields.initialQty),
                                .int(fields.manualAdjustment), .text(fields.status)]
        if let id = try lotID(skuID: sku, lotNumber: lotNumber) {
            try db.run("""
                UPDATE lots SET received_date = coalesce(?, received_date), initial_qty = coalesce(?, initial_qty),
                  manual_adjustment = coalesce(?, manual_adjustment), status = coalesce(?, status), updated_at = ?
                WHERE lot_id = ?
                """, args + [.text(now), .int(id)])
            return ["lotId": .int(id), "created": false]
        }
        try db.run("""
            INSERT INTO lots (sku_id, lot_number, received_date, initial_qty, manual_adjustment, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, coalesce(?, 0), coalesce(?, 'active'), ?, ?)
            """, [.int(sku), .text(lotNumber)] + args + [.text(now), .text(now)])
        return ["lotId": .int(db.lastInsertRowID), "created": true]
    }

    /// A lot shipped before it was received: created on the fly, active, initial quantity unknown.
    func createLotOnTheFly(skuID: Int64, lotNumber: String, now: String) throws -> Int64 {
        try db.run("""
            INSERT INTO lots (sku_id, lot_number, status, created_at, updated_at) VALUES (?, ?, 'active', ?, ?)
            """, [.int(skuID), .text(lotNumber), .text(now), .text(now)])
        return db.lastInsertRowID
    }

    public func listSkus() throws -> JSON {
        let skus = try db.query("""
            SELECT sku_id, sku_code, product_name, reorder_point, pallet_count FROM skus ORDER BY sku_code
            """) { r -> JSON in
            ["skuId": .int(r.int(0)), "skuCode": .string(r.text(1)), "productName": .string(r.text(2)),
             "reorderPoint": .int(r.int(3)), "palletCount": .int(r.intOrNil(4))]
        }
        return ["skus": .array(skus)]
    }

    public func listLots(skuCode: String?, status: String?) throws -> JSON {
        let lots = try db.query("""
            SELECT l.lot_id, s.sku_code, l.lot_number, l.received_date, l.initial_qty, l.manual_adjustment, l.status
            FROM lots l JOIN skus s USING (sku_id)
            WHERE (?1 IS NULL OR s.sku_code = ?1) AND (?2 IS NULL OR l.status = ?2)
            ORDER BY s.sku_code, l.received_date IS NULL, l.received_date, l.lot_number
            """, [.text(skuCode), .text(status)]) { r -> JSON in
            ["lotId": .int(r.int(0)), "skuCode": .string(r.text(1)), "lotNumber": .string(r.text(2)),
             "receivedDate": .string(r.textOrNil(3)), "initialQty": .int(r.intOrNil(4)),
             "manualAdjustment": .int(r.int(5)), "status": .string(r.text(6))]
        }
        return ["lots": .array(lots)]
    }

    /// parseSku's `resolve:true`: the ids of a parsed SKU and lot, null when unknown.
    public func resolve(_ parsed: ParsedSku) throws -> (skuID: Int64?, lotID: Int64?) {
        guard let base = parsed.baseSku, let sku = try skuID(code: base) else { return (nil, nil) }
        guard let lot = parsed.lotNumber else { return (sku, nil) }
        return (sku, try lotID(skuID: sku, lotNumber: lot))
    }
}
