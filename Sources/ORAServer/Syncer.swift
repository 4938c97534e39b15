// `--sync pipelined`: makes committed WAL frames durable on its own thread, so the writer can run
// the next group while the disk syncs the last one.
//
// (1) A reply handed here was committed (its frames written to the WAL) before it was handed over;
//     one fdatasync that starts after that covers it, and every group before it.
// (2) Replies are posted to the loop only after such a sync succeeded; if it fails, every reply
//     it covered becomes -32603 (the write may not be on disk, and the caller may retry).
// (3) Readers see a commit as soon as COMMIT returns, before its sync. So that no client ever
//     reads a write a power loss could still take back, a reader's reply waits here too: the
//     writer numbers its groups and announces each before its COMMIT (`willCommit`); a read that
//     finished after group n was announced may have seen it, so its reply leaves once the
//     groups up to n are synced.

import Foundation
import Logging
import ORAProtocol
import Synchronization

final class Syncer: Sendable {
    private enum Item: Sendable {
        case committed(group: UInt64, replies: [Completion])
        case read(after: UInt64, reply: Completion)
    }

    // Bounded upstream: every item is a request its connection counts as in flight.
    private let queue = WorkQueue<Item>(capacity: Int.max)
    private let finished = DispatchSemaphore(value: 0)
    private let mailbox: Mailbox
    /// The last group the writer announced, and the last group a completed fdatasync covered.
    private let announced = Atomic<UInt64>(0)
    private let synced = Atomic<UInt64>(0)

    /// `testDelayMilliseconds` holds each sync back (tests only: it widens the window (3) closes).
    init(walPath: String, mailbox: Mailbox, logger: Logger, testDelayMilliseconds: Int = 0) throws {
        self.mailbox = mailbox
        let fd = open(walPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LockError(message: "cannot open \(walPath) for syncing: \(String(cString: strerror(errno)))") }
        let thread = Thread { [self] in
            run(fd: fd, logger: logger, testDelayMilliseconds: testDelayMilliseconds)
            close(fd)
            finished.signal()
        }
        thread.name = "ora-syncer"
        thread.start()
    }

    /// Called by the writer before it commits group `group` (groups count up from 1).
    func willCommit(_ group: UInt64) { announced.store(group, ordering: .sequentiallyConsistent) }

    /// The writer's replies for `group`, after its COMMIT (or its failure) returned.
    func submit(_ replies: [Completion], group: UInt64) { _ = queue.push(.committed(group: group, replies: replies)) }

    /// A reader's reply, once its job has finished.
    func postRead(_ reply: Completion) {
        let after = announced.load(ordering: .sequentiallyConsistent)
        if synced.load(ordering: .sequentiallyConsistent) >= after || !queue.push(.read(after: after, reply: reply)) {
            // Nothing it may have seen is unsynced, or the syncer has stopped after syncing all.
            mailbox.post([reply])
        }
    }

    private func run(fd: Int32, logger: Logger, testDelayMilliseconds: Int) {
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
            if let top {
                if testDelayMilliseconds > 0 { usleep(UInt32(testDelayMilliseconds * 1000)) }
                if fdatasync(fd) == 0 {
                    mailbox.post(replies)
                } else {
                    let why = String(cString: strerror(errno))
                    logger.error("fdatasync of the WAL failed: \(why)")
                    let failure = RPCError.internalError("the write was committed but could not be synced to disk (\(why)); retry it")
                    mailbox.post(replies.map { c in
                        Completion(ticket: c.ticket, bytes: c.ticket.id.map { RPCResponse.failure(id: $0, error: failure) } ?? [])
                    })
                }
                synced.store(top, ordering: .sequentiallyConsistent)
            }
            let now = synced.load(ordering: .sequentiallyConsistent)
            let ready = held.filter { $0.after <= now }
            if !ready.isEmpty {
                held.removeAll { $0.after <= now }
                mailbox.post(ready.map(\.reply))
            }
        }
        // The writer stopped first and every group it committed is synced.
        if !held.isEmpty { mailbox.post(held.map(\.reply)) }
    }

    /// Syncs what is left, posts it, and ends the thread (after the writer has stopped).
    func stop() {
        queue.close()
        finished.wait()
    }
}
