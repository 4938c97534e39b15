// recordShipment, removeShipment, reconcileDate, shippedItems and orderHistory.

import ORAJSON
import ORAProtocol
import ORADomain
import ORAStore

extension Methods {
    static func recordShipment(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let request = try RecordShipmentRequest(params: params)
        do {
            try ctx.dateGuard.check(request.shipDate, today: ctx.today(), backfill: request.backfill)
        } catch {
            throw RPCError(error)
        }
        let original = params ?? .null
        return .write { store, now in try store.recordShipment(request, params: original, now: now) }
    }

    static func removeShipment(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["orderNumber", "source", "reason"])
        let number = try p.requiredOrderNumber()
        let source = try p.string("source", maxLength: 100)
        let reason = try p.string("reason", maxLength: 1000)
        return .write { store, now in try store.removeShipment(number, source: source, reason: reason, now: now) }
    }

    /// A dry run reads a snapshot on a reader; apply runs in the writer as one savepoint.
    static func reconcileDate(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let request = try ReconcileRequest(params: params)
        if request.apply {
            return .write { store, now in try store.reconcile(request, now: now) }
        }
        return .read { store in try store.snapshot { try store.reconcile(request, now: nil) } }
    }

    static let maxRangeDays = 366

    static func shippedItems(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["date", "from", "to", "skuCode", "orderNumber", "limit", "cursor"])
        var q = ShippedItemsQuery()
        if let date = try p.date("date") {
            if p.has("from") || p.has("to") { throw .invalidParams("/date", "cannot be combined with from/to") }
            q.from = date
            q.to = date
        } else {
            q.from = try p.date("from")
            q.to = try p.date("to")
        }
        q.skuCode = try p.code("skuCode")
        q.orderNumber = try p.string("orderNumber", maxLength: 100)
        if q.from == nil && q.to == nil && q.orderNumber == nil {
            throw .invalidParams("/date", "is required (or from and to, or orderNumber)")
        }
        if (q.from == nil) != (q.to == nil) {
            throw .invalidParams(q.from == nil ? "/from" : "/to", "is required when \(q.from == nil ? "to" : "from") is given")
        }
        if let from = q.from, let to = q.to {
            if to < from { throw .invalidParams("/to", "must not be before from") }
            if to.dayNumber - from.dayNumber + 1 > maxRangeDays {
                throw .invalidParams("/to", "range must span at most \(maxRangeDays) days")
            }
        }
        q.limit = Int(try p.int("limit", in: 1...10_000) ?? 1000)
        if let token = try p.string("cursor", maxLength: 1000) {
            guard let cursor = ShippedItemsCursor(token: token) else { throw .invalidParams("/cursor", "is not a cursor this server issued") }
            q.after = cursor
        }
        let query = q
        return .read { store in try store.shippedItems(query) }
    }

    static func orderHistory(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["orderNumber"])
        let number = try p.requiredOrderNumber()
        return .read { store in try store.orderHistory(number) }
    }
}
