// What the business rules refuse, in the domain's own words. The domain and the store throw these;
// the server's method layer alone turns them into JSON-RPC errors (RPCError+DomainError.swift).
// `reason` is ORA's stable word for the refusal (the wire's `data.reason`, the quarantine's
// `reason` column); `message` is the one line a person reads.

public enum DomainError: Error, Sendable, Equatable {
    /// A value only the stored data can judge (a lot that does not exist); `field` is its JSON
    /// pointer in the request, e.g. `/lotNumber`.
    case invalidValue(field: String, problem: String)
    case unknownSku([String])
    /// SKU texts that do not parse; nothing was written and the request is quarantined.
    case invalidSku(orderNumber: String, items: [InvalidSkuItem])
    case staleShipDate(BusinessDate, cutoff: BusinessDate, freshnessDays: Int)
    case futureShipDate(BusinessDate, latest: BusinessDate)
    /// The order's content can no longer change: ShipStation has it.
    case orderLocked(orderNumber: String, status: String)
    case insufficientStock(orderNumber: String, short: [ShortSku])
    /// The order's status does not allow `action` ("allocate it", "cancel a shipped order").
    case invalidTransition(orderNumber: String, status: String, action: String)
    case unknownOrder(String)
    /// markUploaded's `items` are not the order's allocated lines now: it changed while it was sent.
    case orderChanged(orderNumber: String, current: [SentLine])

    /// A line as sent to ShipStation: its SKU text (`17612 - 250300`) and quantity.
    public struct SentLine: Sendable, Equatable {
        public let sku: String
        public let quantity: Int64

        public init(sku: String, quantity: Int64) {
            self.sku = sku
            self.quantity = quantity
        }
    }

    public struct InvalidSkuItem: Sendable, Equatable {
        public let index: Int
        public let sku: String
        public let error: String

        public init(index: Int, sku: String, error: String) {
            self.index = index
            self.sku = sku
            self.error = error
        }
    }

    public struct ShortSku: Sendable, Equatable {
        public let skuCode: String
        public let wanted: Int64
        public let available: Int64

        public init(skuCode: String, wanted: Int64, available: Int64) {
            self.skuCode = skuCode
            self.wanted = wanted
            self.available = available
        }
    }

    public var reason: String {
        switch self {
        case .invalidValue: return "invalid_params"
        case .unknownSku: return "unknown_sku"
        case .invalidSku: return "invalid_sku"
        case .staleShipDate: return "stale_ship_date"
        case .futureShipDate: return "future_ship_date"
        case .orderLocked: return "order_locked"
        case .insufficientStock: return "insufficient_stock"
        case .invalidTransition: return "invalid_transition"
        case .unknownOrder: return "unknown_order"
        case .orderChanged: return "order_changed"
        }
    }

    public var message: String {
        switch self {
        case .invalidValue(let field, let problem):
            return "Invalid params: \(field.isEmpty ? "params" : field) \(problem)"
        case .unknownSku(let skus):
            return "Unknown SKU: \(skus.joined(separator: ", "))"
        case .invalidSku(let number, let items):
            return "Invalid SKU text in \(items.count) item(s) of order \(number); nothing was written, the request is quarantined"
        case .staleShipDate(let date, let cutoff, let days):
            return "Ship date \(date) is older than \(days) days (cutoff \(cutoff)); send backfill:true if this is intended"
        case .futureShipDate(let date, let latest):
            return "Ship date \(date) is later than tomorrow (\(latest))"
        case .orderLocked(let number, let status):
            return "Order \(number) is \(status): its content can no longer change (ShipStation has it); nothing was written"
        case .insufficientStock(let number, let short):
            let lines = short.map { "\($0.skuCode) wants \($0.wanted), \($0.available) available" }
            return "Insufficient stock for order \(number): \(lines.joined(separator: "; ")); nothing was allocated"
        case .invalidTransition(let number, let status, let action):
            return "Order \(number) is \(status): cannot \(action)"
        case .unknownOrder(let number):
            return "Unknown order: the inbox holds no order \(number)"
        case .orderChanged(let number, _):
            return "Order \(number) changed since it was sent: the lines sent are not its allocated lines now; nothing was written"
        }
    }
}
