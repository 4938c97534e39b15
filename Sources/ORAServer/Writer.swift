// The single writer: one thread, one read-write connection, group commit.
//
// (1) Only this thread ever writes the database or checkpoints it; the loop thread never waits on
//     SQLite. Checkpoints run here between two groups (`checkpointIfDue`), so no checkpoint can
//     race a WAL reset (the "WAL-reset bug" of SQLite before 3.51.3, ../shared/PLATFORM.md).
// (2) Whatever is queued when the writer wakes becomes one transaction, each request inside its own
//     SAVEPOINT: a failing request rolls back to its savepoint and never takes another's writes.
// (3) Some failures (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) make SQLite roll back the whole
//     transaction, not just the savepoint. After every request the writer asks SQLite whether its
//     transaction still stands; if not, that request is answered with its error and the ones
//     before it in the transaction (whose work is gone with it) run again, with the rest, in a
//     fresh transaction. Every reply thus says what is on disk.
// (4) A reply is posted only after COMMIT returned, i.e. after the WAL is on disk
//     (synchronous=FULL), or, with --sync pipelined, after the Syncer's fdatasync of the WAL.
//     If COMMIT fails, every request of the transaction is answered -32603 and nothing was
//     written; if it failed to sync, the outcome is unknown: the replies say so (sync_failed),
//     the SyncFailure latch stops all further writing, and the server exits (SyncFailure.swift).
// (5) A sync can also fail inside an ordinary statement: a transaction that spills its pages
//     into a WAL just started over writes and syncs the WAL's header first. That sets the latch
//     too; the group is rolled back and every request in it is answered "nothing was written".

import Foundation
import Logging
import ORAJSON
import ORAProtocol
import ORAStore
import Synchronization

struct WriteJob: Sendable {
    let ticket: Ticket
    let method: String
    /// Runs inside the request's savepoint; `now` is the request's own event time. It may run more
    /// than once (3): everything it does must be in the database.
    let work: @Sendable (Store, String) throws -> any JSONConvertible
}

final class Writer: Sendable {
    struct Settings: Sendable {
        /// Most requests in one transaction.
        var maxGroup = 1024
        /// A checkpoint runs once this many WAL frames are uncopied, even between two busy groups...
        var checkpointFrames = Int(Store.defaultWALLimit / (1024 + 24))
        /// ...and otherwise once the writer has nothing queued and this long has passed since the last.
        var checkpointIntervalMillis = 500
        /// false while Litestream replicates: it makes every checkpoint then (Replicator (1)),
        /// but for those past the WAL's hard limit (ReplicationStatus (2)).
        var checkpoints = true
        /// Bytes one WAL frame takes (page size + 24): the WAL's size from its frame count.
        var walFrameBytes = 1024 + 24
    }

    let queue: WorkQueue<WriteJob>
    private let sink: any ReplySink
    private let stats: Stats
    private let logger: Logger
    private let settings: Settings
    private let failure: SyncFailure
    private let transactions: any TransactionControl
    private let finished = DispatchSemaphore(value: 0)

    /// With `--sync pipelined`, committed replies go through here to be synced first; with
    /// `--sync normal` it only learns of each commit.
    private let syncer: Syncer?
    /// With --replicate: told of every commit and of the WAL's size, and says when the writer
    /// may checkpoint a WAL past its hard limit.
    private let replication: ReplicationStatus?

