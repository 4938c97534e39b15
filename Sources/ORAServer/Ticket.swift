// Where a reply goes, carried with a request from the loop to a worker and back.

import ORAProtocol

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
    /// The bytes its connection counts against the memory budget until it completes: what the
    /// request holds once parsed, and the values its work keeps until it runs (Connection (4)).
    var cost = 0
}

extension Ticket {
    /// The error reply line for this request (none for a notification).
    func failure(_ error: RPCError) -> [UInt8] {
        id.map { RPCResponse.failure(id: $0, error: error) } ?? []
    }
}
