// SQLite failures as typed Swift errors, with the SQL that failed.

import CSQLite

public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (SQLITE_FULL, SQLITE_READONLY, ...), without extended bits.
    public var primaryCode: Int32 { code & 0xFF }

    public var description: String {
        sql.map { "\(message) (SQLite \(code), in: \($0.prefix(120)))" } ?? "\(message) (SQLite \(code))"
    }
}
