// What a parsed JSON value holds on the heap, counted from its shape: the server's memory budget
// counts a queued request at this, not at the length of its line (a parsed request holds several
// times its line: ../shared/PLATFORM.md).

import Foundation

extension JSON {
    /// glibc's chunk header and alignment, and Swift's object header on every heap buffer (an
    /// array's or a string's storage).
    private static let allocationOverhead = 16 + 32
    /// A string up to this many UTF-8 bytes lives inside its value, on no heap at all.
    private static let inlineStringBytes = 15

    /// An upper estimate of the heap bytes this value holds, never less than it really holds
    /// (JSONMemoryTests measures it against malloc). Arrays grow by doubling while parsed, so
    /// their capacity is counted as up to twice their count.
    public var estimatedBytes: Int {
        switch self {
        case .null, .bool:
            return 0
        case .number(let n):
            return Self.stringBytes(n.text)
        case .string(let s):
            return Self.stringBytes(s)
        case .array(let elements):
            var total = Self.bufferBytes(count: elements.count, stride: MemoryLayout<JSON>.stride)
            for element in elements { total += element.estimatedBytes }
            return total
        case .object(let object):
            var total = Self.bufferBytes(count: object.count, stride: MemoryLayout<JSONObject.Member>.stride)
            for member in object { total += Self.stringBytes(member.key) + member.value.estimatedBytes }
            return total
        }
    }

    private static func stringBytes(_ s: String) -> Int {
        let count = s.utf8.count
        return count <= inlineStringBytes ? 0 : allocationOverhead + (count + 16) & ~15
    }

    private static func bufferBytes(count: Int, stride: Int) -> Int {
        count == 0 ? 0 : allocationOverhead + 2 * count * stride
    }
}
