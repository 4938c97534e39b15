// The stock ledger: adjustments, counts, a statement with its running balance, a lot's trace.

import ORAJSON
import ORAProtocol
import ORADomain
import ORAStore

extension Methods {
    /// An entry's date: today in the server's zone when omitted; never later than tomorrow.
    static func entryDate(_ p: Params, _ ctx: MethodContext) throws(RPCError) -> BusinessDate {
        let today = ctx.today()
        let date = try p.date("date") ?? today
        if today.adding(days: 1) < date { throw .invalidParams("/date", "is later than tomorrow (\(today.adding(days: 1)))") }
        return date
    }

    static func adjustInventory(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["skuCode", "lotNumber", "quantity", "reason", "date", "note", "source"])
        let sku = try p.requiredCode("skuCode")
        let lot = try p.code("lotNumber")
        let quantity = try p.requiredInt("quantity", in: -1_000_000...1_000_000)
        if quantity == 0 { throw .invalidParams("/quantity", "must not be 0: an adjustment moves stock") }
        let reasons = LedgerReason.allCases.map(\.rawValue)
        guard let word = try p.word("reason", oneOf: reasons), let reason = LedgerReason(rawValue: word) else {
            throw .invalidParams("/reason", "is required: one of \(reasons.joined(separator: ", "))")
        }
        let date = try entryDate(p, ctx)
        let note = try p.string("note", maxLength: 1000)
        let source = try p.string("source", maxLength: 100)
        return .write { store, now in
            try store.adjustInventory(skuCode: sku, lotNumber: lot, quantity: quantity, reason: reason, date: date, note: note, source: source, now: now)
        }
    }

    static func countInventory(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["skuCode", "lotNumber", "counted", "date", "note", "source"])
        let sku = try p.requiredCode("skuCode")
        let lot = try p.requiredCode("lotNumber")
        let counted = try p.requiredInt("counted", in: 0...1_000_000_000)
        let date = try entryDate(p, ctx)
        let note = try p.string("note", maxLength: 1000)
        let source = try p.string("source", maxLength: 100)
        return .write { store, now in
            try store.countInventory(skuCode: sku, lotNumber: lot, counted: counted, date: date, note: note, source: source, now: now)
        }
    }

    static func inventoryLedger(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["skuCode", "lotNumber", "from", "to"])
        let sku = try p.requiredCode("skuCode")
        let lot = try p.code("lotNumber")
        let from = try p.date("from"), to = try p.date("to")
        if let from, let to, to < from { throw .invalidParams("/to", "is before from (\(from))") }
        return .read { store in try store.inventoryLedger(skuCode: sku, lotNumber: lot, from: from, to: to) }
    }

    static func lotTrace(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["skuCode", "lotNumber"])
        let sku = try p.requiredCode("skuCode")
        let lot = try p.requiredCode("lotNumber")
        return .read { store in try store.lotTrace(skuCode: sku, lotNumber: lot) }
    }
}
