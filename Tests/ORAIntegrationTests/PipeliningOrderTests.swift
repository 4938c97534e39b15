import Testing
import Foundation
import ORAProtocol

@Suite struct PipeliningOrderTests {
    /// Many requests sent in one write, mixing writes, reads and loop-answered calls, come back in request order.
    @Test func repliesComeBackInRequestOrder() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        var lines = ""
        for i in 0..<300 {
            switch i % 3 {
            case 0: lines += #"{"jsonrpc":"2.0","id":\#(i),"method":"recordShipment","params":{"orderNumber":"P\#(i)","shipDate":"\#(day())","items":[{"sku":"17612 - 250300","quantity":1}]}}"# + "\n"
            case 1: lines += #"{"jsonrpc":"2.0","id":\#(i),"method":"parseSku","params":{"sku":"17612-\#(i)"}}"# + "\n"
            default: lines += #"{"jsonrpc":"2.0","id":\#(i),"method":"shippedItems","params":{"orderNumber":"P\#(i - 2)"}}"# + "\n"
            }
        }
        try c.send(raw: lines)
        for i in 0..<300 {
            let reply = try c.readJSON()
            #expect(reply["id"] == .int(i))
            #expect(reply["result"] != nil)
            // A read pipelined after a write on the same connection sees that write.
            if i % 3 == 2 { #expect(reply["result"]?["totalUnits"] == 1) }
        }
    }

    /// A string id, a fractional number id and a null id are echoed exactly as sent.
    @Test func idsAreEchoedUnchanged() throws {
        let server = try TestServer()
        let c = try server.connect()
        try c.send(raw: #"{"jsonrpc":"2.0","id":"abc-1","method":"parseSku","params":{"sku":"1"}}"# + "\n")
        #expect(try c.readLine()!.hasPrefix(#"{"jsonrpc":"2.0","id":"abc-1","#))
        try c.send(raw: #"{"jsonrpc":"2.0","id":1.50,"method":"parseSku","params":{"sku":"1"}}"# + "\n")
        #expect(try c.readLine()!.hasPrefix(#"{"jsonrpc":"2.0","id":1.50,"#))
        try c.send(raw: #"{"jsonrpc":"2.0","id":null,"method":"parseSku","params":{"sku":"1"}}"# + "\n")
        #expect(try c.readLine()!.hasPrefix(#"{"jsonrpc":"2.0","id":null,"result""#))
        // Scripts written before the service may leave out "jsonrpc"; the reply still carries it.
        try c.send(raw: #"{"id":7,"method":"parseSku","params":{"sku":"1"}}"# + "\r\n\n   \n")
        #expect(try c.readLine()!.hasPrefix(#"{"jsonrpc":"2.0","id":7,"result""#))
    }
}
