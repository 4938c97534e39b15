// A refusal that must leave a trace: the writer rolls the request's savepoint back, then keeps the
// request in the quarantine table, then answers with `error`. The migration quarantines legacy
// rows it cannot carry over the same way, with its own reasons.

import ORAJSON
import ORADomain

public struct QuarantinedRefusal: Error, Sendable {
    public let error: DomainError
    public let method: String
    public let orderNumber: String?
    public let request: JSON
    public let source: String?

    public init(error: DomainError, method: String, orderNumber: String?, request: JSON, source: String?) {
        self.error = error
        self.method = method
        self.orderNumber = orderNumber
        self.request = request
        self.source = source
    }
}

extension Store {
    public func quarantine(_ refusal: QuarantinedRefusal, now: String) throws {
        try quarantine(method: refusal.method, orderNumber: refusal.orderNumber, reason: refusal.error.reason,
                       message: refusal.error.message, request: refusal.request, source: refusal.source, now: now)
    }

    func quarantine(method: String, orderNumber: String?, reason: String, message: String, request: JSON, source: String?,
                    now: String) throws {
        try db.run("""
            INSERT INTO quarantine (received_at, method, order_number, reason, message, request, source)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(now), .text(method), .text(orderNumber), .text(reason), .text(message),
                  .text(JSONWriter.string(request)), .text(source)])
    }
}
