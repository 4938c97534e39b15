// A blocking JSON-RPC connection for the command line: one request, one reply line, with a deadline.

import Foundation
import ORAProtocol

enum ClientFailure: Error {
    /// The server answered with an error (exit 1).
    case server(RPCError)
    /// Cannot connect, connection lost, or no reply in time (exit 3).
    case transport(String)
}

final class Connection {
    private let fd: Int32
    private let timeout: Double
    private var buffer: [UInt8] = []
    private var nextID = 1

    init(address: ListenAddress, timeout: Double) throws(ClientFailure) {
        self.timeout = timeout
        switch address {
        case .unix(let path):
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { throw .transport("socket path too long: \(path)") }
            withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
            let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            guard rc == 0 else { close(fd); throw .transport("cannot connect to \(address): \(String(cString: strerror(errno)))") }
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var info: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else { throw .transport("cannot resolve \(host)") }
            defer { freeaddrinfo(info) }
            fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
            guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
                let why = String(cString: strerror(errno))
                close(fd)
                throw .transport("cannot connect to \(address): \(why) (is ora-server running?)")
            }
        }
    }

    deinit { close(fd) }

    /// Sends one request and waits for its result.
    func call(_ method: String, _ params: JSON? = nil) throws(ClientFailure) -> JSON {
        let id = nextID
        nextID += 1
        var request = JSONObject([("jsonrpc", "2.0"), ("id", .int(id)), ("method", .string(method))])
        if let params { request["params"] = params }
        var line = JSONWriter.bytes(.object(request))
        line.append(0x0A)
        try send(line)
        let reply = try readReply()
        if let error = reply["error"] {
            throw .server(RPCError(code: Int(error["code"]?.int64Value ?? -32603), reason: error["data"]?["reason"]?.stringValue ?? "",
                                   message: error["message"]?.stringValue ?? "error", extra: (error["data"]?.objectValue?.members ?? []).map { ($0.key, $0.value) }))
        }
        return reply["result"] ?? .null
    }

    private func send(_ bytes: [UInt8]) throws(ClientFailure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw .transport("connection lost while sending: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    private func readReply() throws(ClientFailure) -> JSON {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<newline]
                defer { buffer.removeFirst(newline + 1) }
                do { return try JSONParser.parse(line) } catch { throw .transport("unreadable reply: \(error.message)") }
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw .transport("no reply within \(timeout) s") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(min(remaining, 3600) * 1000)) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { throw .transport("the server closed the connection") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}
