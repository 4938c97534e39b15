// One SQLite connection, owned by exactly one thread for its whole life.
// Statements are prepared once and cached by their SQL text; every use resets them.

import CSQLite

public enum SQLValue: Sendable, Equatable {
    case int(Int64)
    case text(String)
    case double(Double)
    case null

    public static func int<I: BinaryInteger>(_ v: I?) -> SQLValue { v.map { .int(Int64($0)) } ?? .null }
    public static func text(_ v: String?) -> SQLValue { v.map(SQLValue.text) ?? .null }
}

public final class Database {
    public enum Mode { case readWrite, readOnly }

    let handle: OpaquePointer
    public let path: String
    private var cache: [SQLText: Statement] = [:]

    /// Process-wide settings, applied once before the first connection opens (it only makes
    /// SQLite faster; if SQLite was already initialized it is refused and SQLite runs as it is).
    private static let configured: Void = ora_sqlite_configure()

    /// Every connection uses SQLite's default VFS and page cache: durability rests on SQLite's
    /// own, documented behaviour and nothing else.
    public init(path: String, mode: Mode = .readWrite) throws {
        Self.configured
        var db: OpaquePointer?
        let flags = mode == .readOnly
            ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw StoreError(code: rc, message: "cannot open database \(path): \(message)")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32, sql: String?) -> StoreError {
        StoreError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements that return no rows (DDL, PRAGMA, BEGIN/COMMIT).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        guard rc == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw StoreError(code: rc, message: text, sql: sql)
        }
    }

    /// A cached prepared statement, reset and with bindings cleared.
    public func statement(_ sql: String) throws -> Statement {
        if let cached = cache[SQLText(sql)] {
            cached.reset()
            return cached
        }
        let statement = try Statement(database: self, sql: sql)
        cache[SQLText(sql)] = statement
        return statement
    }

    /// Runs a statement that returns no rows; returns the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ args: [SQLValue] = []) throws -> Int {
        let s = try statement(sql)
        try s.bind(args)
        while try s.step() {}
        s.reset()
        return Int(sqlite3_changes(handle))
    }

    /// Every row, mapped.
    public func query<T>(_ sql: String, _ args: [SQLValue] = [], _ map: (Row) throws -> T) throws -> [T] {
        let s = try statement(sql)
        try s.bind(args)
        defer { s.reset() }
        var rows: [T] = []
        while try s.step() { rows.append(try map(Row(statement: s.handle))) }
        return rows
    }

    /// Rows one at a time, until `body` returns false.
    public func scan(_ sql: String, _ args: [SQLValue] = [], _ body: (Row) throws -> Bool) throws {
        let s = try statement(sql)
        try s.bind(args)
        defer { s.reset() }
        while try s.step() { guard try body(Row(statement: s.handle)) else { return } }
    }

    /// The first row, mapped, or nil.
    public func one<T>(_ sql: String, _ args: [SQLValue] = [], _ map: (Row) throws -> T) throws -> T? {
        let s = try statement(sql)
        try s.bind(args)
        defer { s.reset() }
        return try s.step() ? try map(Row(statement: s.handle)) : nil
    }

    public func scalarInt(_ sql: String, _ args: [SQLValue] = []) throws -> Int64 {
        try one(sql, args) { $0.int(0) } ?? 0
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` in a transaction; rolls back if it throws.
    public func transaction<T>(_ kind: String = "IMMEDIATE", _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind)")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }
}

/// A statement cache key that hashes the SQL's length and its ends instead of every byte: the
/// cache holds a few dozen statements, and equality still compares the whole text (at once, when
/// both are the same literal).
struct SQLText: Hashable {
    let sql: String
    init(_ sql: String) { self.sql = sql }

    func hash(into hasher: inout Hasher) {
        let hashed: Void? = sql.utf8.withContiguousStorageIfAvailable { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            hasher.combine(raw.count)
            guard raw.count >= 8 else { return hasher.combine(bytes: raw) }
            hasher.combine(raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            hasher.combine(raw.loadUnaligned(fromByteOffset: raw.count / 2 - 4, as: UInt64.self))
            hasher.combine(raw.loadUnaligned(fromByteOffset: raw.count - 8, as: UInt64.self))
        }
        if hashed == nil { hasher.combine(sql) }
    }
}

/// Column access for the row a statement is on; valid only inside the mapping closure.
public struct Row {
    public enum ColumnType { case int, double, text, blob, null }

    let statement: OpaquePointer

    public var columnCount: Int32 { sqlite3_column_count(statement) }
    public func columnName(_ i: Int32) -> String { String(cString: sqlite3_column_name(statement, i)) }
    public func type(_ i: Int32) -> ColumnType {
        switch sqlite3_column_type(statement, i) {
        case SQLITE_INTEGER: return .int
        case SQLITE_FLOAT: return .double
        case SQLITE_TEXT: return .text
        case SQLITE_BLOB: return .blob
        default: return .null
        }
    }
    public func blobHex(_ i: Int32) -> String {
        guard let p = sqlite3_column_blob(statement, i) else { return "" }
        let bytes = UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, i)))
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    public func int(_ i: Int32) -> Int64 { sqlite3_column_int64(statement, i) }
    public func double(_ i: Int32) -> Double { sqlite3_column_double(statement, i) }
    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(statement, i) == SQLITE_NULL }
    public func intOrNil(_ i: Int32) -> Int64? { isNull(i) ? nil : int(i) }
    public func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(statement, i) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
    }
    public func textOrNil(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }
}
