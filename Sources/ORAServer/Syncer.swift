// Makes committed WAL frames durable on a thread of its own, for the two sync modes whose COMMIT
// does not fsync (synchronous=NORMAL):
//
//   pipelined  the writer hands over each group's replies after its COMMIT; one fdatasync that
//              starts after that covers it and every group before it, and only then are the
//              replies posted, while the writer already runs the next group.
//   periodic   (--sync normal) replies leave at COMMIT; the WAL is fdatasynced every `interval`
//              while commits arrive, so a power loss takes back at most the writes acknowledged
//              since the last sync began.
//
// (1) Readers see a commit as soon as COMMIT returns, before its sync. With pipelined, so that no
//     client ever reads a write a power loss could still take back, a reader's reply waits here
//     too: the writer numbers its groups and announces each before its COMMIT (`willCommit`); a
//     read that finished after group n was announced may have seen it, so its reply leaves once
//     the groups up to n are synced.
// (2) A failed fdatasync is final (SyncFailure): the replies it covered, and every reply still
//     waiting or handed over later, say so; `synced` never moves again, so no held read is
//     released as if its data were on disk; the sync is never tried again.

import Foundation
import Logging
import ORAProtocol
import Synchronization

/// Makes the WAL's written bytes durable; a test puts one that fails here.
protocol WALSync: Sendable {
    /// Throws with the OS's reason when the sync failed.
    func sync() throws
}

/// fdatasync on a descriptor of its own: it flushes the file's dirty pages whoever wrote them.
struct SyncError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

final class WALFileSync: WALSync {
    private let fd: Int32

