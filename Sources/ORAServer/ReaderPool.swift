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
    private let mailbox: Mailbox
    private let logger: Logger
    private let finished: [DispatchSemaphore]
    /// With `--sync pipelined`, replies wait there until what they may have read is synced.
    private let syncer: Syncer?

    init(stores: [Store], queueDepth: Int, mailbox: Mailbox, syncer: Syncer?, logger: Logger) {
        queue = WorkQueue(capacity: queueDepth)
        self.mailbox = mailbox
        self.syncer = syncer
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
            let bytes: [UInt8]
            do {
                let result = try job.work(store)
                bytes = job.ticket.id.map { RPCResponse.success(id: $0, result: result) } ?? []
            } catch {
                if RPCError.refusal(error) == nil { logger.error("\(job.method) failed: \(error)") }
                bytes = job.ticket.failure(RPCError.refusal(error) ?? .internalError("\(error)"))
            }
            let reply = Completion(ticket: job.ticket, bytes: bytes)
            if let syncer { syncer.postRead(reply) } else { mailbox.post([reply]) }
        }
    }
}
