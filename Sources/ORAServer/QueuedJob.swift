// A job for one of the worker threads, as a connection holds it until it may start.

/// A job for one of the worker threads.
enum QueuedJob: Sendable, OrderedJob {
    case read(ReadJob)
    case write(WriteJob)

    var ticket: Ticket {
        switch self {
        case .read(let j): return j.ticket
        case .write(let j): return j.ticket
        }
    }

    var isWrite: Bool {
        if case .write = self { return true }
        return false
    }
}
