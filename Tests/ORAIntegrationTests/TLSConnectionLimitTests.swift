// Over --max-connections a TLS client gets the same precise refusal as a plaintext one, once its
// handshake is done (it used to get a reset: the refusal was written before any handshake).

import Foundation
import ORAJSON
import Testing

@Suite struct TLSConnectionLimitTests {
    /// An openssl s_client kept open (its input never closed), counting as one connection.
    func openClient(_ port: Int, ca: String) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", ca, "-quiet", "-verify_return_error"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, input)
    }

    /// Two TLS clients fill --max-connections 2; the third completes its handshake, reads one
    /// `too_many_connections` line and is closed; the first two are still served afterwards.
    @Test func aTLSClientOverTheLimitIsToldWhy() throws {
        let certs = try TestCertificates()
        let server = try TestServer(arguments: ["--tls-cert", certs.cert, "--tls-key", certs.key, "--max-connections", "2"], dir: certs.dir)
        let held = try (0..<2).map { _ in try openClient(server.port, ca: certs.ca) }
        // s_client -quiet ignores the end of its input: it is ended with SIGKILL.
        func end(_ clients: [(Process, Pipe)]) { for (p, _) in clients where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        defer { end(held) }
        let deadline = Date().addingTimeInterval(10)
        while !server.stderr.text.contains("connection") && Date() < deadline { usleep(50_000) }
        usleep(500_000)
        let (status, out, err) = try runCommand("/usr/bin/timeout", ["20", "/usr/bin/openssl", "s_client", "-connect", "127.0.0.1:\(server.port)",
                                                                     "-CAfile", certs.ca, "-quiet", "-verify_return_error"], input: "")
        let line = out.split(separator: "\n").first.map(String.init) ?? ""
        let reply = try? JSONParser.parse(line)
        #expect(reply?["error"]?["data"]?["reason"] == "too_many_connections" && reply?["id"] == .null, "status \(status), out \(out), err \(err)")
        #expect(status != 124, "s_client was not closed")
        #expect(server.stderr.text.contains("refusing connection"))
        // The held clients still work: ora-client over TLS once they are gone.
        end(held)
        usleep(300_000)
        let client = productsDirectory.appendingPathComponent("ora-client").path
        let (s2, out2, e2) = try runCommand(client, ["status", "--json", "--connect", "127.0.0.1:\(server.port)", "--tls-ca", certs.ca])
        #expect(s2 == 0 && out2.contains("\"version\""), "\(e2)")
    }
}
