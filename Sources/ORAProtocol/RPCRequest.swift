// One decoded JSON-RPC 2.0 request, and the rules that turn a parsed line into requests.

import ORAJSON

/// A request id is a string, a number or null, echoed back exactly as it came.
public enum RPCID: Sendable, Equatable {
    case string(String)
    case number(JSONNumber)
    case null

    public var json: JSON {
        switch self {
        case .string(let s): return .string(s)
        case .number(let n): return .number(n)
        case .null: return .null
        }
    }
}

public struct RPCRequest: Sendable {
    /// nil for a notification (no `id` member at all): executed, never answered.
    public let id: RPCID?
    public let method: String
    /// `params` as sent; nil when omitted. Methods check its shape themselves.
    public let params: JSON?

    public init(id: RPCID?, method: String, params: JSON?) {
        self.id = id
        self.method = method
        self.params = params
    }

    public var isNotification: Bool { id == nil }
}

/// One entry of a line: a request to run, or one that is already answered with an error.
public enum RPCEntry: Sendable {
    case request(RPCRequest)
    case invalid(id: RPCID, RPCError)
}

/// What one line holds.
public enum RPCMessage: Sendable {
    case single(RPCEntry)
    case batch([RPCEntry])
    /// An answer for the whole line (parse error, empty batch, batch too large), id null.
    case failure(RPCError)
}

public enum RPCDecoder {
    public static func decode<C: Collection<UInt8>>(line: C, maxDepth: Int = JSONParser.defaultMaxDepth, maxBatch: Int = 1000) -> RPCMessage {
        let value: JSON
        do {
            value = try JSONParser.parse(line, maxDepth: maxDepth)
        } catch .tooDeep(let limit) {
            return .failure(.invalidRequest("JSON nested deeper than \(limit) levels", extra: [("limit", .int(limit))]))
        } catch {
            return .failure(.parseError(error.message))
        }
        return decode(value: value, maxBatch: maxBatch)
    }

    public static func decode(value: JSON, maxBatch: Int = 1000) -> RPCMessage {
        guard case .array(let elements) = value else { return .single(entry(value)) }
        if elements.isEmpty { return .failure(.invalidRequest("empty batch")) }
        if elements.count > maxBatch {
            return .failure(.invalidRequest("batch of \(elements.count) requests exceeds the limit of \(maxBatch)",
                                            extra: [("limit", .int(maxBatch))]))
        }
        return .batch(elements.map(entry))
    }

    static func entry(_ value: JSON) -> RPCEntry {
        guard case .object(let object) = value else {
            return .invalid(id: .null, .invalidRequest("a request must be a JSON object, got \(value.typeName)"))
        }
        var id: RPCID? = nil
        switch object["id"] {
        case nil: id = nil
        case .string(let s)?: id = .string(s)
        case .number(let n)?: id = .number(n)
        case .null?: id = .null
        case let other?:
            return .invalid(id: .null, .invalidRequest("id must be a string, a number or null, got \(other.typeName)"))
        }
        if let version = object["jsonrpc"], version != .string("2.0") {
            return .invalid(id: id ?? .null, .invalidRequest("jsonrpc must be \"2.0\""))
        }
        guard let methodValue = object["method"] else {
            return .invalid(id: id ?? .null, .invalidRequest("missing method"))
        }
        guard case .string(let method) = methodValue else {
            return .invalid(id: id ?? .null, .invalidRequest("method must be a string, got \(methodValue.typeName)"))
        }
        return .request(RPCRequest(id: id, method: method, params: object["params"]))
    }
}

extension RPCEntry {
    /// What this entry holds once parsed (its method, id and params), in heap bytes.
    public var estimatedBytes: Int {
        guard case .request(let r) = self else { return 0 }
        return JSON.string(r.method).estimatedBytes + (r.id.map { $0.json.estimatedBytes } ?? 0) + (r.params?.estimatedBytes ?? 0)
    }
}
