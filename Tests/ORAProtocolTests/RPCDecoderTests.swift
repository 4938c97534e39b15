import Testing
@testable import ORAProtocol
import ORAJSON

@Suite struct RPCDecoderTests {
    func decode(_ s: String) -> RPCMessage { RPCDecoder.decode(line: Array(s.utf8)) }

    /// A request keeps its id kind; no id member means a notification; id null is a request.
    @Test func requestsAndNotifications() {
        guard case .single(.request(let r)) = decode(#"{"jsonrpc":"2.0","id":"x","method":"m","params":{"a":1}}"#) else { Issue.record(); return }
        #expect(r.id == .string("x") && r.method == "m" && r.params?["a"] == 1)
        guard case .single(.request(let n)) = decode(#"{"method":"m"}"#) else { Issue.record(); return }
        #expect(n.isNotification)
        guard case .single(.request(let z)) = decode(#"{"id":null,"method":"m"}"#) else { Issue.record(); return }
        #expect(z.id == .null && !z.isNotification)
    }

    /// Invalid requests name their problem and keep a usable id.
    @Test func invalidRequests() {
        guard case .single(.invalid(let id, let e)) = decode(#"{"id":3,"method":1}"#) else { Issue.record(); return }
        #expect(id == .number(JSONNumber(text: "3")) && e.code == -32600)
        guard case .single(.invalid(.null, let e2)) = decode(#"{"id":{},"method":"m"}"#) else { Issue.record(); return }
        #expect(e2.code == -32600)
        guard case .failure(let p) = decode("{") else { Issue.record(); return }
        #expect(p.code == -32700)
        guard case .failure(let d) = decode(String(repeating: "[", count: 70)) else { Issue.record(); return }
        #expect(d.code == -32600 && d.reason == "invalid_request")
    }

    /// Batches: empty is one error; over the limit is one error; otherwise one entry per element.
    @Test func batches() {
        guard case .failure(let e) = decode("[]") else { Issue.record(); return }
        #expect(e.code == -32600)
        guard case .batch(let entries) = decode(#"[{"id":1,"method":"a"},{"method":"b"},5]"#) else { Issue.record(); return }
        #expect(entries.count == 3)
        let big = "[" + Array(repeating: #"{"method":"a"}"#, count: 1001).joined(separator: ",") + "]"
        guard case .failure(let tooMany) = decode(big) else { Issue.record(); return }
        #expect(tooMany.code == -32600)
    }

    /// Replies are framed exactly as the contract shows.
    @Test func replyShapes() {
        let ok = RPCResponse.success(id: .number(JSONNumber(text: "1")), result: ["x": 1])
        #expect(String(decoding: ok, as: UTF8.self) == #"{"jsonrpc":"2.0","id":1,"result":{"x":1}}"#)
        let err = RPCResponse.failure(id: .null, error: .invalidParams("/a", "bad\nthing"))
        #expect(String(decoding: err, as: UTF8.self) == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32602,"message":"Invalid params: /a bad thing","data":{"reason":"invalid_params","field":"/a"}}}"#)
    }
}
