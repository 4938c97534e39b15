// Consistent copies of a live database with SQLite's online backup API. One backup_step(-1)
// copies every page inside one read transaction: on a WAL file that is a snapshot, so writers
// keep committing while the copy runs.

import CSQLite
import Foundation
import ORAJSON

public enum Backup {
    public struct Copy: Sendable {
        public let path: String
        public let pages: Int
        public let bytes: Int
        public let integrity: String
    }

    /// Copies `source` to a new file at `path` (never overwriting) and runs integrity_check on it.
    public static func copy(from source: Database, to path: String) throws -> Copy {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let why = errno == EEXIST ? "already exists; a backup never overwrites" : String(cString: strerror(errno))
            throw StoreError(code: SQLITE_CANTOPEN, message: "cannot create backup \(path): \(why)")
        }
        close(fd)
        do {
            let pages: Int
            do {
                let destination = try Database(path: path)
                guard let backup = sqlite3_backup_init(destination.handle, "main", source.handle, "main") else {
                    throw destination.error(sqlite3_errcode(destination.handle), sql: nil)
                }
                let rc = sqlite3_backup_step(backup, -1)
                pages = Int(sqlite3_backup_pagecount(backup))
                sqlite3_backup_finish(backup)
                guard rc == SQLITE_DONE else { throw StoreError(code: rc, message: "backup to \(path) failed: \(String(cString: sqlite3_errstr(rc)))") }
            }
            let integrity = try integrityCheck(path: path)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            return Copy(path: path, pages: pages, bytes: bytes, integrity: integrity)
        } catch {
            unlink(path)
            unlink(path + "-wal")
            unlink(path + "-shm")
            throw error
        }
    }

    /// "ok", or the first problems integrity_check reports.
    public static func integrityCheck(path: String) throws -> String {
        let db = try Database(path: path, mode: .readOnly)
        let rows = try db.query("PRAGMA integrity_check") { $0.text(0) }
        return rows.prefix(10).joined(separator: "; ")
    }
}
