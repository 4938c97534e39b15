// `ora-server migrate`, continued: the Python era's inbox (orders_inbox, order_items_inbox),
// when the file has it (LEGACY.md, INBOUND.md "Migration").
//
// (1) Every item is read through the same parser as parseSku: `sku_lot` when the upload gave the
//     line a lot, else `sku`. Text that does not parse, an unknown SKU or no positive quantity is
//     quarantined with all its columns, never dropped.
// (2) The same SKU and lot stored twice in one order (the old key let rows without a lot repeat):
//     identical quantities count once, differing ones keep the newest row; the others are logged.
// (3) Statuses map to the life cycle: awaiting_shipment is uploaded; any other unknown status is
//     reported and becomes uploaded (ShipStation may have it: it must never be uploaded twice).
// (4) An open order whose lot-tracked lines all name their lot is allocated, and reserves them.
// (5) The accounting covers the inbox's units: legacy = migrated + quarantined + duplicates dropped.

import ORAJSON
import ORADomain

extension Migration {
    struct InboxContext {
        let store: Store
        let skuIDs: [String: Int64]
        let now: String
        let quarantine: (_ table: String, _ row: JSON, _ order: String?, _ reason: String, _ message: String) throws -> Void
        let log: (_ kind: String, _ order: String?, _ detail: JSON) -> Void
    }

