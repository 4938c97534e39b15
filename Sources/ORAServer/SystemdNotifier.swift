// sd_notify(3) without libsystemd: when systemd starts ora-server with Type=notify it sets
// $NOTIFY_SOCKET, and the server says READY=1 once it serves, STOPPING=1 when it begins to stop,
// and WATCHDOG=1 from the loop every half of $WATCHDOG_USEC (a loop that stops turning stops the
// pings, and systemd restarts the service). Without $NOTIFY_SOCKET every call does nothing.

import CLibUV  // <sys/socket.h> as Server+Listen sees it (SOCK_DGRAM, SOCK_CLOEXEC)
import Foundation

struct SystemdNotifier {
    private let address: [UInt8]?
    /// How often the loop pings the watchdog, in milliseconds (half of $WATCHDOG_USEC).
    let watchdogMillis: UInt64?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let path = environment["NOTIFY_SOCKET"], !path.isEmpty, path.utf8.count < 108 {
            // A leading "@" names Linux's abstract namespace: a NUL byte there.
            var bytes = Array(path.utf8)
            if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
            address = bytes
        } else {
            address = nil
        }
        let pid = environment["WATCHDOG_PID"].flatMap { Int32($0) }
        if address != nil, let usec = environment["WATCHDOG_USEC"].flatMap(UInt64.init), usec >= 2000, pid == nil || pid == getpid() {
            watchdogMillis = usec / 2000
        } else {
            watchdogMillis = nil
        }
    }

    /// Sends one notification; a failure is only returned (systemd may be gone: never fatal).
    @discardableResult
    func notify(_ state: String) -> Bool {
        guard let address else { return true }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: address) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + address.count)
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL), $0, length) }
        }
        return sent == bytes.count
    }
}
