import Testing
import ORADomain

/// Every state automationStatus can give a workflow, from its runs (OPERATIONS.md).
@Suite struct AutomationStateTests {
    func state(paused: Bool = false, _ last: Automation.Run?, success: Double?, every: Int64 = 60) -> Automation.State {
        Automation.state(paused: paused, last: last, successMinutesAgo: success, everyMinutes: every)
    }

    @Test func states() {
        #expect(state(nil, success: nil) == .never)
        #expect(state(paused: true, nil, success: nil) == .paused)
        #expect(state(paused: true, .init(minutesAgo: 1, exitStatus: 3), success: nil) == .paused)
        #expect(state(.init(minutesAgo: 5, exitStatus: 0), success: 5) == .ok)
        #expect(state(.init(minutesAgo: 5, exitStatus: 1), success: 65) == .attention)
        #expect(state(.init(minutesAgo: 5, exitStatus: 2), success: 5) == .failing)
        #expect(state(.init(minutesAgo: 5, exitStatus: 3), success: 1) == .failing)
        #expect(state(.init(minutesAgo: 5, exitStatus: nil), success: 65) == .running)
        // Started and never finished within twice the interval: killed half way.
        #expect(state(.init(minutesAgo: 121, exitStatus: nil), success: 200) == .failing)
        #expect(state(.init(minutesAgo: 120, exitStatus: nil), success: 200) == .running)
        // No success within twice the interval (or none ever), whatever the last exit 0 or 1 was.
        #expect(state(.init(minutesAgo: 121, exitStatus: 0), success: 121) == .late)
        #expect(state(.init(minutesAgo: 5, exitStatus: 0), success: nil) == .late)  // a dry run or a paused run only
        #expect(state(.init(minutesAgo: 5, exitStatus: 1), success: nil) == .late)
        #expect(state(.init(minutesAgo: 5, exitStatus: 0), success: 120) == .ok)
    }

    @Test func everyCommandHasADefault() {
        #expect(Automation.workflows.count == 10 && Automation.workflows.contains("ora-health-check"))
        #expect(Automation.defaultEveryMinutes.values.allSatisfy { $0 >= 60 })
    }
}
