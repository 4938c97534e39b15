// Params readers for the domain's own value types.

import ORAProtocol
import ORADomain

extension Params {
    public func date(_ key: String) throws(RPCError) -> BusinessDate? {
        guard let text = try string(key, maxLength: 64) else { return nil }
        guard let date = BusinessDate(iso: text) else {
            throw .invalidParams(pointer(key), "must be a real calendar date YYYY-MM-DD, got \"\(text)\"")
        }
        return date
    }

    public func requiredDate(_ key: String) throws(RPCError) -> BusinessDate {
        guard let d = try date(key) else { throw .invalidParams(pointer(key), "is required") }
        return d
    }

    /// A SKU or lot code: ASCII digits only, as the parser produces them.
    public func code(_ key: String) throws(RPCError) -> String? {
        guard let s = try string(key, maxLength: 64) else { return nil }
        guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalidParams(pointer(key), "must be ASCII digits, got \"\(s)\"")
        }
        return s
    }

    public func requiredCode(_ key: String) throws(RPCError) -> String {
        guard let c = try code(key) else { throw .invalidParams(pointer(key), "is required") }
        return c
    }

    /// The order number a request names: 1-100 characters.
    public func requiredOrderNumber() throws(RPCError) -> String {
        try requiredString("orderNumber", maxLength: 100, allowEmpty: false)
    }

    /// An order number a request records: also no control characters.
    public func recordedOrderNumber() throws(RPCError) -> String {
        let number = try requiredOrderNumber()
        if number.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .invalidParams(pointer("orderNumber"), "must not contain control characters")
        }
        return number
    }
}
