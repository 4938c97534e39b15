// A blocking JSON-RPC connection for the command line: one request, one reply line, with a deadline.

import COpenSSL
import Foundation
import ORAJSON
import ORAProtocol

/// `--tls`: verify the server against `caFile` (else the system's CAs) and its name or address.
struct TLSOptions {
    var caFile: String?
}

enum ClientFailure: Error {
    /// The server answered with an error (exit 1).
    case server(RPCError)
    /// Cannot connect, connection lost, or no reply in time (exit 3).
    case transport(String)
}

final class Connection {
    private let fd: Int32
    private let timeout: Double
    private var ssl: OpaquePointer?
    private var context: OpaquePointer?
    private var buffer: [UInt8] = []
    private var nextID = 1

    init(address: ListenAddress, timeout: Double, tls: TLSOptions? = nil) throws(ClientFailure) {
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
        if let tls { try startTLS(tls, address: address) }
    }

    deinit {
        if let ssl { SSL_shutdown(ssl); SSL_free(ssl) }
        if let context { SSL_CTX_free(context) }
        close(fd)
    }

    private func startTLS(_ options: TLSOptions, address: ListenAddress) throws(ClientFailure) {
        func failure(_ what: String) -> ClientFailure {
            var reasons: [String] = []
            while case let code = ERR_get_error(), code != 0 {
                var text = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &text, text.count)
                reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return .transport(what + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")))
        }
        // The handshake and every read and write wait at most `timeout`.
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw failure("cannot create a TLS context") }
        self.context = context
        _ = ora_ssl_ctx_set_min_tls12(context)
        if let ca = options.caFile {
            guard SSL_CTX_load_verify_locations(context, ca, nil) == 1 else { throw failure("cannot load --tls-ca \(ca)") }
        } else {
            SSL_CTX_set_default_verify_paths(context)
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard let ssl = SSL_new(context) else { throw failure("cannot start TLS") }
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        if case .tcp(let host, _) = address {
            let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            var probe = in6_addr()
            if inet_pton(AF_INET, bare, &probe) == 1 || inet_pton(AF_INET6, bare, &probe) == 1 {
                X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), bare)
            } else {
                SSL_set1_host(ssl, bare)
                _ = ora_ssl_set_tlsext_host_name(ssl, bare)
            }
        }
        guard SSL_connect(ssl) == 1 else { throw failure("TLS handshake with \(address) failed") }
    }

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
        // A reply to another request (or none that says which) means the connection is out of
        // step: nothing it says can be trusted.
        guard reply["id"] == .int(Int64(id)) || (reply["id"] == .null && reply["error"] != nil) else {
            throw .transport("reply out of step: expected id \(id), got \(reply["id"].map { JSONWriter.string($0) } ?? "none")")
        }
        guard reply["result"] != nil || reply["error"] != nil else {
            throw .transport("the reply holds neither a result nor an error")
        }
        if let error = reply["error"] {
            throw .server(RPCError(code: Int(error["code"]?.int64Value ?? -32603), reason: error["data"]?["reason"]?.stringValue ?? "",
                                   message: error["message"]?.stringValue ?? "error", extra: (error["data"]?.objectValue?.members ?? []).map { ($0.key, $0.value) }))
        }
        return reply["result"] ?? .null
    }

    private func send(_ bytes: [UInt8]) throws(ClientFailure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { p in
                ssl.map { Int(SSL_write($0, p.baseAddress, Int32(p.count))) } ?? Foundation.send(fd, p.baseAddress, p.count, Int32(MSG_NOSIGNAL))
            }
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
            if let ssl {
                // The socket's receive timeout bounds each read.
                var chunk = [UInt8](repeating: 0, count: 65536)
                let n = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
                guard n > 0 else { throw .transport(SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN ? "the server closed the connection" : "no reply within \(timeout) s") }
                buffer.append(contentsOf: chunk[..<Int(n)])
                continue
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(min(remaining, 3600) * 1000)) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { throw .transport("the server closed the connection") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}
