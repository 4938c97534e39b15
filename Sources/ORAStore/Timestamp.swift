// Wall-clock timestamps for created_at / audit rows: ISO 8601 UTC with microseconds, which sort
// as text and which SQLite's date functions read.

import Foundation

public enum Timestamp {
    public static func now() -> String { format(Date()) }

    public static func format(_ date: Date) -> String {
        format(micros: Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)))
    }

    public static func format(micros: Int64) -> String {
        var t = time_t(micros / 1_000_000)
        let fraction = Int32(micros % 1_000_000)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(fraction, 6))Z"
    }
}

/// The single writer's clock: strictly increasing times, one per request, so no two changes ever
/// share a time and an order's history (audit rows and refusals alike) sorts by time alone.
public struct EventClock: Sendable {
    private var last: Int64 = 0

    public init() {}

    public mutating func next(now: Date = Date()) -> String {
        last = max(Int64((now.timeIntervalSince1970 * 1_000_000).rounded(.down)), last + 1)
        return Timestamp.format(micros: last)
    }
}
