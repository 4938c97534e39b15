// A libuv load generator: many client connections on one loop, each keeping `depth` requests in
// flight from pre-built lines (no encoding while measuring), timing every request. Replies on a
// connection come in request order, so a FIFO of send times gives each reply its latency.

import CLibUV
import DequeModule
import Foundation

final class LoadGenerator {
    struct Result {
        let requests: Int
        let errors: Int
        let seconds: Double
        /// Every request's latency, sorted.
        let latenciesMicros: [UInt32]

        init(requests: Int, errors: Int, seconds: Double, latenciesMicros: [UInt32]) {
            self.requests = requests
            self.errors = errors
            self.seconds = seconds
            self.latenciesMicros = latenciesMicros.sorted()
        }

        var perSecond: Double { Double(requests) / seconds }
        /// In milliseconds.
        func percentile(_ p: Double) -> Double {
            guard !latenciesMicros.isEmpty else { return 0 }
            return Double(latenciesMicros[min(latenciesMicros.count - 1, Int(Double(latenciesMicros.count) * p))]) / 1000
        }
    }

    final class Client {
        let handle = UnsafeMutableRawPointer.allocate(byteCount: uv_handle_size(UV_TCP), alignment: 16)
        let connectRequest = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
        unowned let generator: LoadGenerator
        let lines: Range<Int>
        var next: Int
        var sentAt = Deque<UInt64>()
        var lineStart = true
        var scanned = 0
        var head: [UInt8] = []

        init(generator: LoadGenerator, lines: Range<Int>) {
            self.generator = generator
            self.lines = lines
            next = lines.lowerBound
        }

        deinit {
            handle.deallocate()
            connectRequest.deallocate()
        }
    }

    private let loop = UnsafeMutablePointer<uv_loop_t>.allocate(capacity: 1)
    private let arena: UnsafeMutableRawBufferPointer
    private let offsets: [(Int, Int)]
    private var clients: [Client] = []
    private let depth: Int
    private var latencies: [UInt32] = []
    private var errors = 0
    private var remaining = 0
    let readBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: 1 << 16)

    /// `lines` are split evenly over `connections`; each connection keeps `depth` in flight.
    init(lines: [[UInt8]], connections: Int, depth: Int) {
        let total = lines.reduce(0) { $0 + $1.count }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, total), alignment: 16)
        self.arena = arena
        var offsets: [(Int, Int)] = []
        var at = 0
        for line in lines {
            line.withUnsafeBytes { arena.baseAddress!.advanced(by: at).copyMemory(from: $0.baseAddress!, byteCount: line.count) }
            offsets.append((at, line.count))
            at += line.count
        }
        self.offsets = offsets
        self.depth = depth
        uv_loop_init(loop)
        let per = lines.count / connections
        for c in 0..<connections {
            let end = c == connections - 1 ? lines.count : (c + 1) * per
            clients.append(Client(generator: self, lines: (c * per)..<end))
        }
        latencies.reserveCapacity(lines.count)
        remaining = lines.count
    }

    deinit {
        uv_loop_close(loop)
        loop.deallocate()
        arena.deallocate()
        readBuffer.deallocate()
    }

    /// Connects every client, runs until every line is answered, returns the measurements.
    func run(port: Int) -> Result {
        var address = sockaddr_in()
        uv_ip4_addr("127.0.0.1", Int32(port), &address)
        let started = DispatchTime.now().uptimeNanoseconds
        for client in clients {
            uv_tcp_init(loop, client.handle.assumingMemoryBound(to: uv_tcp_t.self))
            uv_tcp_nodelay(client.handle.assumingMemoryBound(to: uv_tcp_t.self), 1)
            ora_handle(client.handle)!.pointee.data = Unmanaged.passUnretained(client).toOpaque()
            client.connectRequest.pointee.data = Unmanaged.passUnretained(client).toOpaque()
            withUnsafePointer(to: &address) { a in
                a.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = uv_tcp_connect(client.connectRequest, client.handle.assumingMemoryBound(to: uv_tcp_t.self), $0, onConnect) }
            }
        }
        uv_run(loop, UV_RUN_DEFAULT)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return Result(requests: latencies.count, errors: errors, seconds: seconds, latenciesMicros: latencies)
    }

    fileprivate func connected(_ client: Client) {
        uv_read_start(ora_stream(client.handle), onAlloc, onRead)
        for _ in 0..<depth { send(client) }
    }

    fileprivate func send(_ client: Client) {
        guard client.next < client.lines.upperBound else {
            if client.sentAt.isEmpty { uv_close(ora_handle(client.handle), nil) }
            return
        }
        let (offset, count) = offsets[client.next]
        client.next += 1
        let line = arena.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
        client.sentAt.append(DispatchTime.now().uptimeNanoseconds)
        // Written at once when it fits (the usual case): no request and no epoll change. What
        // does not fit, or waits behind a queued write, goes through uv_write from the arena.
        var buffer = uv_buf_init(line, UInt32(count))
        let sent = max(0, Int(uv_try_write(ora_stream(client.handle), &buffer, 1)))
        guard sent < count else { return }
        let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
        buffer = uv_buf_init(line + sent, UInt32(count - sent))
        uv_write(request, ora_stream(client.handle), &buffer, 1) { req, _ in req?.deallocate() }
    }

    /// Counts reply lines; a reply whose first bytes hold `"error"` counts as an error.
    private static let errorKey = Array(#""error""#.utf8)

    static func holdsError(_ head: [UInt8]) -> Bool {
        guard head.count >= errorKey.count else { return false }
        for start in 0...(head.count - errorKey.count) where head[start] == 0x22 {
            if head[start..<(start + errorKey.count)].elementsEqual(errorKey) { return true }
        }
        return false
    }

    fileprivate func received(_ client: Client, _ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            if client.head.count < 48 { client.head.append(byte) }
            guard byte == 0x0A else { continue }
            let now = DispatchTime.now().uptimeNanoseconds
            if let sent = client.sentAt.popFirst() { latencies.append(UInt32(min(UInt64(UInt32.max), (now - sent) / 1000))) }
            if Self.holdsError(client.head) { errors += 1 }
            client.head.removeAll(keepingCapacity: true)
            remaining -= 1
            send(client)
        }
    }
}

private func client(_ pointer: UnsafeMutableRawPointer?) -> LoadGenerator.Client {
    Unmanaged<LoadGenerator.Client>.fromOpaque(pointer!).takeUnretainedValue()
}

private func onConnect(_ request: UnsafeMutablePointer<uv_connect_t>?, _ status: Int32) {
    let c = client(request!.pointee.data)
    guard status == 0 else { fatalError("bench: cannot connect: \(String(cString: uv_strerror(status)))") }
    c.generator.connected(c)
}

private func onAlloc(_ handle: UnsafeMutablePointer<uv_handle_t>?, _ size: Int, _ buf: UnsafeMutablePointer<uv_buf_t>?) {
    let c = client(handle!.pointee.data)
    buf!.pointee = uv_buf_init(c.generator.readBuffer, UInt32(1 << 16))
}

private func onRead(_ stream: UnsafeMutablePointer<uv_stream_t>?, _ nread: Int, _ buf: UnsafePointer<uv_buf_t>?) {
    let c = client(stream!.pointee.data)
    if nread > 0 {
        c.generator.received(c, UnsafeRawBufferPointer(start: buf!.pointee.base, count: nread))
    } else if nread < 0 {
        uv_close(ora_handle(UnsafeMutableRawPointer(stream!)), nil)
    }
}
