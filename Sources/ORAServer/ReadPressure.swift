// Connection rule (1), as numbers: reading stops while a connection has `maxInFlight` unanswered
// requests (or jobs waiting to start) or `maxOutputBytes` of unsent replies, and resumes at half
// of each, so a client that never reads costs a bounded amount of memory and never slows anyone
// else. Past the server's memory budget, a connection holding more than `smallShare` stops too;
// the others (a fresh client, one that reads its replies) go on being served.

struct ReadPressure {
    static let smallShare = 64 * 1024

    let maxInFlight: Int
    let maxOutputBytes: Int

    /// What one connection holds now.
    struct Load {
        var inFlight: Int
        /// Replies made and not yet written to the socket, plus those the socket has not taken.
        var outputBytes: Int
        /// Of these, the ones handed to the socket and not yet written.
        var unsentBytes: Int
        /// Its share of the server's memory budget.
        var memory: Int
        var serverOverBudget: Bool

        var heldByMemoryBudget: Bool { serverOverBudget && memory > ReadPressure.smallShare }
    }

    /// Stop reading (and taking lines already read).
    func isBackedUp(_ load: Load) -> Bool {
        load.inFlight >= maxInFlight || load.outputBytes >= maxOutputBytes || load.heldByMemoryBudget
    }

    /// A stopped connection may read again.
    func hasDrained(_ load: Load) -> Bool {
        load.inFlight <= maxInFlight / 2 && load.unsentBytes <= maxOutputBytes / 2 && !load.heldByMemoryBudget
    }
}
