// Typed, strict reading of a method's by-name params. Every refusal is -32602 with `data.field`
// set to the JSON pointer of the first bad value (`/items/2/quantity`), and a member the method
// does not know is refused too: a misspelt `backfil` or `extenal` must not be silently dropped.

import ORAJSON

public struct Params: Sendable {
    public let object: JSONObject
    public let path: String

    /// Reads a method's params: omitted means `{}`; anything but an object is refused. `allowed`
    /// is a short list searched in order (a constant array literal costs no allocation or hashing
    /// per request, where a Set would).
    public init(_ params: JSON?, allowed: [String]) throws(RPCError) {
        switch params {
        case nil: object = JSONObject()
        case .object(let o)?: object = o
        case let other?: throw .invalidParams("", "must be an object (by-name params), got \(other.typeName)")
        }
        path = ""
        try checkKnown(allowed)
    }

    /// A nested object at `path`, read with the same rules.
    public init(nested value: JSON, path: String, allowed: [String]?) throws(RPCError) {
        guard case .object(let o) = value else { throw .invalidParams(path, "must be an object, got \(value.typeName)") }
        object = o
        self.path = path
        if let allowed { try checkKnown(allowed) }
    }

    private func checkKnown(_ allowed: [String]) throws(RPCError) {
        for key in object.keys where !allowed.contains(key) {
            throw .invalidParams(pointer(key), "is not a parameter of this method (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    public func pointer(_ key: String) -> String {
        path + "/" + key.replacing("~", with: "~0").replacing("/", with: "~1")
    }

    public func has(_ key: String) -> Bool { object[key] != nil }

    /// nil when absent or null.
    public func value(_ key: String) -> JSON? {
        guard let v = object[key], v != .null else { return nil }
        return v
    }

    public func string(_ key: String, maxLength: Int = 10_000, allowEmpty: Bool = true) throws(RPCError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw .invalidParams(pointer(key), "must be a string, got \(v.typeName)") }
        if !allowEmpty && s.allSatisfy({ $0 == " " || $0 == "\t" }) { throw .invalidParams(pointer(key), "must not be empty") }
        if s.count > maxLength { throw .invalidParams(pointer(key), "must be at most \(maxLength) characters") }
        return s
    }

    public func requiredString(_ key: String, maxLength: Int = 10_000, allowEmpty: Bool = true) throws(RPCError) -> String {
        guard let s = try string(key, maxLength: maxLength, allowEmpty: allowEmpty) else { throw .invalidParams(pointer(key), "is required") }
        return s
    }

    public func bool(_ key: String) throws(RPCError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw .invalidParams(pointer(key), "must be true or false, got \(v.typeName)") }
        return b
    }

    /// An integer in `range`: `1.5`, `"2"` and `1e30` are refused; `2.0` is the integer 2.
    public func int(_ key: String, in range: ClosedRange<Int64>) throws(RPCError) -> Int64? {
        guard let v = value(key) else { return nil }
        guard case .number(let n) = v else { throw .invalidParams(pointer(key), "must be an integer, got \(v.typeName)") }
        guard let i = n.int64 else {
            if let d = n.double, d.isFinite, d == d.rounded() {
                throw .invalidParams(pointer(key), "must be between \(range.lowerBound) and \(range.upperBound), got \(n.text)")
            }
            throw .invalidParams(pointer(key), "must be an integer, got \(n.text)")
        }
        guard range.contains(i) else {
            throw .invalidParams(pointer(key), "must be between \(range.lowerBound) and \(range.upperBound), got \(n.text)")
        }
        return i
    }

    public func requiredInt(_ key: String, in range: ClosedRange<Int64>) throws(RPCError) -> Int64 {
        guard let i = try int(key, in: range) else { throw .invalidParams(pointer(key), "is required") }
        return i
    }

    public func array(_ key: String) throws(RPCError) -> [JSON]? {
        guard let v = value(key) else { return nil }
        guard case .array(let a) = v else { throw .invalidParams(pointer(key), "must be an array, got \(v.typeName)") }
        return a
    }

    public func requiredArray(_ key: String) throws(RPCError) -> [JSON] {
        guard let a = try array(key) else { throw .invalidParams(pointer(key), "is required") }
        return a
    }

    /// A required array of at most `atMost` elements (`"must hold at most 1000 components"`).
    public func requiredArray(_ key: String, atMost: Int, allowEmpty: Bool = false) throws(RPCError) -> [JSON] {
        let a = try requiredArray(key)
        if a.isEmpty && !allowEmpty { throw .invalidParams(pointer(key), "must not be empty") }
        if a.count > atMost { throw .invalidParams(pointer(key), "must hold at most \(atMost) \(key)") }
        return a
    }

    /// One of a fixed set of words.
    public func word(_ key: String, oneOf words: [String]) throws(RPCError) -> String? {
        guard let s = try string(key) else { return nil }
        guard words.contains(s) else { throw .invalidParams(pointer(key), "must be one of \(words.joined(separator: ", ")), got \"\(s)\"") }
        return s
    }
}