    func migrateInbox(_ c: InboxContext, createdLots: inout [JSON]) throws -> JSON {
        let db = c.store.db
        let orders = try db.query("SELECT * FROM legacy_orders_inbox ORDER BY id") { Self.rowJSON($0) }
        var itemsByOrder: [Int64: [JSON]] = [:]
        var legacyUnits: Int64 = 0, migratedUnits: Int64 = 0, quarantinedUnits: Int64 = 0, droppedUnits: Int64 = 0
        var legacyRows = 0
        for item in try db.query("SELECT * FROM legacy_order_items_inbox ORDER BY id", [], { Self.rowJSON($0) }) {
            legacyRows += 1
            legacyUnits += max(0, item["quantity"]?.int64Value ?? 0)
            itemsByOrder[item["order_id"]?.int64Value ?? -1, default: []].append(item)
        }
        var migrated = 0, seenNumbers = Set<String>(), knownOrders = Set<Int64>()
        for order in orders {
            let id = order["id"]?.int64Value ?? -1
            knownOrders.insert(id)
            let items = itemsByOrder[id] ?? []
            let units = items.reduce(Int64(0)) { $0 + max(0, $1["quantity"]?.int64Value ?? 0) }
            let number = Self.text(order["order_number"])?.trimmingCharacters(in: .whitespaces) ?? ""
            let date = Self.text(order["order_date"]).flatMap { BusinessDate(isoDateOrDateTime: $0.trimmingCharacters(in: .whitespaces)) }
            func refuseOrder(_ reason: String, _ message: String) throws {
                try c.quarantine("orders_inbox", ["order": order, "items": .array(items)], number.isEmpty ? nil : number, reason, message)
                quarantinedUnits += units
            }
            guard !number.isEmpty else { try refuseOrder("invalid_order_number", "inbox order row \(id) has no order number"); continue }
            guard seenNumbers.insert(number).inserted else { try refuseOrder("duplicate_order", "inbox order \(number) appears twice"); continue }
            guard let date else { try refuseOrder("invalid_date", "inbox order \(number) has no readable order date"); continue }

            // (1) and (2): the order's lines.
            struct Line { let skuID: Int64; let lotID: Int64?; let raw: String; var quantity: Int64; let price: Int64?; let rowID: Int64; let key: SkuLotKey }
            var lines: [Line] = []
            var index: [SkuLotKey: Int] = [:]
            for item in items {
                let rowID = item["id"]?.int64Value ?? 0
                let lotText = Self.text(item["sku_lot"])?.trimmingCharacters(in: .whitespaces) ?? ""
                let text = lotText.isEmpty ? (Self.text(item["sku"]) ?? "") : lotText
                let parsed = SkuParser.parse(text)
                guard let quantity = item["quantity"]?.int64Value, quantity > 0 else {
                    try c.quarantine("order_items_inbox", item, number, "invalid_quantity", "inbox item \(rowID) of order \(number) has no positive quantity")
                    continue
                }
                guard let key = parsed.key else {
                    try c.quarantine("order_items_inbox", item, number, "invalid_sku", "inbox item \(rowID) of order \(number): '\(text)' does not parse")
                    quarantinedUnits += quantity
                    continue
                }
                guard let sku = c.skuIDs[key.baseSku] else {
                    try c.quarantine("order_items_inbox", item, number, "unknown_sku", "inbox item \(rowID) of order \(number) names SKU \(key.baseSku), not in inventory_current")
                    quarantinedUnits += quantity
                    continue
                }
                var lot: Int64?
                if let lotNumber = key.lotNumber {
                    if let known = try c.store.lotID(skuID: sku, lotNumber: lotNumber) {
                        lot = known
                    } else {
                        lot = try c.store.createLotOnTheFly(skuID: sku, lotNumber: lotNumber, now: c.now)
                        createdLots.append(["skuCode": .string(key.baseSku), "lotNumber": .string(lotNumber), "lotId": .int(lot!)])
                    }
                }
                let line = Line(skuID: sku, lotID: lot, raw: text, quantity: quantity, price: item["unit_price_cents"]?.int64Value, rowID: rowID, key: key)
                if let i = index[key] {
                    let kept = lines[i]
                    let (newer, older) = kept.rowID > rowID ? (kept, line) : (line, kept)
                    droppedUnits += older.quantity
                    c.log("inbox_duplicate_merged", number, ["sku": .string(key.description), "kept": ["row": .int(newer.rowID), "quantity": .int(newer.quantity)],
                                                             "dropped": ["row": .int(older.rowID), "quantity": .int(older.quantity)]])
                    lines[i] = newer
                } else {
                    index[key] = lines.count
                    lines.append(line)
                }
            }
            guard !lines.isEmpty else {
                c.log("inbox_order_without_items", number, ["orderNumber": .string(number)])
                try c.quarantine("orders_inbox", order, number, "order_without_items", "inbox order \(number) has no item that could be migrated")
                continue
            }

            // (3) the status, (4) the allocation.
            let legacyStatus = (Self.text(order["status"]) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            var status = legacyStatus
            if legacyStatus == "awaiting_shipment" { status = "uploaded" }
            if !["pending", "uploaded", "shipped", "cancelled"].contains(status) {
                c.log("inbox_status_mapped", number, ["status": .string(legacyStatus), "now": "uploaded"])
                status = "uploaded"
            }
            var tracked = Set<Int64>()
            for sku in Set(lines.map(\.skuID)) where try db.scalarInt("SELECT EXISTS (SELECT 1 FROM lots WHERE sku_id = ?)", [.int(sku)]) == 1 { tracked.insert(sku) }
            let allocated = lines.allSatisfy { $0.lotID != nil || !tracked.contains($0.skuID) }
            let content = InboxContent.key(orderDate: date, lines: lines.map { (.sku($0.key), $0.quantity) })
            try db.run("""
                INSERT INTO orders_inbox (order_number, order_date, status, allocated, shipstation_order_id, source, content, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'migration', ?, ?, ?)
                """, [.text(number), .text(date.description), .text(status), .int(allocated ? 1 : 0), .text(Self.text(order["shipstation_order_id"])),
                      .text(content), .text(Self.text(order["created_at"]).flatMap(Self.isoTime) ?? c.now), .text(c.now)])
            let orderID = db.lastInsertRowID
            for (position, l) in lines.enumerated() {
                try db.run("""
                    INSERT INTO order_items_inbox (order_id, position, sku_id, lot_id, shipstation_sku_raw, quantity, unit_price_cents)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, [.int(orderID), .int(position), .int(l.skuID), .int(l.lotID), .text(l.raw), .int(l.quantity), .int(l.price)])
                migratedUnits += l.quantity
            }
            if let stored = try c.store.loadInboxOrder(number), Store.openStatuses.contains(status) { try c.store.moveAllocatedUnits(stored, sign: 1) }
            try c.store.inboxEvent(number, "migrated", source: "migration", detail: ["orderStatus": .string(status), "legacyStatus": .string(legacyStatus)], now: c.now)
            migrated += 1
        }
        // Items of no inbox order are quarantined too: nothing is dropped.
        for (orderID, items) in itemsByOrder where !knownOrders.contains(orderID) {
            for item in items {
                try c.quarantine("order_items_inbox", item, nil, "orphaned_item", "inbox item \(Self.text(item["id"]) ?? "?") belongs to no inbox order (order_id \(orderID))")
                quarantinedUnits += max(0, item["quantity"]?.int64Value ?? 0)
            }
        }
        return ["orders": .int(migrated), "legacyOrders": .int(orders.count), "legacyRows": .int(legacyRows), "legacyUnits": .int(legacyUnits),
                "migratedUnits": .int(migratedUnits), "quarantinedUnits": .int(quarantinedUnits), "duplicateUnitsDropped": .int(droppedUnits),
                "balanced": .bool(legacyUnits == migratedUnits + quarantinedUnits + droppedUnits)]
    }
}
