// Exclusive ownership of a database file: an flock(2) on the file itself, held for the process's
// life. flock and SQLite's POSIX record locks do not interact on Linux, so the sqlite3 shell can
// still read the file while a server owns it; a second server or `migrate` fails at once.
// The descriptor is never closed early: closing any descriptor of the file would drop SQLite's
// own POSIX locks on it.

import Foundation
import CLibUV

public final class DatabaseLock: Sendable {
    private let fd: Int32

    public init(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LockError(message: "cannot open database \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            close(fd)
            throw LockError(message: busy
                ? "database \(path) is already owned by another ora-server (or a running migrate); only one may own it"
                : "cannot lock database \(path): \(String(cString: strerror(errno)))")
        }
        self.fd = fd
    }

    deinit { close(fd) }
}

public struct LockError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