    init(store: Store, queueDepth: Int, settings: Settings, sink: any ReplySink, syncer: Syncer?,
         failure: SyncFailure, stats: Stats, logger: Logger, replication: ReplicationStatus? = nil,
         transactions: any TransactionControl = SQLiteTransactions()) {
        queue = WorkQueue(capacity: queueDepth)
        self.replication = replication
        self.transactions = transactions
        self.sink = sink
        self.syncer = syncer
        self.failure = failure
        self.stats = stats
        self.logger = logger
        self.settings = settings
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

    /// Lets the queue drain, checkpoints the WAL (unless a sync failed), and waits for the thread to end.
    func stop() {
        queue.close()
        finished.wait()
    }

    private func run(store: Store) {
        var window = WriterWindow(stats)
        var clock = EventClock()
        var number: UInt64 = 0
        var lastCheckpoint = DispatchTime.now().uptimeNanoseconds
        while true {
            let group: [WriteJob]
            if checkpointWanted(store) || replication != nil {
                let elapsed = Int((DispatchTime.now().uptimeNanoseconds - lastCheckpoint) / 1_000_000)
                guard let batch = queue.popBatch(max: settings.maxGroup, timeoutMillis: max(1, settings.checkpointIntervalMillis - elapsed)) else {
                    if checkpointWanted(store) { checkpoint(store, .passive, last: &lastCheckpoint) }
                    boundReplicatedWAL(store, last: &lastCheckpoint)
                    continue
                }
                group = batch
            } else {
                group = queue.popBatch(max: settings.maxGroup)
            }
            if group.isEmpty { break }
            if failure.hasFailed {
                sink.post(group.map { Completion(ticket: $0.ticket, error: .stoppedAfterSyncFailure) })
                continue
            }
            number += 1
            syncer?.willCommit(number)
            let replies = commit(group, store: store, clock: &clock)
            if let syncer, syncer.mode == .pipelined {
                syncer.submit(replies, group: number)
            } else {
                sink.post(replies)
                syncer?.didCommit(number)
            }
            let due = store.uncheckpointedFrames >= settings.checkpointFrames
                || (queue.count == 0 && DispatchTime.now().uptimeNanoseconds - lastCheckpoint >= UInt64(settings.checkpointIntervalMillis) * 1_000_000)
            if due && checkpointWanted(store) { checkpoint(store, .passive, last: &lastCheckpoint) }
            boundReplicatedWAL(store, last: &lastCheckpoint)
            if logger.logLevel <= .debug, let line = window.report(stats) { logger.debug("\(line)") }
        }
        // After a failed sync the WAL is left as it is: restart recovers it from what the disk has.
        if settings.checkpoints { checkpoint(store, .truncate, last: &lastCheckpoint) }
    }

    /// Frames wait to be copied and nothing forbids it: Litestream checkpoints itself, and after a
    /// failed sync the WAL stays as it is (SyncFailure (3)).
    private func checkpointWanted(_ store: Store) -> Bool {
        settings.checkpoints && !failure.hasFailed && store.uncheckpointedFrames > 0
    }

    /// With --replicate: reports the WAL's size, and checkpoints it while the replicator has
    /// stopped Litestream because the WAL passed its hard limit (ReplicationStatus (2)).
    private func boundReplicatedWAL(_ store: Store, last: inout UInt64) {
        guard let replication, !failure.hasFailed else { return }
        replication.walSize(store.walFrames * settings.walFrameBytes)
        guard replication.writerMayCheckpoint else { return }
        checkpoint(store, .passive, last: &last)
        replication.writerCheckpointed(walBytes: store.uncheckpointedFrames * settings.walFrameBytes)
    }

    /// Copies the WAL into the file on the writer's own connection. PASSIVE between groups waits for
    /// no reader; with every frame copied, the next commit starts the WAL over.
    private func checkpoint(_ store: Store, _ mode: Store.CheckpointMode, last: inout UInt64) {
        // The sync may fail while the writer waits for its idle interval to end.
        guard !failure.hasFailed else { return }
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            try store.checkpoint(mode)
        } catch let error as StoreError where error.isSyncFailure {
            logger.critical("checkpoint: \(error); no further write is acknowledged; the server stops")
            failure.fail("\(error)")
        } catch {
            logger.error("\(mode.rawValue) checkpoint failed: \(error)")
        }
        last = DispatchTime.now().uptimeNanoseconds
        stats.checkpointNanos.add(Int(last - started), ordering: .relaxed)
        stats.checkpoints.add(1, ordering: .relaxed)
    }

