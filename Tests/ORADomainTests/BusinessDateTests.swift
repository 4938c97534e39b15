import Testing
import Foundation
@testable import ORADomain
import ORAProtocol

@Suite struct BusinessDateTests {
    /// Days from 0001-01-01 to 9999-12-31 (every 97th, and every day of 2023-2025) print as
    /// zero-padded YYYY-MM-DD and parse back.
    @Test func descriptionRoundTrips() {
        let first = BusinessDate(year: 1, month: 1, day: 1)!, last = BusinessDate(year: 9999, month: 12, day: 31)!
        let recent = BusinessDate(year: 2023, month: 1, day: 1)!.dayNumber...BusinessDate(year: 2025, month: 12, day: 31)!.dayNumber
        for n in Array(stride(from: first.dayNumber, through: last.dayNumber, by: 97)) + Array(recent) + [last.dayNumber] {
            let d = BusinessDate(dayNumber: n), text = d.description
            let (y, m, day) = d.components
            guard text.utf8.count == 10, BusinessDate(iso: text) == d,
                  text == String(format: "%04d-%02d-%02d", y, m, day) else {
                Issue.record("\(n): \(text)")
                return
            }
        }
        #expect(BusinessDate(dayNumber: first.dayNumber - 1).description == "0000-12-31")
    }

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
            #expect(error == .staleShipDate(today.adding(days: -61), cutoff: BusinessDate(iso: "2025-08-07")!, freshnessDays: 60))
        }
        do { try g.check(today.adding(days: 2), today: today, backfill: true); Issue.record() } catch {
            #expect(error == .futureShipDate(today.adding(days: 2), latest: today.adding(days: 1)))
        }
    }
}
