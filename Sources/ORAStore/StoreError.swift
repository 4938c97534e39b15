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

    /// SQLite could not make a file durable (its fsync or fdatasync failed): the kernel may have
    /// dropped what it could not write, so nothing after it can be trusted. SQLITE_IOERR_FSYNC and
    /// SQLITE_IOERR_DIR_FSYNC (macros Swift does not import).
    public var isSyncFailure: Bool { code == SQLITE_IOERR | (4 << 8) || code == SQLITE_IOERR | (5 << 8) }

    public var description: String {
        sql.map { "\(message) (SQLite \(code), in: \($0.prefix(120)))" } ?? "\(message) (SQLite \(code))"
    }
}
