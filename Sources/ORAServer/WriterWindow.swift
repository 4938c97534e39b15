// The writer's per-second debug line, from the counters `status` reports.

import Foundation

/// What the writer did over the last second, for the debug log: the differences between two
/// readings of the counters `status` reports.
struct WriterWindow {
    private var start = DispatchTime.now().uptimeNanoseconds
    private var last: Reading

    struct Reading {
        let groups: Int, requests: Int, checkpoints: Int, executeNanos: Int, commitNanos: Int, checkpointNanos: Int
        init(_ s: Stats) {
            groups = s.transactions.load(ordering: .relaxed); requests = s.writes.load(ordering: .relaxed)
            checkpoints = s.checkpoints.load(ordering: .relaxed); executeNanos = s.executeNanos.load(ordering: .relaxed)
            commitNanos = s.commitNanos.load(ordering: .relaxed); checkpointNanos = s.checkpointNanos.load(ordering: .relaxed)
        }
    }

    init(_ stats: Stats) { last = Reading(stats) }

    mutating func report(_ stats: Stats) -> String? {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - start >= 1_000_000_000 else { return nil }
        let r = Reading(stats), l = last
        defer { start = now; last = r }
        return "writer: \(r.requests - l.requests) requests in \(r.groups - l.groups) commits; executing \((r.executeNanos - l.executeNanos) / 1_000_000) ms, "
            + "committing \((r.commitNanos - l.commitNanos) / 1_000_000) ms, \(r.checkpoints - l.checkpoints) checkpoints "
            + "\((r.checkpointNanos - l.checkpointNanos) / 1_000_000) ms of \((now - start) / 1_000_000) ms"
    }
}
