// validate's item-level checks in one sequential pass over shipped_items, against small maps of
// orders, SKUs and lots: foreign keys of the items, orphans, raw text, date splits and the
// shipped totals, all from the same read of each row. A check per query would read the table
// (with random lookups) six times over.

import ORADomain

struct ItemScan {
    struct Finding {
        var count = 0
        var samples: [String] = []
        mutating func add(_ sample: @autoclosure () -> String) {
            count += 1
            if samples.count < Store.sampleLimit { samples.append(sample()) }
        }
    }

    struct TotalKey: Hashable { let sku: Int64; let lot: Int64 }
    struct Lot { let sku: Int64; let number: String; let initialQty: Int64?; let adjustment: Int64 }

    var foreignKeys = Finding()
    var orphans = Finding()
    var missingRaw = Finding()
    var rawMismatch = Finding()
    var splitOrders: [String] = []
    var totals: [TotalKey: Int64] = [:]
    var shippedPerLot: [Int64: Int64] = [:]
    /// The SKUs and lots the scan read, for the checks that name them.
    var skus: [Int64: String] = [:]
    var lots: [Int64: Lot] = [:]

    /// "17612 - 250300" (or "#id" for a SKU or lot that does not exist).
    func name(sku: Int64, lot: Int64?) -> String {
        let code = skus[sku] ?? "#\(sku)"
        guard let lot, lot != 0 else { return code }
        return code + " - " + (lots[lot]?.number ?? "#\(lot)")
    }

    static func run(_ db: Database) throws -> ItemScan {
        var scan = ItemScan()
        var orders: [Int64: (number: String, date: String)] = [:]
        _ = try db.query("SELECT order_id, order_number, ship_date FROM shipped_orders") { orders[$0.int(0)] = ($0.text(1), $0.text(2)) }
        _ = try db.query("SELECT sku_id, sku_code FROM skus") { scan.skus[$0.int(0)] = $0.text(1) }
        _ = try db.query("SELECT lot_id, sku_id, lot_number, initial_qty, manual_adjustment FROM lots") {
            scan.lots[$0.int(0)] = Lot(sku: $0.int(1), number: $0.text(2), initialQty: $0.intOrNil(3), adjustment: $0.int(4))
        }
        let skus = scan.skus, lots = scan.lots

        var parsed: [String: ParsedSku] = [:]
        var split = Set<String>()
        var datesOfOrphans: [String: String] = [:]
        _ = try db.query("SELECT item_id, order_id, order_number, ship_date, sku_id, lot_id, shipstation_sku_raw, quantity FROM shipped_items") { r in
            let item = r.int(0), orderID = r.int(1), number = r.text(2), date = r.text(3), sku = r.int(4), lot = r.intOrNil(5)
            let raw = r.text(6)
            let order = orders[orderID]
            let skuCode = skus[sku]
            let lotRow = lot.flatMap { lots[$0] }

            if order == nil { scan.foreignKeys.add("shipped_items rowid \(item) -> shipped_orders") }
            if skuCode == nil { scan.foreignKeys.add("shipped_items rowid \(item) -> skus") }
            if lot != nil && lotRow == nil { scan.foreignKeys.add("shipped_items rowid \(item) -> lots") }
            if order == nil || skuCode == nil || order!.number != number || (lot != nil && (lotRow == nil || lotRow!.sku != sku)) {
                scan.orphans.add("item \(item)")
            }
            if raw.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { scan.missingRaw.add("item \(item)") }
            if let skuCode {
                let p = parsed[raw] ?? { let p = SkuParser.parse(raw); parsed[raw] = p; return p }()
                if p.baseSku != skuCode || p.lotNumber != lotRow?.number {
                    scan.rawMismatch.add("item \(item): '\(raw)' stored as \(SkuLotKey(baseSku: skuCode, lotNumber: lotRow?.number))")
                }
            }
            if let order {
                if order.date != date, split.insert(order.number).inserted { scan.splitOrders.append(order.number) }
            } else if let seen = datesOfOrphans[number] {
                if seen != date, split.insert(number).inserted { scan.splitOrders.append(number) }
            } else {
                datesOfOrphans[number] = date
            }
            scan.totals[TotalKey(sku: sku, lot: lot ?? 0), default: 0] += r.int(7)
            if let lot { scan.shippedPerLot[lot, default: 0] += r.int(7) }
        }
        return scan
    }
}
