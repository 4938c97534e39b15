// The shared-secret check for `auth`, and the rules for the file the secret comes from.

import Foundation

public enum TokenCheck {
    /// Compares every byte whatever the first difference, so timing says nothing about the token.
    static func matches(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }

    /// Reads a token file, refusing one its group or other users could read or write (0600 or stricter).
    public static func load(path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw LockError(message: "cannot read --token-file \(path): \(String(cString: strerror(errno)))") }
        guard info.st_mode & 0o077 == 0 else {
            throw LockError(message: "--token-file \(path) is accessible to its group or other users (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        let token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.utf8.count >= 16 else { throw LockError(message: "--token-file \(path) holds a token shorter than 16 bytes") }
        return token
    }
}
