// Replies as bytes, without the trailing newline (a batch joins several into one array first).

import ORAJSON

public enum RPCResponse {
    private static let successHead = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
    private static let resultKey = Array(#","result":"#.utf8)
    private static let errorKey = Array(#","error":"#.utf8)

    public static func success(id: RPCID, result: JSON) -> [UInt8] {
        var out = successHead
        out.reserveCapacity(256)
        JSONWriter.write(id.json, into: &out)
        out.append(contentsOf: resultKey)
        JSONWriter.write(result, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    public static func failure(id: RPCID, error: RPCError) -> [UInt8] {
        var out = successHead
        JSONWriter.write(id.json, into: &out)
        out.append(contentsOf: errorKey)
        JSONWriter.write(error.json, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `[a,b,c]` from already encoded replies.
    public static func batch(_ parts: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(parts.reduce(2) { $0 + $1.count + 1 })
        for (i, part) in parts.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: part)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
