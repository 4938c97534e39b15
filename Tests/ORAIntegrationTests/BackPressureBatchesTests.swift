import Testing
import Foundation
import ORAJSON
import ORAProtocol

@Suite struct BackPressureBatchesTests {
    /// Batches mixing writes and reads, sent past --max-in-flight without reading, are all answered, in order, each read seeing the write before it.
    @Test func mixedBatchesPastTheLimit() throws {
        let server = try TestServer(arguments: ["--max-in-flight", "16"])
        let c = try server.connect()
        try seedMasterData(c)
        var payload = ""
        for b in 0..<50 {
            var entries: [String] = []
            for k in 0..<50 {
                let order = "BP-\(b)-\(k)"
                entries.append(JSONWriter.string(["jsonrpc": "2.0", "id": .string("w\(order)"), "method": "recordShipment",
                                                  "params": shipment(order, day(), [("18000", k + 1)])]))
                entries.append(JSONWriter.string(["jsonrpc": "2.0", "id": .string("r\(order)"), "method": "shippedItems",
                                                  "params": ["orderNumber": .string(order)]]))
            }
            payload += "[" + entries.joined(separator: ",") + "]\n"
        }
        // Send everything from another thread (the server stops reading us long before the end)
        // while this one reads: the socket is shared, the client object is not.
        let fd = c.fd, bytes = Array(payload.utf8)
        Thread.detachNewThread {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                offset += n
            }
        }
        for b in 0..<50 {
            let replies = try #require(try c.readJSON(timeout: 30).arrayValue)
            #expect(replies.count == 100)
            for k in 0..<50 {
                #expect(replies[2 * k]["result"]?["status"] == "created")
                #expect(replies[2 * k + 1]["id"] == .string("rBP-\(b)-\(k)"))
                #expect(replies[2 * k + 1]["result"]?["totalUnits"] == .int(k + 1))
            }
        }
    }
}
