import Testing
import Foundation
import ORAJSON
import ORAProtocol

@Suite struct BadInputTests {
    /// A line that is not JSON gets -32700 with id null, and the connection keeps working.
    @Test func parseErrorKeepsConnectionUsable() throws {
        let server = try TestServer()
        let c = try server.connect()
        try c.send(raw: "{\"id\":1,\"method\":\n")
        let error = try c.readJSON()
        #expect(error["id"] == .null && error["error"]?.code == -32700 && error["error"]?.reason == "parse_error")
        #expect(try c.call("parseSku", ["sku": "1"])["valid"] == true)
    }

    /// Invalid UTF-8 is a parse error; nesting deeper than 64 is refused with -32600; non-objects and bad ids are -32600.
    @Test func malformedRequests() throws {
        let server = try TestServer()
        let c = try server.connect()
        try c.send(bytes: Array(#"{"id":1,"method":"parseSku","params":{"sku":""#.utf8) + [0xC3, 0x28] + Array("\"}}\n".utf8))
        #expect(try c.readJSON()["error"]?.code == -32700)
        try c.send(raw: String(repeating: "[", count: 100_000) + "\n")
        let deep = try c.readJSON()
        #expect(deep["error"]?.code == -32600 && deep["id"] == .null)
        for line in ["42", "\"x\"", #"{"id":[1],"method":"status"}"#, #"{"id":1}"#, #"{"id":1,"method":5}"#, #"{"jsonrpc":"1.0","id":1,"method":"status"}"#] {
            try c.send(raw: line + "\n")
            #expect(try c.readJSON()["error"]?.code == -32600, "\(line)")
        }
        // params must be an object; unknown members are named.
        #expect(try c.callError("parseSku", [1, 2]).code == -32602)
        let unknown = try c.callError("parseSku", ["sku": "1", "resolv": true])
        #expect(unknown.code == -32602 && unknown.field == "/resolv")
        #expect(try c.callError("parseSku", ["sku": 17612]).field == "/sku")
        #expect(try c.callError("status", ["x": 1]).field == "/x")
    }
}
