// Counters that `status` reports, written by the loop and the writer, read by any thread.

import ORAJSON
import ORAProtocol
import Synchronization

final class Stats: Sendable {
    let connections = Atomic<Int>(0)
    let requests = Atomic<Int>(0)
    let transactions = Atomic<Int>(0)
    let writes = Atomic<Int>(0)
    /// The writer thread's time, in nanoseconds: running requests inside their savepoints, in
    /// COMMIT (with --sync full that includes the WAL's fsync), and finishing checkpoints between groups.
    let executeNanos = Atomic<Int>(0)
    let commitNanos = Atomic<Int>(0)
    let checkpointNanos = Atomic<Int>(0)
    /// Checkpoints the writer finished between groups (the debug log counts them).
    let checkpoints = Atomic<Int>(0)
    let startedAt = ContinuousClock.now
}

extension Stats {
    /// Where the writer's time went since start, in milliseconds: committing / transactions is the
    /// average COMMIT (the disk's share), executing / writes the average request.
    var writerTime: JSON {
        func ms(_ nanos: Int) -> JSON { .double(Double(nanos / 1000) / 1000) }
        return ["executingMs": ms(executeNanos.load(ordering: .relaxed)), "committingMs": ms(commitNanos.load(ordering: .relaxed)),
                "checkpointingMs": ms(checkpointNanos.load(ordering: .relaxed))]
    }
}