    /// Runs `group` as one transaction (or more, after SQLite abandoned one: (3)) and returns
    /// every request's reply.
    private func commit(_ group: [WriteJob], store: Store, clock: inout EventClock) -> [Completion] {
        let db = store.db
        let started = DispatchTime.now().uptimeNanoseconds
        var executed = started
        var replies: [Completion] = []
        replies.reserveCapacity(group.count)
        var pending = group[...]
        transactions: while !pending.isEmpty {
            do {
                try transactions.begin(db)
            } catch {
                logger.error("cannot begin a transaction for \(pending.count) requests: \(error)")
                let failure = RPCError.internalError("the database could not begin a transaction (\(error)); nothing was written")
                replies += pending.map { Completion(ticket: $0.ticket, error: failure) }
                break
            }
            var done: [(job: WriteJob, reply: Completion.Reply)] = []
            for (index, job) in zip(pending.indices, pending) {
                let reply = execute(job, store: store, now: clock.next())
                if failure.hasFailed {  // (5)
                    if db.isInTransaction { try? db.execute("ROLLBACK") }
                    replies += pending.map { Completion(ticket: $0.ticket, error: .stoppedAfterSyncFailure) }
                    break transactions
                }
                if db.isInTransaction {
                    done.append((job, reply))
                    continue
                }
                logger.error("\(job.method) made SQLite roll back its whole transaction; \(done.count) request(s) before it run again")
                replies.append(Completion(ticket: job.ticket, reply: reply.failed(ticket: job.ticket, because: "the transaction was rolled back")))
                pending = (done.map(\.job) + pending[(index + 1)...])[...]
                continue transactions
            }
            executed = DispatchTime.now().uptimeNanoseconds
            do {
                try transactions.commit(db)
                replication?.committed(wallNanos: Int(Date().timeIntervalSince1970 * 1e9))
                replies += done.map { Completion(ticket: $0.job.ticket, reply: $0.reply) }
            } catch {
                if db.isInTransaction { try? db.execute("ROLLBACK") }
                let reply: RPCError
                if let error = error as? StoreError, error.isSyncFailure {
                    logger.critical("COMMIT of \(done.count) requests: \(error); no further write is acknowledged; the server stops")
                    self.failure.fail("\(error)")
                    reply = .syncFailed("\(error)")
                } else {
                    logger.error("group commit of \(done.count) requests failed: \(error)")
                    reply = .internalError("the database could not commit (\(error)); nothing was written")
                }
                replies += done.map { Completion(ticket: $0.job.ticket, error: reply) }
            }
            break
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
        let fail = { (error: RPCError) in Completion.Reply.encoded(job.ticket.failure(error)) }
        do {
            try db.run("SAVEPOINT request")
        } catch {
            return fail(.internalError("cannot open a savepoint: \(error)"))
        }
        do {
            let result = try job.work(store, now)
            try db.run("RELEASE request")
            return .result(result)
        } catch let refusal as QuarantinedRefusal {
            rollback(store)
            guard db.isInTransaction else { return fail(RPCError(refusal.error)) }
            do {
                try store.quarantine(refusal, now: now)
            } catch {
                logger.error("cannot quarantine a refused \(refusal.method): \(error)")
                return fail(.internalError("request refused (\(refusal.error.message)) and could not be quarantined: \(error)"))
            }
            return fail(RPCError(refusal.error))
        } catch {
            rollback(store)
            if let refusal = RPCError.refusal(error) { return fail(refusal) }
            if let error = error as? StoreError, error.isSyncFailure {  // (5)
                logger.critical("\(job.method): \(error); no further write is acknowledged; the server stops")
                failure.fail("\(error)")
                return fail(.stoppedAfterSyncFailure)
            }
            logger.error("\(job.method) failed: \(error)")
            return fail(.internalError("\(error); nothing was written"))
        }
    }

    /// Undoes the request's savepoint, unless SQLite already rolled the whole transaction back.
    private func rollback(_ store: Store) {
        guard store.db.isInTransaction else { return }
        _ = try? store.rollback(toSavepoint: "request")
        _ = try? store.db.run("RELEASE request")
    }
}

extension Completion.Reply {
    /// This reply if it is already a failure; otherwise a failure saying `because` (a request
    /// whose work SQLite rolled back must not be answered as a success).
    func failed(ticket: Ticket, because: String) -> Completion.Reply {
        if case .encoded = self { return self }
        return .encoded(ticket.failure(.internalError("\(because); nothing was written")))
    }
}
