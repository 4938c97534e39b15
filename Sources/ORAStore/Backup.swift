// Consistent copies of a live database with SQLite's online backup API. One backup_step(-1)
// copies every page inside one read transaction: on a WAL file that is a snapshot, so writers
// keep committing while the copy runs.
//
// (1) A backup is never a file SQLite or Litestream would take for part of another database: no
//     name ending in a side file's suffix (-journal, -wal, -shm, -mjHEX, -litestream), never the
//     served database or one of its own files, and never a name with a side file already beside
//     it (a stale -wal or hot -journal there would be played into the copy when it is opened).
// (2) The copy is made under a fresh name of its own (created O_EXCL), switched to a rollback
//     journal so that it is one self-contained file, checked, and only then linked to its name
//     with link(2), which never replaces an existing file. A failure removes only the files this
//     copy created: its temporary name and that name's own side files.

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

    /// The suffixes SQLite gives a database's side files.
    static let sideSuffixes = ["-journal", "-wal", "-shm"]
    /// The prefix of a copy's temporary name, refused as a backup name.
    static let temporaryPrefix = ".ora-backup-"

    /// Why `name`, the last part of a backup's path, cannot name a backup; nil when it can (1).
    public static func nameProblem(_ name: String) -> String? {
        if let suffix = sideSuffixes.first(where: { name.hasSuffix($0) }) {
            return "ends in \(suffix): SQLite would take the file for another database's \(suffix) file"
        }
        if name.range(of: "-mj[0-9A-Fa-f]+$", options: .regularExpression) != nil {
            return "is shaped like a SQLite super-journal (-mjHEX): SQLite would take it for another database's side file"
        }
        if name.hasSuffix("-litestream") {
            return "ends in -litestream: Litestream keeps its working files under such a name beside a database"
        }
        if name.hasPrefix(temporaryPrefix) {
            return "starts with \(temporaryPrefix), the prefix of the temporary names backups are made under"
        }
        return nil
    }

    /// Where `name` (relative, already free of `..`, `.` and empty parts) lands under `folder`, with
    /// every link resolved; or why it cannot: a folder on the way that does not exist, a link that
    /// leads outside `folder`, a part too long for a file name, or a part that is one of
    /// Litestream's working folders (its files there are removed when it stops).
    public static func resolve(name: String, under folder: String) -> Result<String, BackupRefusal> {
        let parts = name.split(separator: "/").map(String.init)
        if let long = parts.first(where: { $0.utf8.count > 255 }) {
            return .failure(BackupRefusal("has a part of \(long.utf8.count) bytes; a file name holds at most 255"))
        }
        if parts.dropLast().contains(where: { $0.hasPrefix(".ora-litestream-") || $0.hasSuffix("-litestream") }) {
            return .failure(BackupRefusal("is inside one of Litestream's working folders, which it empties"))
        }
        let root = realPath(folder)
        let parent = ([folder] + parts.dropLast()).joined(separator: "/")
        var info = stat()
        guard stat(parent, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            return .failure(BackupRefusal("names a folder that does not exist under the backup folder"))
        }
        let realParent = realPath(parent)
        guard realParent == root || realParent.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            return .failure(BackupRefusal("leads outside the backup folder (through a link)"))
        }
        return .success(realParent + "/" + parts.last!)
    }

    public struct BackupRefusal: Error, Sendable {
        public let message: String
        init(_ message: String) { self.message = message }
    }

    /// Why `path` cannot receive a backup of the database at `database`; nil when it can (1).
    public static func targetProblem(path: String, database: String?) -> String? {
        let url = URL(fileURLWithPath: path)
        if let problem = nameProblem(url.lastPathComponent) { return problem }
        if let database {
            let target = realFolder(of: path) + "/" + url.lastPathComponent
            let served = realPath(database)
            if target == served { return "is the served database itself" }
            for suffix in sideSuffixes where served + suffix == target || target + suffix == served {
                return "would share its files with the served database (\(suffix))"
            }
        }
        if exists(path) { return "already exists; a backup never overwrites" }
        if let suffix = sideSuffixes.first(where: { exists(path + $0) }) {
            return "has a \(url.lastPathComponent)\(suffix) beside it that SQLite would read as the copy's own \(suffix) file; remove it or choose another name"
        }
        return nil
    }

    /// Copies `source` to a new file at `path` and runs integrity_check on it (2). `database` is
    /// the served database's path, whose own files are never a target.
    public static func copy(from source: Database, to path: String, database: String? = nil) throws -> Copy {
        if let problem = targetProblem(path: path, database: database) {
            throw StoreError(code: SQLITE_CANTOPEN, message: "cannot create backup \(path): \(problem)")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let temporary = try createTemporary(in: folder)
        defer { removeCopy(temporary) }
        let pages: Int
        let integrity: String
        do {
            let destination = try Database(path: temporary)
            guard let backup = sqlite3_backup_init(destination.handle, "main", source.handle, "main") else {
                throw destination.error(sqlite3_errcode(destination.handle), sql: nil)
            }
            let rc = sqlite3_backup_step(backup, -1)
            pages = Int(sqlite3_backup_pagecount(backup))
            sqlite3_backup_finish(backup)
            guard rc == SQLITE_DONE else { throw StoreError(code: rc, message: "backup to \(path) failed: \(String(cString: sqlite3_errstr(rc)))") }
            // The copy carries the source's WAL flag; as a rollback-journal file it is complete
            // by itself, and opening it later never looks for a -wal beside it.
            let mode = try destination.one("PRAGMA journal_mode = DELETE") { $0.text(0) }
            guard mode == "delete" else { throw StoreError(code: 0, message: "cannot take backup \(path) out of WAL mode (got \(mode ?? "nothing"))") }
            integrity = try destination.query("PRAGMA integrity_check") { $0.text(0) }.prefix(10).joined(separator: "; ")
        }
        guard link(temporary, path) == 0 else {
            let why = errno == EEXIST ? "already exists; a backup never overwrites" : String(cString: strerror(errno))
            throw StoreError(code: SQLITE_CANTOPEN, message: "cannot create backup \(path): \(why)")
        }
        syncFolder(folder)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Copy(path: path, pages: pages, bytes: bytes, integrity: integrity)
    }

    /// "ok", or the first problems integrity_check reports.
    public static func integrityCheck(path: String) throws -> String {
        let db = try Database(path: path, mode: .readOnly)
        let rows = try db.query("PRAGMA integrity_check") { $0.text(0) }
        return rows.prefix(10).joined(separator: "; ")
    }

    // MARK: - Files

    /// A new empty file under a random name in `folder`, with none of its side files present.
    private static func createTemporary(in folder: String) throws -> String {
        for _ in 0..<16 {
            let name = folder + "/" + temporaryPrefix + String(UInt64.random(in: 0...UInt64.max), radix: 16) + ".db"
            guard !sideSuffixes.contains(where: { exists(name + $0) }) else { continue }
            let fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { close(fd); return name }
            guard errno == EEXIST else {
                throw StoreError(code: SQLITE_CANTOPEN, message: "cannot create a file in \(folder): \(String(cString: strerror(errno)))")
            }
        }
        throw StoreError(code: SQLITE_CANTOPEN, message: "cannot find a free temporary name in \(folder)")
    }

    /// Removes a temporary copy and the side files SQLite made for it (none existed before it).
    private static func removeCopy(_ temporary: String) {
        for file in [temporary] + sideSuffixes.map({ temporary + $0 }) { unlink(file) }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return URL(fileURLWithPath: path).standardizedFileURL.path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func realFolder(of path: String) -> String {
        realPath(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// Makes a new name in `folder` durable.
    private static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
