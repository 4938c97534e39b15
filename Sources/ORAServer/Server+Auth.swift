// `auth {token}` and the replies held back on purpose (a wrong token is answered only after a
// delay, on a libuv timer: the loop never sleeps).

import CLibUV
import Foundation
import ORAProtocol

extension Server {
    static let wrongTokenDelayMs: UInt64 = 250
    static let maxFailedAuths = 3
    static let lockedOutRefusal = RPCError(code: -32010, reason: "unauthorized",
                                           message: "Unauthorized: \(maxFailedAuths) wrong tokens on this connection; it is closing")
    static let penaltyRefusal = RPCError(code: -32010, reason: "unauthorized",
                                         message: "Unauthorized: not run, it came after a wrong token in the same batch")

    /// `auth {token}`: a constant-time comparison; a wrong token is answered only after a delay.
    func authenticate(_ request: RPCRequest, ticket: Ticket, conn: Connection) {
        let token: String
        do {
            let p = try Params(request.params, allowed: ["token"])
            token = try p.requiredString("token", maxLength: 4096)
        } catch {
            if let id = request.id { conn.complete(ticket, bytes: RPCResponse.failure(id: id, error: error)) }
            return
        }
        guard let expected = config.token else {
            if let id = request.id { conn.complete(ticket, bytes: RPCResponse.success(id: id, result: ["authenticated": true, "required": false])) }
            return
        }
        if TokenCheck.matches(token, expected) {
            conn.authenticated = true
            if let id = request.id { conn.complete(ticket, bytes: RPCResponse.success(id: id, result: ["authenticated": true, "required": true])) }
            return
        }
        conn.failedAuths += 1
        logger.warning("connection \(conn.id): wrong token (\(conn.failedAuths) of \(Self.maxFailedAuths))")
        let last = conn.failedAuths >= Self.maxFailedAuths
        // The third wrong token: nothing more is read, and the connection closes after this reply.
        // Before it: nothing more runs until the delay is over (a notification is delayed too).
        if last { conn.stopTakingRequests() } else { conn.penalize() }
        let refusal = RPCError(code: -32010, reason: "unauthorized",
                               message: last ? "Unauthorized: wrong token, \(Self.maxFailedAuths) times; closing the connection" : "Unauthorized: wrong token")
        delay(ticket, bytes: ticket.failure(refusal), by: Self.wrongTokenDelayMs, conn: conn)
    }

    /// Holds one reply back. The one timer is set for the earliest due reply and never pushed
    /// later: another connection's wrong tokens cannot hold this reply back.
    private func delay(_ ticket: Ticket, bytes: [UInt8], by ms: UInt64, conn: Connection) {
        delayed.append((uv_now(loop) + ms, ticket, bytes))
        if delayTimer == nil {
            let timer = UVHandles.allocate(UV_TIMER)
            uv_timer_init(loop, timer.assumingMemoryBound(to: uv_timer_t.self))
            ora_handle(timer)!.pointee.data = Unmanaged.passUnretained(self).toOpaque()
            delayTimer = timer
        }
        armDelayTimer()
    }

    /// (Re)arms the delay timer for the earliest reply still held, if it is not armed for it already.
    private func armDelayTimer() {
        guard let timer = delayTimer?.assumingMemoryBound(to: uv_timer_t.self), let next = delayed.map(\.due).min() else { return }
        let now = uv_now(loop)
        let wanted = next > now ? next - now : 0
        if uv_is_active(ora_handle(UnsafeMutableRawPointer(timer))) != 0 && uv_timer_get_due_in(timer) <= wanted { return }
        uv_timer_start(timer, onDelayTimer, wanted, 0)
    }

    func deliverDelayed() {
        let now = uv_now(loop)
        let due = delayed.filter { $0.due <= now }
        delayed.removeAll { $0.due <= now }
        var touched: [UInt64: Connection] = [:]
        for d in due {
            guard let conn = connections[d.ticket.connection] else { continue }
            conn.complete(d.ticket, bytes: d.bytes)
            touched[conn.id] = conn
        }
        for conn in touched.values {
            conn.flush()
            conn.penaltyOver()
        }
        armDelayTimer()
    }
}
