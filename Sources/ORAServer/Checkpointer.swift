// Moves WAL content back into the database file on its own thread and connection, so the writer
// seldom pauses for a checkpoint: SQLite's automatic checkpoint would run inside a writer's COMMIT,
// copying and fsyncing megabytes while every queued request waits.
//
// (1) PASSIVE checkpoints never block the writer or readers; a page a reader still needs stays.
// (2) The writer runs with wal_autocheckpoint = 0; at shutdown it makes the final TRUNCATE checkpoint.
// (3) SQLite starts the WAL over only when a write begins with every frame copied. Under a steady
//     stream of writes a background pass never catches up (frames keep arriving while it copies),
//     and the WAL would grow for as long as the stream lasts. So when the WAL has reached
//     `restartBytes`, the checkpointer makes passes until one finds few new frames, then asks the
//     writer to copy the last ones between two groups (Writer.requestCheckpoint, 5-50 ms); its
//     next group then writes the WAL from the start again.

import Foundation
import Logging
import ORAStore

final class Checkpointer: Sendable {
    private let stopped = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Passes stop once one finds at most this many new frames (about what the writer then copies),
    /// or after `maxPasses`.
    static let settledFrames: Int64 = 512
    static let maxPasses = 4

    init(store: Store, interval: Double, restartBytes: Int64, writer: Writer, logger: Logger) throws {
        // The page size of a file in WAL mode never changes: the limit is counted in frames.
        let restartFrames = restartBytes / (try store.db.scalarInt("PRAGMA page_size") + 24)
        let handoff = Handoff(value: store)
        let thread = Thread { [self] in
            let store = handoff.value
            while stopped.wait(timeout: .now() + interval) == .timedOut {
                do {
                    var frames = try store.checkpointPassive()
                    guard frames >= restartFrames else { continue }
                    // A pass copies the WAL as it was when the pass began; the next one copies what
                    // was written meanwhile, which is less each time.
                    for _ in 1..<Self.maxPasses {
                        let before = frames
                        frames = try store.checkpointPassive()
                        if frames - before <= Self.settledFrames { break }
                    }
                    writer.requestCheckpoint()
                } catch {
                    logger.error("background checkpoint failed: \(error)")
                }
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
