// Connection rule (2): one connection's requests take effect in the order sent. Consecutive writes
// go to the writer together (it runs them in order), consecutive reads run side by side, but a
// read waits for the connection's earlier writes to commit and a write for its earlier reads to
// finish. So "record, then list" pipelined on one connection always lists the record.
//
// Pure bookkeeping, no I/O: the connection asks `admit` for each new job, tells `started` when a
// worker took one, `finished` when its reply came, and then starts whatever `nextReady` releases.

import DequeModule

protocol OrderedJob {
    var isWrite: Bool { get }
}

struct JobOrder<Job: OrderedJob> {
    private var held = Deque<Job>()
    private(set) var readsInFlight = 0
    private(set) var writesInFlight = 0

    /// Jobs waiting for the opposite kind to finish.
    var heldCount: Int { held.count }

    /// true: start `job` now. false: it is held, behind earlier held jobs, until `nextReady` gives it.
    mutating func admit(_ job: Job) -> Bool {
        if held.isEmpty && canStart(job) { return true }
        held.append(job)
        return false
    }

    /// A worker took `job` (one refused for a full queue never started, and holds nothing back).
    mutating func started(_ job: Job) {
        if job.isWrite { writesInFlight += 1 } else { readsInFlight += 1 }
    }

    mutating func finished(write: Bool) {
        if write { writesInFlight -= 1 } else { readsInFlight -= 1 }
    }

    /// The first held job, once it may start; call until nil, marking each `started`.
    mutating func nextReady() -> Job? {
        guard let next = held.first, canStart(next) else { return nil }
        held.removeFirst()
        return next
    }

    private func canStart(_ job: Job) -> Bool {
        job.isWrite ? readsInFlight == 0 : writesInFlight == 0
    }
}
