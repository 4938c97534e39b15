import Testing
import ORATestSupport
import Foundation
import ORAJSON
import ORAProtocol

@Suite struct HostileInputTests {
    /// Thousands of random and malformed lines change nothing and leave the server healthy.
    @Test func randomAndMalformedLinesChangeNothing() throws {
        let server = try TestServer()
        let setup = try server.connect()
        try seedMasterData(setup)
        _ = try setup.call("recordShipment", shipment("KEEP", day(), [("17612 - 250300", 2)]))
        let before = try setup.call("shippedItems", ["date": .string(day())])
        let countsBefore = try setup.call("status")["counts"]

        var rng = SplitMix(seed: 0x0A11CE)
        let c = try server.connect()
        var sent = 0
        for i in 0..<4000 {
            var line = HostileLines.make(&rng, i)
            line.removeAll { $0 == 0x0A }
            try c.send(bytes: line + [0x0A])
            sent += 1
            if i % 200 == 199 {
                // Drain what came back so far; every reply is one well-formed JSON line.
                try c.send(raw: #"{"jsonrpc":"2.0","id":"sync","method":"parseSku","params":{"sku":"1"}}"# + "\n")
                while true {
                    let reply = try c.readJSON()
                    if reply["id"] == "sync" { break }
                    #expect(reply["jsonrpc"] == "2.0" || reply.arrayValue != nil)
                }
            }
        }
        let after = try server.connect()
        #expect(try after.call("shippedItems", ["date": .string(day())]) == before)
        #expect(try after.call("status")["counts"] == countsBefore)
        let health = try after.call("validate")
        #expect(health["checks"]?.arrayValue?.filter { $0["status"] == "error" } == [])
        #expect(sent == 4000)
    }
}


enum HostileLines {
    static let methods = ["recordShipment", "parseSku", "upsertSku", "upsertLot", "reconcileDate", "validate", "status", "shippedItems", "nope", "", "auth", "backup"]
    static let values: [String] = ["null", "true", "1.5", "\"2\"", "-1", "0", "1e30", "99999999999999999999", "[]", "{}", "\"\"",
                                   "\"2025-02-30\"", "\"17612 - 25O300\"", "\"１７６１２\"", "[1,2]", "{\"a\":[{}]}", "\"\\ud800\"", "-0", "1E400"]

    static func make(_ rng: inout SplitMix, _ i: Int) -> [UInt8] {
        switch i % 8 {
        case 0:  // random bytes
            return (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case 1:  // deep nesting
            let depth = Int.random(in: 60...5000, using: &rng)
            return Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        case 2:  // invalid UTF-8 inside a string
            return Array(#"{"jsonrpc":"2.0","id":1,"method":"parseSku","params":{"sku":""#.utf8) + [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80] + Array("\"}}".utf8)
        case 3:  // wrong types everywhere (writes would need the right types: none of these are valid)
            let method = methods.randomElement(using: &rng)!
            let v = (0..<9).map { _ in values.randomElement(using: &rng)! }
            return Array(#"{"jsonrpc":"2.0","id":\#(v[0]),"method":"\#(method)","params":{"orderNumber":\#(v[1]),"shipDate":\#(v[2]),"items":[{"sku":\#(v[3]),"quantity":\#(v[4])}],"skuCode":\#(v[5]),"productName":\#(v[6]),"date":\#(v[7]),"shipments":\#(v[8])}}"#.utf8)
        case 4:  // truncated valid request
            let full = Array(#"{"jsonrpc":"2.0","id":4,"method":"recordShipment","params":{"orderNumber":"X","shipDate":"2025-10-06","items":[{"sku":"17612","quantity":1}]}}"#.utf8)
            return Array(full.prefix(Int.random(in: 0..<full.count, using: &rng)))
        case 5:  // huge numbers and odd ids
            return Array(#"{"jsonrpc":"2.0","id":\#(String(repeating: "9", count: Int.random(in: 1...400, using: &rng))),"method":"parseSku","params":{"sku":"1"}}"#.utf8)
        case 6:  // batches of junk
            return Array(("[" + (0..<Int.random(in: 0...30, using: &rng)).map { _ in values.randomElement(using: &rng)! }.joined(separator: ",") + "]").utf8)
        default:  // mutate one byte of a valid write to a SKU that does not exist
            var full = Array(#"{"jsonrpc":"2.0","id":7,"method":"recordShipment","params":{"orderNumber":"Z","shipDate":"2025-10-06","items":[{"sku":"99999","quantity":1}],"backfill":true}}"#.utf8)
            full[Int.random(in: 0..<full.count, using: &rng)] = UInt8.random(in: 0x20...0x7E, using: &rng)
            return full
        }
    }
}
