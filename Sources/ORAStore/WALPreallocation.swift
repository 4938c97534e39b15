// The writer's WAL file is kept written ahead with zeros, so that commits overwrite blocks the
// file already has instead of growing it.
//
// ext4 makes an fdatasync that follows an append also commit its journal (the file's new size
// and blocks); one that follows an overwrite flushes the data alone. Measured here for 150 KB,
// one 64-client group commit: 275-300 us appending, 155 us overwriting (bench/README.md). Without
// this, a commit appends whenever the WAL reaches past the largest it has been since the server
// started (a clean stop removes the file), e.g. all through the first burst of writes.
//
// Zeros past the last frame are what SQLite already expects to find: after the WAL starts over,
// the old frames past the new ones stay in the file, and recovery stops at the first frame whose
// salt or checksum does not match. Only bytes past the file's current end are written, before
// the writer thread starts: no frame can be overwritten. SQLite takes no lock on the WAL file, so
// opening and closing another descriptor on it releases nothing.

import Foundation

public struct WALPreallocation: Sendable, Equatable {
    /// Bytes the file had, and has now.
    public let before: Int64
    public let after: Int64
}

extension Store {
    /// The WAL size a server keeps unless told otherwise (--wal-limit-mb).
    public static let defaultWALLimit: Int64 = 64 << 20

    /// Keeps the writer's WAL file at `bytes`: written ahead with zeros now, and cut back to that
    /// size whenever it has grown past it and starts over. Call before the writer's first write.
    @discardableResult
    public func keepWAL(bytes: Int64) throws -> WALPreallocation? {
        try db.execute("PRAGMA journal_size_limit = \(bytes)")
        return try Self.preallocateWAL(path: path, bytes: bytes)
    }

    /// Extends `path`-wal with zeros to `bytes` and syncs it; nil when it was already that large.
    /// On failure (a full disk) the file is cut back to its old size and the error thrown: the
    /// server still serves, only its first commits append.
    static func preallocateWAL(path: String, bytes: Int64) throws -> WALPreallocation? {
        let file = path + "-wal"
        let fd = open(file, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError(code: 0, message: "cannot open \(file): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError(code: 0, message: "cannot stat \(file): \(String(cString: strerror(errno)))") }
        let before = Int64(st.st_size)
        guard before < bytes else { return nil }
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var offset = before
        while offset < bytes {
            let n = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress, Int(min(Int64(zeros.count), bytes - offset)), off_t(offset)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(errno))
                _ = ftruncate(fd, off_t(before))
                throw StoreError(code: 0, message: "cannot write ahead \(file) to \(bytes >> 20) MiB: \(reason)")
            }
            offset += Int64(n)
        }
        guard fdatasync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = ftruncate(fd, off_t(before))
            throw StoreError(code: 0, message: "cannot sync \(file) after writing it ahead: \(reason)")
        }
        return WALPreallocation(before: before, after: bytes)
    }
}
