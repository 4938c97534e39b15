// reconcileDate's rules: ShipStation's shipments are the truth, and the database's view of one
// date is made to agree with them. An order's truth is all of its non-voided shipments in the
// request summed (boxes, a backorder), and it belongs to the date of the latest of them.
// Pure: the store loads the database's side, calls `plan`, and (with apply) carries out
// `changes` in one transaction.
//
//   (a "truth order on D" is one whose latest shipment is on D)
//   truth order on D, db has it on D        -> lines fixed (missing / quantityFixed / removed)
//   truth order on D, db has it on E != D   -> moved whole to D (dateFixed), lines fixed
//   truth order on D, db lacks it           -> created (every line missing)
//   db order on D, truth's latest is E      -> moved whole to E with its whole truth (dateFixed, `to` E)
//   db order on D, absent or voided         -> removed
//   truth order with a bad or unknown SKU   -> untouched (manualIntervention)
//   db order marked external                -> untouched (keptExternal)

import ORAJSON

public struct ReconcileRequest: Sendable {
    public static let maxShipments = 20_000

    public let date: BusinessDate
    public let shipments: [ShipStationShipment]
    public let apply: Bool
    public let source: String

    public init(date: BusinessDate, shipments: [ShipStationShipment], apply: Bool, source: String = "reconcile") {
        self.date = date
        self.shipments = shipments
        self.apply = apply
        self.source = source
    }
}

/// An order as the database holds it.
public struct DatabaseOrder: Sendable {
    public let orderNumber: String
    public let shipDate: BusinessDate
    public let external: Bool
    public let lines: [OrderLine]

    public init(orderNumber: String, shipDate: BusinessDate, external: Bool, lines: [OrderLine]) {
        self.orderNumber = orderNumber
        self.shipDate = shipDate
        self.external = external
        self.lines = lines
    }

    public var units: Int64 { lines.reduce(0) { $0 + $1.quantity } }
}

/// What applying does to one order.
public enum OrderChange: Sendable, Equatable {
    /// Make the order hold exactly `lines` on `shipDate` (create, fix or move it).
    case write(orderNumber: String, shipDate: BusinessDate, lines: [OrderLine])
    case remove(orderNumber: String)
}

public struct ReconcilePlan: Sendable {
    public var changes: [OrderChange] = []
    public var missing: [JSON] = []
    public var dateFixed: [JSON] = []
    public var quantityFixed: [JSON] = []
    public var removed: [JSON] = []
    public var manualIntervention: [JSON] = []
    public var keptExternal: [JSON] = []
    public var voidedIgnored = 0
    public var ignoredOtherDates = 0
    public var shipstation = (orders: 0, units: Int64(0))
    public var databaseBefore = (orders: 0, units: Int64(0))
    public var databaseAfter = (orders: 0, units: Int64(0))
    /// Every SKU and lot the truth's writes name, so the store can create the lots it lacks.
    public var linesWritten: [OrderLine] { changes.flatMap { if case .write(_, _, let l) = $0 { return l } else { return [] } } }
}

public enum Reconciler {
    /// One order's truth: its counted shipments' items summed, and the date of the latest of them.
    struct TruthOrder {
        let orderNumber: String
        var latest: BusinessDate
        var shipments = 0
        var items: [(ParsedSku, Int64)] = []
        var units: Int64 = 0
    }

    /// Order numbers whose database state `plan` needs besides the orders on `date`.
    public static func orderNumbersOfInterest(_ r: ReconcileRequest) -> Set<String> {
        Set(r.shipments.filter { !$0.voided }.map(\.orderNumber))
    }

