import Testing
import Foundation
import ORAProtocol

@Suite struct BatchAndNotificationTests {
    /// A batch answers every request with an id, in order, skips notifications, and reports an unknown method in place.
    @Test func batchWithNotificationAndUnknownMethod() throws {
        let server = try TestServer()
        let c = try server.connect()
        try c.send(raw: """
            [{"jsonrpc":"2.0","id":1,"method":"parseSku","params":{"sku":"17612 - 1"}},{"jsonrpc":"2.0","method":"upsertSku","params":{"skuCode":"5","productName":"By notification"}},{"jsonrpc":"2.0","id":2,"method":"noSuchMethod"},{"jsonrpc":"2.0","id":3,"method":"listSkus"},7]\n
            """)
        let reply = try c.readJSON()
        let entries = try #require(reply.arrayValue)
        #expect(entries.count == 4)
        #expect(entries[0]["id"] == 1 && entries[0]["result"]?["lotNumber"] == "1")
        #expect(entries[1]["id"] == 2 && entries[1]["error"]?.code == -32601)
        // The notification before it was executed and committed first.
        #expect(entries[2]["id"] == 3 && entries[2]["result"]?["skus"]?.arrayValue?.count == 1)
        #expect(entries[3]["id"] == .null && entries[3]["error"]?.code == -32600)
    }

    /// An empty batch is one -32600 error object; a batch of only notifications gets no line at all.
    @Test func emptyAndNotificationOnlyBatches() throws {
        let server = try TestServer()
        let c = try server.connect()
        try c.send(raw: "[]\n")
        let empty = try c.readJSON()
        #expect(empty["error"]?.code == -32600 && empty["id"] == .null)
        try c.send(raw: #"[{"jsonrpc":"2.0","method":"parseSku","params":{"sku":"1"}}]"# + "\n")
        try c.send(raw: #"{"jsonrpc":"2.0","method":"parseSku","params":{"sku":"1"}}"# + "\n")
        try c.send(raw: #"{"jsonrpc":"2.0","id":"after","method":"parseSku","params":{"sku":"1"}}"# + "\n")
        #expect(try c.readJSON()["id"] == "after")
    }
}
