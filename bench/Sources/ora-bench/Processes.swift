// Children of the bench: a fresh ora-server on a temp database, and a blocking client for the
// few calls made outside measurement (status, seeding, validate).

import COpenSSL
import Foundation
import ORAJSON
import ORAProtocol

final class ServerProcess {
    let process = Process()
    let port: Int
    let database: String

    init(binary: String, database: String, extra: [String] = []) throws {
        self.database = database
        process.executableURL = URL(fileURLWithPath: binary)
        // The start line (logged at info) names the port the kernel chose.
        process.arguments = ["--database", database, "--listen", "127.0.0.1:0"] + extra + (ProcessInfo.processInfo.environment["ORA_BENCH_DEBUG"] != nil ? ["--log-level", "debug"] : [])
        let logs = Pipe()
        process.standardError = logs
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        let handle = logs.fileHandleForReading
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let r = text.range(of: "listen=127.0.0.1:"), let p = Int(text[r.upperBound...].prefix(while: \.isNumber)) {
                port = p
                // Keep draining so the server never blocks on a full pipe.
                let echo = ProcessInfo.processInfo.environment["ORA_BENCH_DEBUG"] != nil
                handle.readabilityHandler = { h in
                    let data = h.availableData
                    if echo { FileHandle.standardError.write(data) }
                }
                return
            }
        }
        throw BenchError("ora-server did not start: \(text)")
    }

    var pid: Int32 { process.processIdentifier }

    var residentMegabytes: Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
        return kb / 1024
    }

    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        process.waitUntilExit()
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

final class BlockingClient {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var id = 0
    /// With `tlsCA`: the TLS session (no name check: the bench's own server on 127.0.0.1).
    private var ssl: OpaquePointer?
    private var context: OpaquePointer?

    init(port: Int, tlsCA: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { close(fd); throw BenchError("connect failed: \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if let tlsCA {
            context = SSL_CTX_new(TLS_client_method())
            guard let context, SSL_CTX_load_verify_locations(context, tlsCA, nil) == 1 else { throw BenchError("cannot load \(tlsCA)") }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            ssl = SSL_new(context)
            SSL_set_fd(ssl, fd)
            guard SSL_connect(ssl) == 1 else { throw BenchError("TLS handshake failed") }
        }
    }

    deinit {
        if let ssl { SSL_free(ssl) }
        if let context { SSL_CTX_free(context) }
        close(fd)
    }

    func call(_ method: String, _ params: JSON? = nil) throws -> JSON {
        id += 1
        var request = JSONObject([("jsonrpc", "2.0"), ("id", .int(id)), ("method", .string(method))])
        if let params { request["params"] = params }
        let line = JSONWriter.bytes(.object(request)) + [0x0A]
        _ = line.withUnsafeBytes { p in ssl.map { Int(SSL_write($0, p.baseAddress, Int32(p.count))) } ?? send(fd, p.baseAddress, p.count, Int32(MSG_NOSIGNAL)) }
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                let reply = try JSONParser.parse(buffer[..<nl])
                buffer.removeFirst(nl + 1)
                if let error = reply["error"] { throw BenchError("\(method): \(JSONWriter.string(error))") }
                return reply["result"] ?? .null
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { p in ssl.map { Int(SSL_read($0, p.baseAddress, Int32(p.count))) } ?? recv(fd, p.baseAddress, p.count, 0) }
            guard n > 0 else { throw BenchError("connection closed") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}

/// Runs a command to its end; returns its standard output.
/// Runs `executable` and returns what it printed; one still running after `timeoutSeconds` is
/// killed and reported (redis-benchmark 7.0 spins for ever when its first connect fails).
func capture(_ executable: String, _ arguments: [String], timeoutSeconds: Double = 300) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let overdue = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds, execute: overdue)
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    overdue.cancel()
    let command = "\(executable) \(arguments.joined(separator: " "))"
    if process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL {
        throw BenchError("\(command) did not finish within \(Int(timeoutSeconds)) s; killed")
    }
    guard process.terminationStatus == 0 else { throw BenchError("\(command) exited \(process.terminationStatus)") }
    return String(decoding: data, as: UTF8.self)
}

/// A TCP port on 127.0.0.1 nobody listens on now (the kernel's choice for port 0).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { a in
        a.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw BenchError("cannot find a free port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits until something accepts connections on 127.0.0.1:`port`; false after `timeoutSeconds`.
func waitUntilListening(port: Int, timeoutSeconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while Date() < deadline {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        close(fd)
        if rc == 0 { return true }
        usleep(20_000)
    }
    return false
}

func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// A parent may start the bench with SIGTERM blocked (Foundation's Process passes its mask on, and
/// the test runner blocks it). Children inherit the mask, and a redis-server that never sees the
/// SIGTERM of `redis()` keeps the bench waiting for ever. ora-server does the same for itself
/// (Server.unblockStopSignals).
func unblockStopSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTERM)
    sigaddset(&set, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}
