// Counters that `status` reports, written by the loop and the writer, read by any thread.

import Synchronization

final class Stats: Sendable {
    let connections = Atomic<Int>(0)
    let requests = Atomic<Int>(0)
    let transactions = Atomic<Int>(0)
    let writes = Atomic<Int>(0)
    let startedAt = ContinuousClock.now
}
