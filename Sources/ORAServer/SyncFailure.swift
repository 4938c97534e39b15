// The latch a failed sync sets. Once the disk has refused to sync the WAL, what the kernel holds
// may differ from what the disk has (Linux reports a writeback error once, then forgets it), so:
//
// (1) nothing committed from then on is acknowledged, and nothing more is committed;
// (2) the replies the failed sync covered say the outcome is unknown (RPCError.syncFailed);
// (3) the server stops and exits non-zero without checkpointing: on restart SQLite recovers the
//     WAL from what the disk really has.

import Synchronization

final class SyncFailure: Sendable {
    private let reason = Mutex<String?>(nil)
    private let onFirstFailure: @Sendable (String) -> Void

    /// `onFirstFailure` runs once, on the thread that saw the failure (the server wakes its loop).
    init(onFirstFailure: @escaping @Sendable (String) -> Void) { self.onFirstFailure = onFirstFailure }

    var hasFailed: Bool { reason.withLock { $0 != nil } }

    var why: String? { reason.withLock { $0 } }

    func fail(_ why: String) {
        let first = reason.withLock { current in
            guard current == nil else { return false }
            current = why
            return true
        }
        if first { onFirstFailure(why) }
    }
}
