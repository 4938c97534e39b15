// The freshness rule for ship dates: refuse dates older than the window (unless the caller says it
// is a backfill) and dates later than tomorrow. The stale-date guard exists because a historical
// re-sync once wrote an old date over part of a day's shipments.

import ORAProtocol

public struct DateGuard: Sendable {
    public let freshnessDays: Int

    public init(freshnessDays: Int) { self.freshnessDays = freshnessDays }

    public func cutoff(today: BusinessDate) -> BusinessDate { today.adding(days: -freshnessDays) }

    public func check(_ date: BusinessDate, today: BusinessDate, backfill: Bool) throws(RPCError) {
        let tomorrow = today.adding(days: 1)
        if date > tomorrow {
            throw RPCError(code: -32004, reason: "future_ship_date",
                           message: "Ship date \(date) is later than tomorrow (\(tomorrow))",
                           extra: [("shipDate", .string(date.description)), ("latest", .string(tomorrow.description))])
        }
        let cutoff = cutoff(today: today)
        if date < cutoff && !backfill {
            throw RPCError(code: -32003, reason: "stale_ship_date",
                           message: "Ship date \(date) is older than \(freshnessDays) days (cutoff \(cutoff)); send backfill:true if this is intended",
                           extra: [("shipDate", .string(date.description)), ("cutoff", .string(cutoff.description))])
        }
    }
}
