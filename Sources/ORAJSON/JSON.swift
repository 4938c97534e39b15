// The JSON value every layer of ORA passes around: parsed from request lines, built by handlers,
// written back to bytes. Objects keep their member order so replies read the way they were built.

public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSON])
    case object(JSONObject)
}

/// A JSON number kept as its source text, so an `id` of `1.50` or `1e3` is echoed exactly as sent
/// and an integer too large for Int64 is recognised as such instead of being rounded.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(text: String) { self.text = text }
    public init<I: BinaryInteger>(_ value: I) { self.text = String(value) }
    public init(_ value: Double) {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            self.text = String(Int64(value))
        } else {
            self.text = value.isFinite ? "\(value)" : "null"
        }
    }

    public var description: String { text }

    /// The value as an Int64 when it is mathematically an integer that fits (`2`, `2.0`, `2e0`).
    public var int64: Int64? {
        if let exact = Int64(text) { return exact }
        guard let d = Double(text), d.isFinite, d == d.rounded(),
              d >= -9.2e18, d <= 9.2e18 else { return nil }
        return Int64(d)
    }

    public var double: Double? { Double(text) }
}

/// Object members in the order they were parsed or built. Lookups are linear: request objects have
/// a handful of members, and a dictionary would cost more than it saves.
public struct JSONObject: Sendable, Hashable, Sequence {
    public struct Member: Sendable, Hashable {
        public let key: String
        public var value: JSON
    }

    public private(set) var members: [Member]

    public init() { members = [] }
    public init(_ pairs: [(String, JSON)]) { members = pairs.map { Member(key: $0.0, value: $0.1) } }

    /// The last member with this key wins, as in JavaScript.
    public subscript(key: String) -> JSON? {
        get { members.last(where: { $0.key == key })?.value }
        set {
            if let i = members.lastIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }
}

// MARK: - Building values in handlers

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }

    public static func int<I: BinaryInteger>(_ value: I) -> JSON { .number(JSONNumber(value)) }
    public static func int<I: BinaryInteger>(_ value: I?) -> JSON { value.map { .int($0) } ?? .null }
    public static func string(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
    public static func double(_ value: Double) -> JSON { .number(JSONNumber(value)) }
}

// MARK: - Reading values

extension JSON {
    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a }; return nil }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var int64Value: Int64? { if case .number(let n) = self { return n.int64 }; return nil }
    public var doubleValue: Double? { if case .number(let n) = self { return n.double }; return nil }
    public var isNull: Bool { self == .null }

    public subscript(key: String) -> JSON? { objectValue?[key] }

    /// The JSON type name used in error messages ("expected an integer, got a string").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A result that becomes JSON when it is replied: a writer returns one of these so that the reply
/// is built by the loop thread that encodes it, not on the writer's own time.
public protocol JSONConvertible: Sendable {
    var jsonValue: JSON { get }
}

extension JSON: JSONConvertible {
    public var jsonValue: JSON { self }
}
