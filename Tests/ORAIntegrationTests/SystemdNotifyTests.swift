import Testing
import Foundation

/// sd_notify: with $NOTIFY_SOCKET the server says READY=1 once it serves, WATCHDOG=1 from the loop
/// at half of $WATCHDOG_USEC, and STOPPING=1 when SIGTERM comes (deploy/systemd's Type=notify).
@Suite struct SystemdNotifyTests {
    /// A datagram socket standing in for systemd's, collecting what arrives.
    final class NotifySocket: @unchecked Sendable {
        let path: String
        let fd: Int32

        init(dir: TempDir) {
            path = dir.path("notify.sock")
            fd = socket(AF_UNIX, 2 /* SOCK_DGRAM on Linux */, 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(fd) }

        /// The next datagram, nil after 10 s.
        func next() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : nil
        }
    }

    @Test func readyWatchdogStopping() throws {
        let dir = TempDir()
        let notify = NotifySocket(dir: dir)
        let server = try TestServer(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "200000"])
        let ready = notify.next()
        #expect(ready?.contains("READY=1") == true && ready?.contains("MAINPID=") == true, "\(ready ?? "nothing")")
        var pings = 0
        while pings < 3, let message = notify.next() { if message == "WATCHDOG=1" { pings += 1 } }
        #expect(pings == 3)
        #expect(server.stop(signal: SIGTERM) == 0)
        var stopping = false
        while !stopping, let message = notify.next() { stopping = message.hasPrefix("STOPPING=1") }
        #expect(stopping)
    }

    /// A watchdog meant for another process (WATCHDOG_PID) is not this one's to ping.
    @Test func anotherProcessesWatchdogIsLeftAlone() throws {
        let dir = TempDir()
        let notify = NotifySocket(dir: dir)
        let server = try TestServer(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "100000", "WATCHDOG_PID": "1"])
        #expect(notify.next()?.contains("READY=1") == true)
        var timeout = timeval(tv_sec: 0, tv_usec: 400_000)
        setsockopt(notify.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        #expect(notify.next() == nil)
        _ = server.stop(signal: SIGTERM)
    }
}