    /// - Parameters:
    ///   - onDate: the database's orders on `r.date`.
    ///   - elsewhere: the database's orders named by the shipments that are on another date.
    ///   - knownSkus: the base SKUs (of those the shipments name) that exist.
    public static func plan(_ r: ReconcileRequest, onDate: [DatabaseOrder], elsewhere: [DatabaseOrder], knownSkus: Set<String>) -> ReconcilePlan {
        var plan = ReconcilePlan()
        var truth: [String: TruthOrder] = [:]
        var truthOrder: [String] = []
        var voidedOrders = Set<String>()
        for s in r.shipments {
            if s.voided { plan.voidedIgnored += 1; voidedOrders.insert(s.orderNumber); continue }
            if truth[s.orderNumber] == nil {
                truth[s.orderNumber] = TruthOrder(orderNumber: s.orderNumber, latest: s.shipDate)
                truthOrder.append(s.orderNumber)
            }
            truth[s.orderNumber]!.latest = max(truth[s.orderNumber]!.latest, s.shipDate)
            truth[s.orderNumber]!.shipments += 1
            for item in s.items {
                truth[s.orderNumber]!.items.append((item.parsed, item.quantity))
                truth[s.orderNumber]!.units += item.quantity
            }
        }
        let ours = truthOrder.filter { truth[$0]!.latest == r.date }
        plan.shipstation = (ours.count, ours.reduce(0) { $0 + truth[$1]!.units })

        let dbOnDate = Dictionary(onDate.map { ($0.orderNumber, $0) }, uniquingKeysWith: { a, _ in a })
        let dbElsewhere = Dictionary(elsewhere.map { ($0.orderNumber, $0) }, uniquingKeysWith: { a, _ in a })
        plan.databaseBefore = (onDate.count, onDate.reduce(0) { $0 + $1.units })
        var after = Dictionary(onDate.map { ($0.orderNumber, $0.units) }, uniquingKeysWith: { a, _ in a })

        for number in truthOrder {
            let t = truth[number]!
            let belongsHere = t.latest == r.date
            if !belongsHere {
                plan.ignoredOtherDates += t.shipments
                // Not this date's order, unless the database holds it here: then it goes whole to its date.
                guard dbOnDate[number] != nil else { continue }
            }
            let problems: [JSON] = t.items.compactMap { parsed, _ in
                if let error = parsed.error {
                    return ["orderNumber": .string(number), "sku": .string(parsed.raw), "reason": "invalid_sku", "message": .string(error)]
                }
                if let base = parsed.baseSku, !knownSkus.contains(base) {
                    return ["orderNumber": .string(number), "sku": .string(parsed.raw), "reason": "unknown_sku", "message": .string("\(base) is not in skus")]
                }
                return nil
            }
            if !problems.isEmpty { plan.manualIntervention += problems; continue }
            let existing = dbOnDate[number] ?? dbElsewhere[number]
            if let existing, existing.external {
                plan.keptExternal.append(["orderNumber": .string(number), "shipDate": .string(existing.shipDate.description), "units": .int(existing.units)])
                continue
            }
            let truthLines = OrderLines.merge(t.items)
            if !belongsHere {
                let lines = keepingSpelling(truthLines, of: existing!.lines)
                plan.dateFixed.append(["orderNumber": .string(number), "from": .string(r.date.description), "to": .string(t.latest.description)])
                plan.changes.append(lines.isEmpty ? .remove(orderNumber: number) : .write(orderNumber: number, shipDate: t.latest, lines: lines))
                after[number] = nil
                continue
            }
            let old = existing?.lines ?? []
            let oldByKey = Dictionary(old.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            let newKeys = Set(truthLines.map(\.key))
            var changed = false
            for line in truthLines {
                guard let o = oldByKey[line.key] else {
                    plan.missing.append(lineJSON(number, line, quantity: line.quantity))
                    changed = true
                    continue
                }
                if o.quantity != line.quantity {
                    plan.quantityFixed.append(["orderNumber": .string(number), "sku": .string(o.raw), "from": .int(o.quantity), "to": .int(line.quantity)])
                    changed = true
                }
            }
            for o in old where !newKeys.contains(o.key) {
                plan.removed.append(["orderNumber": .string(number), "sku": .string(o.raw), "quantity": .int(o.quantity), "reason": "line absent from ShipStation"])
                changed = true
            }
            if let existing, existing.shipDate != r.date {
                plan.dateFixed.append(["orderNumber": .string(number), "from": .string(existing.shipDate.description), "to": .string(r.date.description)])
                changed = true
            }
            let finalLines = keepingSpelling(truthLines, of: old)
            if finalLines.isEmpty {
                // Every box of it was empty: nothing of it shipped.
                if existing != nil { plan.changes.append(.remove(orderNumber: number)) }
                after[number] = nil
                continue
            }
            if changed { plan.changes.append(.write(orderNumber: number, shipDate: r.date, lines: finalLines)) }
            after[number] = finalLines.reduce(0) { $0 + $1.quantity }
        }

        // Database orders on this date that no counted shipment names: voided or absent.
        for order in onDate where truth[order.orderNumber] == nil {
            if order.external {
                plan.keptExternal.append(["orderNumber": .string(order.orderNumber), "shipDate": .string(order.shipDate.description), "units": .int(order.units)])
                continue
            }
            let reason = voidedOrders.contains(order.orderNumber) ? "voided in ShipStation" : "order absent from ShipStation"
            for line in order.lines {
                plan.removed.append(["orderNumber": .string(order.orderNumber), "sku": .string(line.raw), "quantity": .int(line.quantity), "reason": .string(reason)])
            }
            plan.changes.append(.remove(orderNumber: order.orderNumber))
            after[order.orderNumber] = nil
        }
        plan.databaseAfter = (after.count, after.values.reduce(0, +))
        return plan
    }

    /// The truth's lines, each keeping the stored spelling of a line that stays, so a re-run is a no-op.
    static func keepingSpelling(_ truthLines: [OrderLine], of old: [OrderLine]) -> [OrderLine] {
        let oldByKey = Dictionary(old.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        return truthLines.map { line in
            guard let o = oldByKey[line.key] else { return line }
            return OrderLine(key: line.key, raw: o.raw, quantity: line.quantity)
        }
    }

    static func lineJSON(_ order: String, _ line: OrderLine, quantity: Int64) -> JSON {
        ["orderNumber": .string(order), "sku": .string(line.raw), "baseSku": .string(line.key.baseSku),
         "lotNumber": .string(line.key.lotNumber), "quantity": .int(quantity)]
    }
}

extension ReconcilePlan {
    public func report(date: BusinessDate, applied: Bool, createdLots: [JSON]) -> JSON {
        func totals(_ t: (orders: Int, units: Int64)) -> JSON { ["orders": .int(t.orders), "units": .int(t.units)] }
        return ["date": .string(date.description), "applied": .bool(applied),
                "shipstation": totals(shipstation), "databaseBefore": totals(databaseBefore), "databaseAfter": totals(databaseAfter),
                "missing": .array(missing), "dateFixed": .array(dateFixed), "quantityFixed": .array(quantityFixed),
                "removed": .array(removed), "manualIntervention": .array(manualIntervention), "keptExternal": .array(keptExternal),
                "voidedIgnored": .int(voidedIgnored), "ignoredOtherDates": .int(ignoredOtherDates), "createdLots": .array(createdLots)]
    }
}
