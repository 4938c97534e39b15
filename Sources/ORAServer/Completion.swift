// A finished request on its way back to the loop: its ticket and its reply.

import ORAJSON
import ORAProtocol

struct Completion: Sendable {
    enum Reply: Sendable {
        case encoded([UInt8])
        /// A success the loop thread builds and encodes: the writer's time is the scarce one.
        case result(any JSONConvertible)
    }

    let ticket: Ticket
    let reply: Reply

    init(ticket: Ticket, bytes: [UInt8]) { self.init(ticket: ticket, reply: .encoded(bytes)) }
    init(ticket: Ticket, error: RPCError) { self.init(ticket: ticket, bytes: ticket.failure(error)) }
    init(ticket: Ticket, reply: Reply) { self.ticket = ticket; self.reply = reply }

    /// The reply line without its newline (empty for a notification).
    var bytes: [UInt8] {
        switch reply {
        case .encoded(let bytes): return bytes
        case .result(let result): return ticket.id.map { RPCResponse.success(id: $0, result: result.jsonValue) } ?? []
        }
    }
}