    init(walPath: String) throws {
        fd = open(walPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SyncError(message: "cannot open \(walPath) for syncing: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    func sync() throws {
        guard fdatasync(fd) == 0 else { throw SyncError(message: "fdatasync of the WAL failed: \(String(cString: strerror(errno)))") }
    }
}

final class Syncer: Sendable {
    enum Mode: Sendable, Equatable {
        case pipelined
        case periodic(intervalMillis: Int)
    }

    private enum Item: Sendable {
        case committed(group: UInt64, replies: [Completion])
        case read(after: UInt64, reply: Completion)
    }

    let mode: Mode
    // Bounded upstream: every item is a request its connection counts as in flight.
    private let queue = WorkQueue<Item>(capacity: Int.max)
    private let finished = DispatchSemaphore(value: 0)
    private let sink: any ReplySink
    private let wal: any WALSync
    private let failure: SyncFailure
    private let logger: Logger
    /// The last group the writer announced (before its COMMIT) and committed (after it), and the
    /// last group a completed fdatasync covered.
    private let announced = Atomic<UInt64>(0)
    private let committed = Atomic<UInt64>(0)
    private let synced = Atomic<UInt64>(0)
    /// Syncs done (tests and the debug log read it).
    let syncs = Atomic<Int>(0)

    /// `testDelayMilliseconds` holds each pipelined sync back (tests only: it widens the window (1) closes).
    init(mode: Mode, wal: any WALSync, sink: any ReplySink, failure: SyncFailure, logger: Logger, testDelayMilliseconds: Int = 0) {
        self.mode = mode
        self.wal = wal
        self.sink = sink
        self.failure = failure
        self.logger = logger
        let thread = Thread { [self] in
            switch mode {
            case .pipelined: runPipelined(testDelayMilliseconds: testDelayMilliseconds)
            case .periodic(let interval): runPeriodic(intervalMillis: interval)
            }
            finished.signal()
        }
        thread.name = "ora-syncer"
        thread.start()
    }

    /// Called by the writer before it commits group `group` (groups count up from 1).
    func willCommit(_ group: UInt64) { announced.store(group, ordering: .sequentiallyConsistent) }

    /// Called by the writer once the COMMIT of `group` returned (periodic: what the next sync covers).
    func didCommit(_ group: UInt64) { committed.store(group, ordering: .sequentiallyConsistent) }

    /// The writer's replies for `group`, after its COMMIT returned (pipelined).
    func submit(_ replies: [Completion], group: UInt64) {
        if !queue.push(.committed(group: group, replies: replies)) { sink.post(failed(replies)) }
    }

    /// A reader's reply, once its job has finished.
    func postRead(_ reply: Completion) {
        guard mode == .pipelined else { return sink.post([reply]) }
        if failure.hasFailed { return sink.post(failedReads([reply])) }
        let after = announced.load(ordering: .sequentiallyConsistent)
        if synced.load(ordering: .sequentiallyConsistent) >= after { return sink.post([reply]) }
        if !queue.push(.read(after: after, reply: reply)) {
            // The syncer has stopped, after syncing every group the writer committed.
            sink.post(failure.hasFailed ? failedReads([reply]) : [reply])
        }
    }

    /// The groups the last completed sync covered.
    var syncedGroup: UInt64 { synced.load(ordering: .sequentiallyConsistent) }

    private func runPipelined(testDelayMilliseconds: Int) {
        var held: [(after: UInt64, reply: Completion)] = []
        while true {
            let items = queue.popBatch(max: Int.max)
            if items.isEmpty { break }
            var replies: [Completion] = []
            var top: UInt64?
            for item in items {
                switch item {
                case .committed(let group, let r): replies += r; top = max(top ?? 0, group)
                case .read(let after, let reply): held.append((after, reply))
                }
            }
            var syncFailed = failure.hasFailed
            if !syncFailed, let top {
                if testDelayMilliseconds > 0 { usleep(UInt32(testDelayMilliseconds * 1000)) }
                if syncWAL() {
                    synced.store(top, ordering: .sequentiallyConsistent)
                    sink.post(replies)
                } else {
                    syncFailed = true
                }
            }
            if syncFailed {
                sink.post(failed(replies) + failedReads(held.map(\.reply)))
                held.removeAll()
                continue
            }
            let now = synced.load(ordering: .sequentiallyConsistent)
            let ready = held.filter { $0.after <= now }
            if !ready.isEmpty {
                held.removeAll { $0.after <= now }
                sink.post(ready.map(\.reply))
            }
        }
        // The writer stopped first and every group it committed is synced (or the sync failed).
        if !held.isEmpty { sink.post(failure.hasFailed ? failedReads(held.map(\.reply)) : held.map(\.reply)) }
    }

    private func runPeriodic(intervalMillis: Int) {
        while true {
            let stopping = queue.waitUntilClosed(timeoutMillis: intervalMillis)
            // Only a commit that returned before the sync began is covered by it.
            let top = committed.load(ordering: .sequentiallyConsistent)
            if !failure.hasFailed && top > synced.load(ordering: .sequentiallyConsistent) {
                if syncWAL() { synced.store(top, ordering: .sequentiallyConsistent) }
            }
            if stopping { break }
        }
    }

    /// One fdatasync; on failure the server's SyncFailure is set and false returned.
    private func syncWAL() -> Bool {
        do {
            try wal.sync()
            syncs.add(1, ordering: .relaxed)
            return true
        } catch {
            logger.critical("\(error): no further write is acknowledged; the server stops")
            failure.fail("\(error)")
            return false
        }
    }

    private func failed(_ replies: [Completion]) -> [Completion] {
        let error = RPCError.syncFailed(failure.why ?? "the server stopped")
        return replies.map { Completion(ticket: $0.ticket, error: error) }
    }

    /// A read that may have seen a commit the disk did not keep is not answered with what it read.
    private func failedReads(_ replies: [Completion]) -> [Completion] {
        replies.map { Completion(ticket: $0.ticket, error: .stoppedAfterSyncFailure) }
    }

    /// Syncs what is left, posts it, and ends the thread (after the writer has stopped).
    func stop() {
        queue.close()
        finished.wait()
    }
}
