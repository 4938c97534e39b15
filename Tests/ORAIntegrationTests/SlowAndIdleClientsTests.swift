import Testing
import Foundation
import ORAProtocol

func residentMegabytes(_ pid: Int32) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
    return kb / 1024
}

@Suite struct SlowAndIdleClientsTests {
    /// 1,000 idle connections are held cheaply while another client is served.
    @Test func thousandIdleConnections() throws {
        let server = try TestServer()
        let idle = try (0..<1000).map { _ in try server.connect() }
        let c = try server.connect()
        #expect(try c.call("status")["connections"] == 1001)
        for i in 0..<100 { #expect(try c.call("parseSku", ["sku": .string("1 - \(i)")])["valid"] == true) }
        let rss = residentMegabytes(server.process.processIdentifier)
        print("1000 idle connections: server RSS \(rss) MB (debug build)")
        #expect(rss > 0 && rss < 64)
        #expect(idle.count == 1000)
    }

    /// A client that sends without ever reading stops being read; memory stays bounded and others are served.
    @Test func neverReadingClientIsBounded() throws {
        let server = try TestServer()
        try seedMasterData(try server.connect())
        let hog = try server.connect()
        var flags = fcntl(hog.fd, F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(hog.fd, F_SETFL, flags)
        let request = Array(#"{"jsonrpc":"2.0","id":1,"method":"listLots","params":{}}"#.utf8) + [0x0A]
        let chunk = Array(repeating: request, count: 1000).flatMap { $0 }
        var accepted = 0
        let deadline = Date().addingTimeInterval(4)
        while Date() < deadline {
            let n = chunk.withUnsafeBytes { send(hog.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { accepted += n } else { usleep(20_000) }
        }
        let rss = residentMegabytes(server.process.processIdentifier)
        print("never-reading client: \(accepted / 1024) KiB accepted by the kernel and server, server RSS \(rss) MB")
        // The server stopped reading long before 4 s of sending: far less than what a free-flowing link takes.
        #expect(accepted < 64 << 20)
        #expect(rss > 0 && rss < 256)
        let other = try server.connect()
        #expect(try other.call("recordShipment", shipment("while-hogged", day(), [("18000", 1)]))["status"] == "created")
    }
}
