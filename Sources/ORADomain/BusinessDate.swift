// Ship dates are business dates: a calendar day with no time and no zone. Stored and sent as
// `YYYY-MM-DD`; compared and shifted as a day number (days since 1970-01-01).

import Foundation

public struct BusinessDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    /// A real calendar date, or nil: `2025-02-30`, `2025-2-3` and `2025/02/03` are all nil.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...BusinessDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        dayNumber = BusinessDate.daysFromCivil(year: year, month: month, day: day)
    }

    /// Strict `YYYY-MM-DD`.
    public init?(iso text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = BusinessDate.digits(b, 0, 4), let m = BusinessDate.digits(b, 5, 2),
              let d = BusinessDate.digits(b, 8, 2) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// `YYYY-MM-DD`, or an ISO date-time (`2025-10-06T08:15:00.0000000`, with or without zone)
    /// whose date part counts, as ShipStation sends `shipDate`.
    public init?(isoDateOrDateTime text: String) {
        if let date = BusinessDate(iso: text) { self = date; return }
        let b = Array(text.utf8)
        guard b.count > 10, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " ") else { return nil }
        self.init(iso: String(decoding: b[0..<10], as: UTF8.self))
    }

    public var components: (year: Int, month: Int, day: Int) { BusinessDate.civilFromDays(dayNumber) }

    /// `YYYY-MM-DD` (years 0...9999; a date outside them is padded to at least four digits).
    public var description: String {
        let (y, m, d) = components
        guard (0...9999).contains(y) else { return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))" }
        // Ten ASCII digits and dashes written in place: this runs for every write and report row.
        return String(unsafeUninitializedCapacity: 10) { out in
            func digits(_ v: Int, _ at: Int, _ width: Int) {
                var v = v
                for i in stride(from: at + width - 1, through: at, by: -1) { out[i] = UInt8(48 + v % 10); v /= 10 }
            }
            digits(y, 0, 4); out[4] = 0x2D; digits(m, 5, 2); out[7] = 0x2D; digits(d, 8, 2)
            return 10
        }
    }

    public func adding(days: Int) -> BusinessDate { BusinessDate(dayNumber: dayNumber + days) }

    /// 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 }

    public static func < (a: BusinessDate, b: BusinessDate) -> Bool { a.dayNumber < b.dayNumber }

    /// Today in the given zone.
    public static func today(in zone: TimeZone, now: Date = Date()) -> BusinessDate {
        let seconds = now.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: now))
        return BusinessDate(dayNumber: Int((seconds / 86_400).rounded(.down)))
    }

    // MARK: - Calendar arithmetic (Howard Hinnant's civil-from-days, proleptic Gregorian)

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func digits(_ b: [UInt8], _ from: Int, _ count: Int) -> Int? {
        var v = 0
        for i in from..<(from + count) {
            guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
            v = v * 10 + Int(b[i] - 0x30)
        }
        return v
    }
}

private func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
