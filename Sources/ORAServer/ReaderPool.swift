// Reader threads, each with its own read-only connection: slow reads (validate, reports, paging)
// run on a WAL snapshot here, so they never stall the writer or the loop.

import Foundation
import Logging
import ORAJSON
import ORAProtocol
import ORAStore

struct ReadJob: Sendable {
    let ticket: Ticket
    let method: String
    let work: @Sendable (Store) throws -> JSON
}

final class ReaderPool: Sendable {
    let queue: WorkQueue<ReadJob>
    private let mailbox: any ReplySink
    private let logger: Logger
    private let finished: [DispatchSemaphore]
    /// With `--sync pipelined`, replies wait there until what they may have read is synced.
    private let syncer: Syncer?
    /// After a failed sync no read is answered: it may have seen commits the disk lost.
    private let failure: SyncFailure

    init(stores: [Store], queueDepth: Int, mailbox: any ReplySink, syncer: Syncer?, failure: SyncFailure, logger: Logger) {
        queue = WorkQueue(capacity: queueDepth)
        self.mailbox = mailbox
        self.syncer = syncer
        self.failure = failure
        self.logger = logger
        finished = stores.map { _ in DispatchSemaphore(value: 0) }
        for (i, store) in stores.enumerated() {
            let handoff = Handoff(value: store)
            let thread = Thread { [self] in
                run(store: handoff.value)
                finished[i].signal()
            }
            thread.name = "ora-reader-\(i)"
            thread.start()
        }
    }

    func submit(_ job: ReadJob) -> Bool { queue.push(job) }

    func stop() {
        queue.close()
        finished.forEach { $0.wait() }
    }

    private func run(store: Store) {
        while true {
            let jobs = queue.popBatch(max: 1)
            guard let job = jobs.first else { break }
            var bytes: [UInt8]
            do {
                let result = try job.work(store)
                bytes = job.ticket.id.map { RPCResponse.success(id: $0, result: result) } ?? []
            } catch {
                if RPCError.refusal(error) == nil { logger.error("\(job.method) failed: \(error)") }
                bytes = job.ticket.failure(RPCError.refusal(error) ?? .internalError("\(error)"))
            }
            // Checked after the read: the sync may have failed while it ran.
            if failure.hasFailed { bytes = job.ticket.failure(.stoppedAfterSyncFailure) }
            let reply = Completion(ticket: job.ticket, bytes: bytes)
            if let syncer { syncer.postRead(reply) } else { mailbox.post([reply]) }
        }
    }
}
