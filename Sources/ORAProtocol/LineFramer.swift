// Splits a connection's byte stream into request lines, with a hard cap on a line's length.
//
//     bytes in:   {"id":1,...}\n{"id":2,...}\r\n\n{"id":3,"meth
//                 '------------''--------------''' '-----------> kept, waiting for its '\n'
//     frames out: line 1        line 2 ('\r' cut) (blank: skipped)
//
// `scanned` remembers how far the unconsumed tail is already known to hold no '\n', so a long line
// arriving in many reads is scanned once, not once per read. The buffer never holds more than
// `maxLineBytes` plus one read's worth of bytes: past that the line is refused.

public struct LineFramer: Sendable {
    public enum Frame: Equatable, Sendable {
        case line(ArraySlice<UInt8>)
        /// The current line passed `maxLineBytes`; the rest of the stream cannot be framed.
        case tooLong
    }

    public let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    public private(set) var failed = false

    public init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// Bytes received but not yet returned as a frame.
    public var bufferedBytes: Int { buffer.count - start }

    public mutating func append<C: Collection<UInt8>>(_ bytes: C) {
        guard !failed else { return }
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete, non-blank line, `.tooLong` once the limit is passed, or nil when more
    /// bytes are needed.
    public mutating func next() -> Frame? {
        while !failed {
            let from = start + scanned
            guard let newline = buffer[from...].firstIndex(of: 0x0A) else {
                scanned = buffer.count - start
                if scanned > maxLineBytes { return fail() }
                return nil
            }
            var end = newline
            if end > start && buffer[end - 1] == 0x0D { end -= 1 }
            let lineStart = start
            start = newline + 1
            scanned = 0
            if end - lineStart > maxLineBytes { return fail() }
            if isBlank(lineStart, end) { continue }
            return .line(buffer[lineStart..<end])
        }
        return nil
    }

    private mutating func fail() -> Frame {
        failed = true
        buffer = []
        start = 0
        scanned = 0
        return .tooLong
    }

    private func isBlank(_ from: Int, _ to: Int) -> Bool {
        var i = from
        while i < to {
            let b = buffer[i]
            if b != 0x20 && b != 0x09 && b != 0x0D { return false }
            i += 1
        }
        return true
    }
}
