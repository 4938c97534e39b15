import Testing
import Foundation
@testable import ORADomain
import ORAProtocol

@Suite struct BusinessDateTests {
    /// Real calendar dates only, strict YYYY-MM-DD.
    @Test func parsing() {
        #expect(BusinessDate(iso: "2024-02-29")?.description == "2024-02-29")
        for bad in ["2025-02-29", "2025-02-30", "2025-13-01", "2025-00-10", "2025-1-5", "2025/01/05", "25-01-05", "2025-01-05T00:00:00", "", "2025-04-31", "1900-02-29"] {
            #expect(BusinessDate(iso: bad) == nil, "\(bad)")
        }
        #expect(BusinessDate(isoDateOrDateTime: "2025-10-06T00:00:00.0000000")?.description == "2025-10-06")
        #expect(BusinessDate(isoDateOrDateTime: "2025-10-06")?.description == "2025-10-06")
    }

    /// Day arithmetic and weekdays agree with the calendar.
    @Test func arithmetic() {
        let d = BusinessDate(iso: "2024-12-31")!
        #expect(d.adding(days: 1).description == "2025-01-01")
        #expect(d.adding(days: -366).description == "2023-12-31")
        #expect(BusinessDate(iso: "1970-01-01")!.dayNumber == 0)
        #expect(BusinessDate(iso: "2025-10-06")!.weekday == 0)  // a Monday
        #expect(BusinessDate(iso: "2025-10-12")!.weekday == 6)
    }

    /// Today depends on the zone: 06:00 UTC is still yesterday in Los Angeles.
    @Test func todayInZone() {
        let instant = Date(timeIntervalSince1970: 1_759_730_400)  // 2025-10-06T06:00:00Z, 23:00 PDT the day before
        #expect(BusinessDate.today(in: TimeZone(identifier: "UTC")!, now: instant).description == "2025-10-06")
        #expect(BusinessDate.today(in: TimeZone(identifier: "America/Los_Angeles")!, now: instant).description == "2025-10-05")
    }

    /// The guard allows the window and tomorrow, refuses older (unless backfill) and later.
    @Test func dateGuard() throws {
        let g = DateGuard(freshnessDays: 60)
        let today = BusinessDate(iso: "2025-10-06")!
        #expect(throws: Never.self) { try g.check(today.adding(days: 1), today: today, backfill: false) }
        #expect(throws: Never.self) { try g.check(today.adding(days: -60), today: today, backfill: false) }
        #expect(throws: Never.self) { try g.check(today.adding(days: -61), today: today, backfill: true) }
        do { try g.check(today.adding(days: -61), today: today, backfill: false); Issue.record() } catch {
            #expect(error.code == -32003 && error.data["cutoff"] == "2025-08-07")
        }
        do { try g.check(today.adding(days: 2), today: today, backfill: true); Issue.record() } catch {
            #expect(error.code == -32004)
        }
    }
}
