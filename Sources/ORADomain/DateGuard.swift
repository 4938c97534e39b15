// The freshness rule for ship dates: refuse dates older than the window (unless the caller says it
// is a backfill) and dates later than tomorrow. The stale-date guard exists because a historical
// re-sync once wrote an old date over part of a day's shipments.

public struct DateGuard: Sendable {
    public let freshnessDays: Int

    public init(freshnessDays: Int) { self.freshnessDays = freshnessDays }

    public func cutoff(today: BusinessDate) -> BusinessDate { today.adding(days: -freshnessDays) }

    public func check(_ date: BusinessDate, today: BusinessDate, backfill: Bool) throws(DomainError) {
        let tomorrow = today.adding(days: 1)
        if date > tomorrow { throw .futureShipDate(date, latest: tomorrow) }
        let cutoff = cutoff(today: today)
        if date < cutoff && !backfill { throw .staleShipDate(date, cutoff: cutoff, freshnessDays: freshnessDays) }
    }
}
