// The single writer: one thread, one read-write connection, group commit.
//
// (1) Only this thread ever writes the database; the loop thread never waits on SQLite.
// (2) Whatever is queued when the writer wakes becomes one transaction, each request inside its own
//     SAVEPOINT: a failing request rolls back to its savepoint and never takes another's writes.
// (3) A reply is posted to the loop only after COMMIT returned, i.e. after the WAL is on disk
//     (synchronous=FULL), or, with --sync pipelined, after the Syncer's fdatasync of the WAL
//     (which also holds back readers' replies until what they may have seen is synced);
//     if COMMIT fails every request of the group is answered -32603.

import Foundation
import Logging
import ORAProtocol
import ORAStore
import Synchronization

struct WriteJob: Sendable {
    let ticket: Ticket
    let method: String
    /// Runs inside the request's savepoint; `now` is the request's own event time.
    let work: @Sendable (Store, String) throws -> any JSONConvertible
}

/// Hands a non-Sendable value to the thread that will own it from then on.
struct Handoff<T>: @unchecked Sendable {
    let value: T
}

final class Writer: Sendable {
    let queue: WorkQueue<WriteJob>
    private let mailbox: Mailbox
    private let stats: Stats
    private let logger: Logger
    private let maxGroup: Int
    private let finished = DispatchSemaphore(value: 0)

    /// With `--sync pipelined`, committed replies go through here to be synced first.
    private let syncer: Syncer?

    /// Set by the Checkpointer when the WAL has grown: finish its checkpoint between two groups.
    private let checkpointRequested = Atomic<Bool>(false)

    init(store: Store, queueDepth: Int, maxGroup: Int, mailbox: Mailbox, syncer: Syncer?, stats: Stats, logger: Logger) {
        self.syncer = syncer
        queue = WorkQueue(capacity: queueDepth)
        self.mailbox = mailbox
        self.stats = stats
        self.logger = logger
        self.maxGroup = maxGroup
        let handoff = Handoff(value: store)
        let thread = Thread { [self] in
            run(store: handoff.value)
            finished.signal()
        }
        thread.name = "ora-writer"
        thread.start()
    }

    /// false when the queue is full (the caller answers -32011).
    func submit(_ job: WriteJob) -> Bool { queue.push(job) }

    func requestCheckpoint() { checkpointRequested.store(true, ordering: .relaxed) }

    /// Lets the queue drain, checkpoints the WAL, and waits for the thread to end.
    func stop() {
        queue.close()
        finished.wait()
    }

    private func run(store: Store) {
        var window = WriterWindow(stats)
        var clock = EventClock()
        var number: UInt64 = 0
        while true {
            let group = queue.popBatch(max: maxGroup)
            if group.isEmpty { break }
            number += 1
            syncer?.willCommit(number)
            let replies = commit(group, store: store, clock: &clock)
            if let syncer { syncer.submit(replies, group: number) } else { mailbox.post(replies) }
            if checkpointRequested.exchange(false, ordering: .relaxed) { finishCheckpoint(store: store) }
            if logger.logLevel <= .debug, let line = window.report(stats) { logger.debug("\(line)") }
        }
        do { try store.checkpoint() } catch { logger.error("WAL checkpoint at shutdown failed: \(error)") }
    }

    /// Copies what the Checkpointer's pass left (the frames written while it ran), so the next
    /// group starts the WAL over instead of growing it.
    private func finishCheckpoint(store: Store) {
        let started = DispatchTime.now().uptimeNanoseconds
        do { try store.checkpointPassive() } catch { logger.error("checkpoint between groups failed: \(error)") }
        stats.checkpointNanos.add(Int(DispatchTime.now().uptimeNanoseconds - started), ordering: .relaxed)
        stats.checkpoints.add(1, ordering: .relaxed)
    }

    private func commit(_ group: [WriteJob], store: Store, clock: inout EventClock) -> [Completion] {
        let db = store.db
        let started = DispatchTime.now().uptimeNanoseconds
        var executed = started
        var replies: [Completion] = []
        replies.reserveCapacity(group.count)
        do {
            try db.run("BEGIN IMMEDIATE")
            for job in group {
                replies.append(Completion(ticket: job.ticket, reply: execute(job, store: store, now: clock.next())))
            }
            executed = DispatchTime.now().uptimeNanoseconds
            try db.run("COMMIT")
        } catch {
            logger.error("group commit of \(group.count) requests failed: \(error)")
            if db.isInTransaction { try? db.execute("ROLLBACK") }
            let failure = RPCError.internalError("the database could not commit (\(error)); nothing was written")
            replies = group.map { Completion(ticket: $0.ticket, bytes: Self.encode(ticket: $0.ticket, failure)) }
        }
        stats.transactions.add(1, ordering: .relaxed)
        stats.writes.add(group.count, ordering: .relaxed)
        stats.executeNanos.add(Int(executed - started), ordering: .relaxed)
        stats.commitNanos.add(Int(DispatchTime.now().uptimeNanoseconds - executed), ordering: .relaxed)
        // Notifications complete too (with no bytes): their connection counts what is in flight.
        return replies
    }

    /// A success comes back as its result, for the loop to encode; a failure already encoded.
    private func execute(_ job: WriteJob, store: Store, now: String) -> Completion.Reply {
        let db = store.db
        let fail = { (error: RPCError) in Completion.Reply.encoded(Self.encode(ticket: job.ticket, error)) }
        do {
            try db.run("SAVEPOINT request")
        } catch {
            return fail(.internalError("cannot open a savepoint: \(error)"))
        }
        do {
            let result = try job.work(store, now)
            try db.run("RELEASE request")
            return .result(result)
        } catch let error as RPCError {
            rollback(store)
            return fail(error)
        } catch let refusal as QuarantinedRefusal {
            rollback(store)
            do {
                try store.quarantine(refusal, now: now)
            } catch {
                logger.error("cannot quarantine a refused \(refusal.method): \(error)")
                return fail(.internalError("request refused (\(refusal.error.message)) and could not be quarantined: \(error)"))
            }
            return fail(refusal.error)
        } catch {
            rollback(store)
            logger.error("\(job.method) failed: \(error)")
            return fail(.internalError("\(error); nothing was written"))
        }
    }

    private func rollback(_ store: Store) {
        _ = try? store.rollback(toSavepoint: "request")
        _ = try? store.db.run("RELEASE request")
    }

    static func encode(ticket: Ticket, _ error: RPCError) -> [UInt8] {
        ticket.id.map { RPCResponse.failure(id: $0, error: error) } ?? []
    }
}

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
