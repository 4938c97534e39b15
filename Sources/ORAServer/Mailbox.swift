// Replies travel from the writer and reader threads back to the loop thread through here:
// workers append and call uv_async_send (libuv's one thread-safe call); the loop drains.

import CLibUV
import ORAProtocol
import Synchronization

/// Where a reply goes: a connection, its request slot, and the part of a batch.
struct Ticket: Sendable {
    enum Worker: Sendable { case reader, writer }

    let connection: UInt64
    let seq: UInt64
    let part: Int?
    /// nil for a notification: executed, not answered.
    let id: RPCID?
    /// Which thread ran it (nil: answered on the loop); its completion releases held jobs.
    var worker: Worker? = nil
}

struct Completion: Sendable {
    enum Reply: Sendable {
        case encoded([UInt8])
        /// A success the loop thread builds and encodes: the writer's time is the scarce one.
        case result(any JSONConvertible)
    }

    let ticket: Ticket
    let reply: Reply

    init(ticket: Ticket, bytes: [UInt8]) { self.init(ticket: ticket, reply: .encoded(bytes)) }
    init(ticket: Ticket, reply: Reply) { self.ticket = ticket; self.reply = reply }

    /// The reply line without its newline (empty for a notification).
    var bytes: [UInt8] {
        switch reply {
        case .encoded(let bytes): return bytes
        case .result(let result): return ticket.id.map { RPCResponse.success(id: $0, result: result.jsonValue) } ?? []
        }
    }
}

final class Mailbox: @unchecked Sendable {
    private let pending = Mutex<[Completion]>([])
    /// Owned by the loop; only `uv_async_send` is called on it from other threads.
    let async: UnsafeMutablePointer<uv_async_t>

    init(async: UnsafeMutablePointer<uv_async_t>) { self.async = async }

    func post(_ completions: [Completion]) {
        guard !completions.isEmpty else { return }
        pending.withLock { $0.append(contentsOf: completions) }
        uv_async_send(async)
    }

    func drain() -> [Completion] {
        pending.withLock { queue in
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
    }
}
