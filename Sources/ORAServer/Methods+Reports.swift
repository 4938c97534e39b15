// weeklyShipped and lotInventory: served from a reader's snapshot, never stalling the writer.

import ORAJSON
import ORAProtocol
import ORADomain
import ORAStore

extension Methods {
    static func weeklyShipped(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["weekStart", "weeks"])
        let today = ctx.today()
        let start = try p.date("weekStart") ?? today.adding(days: -today.weekday)
        guard start.weekday == 0 else { throw .invalidParams("/weekStart", "must be a Monday, got \(start) (a \(weekdayName(start.weekday)))") }
        let weeks = Int(try p.int("weeks", in: 1...52) ?? 1)
        return .read { store in try store.weeklyShipped(weekStart: start, weeks: weeks) }
    }

    static func lotInventory(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["skuCode", "includeInactive"])
        let code = try p.code("skuCode")
        let inactive = try p.bool("includeInactive") ?? false
        return .read { store in try store.lotInventory(skuCode: code, includeInactive: inactive) }
    }

    static func weekdayName(_ weekday: Int) -> String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][weekday]
    }
}
