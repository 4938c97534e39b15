// Moves WAL content back into the database file on its own thread and connection, so the writer
// never pauses for a checkpoint: SQLite's automatic checkpoint would run inside a writer's COMMIT,
// copying and fsyncing megabytes while every queued request waits.
//
// (1) PASSIVE checkpoints never block the writer or readers; a page a reader still needs stays.
// (2) The writer runs with wal_autocheckpoint = 0; at shutdown it makes the final TRUNCATE checkpoint.

import Foundation
import Logging
import ORAStore

final class Checkpointer: Sendable {
    private let stopped = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(store: Store, interval: Double, logger: Logger) {
        let handoff = Handoff(value: store)
        let thread = Thread { [self] in
            let store = handoff.value
            while stopped.wait(timeout: .now() + interval) == .timedOut {
                do { try store.checkpointPassive() } catch { logger.error("background checkpoint failed: \(error)") }
            }
            finished.signal()
        }
        thread.name = "ora-checkpointer"
        thread.start()
    }

    func stop() {
        stopped.signal()
        finished.wait()
    }
}
