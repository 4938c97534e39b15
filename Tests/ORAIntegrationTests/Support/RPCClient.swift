// A blocking line client for tests: send raw lines, read reply lines with a timeout.

import Foundation
import ORAJSON
import ORAProtocol

final class RPCClient {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var nextID = 1

    init(port: Int, host: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw TestError.failed("connect to port \(port) failed: errno \(errno)") }
    }

    deinit { close(fd) }

    func send(raw: String) throws { try send(bytes: Array(raw.utf8)) }

    func send(bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestError.failed("send failed: errno \(errno)") }
            offset += n
        }
    }

    /// The next reply line, or nil on EOF; throws after `timeout` seconds.
    func readLine(timeout: Double = 10) throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw TestError.failed("timed out waiting for a reply line") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(remaining * 1000)) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    func readJSON(timeout: Double = 10) throws -> JSON {
        guard let line = try readLine(timeout: timeout) else { throw TestError.failed("connection closed") }
        return try JSONParser.parse(line)
    }

    /// Sends one request and returns the whole response object.
    func request(_ method: String, _ params: JSON? = nil) throws -> JSON {
        let id = nextID
        nextID += 1
        var object = JSONObject([("jsonrpc", "2.0"), ("id", .int(id)), ("method", .string(method))])
        if let params { object["params"] = params }
        try send(raw: JSONWriter.string(.object(object)) + "\n")
        let reply = try readJSON()
        guard reply["id"] == .int(id) else { throw TestError.failed("reply id mismatch: \(JSONWriter.string(reply))") }
        return reply
    }

    /// The result of a call that must succeed.
    func call(_ method: String, _ params: JSON? = nil) throws -> JSON {
        let reply = try request(method, params)
        guard let result = reply["result"] else { throw TestError.failed("\(method) failed: \(JSONWriter.string(reply))") }
        return result
    }

    /// The error of a call that must fail.
    func callError(_ method: String, _ params: JSON? = nil) throws -> JSON {
        let reply = try request(method, params)
        guard let error = reply["error"] else { throw TestError.failed("\(method) succeeded: \(JSONWriter.string(reply))") }
        return error
    }

    /// Sends what the socket takes now, without waiting (a client that never reads).
    func sendNonBlocking(raw: String) throws {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(fd, F_SETFL, flags) }
        let bytes = Array(raw.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// True when the server closed the connection (EOF) within the timeout.
    func isClosedByPeer(timeout: Double = 5) -> Bool {
        (try? readLine(timeout: timeout)) == .some(nil)
    }
}

extension JSON {
    var code: Int64? { self["code"]?.int64Value }
    var reason: String? { self["data"]?["reason"]?.stringValue }
    var field: String? { self["data"]?["field"]?.stringValue }
}

/// Today and offsets from it in UTC, the zone test servers run in.
func day(_ offset: Int = 0) -> String {
    let date = Date().addingTimeInterval(Double(offset) * 86_400)
    var t = time_t(date.timeIntervalSince1970)
    var parts = tm()
    gmtime_r(&t, &parts)
    return String(format: "%04d-%02d-%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday)
}

/// The usual master data: three SKUs, one received lot.
func seedMasterData(_ c: RPCClient) throws {
    _ = try c.call("upsertSku", ["skuCode": "17612", "productName": "Widget", "reorderPoint": 100])
    _ = try c.call("upsertSku", ["skuCode": "17904", "productName": "Gadget"])
    _ = try c.call("upsertSku", ["skuCode": "18000", "productName": "Gizmo"])
    _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "250300", "receivedDate": "2025-01-10", "initialQty": 1000])
}

func shipment(_ order: String, _ date: String, _ items: [(String, Int)], extra: [(String, JSON)] = []) -> JSON {
    var o = JSONObject([("orderNumber", .string(order)), ("shipDate", .string(date)),
                        ("items", .array(items.map { ["sku": .string($0.0), "quantity": .int($0.1)] }))])
    for (k, v) in extra { o[k] = v }
    return .object(o)
}

/// One recordShipment request line (with its newline), for tests that pipeline many.
func recordLine(id: JSON, _ params: JSON) -> String {
    JSONWriter.string(["jsonrpc": "2.0", "id": id, "method": "recordShipment", "params": params]) + "\n"
}
