// The workflows' run journal, judged (OPERATIONS.md, "The automation journal"): which commands
// exist, how often each must succeed by default, and the state a run history puts one in. Pure.

public enum Automation {
    /// Every command that records its runs, with how often it must succeed by default: the
    /// longest gap between two runs of the README's crontab (the imports and uploads stop for the
    /// night, 20:45 to 06:00).
    public static let defaultEveryMinutes: [String: Int64] = [
        "ora-import-xml": 555, "ora-upload-orders": 555, "ora-status-sync": 510,
        "ora-daily-shipments": 1440, "ora-manual-sync": 1440, "ora-reconcile": 1440,
        "ora-weekly-report": 10_080, "ora-cleanup": 1440, "ora-units-refresh": 1440, "ora-health-check": 1440,
    ]

    public static var workflows: [String] { defaultEveryMinutes.keys.sorted() }

    /// A run as the state needs it: how long ago it started (minutes), and how it ended.
    public struct Run: Sendable, Equatable {
        public let minutesAgo: Double
        public let exitStatus: Int64?   // nil: not finished

        public init(minutesAgo: Double, exitStatus: Int64?) {
            self.minutesAgo = minutesAgo
            self.exitStatus = exitStatus
        }
    }

    public enum State: String, Sendable {
        case ok, attention, failing, running, late, paused, never
    }

    /// - Parameters:
    ///   - last: the newest run (a dry run included), nil when there is none.
    ///   - successMinutesAgo: how long ago the newest success started (exit 0, not a dry run,
    ///     not a paused run), nil when there is none.
    public static func state(paused: Bool, last: Run?, successMinutesAgo: Double?, everyMinutes: Int64) -> State {
        if paused { return .paused }
        guard let last else { return .never }
        let window = Double(everyMinutes) * 2
        guard let exit = last.exitStatus else {
            // Started and not finished: running, unless it has been at it too long (killed).
            return last.minutesAgo <= window ? .running : .failing
        }
        if exit >= 2 { return .failing }
        if successMinutesAgo.map({ $0 > window }) ?? true { return .late }
        return exit == 1 ? .attention : .ok
    }
}
