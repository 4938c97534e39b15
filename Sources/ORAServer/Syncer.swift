// `--sync pipelined`: makes committed WAL frames durable on its own thread, so the writer can run
// the next group while the disk syncs the last one.
//
// (1) A reply handed here was committed (its frames written to the WAL) before it was handed over;
//     one fdatasync that starts after that covers it, and every group before it.
// (2) Replies are posted to the loop only after such a sync succeeded; if it fails, every reply
//     it covered becomes -32603 (the write may not be on disk, and the caller may retry).

import Foundation
import Logging
import ORAProtocol

final class Syncer: Sendable {
    private let queue = WorkQueue<[Completion]>(capacity: Int.max)
    private let finished = DispatchSemaphore(value: 0)

    init(walPath: String, mailbox: Mailbox, logger: Logger) throws {
        let fd = open(walPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LockError(message: "cannot open \(walPath) for syncing: \(String(cString: strerror(errno)))") }
        let thread = Thread { [queue, finished] in
            while true {
                let groups = queue.popBatch(max: Int.max)
                if groups.isEmpty { break }
                if fdatasync(fd) == 0 {
                    mailbox.post(groups.flatMap { $0 })
                } else {
                    let why = String(cString: strerror(errno))
                    logger.error("fdatasync of the WAL failed: \(why)")
                    let failure = RPCError.internalError("the write was committed but could not be synced to disk (\(why)); retry it")
                    mailbox.post(groups.flatMap { $0 }.map { c in
                        Completion(ticket: c.ticket, bytes: c.ticket.id.map { RPCResponse.failure(id: $0, error: failure) } ?? [])
                    })
                }
            }
            close(fd)
            finished.signal()
        }
        thread.name = "ora-syncer"
        thread.start()
    }

    func submit(_ replies: [Completion]) { _ = queue.push(replies) }

    /// Syncs what is left, posts it, and ends the thread (after the writer has stopped).
    func stop() {
        queue.close()
        finished.wait()
    }
}
