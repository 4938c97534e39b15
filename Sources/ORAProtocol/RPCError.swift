// Every error ORA answers with: the JSON-RPC code, a one-line message, and `data.reason` so that a
// script can branch on a stable word instead of parsing text.

import ORAJSON

public struct RPCError: Error, Sendable, Equatable {
    public let code: Int
    public let message: String
    /// Always holds `reason`; may hold `field`, `skus`, `items`, `cutoff`, ...
    public let data: JSONObject

    public init(code: Int, reason: String, message: String, extra: [(String, JSON)] = []) {
        self.code = code
        // Error text travels inside one frame: never let a newline into it.
        self.message = message.replacing("\n", with: " ").replacing("\r", with: " ")
        var data = JSONObject([("reason", .string(reason))])
        for (key, value) in extra { data[key] = value }
        self.data = data
    }

    public var reason: String { data["reason"]?.stringValue ?? "" }

    public var json: JSON {
        .object(JSONObject([("code", .int(code)), ("message", .string(message)), ("data", .object(data))]))
    }
}

extension RPCError {
    public static func parseError(_ message: String) -> RPCError {
        RPCError(code: -32700, reason: "parse_error", message: "Parse error: \(message)")
    }
    public static func invalidRequest(_ message: String, extra: [(String, JSON)] = []) -> RPCError {
        RPCError(code: -32600, reason: "invalid_request", message: "Invalid request: \(message)", extra: extra)
    }
    public static func lineTooLong(limit: Int) -> RPCError {
        RPCError(code: -32600, reason: "line_too_long",
                 message: "Request line longer than \(limit) bytes; closing the connection",
                 extra: [("limit", .int(limit))])
    }
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: -32601, reason: "method_not_found", message: "Method not found: \(method)",
                 extra: [("method", .string(method))])
    }
    /// `field` is a JSON pointer into params, e.g. `/items/2/quantity` (empty for params itself).
    public static func invalidParams(_ field: String, _ message: String) -> RPCError {
        RPCError(code: -32602, reason: "invalid_params", message: "Invalid params: \(field.isEmpty ? "params" : field) \(message)",
                 extra: [("field", .string(field))])
    }
    public static func internalError(_ message: String) -> RPCError {
        RPCError(code: -32603, reason: "internal_error", message: "Internal error: \(message)")
    }
    public static func overloaded(queueDepth: Int) -> RPCError {
        RPCError(code: -32011, reason: "overloaded",
                 message: "Write queue is full (\(queueDepth) requests); nothing was written, retry later",
                 extra: [("queueDepth", .int(queueDepth))])
    }
    /// A sync of the WAL failed after this write was committed: it may or may not be on disk, and
    /// the server stops (PostgreSQL's lesson: a failed fsync is never retried as if nothing had
    /// happened). On restart SQLite's recovery decides; look before retrying (e.g. orderHistory).
    public static func syncFailed(_ why: String) -> RPCError {
        RPCError(code: -32603, reason: "sync_failed",
                 message: "The disk failed to sync the write-ahead log (\(why)): this write may or may not be on disk; the server is stopping, and what the disk kept is there after restart",
                 extra: [("written", .string("unknown"))])
    }
    /// After a failed sync nothing more is written or acknowledged.
    public static let stoppedAfterSyncFailure = RPCError(code: -32012, reason: "shutting_down",
                                                         message: "Server is stopping after the disk failed a sync; nothing was written")
    public static let shuttingDown = RPCError(code: -32012, reason: "shutting_down",
                                              message: "Server is shutting down; nothing was written")
    public static let unauthorized = RPCError(code: -32010, reason: "unauthorized",
                                              message: "Unauthorized: call auth with the server's token first")
}
