import Testing
import Foundation
import ORAProtocol

@Suite struct AuthAndLimitsTests {
    func tokenFile(_ dir: TempDir, mode: mode_t = 0o600) throws -> (String, String) {
        let token = "s3cret-token-\(UUID().uuidString)"
        let path = dir.path("token")
        try (token + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, mode)
        return (path, token)
    }

    /// With a token, every call but auth gets -32010 until auth succeeds; a wrong token is refused after a delay.
    @Test func tokenIsRequiredFirst() throws {
        let dir = TempDir()
        let (file, token) = try tokenFile(dir)
        let server = try TestServer(arguments: ["--token-file", file], dir: dir)
        let c = try server.connect()
        #expect(try c.callError("status").code == -32010)
        #expect(try c.callError("rpc.discover").reason == "unauthorized")
        let started = Date()
        #expect(try c.callError("auth", ["token": "wrong-token-of-some-length"]).code == -32010)
        #expect(Date().timeIntervalSince(started) >= 0.2)
        #expect(try c.callError("status").code == -32010)
        #expect(try c.call("auth", ["token": .string(token)]) == ["authenticated": true, "required": true])
        #expect(try c.call("status")["version"] != nil)
        // Another connection is not authenticated by the first one's auth.
        #expect(try server.connect().callError("listSkus").code == -32010)
        // ora-client passes --token-file.
        let client = productsDirectory.appendingPathComponent("ora-client").path
        let (status, out, _) = try runCommand(client, ["status", "--json", "--connect", "127.0.0.1:\(server.port)", "--token-file", file])
        #expect(status == 0 && out.contains("\"version\""))
    }

    /// Off loopback without a token, or with a token file others can read, the server refuses to start.
    @Test func unsafeConfigurationsAreRefused() throws {
        let dir = TempDir()
        let bin = productsDirectory.appendingPathComponent("ora-server").path
        let (s1, _, e1) = try runCommand(bin, ["--database", dir.path("a.db"), "--listen", "0.0.0.0:0"])
        #expect(s1 != 0 && e1.contains("--token-file"))
        let (file, _) = try tokenFile(dir, mode: 0o644)
        let (s2, _, e2) = try runCommand(bin, ["--database", dir.path("a.db"), "--listen", "127.0.0.1:0", "--token-file", file])
        #expect(s2 != 0 && e2.contains("chmod 600"))
    }

    /// Past --max-connections a new connection gets one error line and is closed; the others keep working.
    @Test func connectionLimit() throws {
        let server = try TestServer(arguments: ["--max-connections", "5"])
        let open = try (0..<5).map { _ in try server.connect() }
        for c in open { #expect(try c.call("parseSku", ["sku": "1"])["valid"] == true) }
        let extra = try server.connect()
        let refusal = try extra.readJSON()
        #expect(refusal["error"]?.reason == "too_many_connections" && refusal["id"] == .null)
        #expect(extra.isClosedByPeer())
        #expect(try open[0].call("status")["connections"] == 5)
    }

    /// A full write queue answers -32011 and writes nothing for those requests; everything acknowledged is stored.
    @Test func overloadedWritesAreRefusedWhole() throws {
        let server = try TestServer(arguments: ["--write-queue-depth", "1"])
        let c = try server.connect()
        try seedMasterData(c)
        var lines = ""
        for i in 0..<300 {
            lines += recordLine(id: .int(i), shipment("O\(i)", day(), [("17612 - 250300", 1)]))
        }
        try c.send(raw: lines)
        var stored: [String] = [], refused: [String] = []
        for i in 0..<300 {
            let r = try c.readJSON()
            if r["result"] != nil { stored.append("O\(i)") } else if r["error"]?.code == -32011 { refused.append("O\(i)") }
        }
        #expect(stored.count + refused.count == 300)
        #expect(!refused.isEmpty)
        for order in refused.prefix(20) { #expect(try c.call("shippedItems", ["orderNumber": .string(order)])["totalLines"] == 0) }
        #expect(try c.call("status")["counts"]?["orders"] == .int(stored.count))
    }

    /// A client sending one byte at a time does not hold anyone else up.
    @Test func slowClientDoesNotStallOthers() throws {
        let server = try TestServer()
        let slow = try server.connect()
        let line = Array(#"{"jsonrpc":"2.0","id":"slow","method":"parseSku","params":{"sku":"17612 - 250300"}}"#.utf8)
        try slow.send(bytes: Array(line.prefix(10)))
        let fast = try server.connect()
        for i in 0..<200 { #expect(try fast.call("parseSku", ["sku": .string("17612 - \(i)")])["valid"] == true) }
        // The slow line is still incomplete, yet the fast client has had all its answers.
        for byte in line.dropFirst(10) { try slow.send(bytes: [byte]); usleep(2_000) }
        try slow.send(raw: "\n")
        #expect(try slow.readJSON()["id"] == "slow")
    }
}
