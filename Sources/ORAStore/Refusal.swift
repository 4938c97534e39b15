// A refusal that must leave a trace: the writer rolls the request's savepoint back, then keeps the
// request in the quarantine table, then answers with `error`.

import ORAProtocol

public struct QuarantinedRefusal: Error, Sendable {
    public let error: RPCError
    public let method: String
    public let orderNumber: String?
    public let request: JSON
    public let source: String?

    public init(error: RPCError, method: String, orderNumber: String?, request: JSON, source: String?) {
        self.error = error
        self.method = method
        self.orderNumber = orderNumber
        self.request = request
        self.source = source
    }
}

extension Store {
    public func quarantine(_ refusal: QuarantinedRefusal, now: String) throws {
        try db.run("""
            INSERT INTO quarantine (received_at, method, order_number, reason, message, request, source)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(now), .text(refusal.method), .text(refusal.orderNumber), .text(refusal.error.reason),
                  .text(refusal.error.message), .text(JSONWriter.string(refusal.request)), .text(refusal.source)])
    }
}
