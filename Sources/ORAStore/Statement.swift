// A prepared statement. Finalized in deinit; reset by its Database before every reuse. Every use
// binds every parameter (bind checks the count), so old bindings are overwritten, never cleared.

import CSQLite

public final class Statement {
    let handle: OpaquePointer
    let sql: String
    unowned let database: Database

    init(database: Database, sql: String) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw database.error(rc, sql: sql) }
        handle = stmt
        self.sql = sql
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
    }

    func bind(_ values: [SQLValue]) throws {
        let parameters = sqlite3_bind_parameter_count(handle)
        guard values.count == Int(parameters) else {
            throw StoreError(code: SQLITE_RANGE, message: "\(values.count) values for \(parameters) parameters", sql: sql)
        }
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .int(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .double(let v): rc = sqlite3_bind_double(handle, index, v)
            case .null: rc = sqlite3_bind_null(handle, index)
            case .text(var v):
                // The UTF-8 bytes with their length: no C-string copy and no strlen. An empty
                // buffer may have no address, which would bind NULL, so "" gets one.
                rc = v.withUTF8 { bytes in
                    guard let base = bytes.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, ora_sqlite_transient()) }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text(handle, index, $0, Int32(bytes.count), ora_sqlite_transient())
                    }
                }
            }
            guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
        }
    }

    /// true while there is a row to read.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(rc, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }
}
