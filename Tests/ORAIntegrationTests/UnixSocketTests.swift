import Testing
import Foundation
import ORAProtocol

@Suite struct UnixSocketTests {
    func launch(_ dir: TempDir, _ socket: String, _ extra: [String] = []) throws -> (Process, OutputCollector) {
        let (process, _, err) = TestServer.launch(["--database", dir.path("ora.db"), "--listen", "unix:\(socket)"] + extra)
        let log = OutputCollector(err)
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while !log.text.contains("listen=unix:") {
            guard Date() < deadline, process.isRunning else { throw TestError.failed("no start: \(log.text)") }
            usleep(10_000)
        }
        return (process, log)
    }

    func mode(_ path: String) -> Int {
        var info = stat()
        stat(path, &info)
        return Int(info.st_mode & 0o777)
    }

    /// A Unix socket is created 0600 (or --socket-mode), serves ora-client, survives a kill -9 left-over, and is removed on SIGTERM.
    @Test func unixSocketLifecycle() throws {
        let dir = TempDir()
        let socket = dir.path("ora.sock")
        let client = productsDirectory.appendingPathComponent("ora-client").path
        var (server, _) = try launch(dir, socket)
        #expect(mode(socket) == 0o600)
        let (status, out, _) = try runCommand(client, ["status", "--json", "--connect", "unix:\(socket)"])
        #expect(status == 0 && out.contains("\"schemaVersion\""))
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: socket))  // left behind by the crash
        (server, _) = try launch(dir, socket, ["--socket-mode", "660"])
        #expect(mode(socket) == 0o660)
        #expect(try runCommand(client, ["parse-sku", "17612-1", "--connect", "unix:\(socket)"]).0 == 0)
        // A second server on the same socket path (other database) is refused: the socket is live.
        let other = TempDir()
        let (refused, _, err) = try runCommand(productsDirectory.appendingPathComponent("ora-server").path,
                                               ["--database", other.path("ora.db"), "--listen", "unix:\(socket)"])
        #expect(refused != 0 && err.contains("another server is listening"))
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: socket))
    }
}
