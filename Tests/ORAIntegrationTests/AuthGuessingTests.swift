// Guessing tokens cannot be sped up by batching, and one connection's wrong tokens never hold up
// another connection's reply.

import Foundation
import ORAJSON
import ORAProtocol
import Testing

@Suite struct AuthGuessingTests {
    func tokenServer() throws -> (TestServer, String) {
        let dir = TempDir()
        let token = "s3cret-token-\(UUID().uuidString)"
        try (token + "\n").write(toFile: dir.path("token"), atomically: true, encoding: .utf8)
        chmod(dir.path("token"), 0o600)
        return (try TestServer(arguments: ["--token-file", dir.path("token")], dir: dir), token)
    }

    /// Seven wrong tokens then the right one in one batch: the first is compared, and nothing
    /// after it in the batch runs (the right token and the write are refused unread).
    @Test func aBatchOfGuessesStopsAtTheFirstWrongToken() throws {
        let (server, token) = try tokenServer()
        let c = try server.connect()
        var entries = (1...7).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"auth","params":{"token":"wrong-\#($0)-xxxxxxxxxxxx"}}"# }
        entries.append(#"{"jsonrpc":"2.0","id":8,"method":"auth","params":{"token":"\#(token)"}}"#)
        entries.append(#"{"jsonrpc":"2.0","id":9,"method":"upsertSku","params":{"skuCode":"17612","productName":"Widget"}}"#)
        try c.send(raw: "[" + entries.joined(separator: ",") + "]\n")
        let reply = try #require(try c.readJSON(timeout: 5).arrayValue)
        #expect(reply.count == 9)
        #expect(reply.allSatisfy { $0["error"]?["code"] == -32010 && $0["result"] == nil })
        #expect(reply.dropFirst().allSatisfy { $0["error"]?["message"]?.stringValue?.contains("after a wrong token") == true })
        #expect(server.stderr.text.contains("wrong token (1 of 3)") && !server.stderr.text.contains("wrong token (2 of 3)"))
        #expect(try c.callError("listSkus").code == -32010)  // still not authenticated
        let fresh = try server.connect()
        _ = try fresh.call("auth", ["token": .string(token)])
        #expect(try fresh.call("listSkus")["skus"] == [])  // the batched upsertSku never ran
    }

    /// Wrong tokens sent as notifications cost the same delay as any other (nothing of the
    /// connection runs meanwhile), and the third closes the connection: a probe behind them never
    /// tells whether a guess was right.
    @Test func guessesAsNotificationsAreDelayedToo() throws {
        let (server, _) = try tokenServer()
        let c = try server.connect()
        let guesses = (1...3).map { #"{"jsonrpc":"2.0","method":"auth","params":{"token":"wrong-\#($0)-xxxxxxxxxxxx"}}"# }
        let started = Date()
        try c.send(raw: guesses.joined(separator: "\n") + "\n" + #"{"jsonrpc":"2.0","id":99,"method":"listSkus"}"# + "\n")
        #expect(c.isClosedByPeer(timeout: 5))
        let took = Date().timeIntervalSince(started)
        #expect(took >= 0.45, "three wrong tokens took \(took) s")
        let deadline = Date().addingTimeInterval(5)
        while !server.stderr.text.contains("wrong token (3 of 3)") && Date() < deadline { usleep(20_000) }
        #expect(server.stderr.text.contains("wrong token (3 of 3)"), "\(server.stderr.text.suffix(600))")
    }

    /// A wrong token is answered after its own delay, even while other connections keep sending
    /// wrong tokens (each used to push the one shared timer back).
    @Test func otherConnectionsGuessesDoNotDelayAReply() throws {
        let (server, _) = try tokenServer()
        let stop = DispatchSemaphore(value: 0)
        let port = server.port
        let attacker = Thread {
            var conn: RPCClient? = nil
            var sent = 0
            while stop.wait(timeout: .now() + 0.15) == .timedOut {
                if conn == nil || sent == 2 { conn = try? RPCClient(port: port); sent = 0 }
                try? conn?.send(raw: #"{"jsonrpc":"2.0","id":1,"method":"auth","params":{"token":"attacker-xxxxxxxxxxxxxx"}}"# + "\n")
                sent += 1
            }
        }
        attacker.start()
        usleep(500_000)
        let victim = try server.connect()
        let started = Date()
        #expect(try victim.callError("auth", ["token": "victim-wrong-xxxxxxxxxxxx"]).code == -32010)
        let waited = Date().timeIntervalSince(started)
        stop.signal()
        print("wrong-token reply after \(Int(waited * 1000)) ms while another client guessed every 150 ms")
        #expect(waited >= 0.2 && waited < 1.5, "the reply waited \(waited) s")
    }
}
