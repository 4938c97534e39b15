import Testing
import Foundation
import ORAProtocol

@Suite struct ConnectionLineTooLongTests {
    /// A line over --max-line-bytes gets one -32600 line_too_long with id null, then the connection closes; others never notice.
    @Test func longLineClosesOnlyThatConnection() throws {
        let server = try TestServer(arguments: ["--max-line-bytes", "4096"])
        let bystander = try server.connect()
        let c = try server.connect()
        try c.send(raw: #"{"jsonrpc":"2.0","id":1,"method":"parseSku","params":{"sku":"1"}}"# + "\n")
        try c.send(raw: String(repeating: "x", count: 10_000))
        #expect(try c.readJSON()["id"] == 1)
        let error = try c.readJSON()
        #expect(error["id"] == .null && error["error"]?.code == -32600 && error["error"]?.reason == "line_too_long")
        #expect(c.isClosedByPeer())
        #expect(try bystander.call("parseSku", ["sku": "2"])["valid"] == true)
    }

    /// A line of exactly the limit is accepted, whatever reads it arrives in.
    @Test func lineAtTheLimitIsAccepted() throws {
        let server = try TestServer(arguments: ["--max-line-bytes", "4096"])
        let c = try server.connect()
        let head = #"{"jsonrpc":"2.0","id":1,"method":"parseSku","params":{"sku":""#
        let tail = #""}}"#
        let line = head + String(repeating: "1", count: 4096 - head.utf8.count - tail.utf8.count) + tail
        #expect(line.utf8.count == 4096)
        for chunk in stride(from: 0, to: line.utf8.count, by: 1000) {
            try c.send(bytes: Array(Array(line.utf8)[chunk..<min(chunk + 1000, line.utf8.count)]))
            usleep(5_000)
        }
        try c.send(raw: "\n")
        #expect(try c.readJSON()["result"]?["valid"] == true)
    }
}
