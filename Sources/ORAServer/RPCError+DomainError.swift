// The one place where the domain's and the store's refusals become JSON-RPC errors: the code a
// client branches on, and the `data` members beside `reason` that let it act without parsing text
// (protocol/README.md lists them).

import ORAJSON
import ORAProtocol
import ORADomain
import ORAStore

extension RPCError {
    init(_ error: DomainError) {
        switch error {
        case .invalidValue(let field, let problem):
            self = .invalidParams(field, problem)
        case .unknownSku(let skus):
            self.init(code: -32001, error, [("skus", .array(skus.map(JSON.string)))])
        case .invalidSku(_, let items):
            let listed: [JSON] = items.map { ["index": .int($0.index), "sku": .string($0.sku), "error": .string($0.error)] }
            self.init(code: -32002, error, [("items", .array(listed))])
        case .staleShipDate(let date, let cutoff, _):
            self.init(code: -32003, error, [("shipDate", .string(date.description)), ("cutoff", .string(cutoff.description))])
        case .futureShipDate(let date, let latest):
            self.init(code: -32004, error, [("shipDate", .string(date.description)), ("latest", .string(latest.description))])
        case .orderLocked(_, let status):
            self.init(code: -32020, error, [("status", .string(status))])
        case .insufficientStock(_, let short):
            let listed: [JSON] = short.map { ["skuCode": .string($0.skuCode), "wanted": .int($0.wanted), "available": .int($0.available)] }
            self.init(code: -32021, error, [("short", .array(listed))])
        case .invalidTransition(_, let status, _):
            self.init(code: -32022, error, [("status", .string(status))])
        case .unknownOrder(let number):
            self.init(code: -32023, error, [("orderNumber", .string(number))])
        case .orderChanged(_, let current):
            self.init(code: -32024, error, [("items", .array(current.map { ["sku": .string($0.sku), "quantity": .int($0.quantity)] }))])
        }
    }

    private init(code: Int, _ error: DomainError, _ extra: [(String, JSON)]) {
        self.init(code: code, reason: error.reason, message: error.message, extra: extra)
    }

    /// What a request's work threw, as its reply says it: a refusal with its own code, anything
    /// else an internal error (`nil`: the caller words and logs it).
    static func refusal(_ error: any Error) -> RPCError? {
        switch error {
        case let error as RPCError: return error
        case let error as DomainError: return RPCError(error)
        case let refusal as QuarantinedRefusal: return RPCError(refusal.error)
        default: return nil
        }
    }
}
