// One client connection on the loop thread: bytes in, lines framed, requests dispatched, replies
// written back in request order.
//
//   onRead -> framer -> handleLine -> RPCDecoder -> dispatch -> (loop | reader | writer)
//   completions (mailbox) -> replies.fill -> flush -> uv_write -> onWrite
//
// (1) Reading stops while the connection holds too much, and resumes at half (ReadPressure.swift).
// (2) Requests of one connection take effect in the order sent (JobOrder.swift).
// (3) The memory of the handle and of this object is released only in `onClose`.
// (4) Every request entry counts until it is done, with an id or without, alone or in a batch:
//     against --max-in-flight (a reply not yet written, or a notification not yet run), and
//     against the memory budget at what it holds once parsed (`Ticket.cost`), from the moment it
//     is queued for a worker until its completion comes back. So a client reading nothing back,
//     or sending only notifications, is stopped at the same bounds.

import CLibUV
import Foundation
import ORAProtocol

final class Connection {
    let id: UInt64
    let handle: UnsafeMutableRawPointer
    unowned let server: Server
    private var framer: LineFramer
    private var replies = ResponseQueue()
    private var unsentBytes = 0
    private var reading = false
    private var closing = false
    /// No more requests are taken; close once every reply is written.
    private var draining = false
    /// Over --max-connections: answered `too_many_connections` and closed (`refuse`).
    private(set) var refused = false
    var authenticated: Bool
    /// Which jobs may start now, and which wait for the opposite kind to finish (2).
    private var order = JobOrder<QueuedJob>()
    /// With --tls-cert: this connection's TLS state (TLS.swift).
    private let tls: TLSSession?
    /// uv_now when it connected and when it last sent a byte (auth and idle timeouts).
    let connectedAt: UInt64
    private(set) var lastActivity: UInt64
    /// Wrong tokens so far (Server+Auth closes the connection at the third).
    var failedAuths = 0
    /// Three wrong tokens: nothing more is executed on this connection, not even a right token.
    var lockedOut: Bool { failedAuths >= Server.maxFailedAuths }
    /// A wrong token was just given: until its delay is over nothing more of this connection runs
    /// (a notification or a batch entry as much as a request with an id), so guessing costs the
    /// delay whatever the framing, and no later call tells sooner whether a guess was right.
    private(set) var penalized = false
    /// This connection's share of the server's memory budget: buffered input, unsent output, and
    /// the lines of requests not yet answered (by reply slot).
    private var usage = 0
    /// (4) What queued jobs hold, and the notifications among them (they have no reply slot).
    private var queuedCost = 0
    private var queuedNotifications = 0

    var stream: UnsafeMutablePointer<uv_stream_t> { ora_stream(handle) }

    init(id: UInt64, handle: UnsafeMutableRawPointer, server: Server) {
        self.id = id
        self.handle = handle
        self.server = server
        framer = LineFramer(maxLineBytes: server.config.maxLineBytes)
        authenticated = server.config.token == nil
        connectedAt = uv_now(server.loop)
        lastActivity = connectedAt
        tls = try? server.config.tls.map(TLSSession.init)
    }

    /// Nothing in flight and nothing unsent (the idle timeout closes only such a connection).
    var isIdle: Bool { inFlight == 0 && unsentBytes == 0 }

    /// Whether a TLS session could not even be created (the connection is then closed).
    var tlsFailed: Bool { server.config.tls != nil && tls == nil }

    // MARK: - Reading

    func startReading() {
        guard !reading, !closing, !draining else { return }
        reading = uv_read_start(stream, onAlloc, onRead) == 0
    }

    func stopReading() {
        guard reading else { return }
        uv_read_stop(stream)
        reading = false
    }

    /// (4) Request entries not done: replies not yet written (each entry of a batch), and
    /// notifications not yet run.
    private var inFlight: Int { replies.pendingEntries + queuedNotifications }

    /// Replies written to the socket's queue or made and not yet taken from the response queue.
    private var outputBytes: Int { unsentBytes + replies.filledBytes }

    private var load: ReadPressure.Load {
        ReadPressure.Load(inFlight: inFlight, outputBytes: outputBytes, unsentBytes: unsentBytes, memory: usage,
                          serverOverBudget: server.overMemoryBudget)
    }

    private var isBackedUp: Bool { server.readPressure.isBackedUp(load) }

    private var hasDrained: Bool { server.readPressure.hasDrained(load) }

    /// Tells the server how much memory this connection holds now. (The server resumes paused
    /// connections later, from its loop, never from inside this call.)
    private func accountMemory() {
        let now = framer.bufferedBytes + outputBytes + queuedCost
        let delta = now - usage
        usage = now
        server.addMemory(delta)
    }

    func received(_ bytes: UnsafeRawBufferPointer) {
        lastActivity = uv_now(server.loop)
        if let tls {
            let plain: [UInt8]
            do {
                plain = try tls.receive(bytes)
            } catch {
                // (TLS.swift (2)) not TLS, or a failed session: no answer, just close.
                server.logger.info("connection \(id): \(error); closing it")
                close()
                return
            }
            write(tls.takeOutput())
            plain.withUnsafeBytes { framer.append($0) }
        } else {
            framer.append(bytes)
        }
        processLines()
    }

    /// The peer closed its side: answer what it sent, then close.
    func peerFinished() {
        if let tls, !tls.isEstablished { close(); return }  // no session: nothing can be answered
        stopReading()
        draining = true
        closeIfDone()
    }

    /// A wrong token: read and run nothing more until `penaltyOver`.
    func penalize() {
        penalized = true
        stopReading()
    }

    func penaltyOver() {
        guard penalized else { return }
        penalized = false
        afterProgress()
    }

    private func processLines() {
        while !draining && !penalized && !isBackedUp, let frame = framer.next() {
            switch frame {
            case .tooLong:
                let seq = replies.reserve()
                replies.fill(seq, part: nil, bytes: RPCResponse.failure(id: .null, error: .lineTooLong(limit: framer.maxLineBytes)))
                server.logger.warning("connection \(id): request line over \(framer.maxLineBytes) bytes; closing it")
                stopReading()
                draining = true
            case .line(let line):
                server.stats.requests.add(1, ordering: .relaxed)
                handleLine(line)
                accountMemory()
            }
        }
        if isBackedUp || penalized {
            stopReading()
            if isBackedUp && server.overMemoryBudget { server.pausedForMemory.insert(id) }
        }
        flush()
    }

    // MARK: - Dispatch

    private func handleLine(_ line: ArraySlice<UInt8>) {
        switch RPCDecoder.decode(line: line, maxDepth: server.config.maxDepth, maxBatch: server.config.maxBatch) {
        case .failure(let error):
            let seq = replies.reserve()
            replies.fill(seq, part: nil, bytes: RPCResponse.failure(id: .null, error: error))
        case .single(let entry):
            let seq = entry.isAnswered ? replies.reserve() : 0
            let cost = Self.cost(of: entry)
            server.dispatch(entry, ticket: { id in Ticket(connection: self.id, seq: seq, part: nil, id: id, cost: cost) }, from: self)
        case .batch(let entries):
            let seq = replies.reserveBatch(parts: entries.filter(\.isAnswered).count)
            var part = 0
            for entry in entries {
                let index = entry.isAnswered ? part : nil
                if entry.isAnswered { part += 1 }
                let cost = Self.cost(of: entry)
                server.dispatch(entry, ticket: { id in Ticket(connection: self.id, seq: seq, part: index, id: id, cost: cost) }, from: self)
            }
        }
    }

    /// (4) A queued job holds its request's parsed values (the params read into the method's own
    /// request values, which keep the same strings), counted twice the parsed JSON's estimate.
    static func cost(of entry: RPCEntry) -> Int { 2 * entry.estimatedBytes }

    /// A job for a reader or the writer: started now, or held behind the opposite kind. It
    /// counts against this connection's bounds until its completion comes back (4).
    func enqueue(_ job: QueuedJob) {
        queuedCost += job.ticket.cost
        if job.ticket.id == nil { queuedNotifications += 1 }
        if order.admit(job) { start(job) }
    }

    private func start(_ job: QueuedJob) {
        guard server.submit(job) else {
            let ticket = job.ticket
            release(ticket)
            if ticket.id != nil {
                replies.fill(ticket.seq, part: ticket.part, bytes: ticket.failure(.overloaded(queueDepth: server.config.writeQueueDepth)))
            }
            return
        }
        order.started(job)
    }

    /// A queued job is done (completed, or refused before it started): it no longer counts.
    private func release(_ ticket: Ticket) {
        queuedCost -= ticket.cost
        if ticket.id == nil { queuedNotifications -= 1 }
    }

    /// A reply for one of this connection's requests (on the loop thread).
    func complete(_ ticket: Ticket, bytes: [UInt8]) {
        if let worker = ticket.worker {
            order.finished(write: worker == .writer)
            release(ticket)
        }
        if ticket.id != nil { replies.fill(ticket.seq, part: ticket.part, bytes: bytes) }
        while let next = order.nextReady() { start(next) }
    }

    // MARK: - Writing

    func flush() {
        guard !closing else { return }
        // Replies wait in the queue until the handshake is done (a refusal made at accept too).
        if let tls, !tls.isEstablished { return }
        var out = replies.takeReady()
        if let tls, !out.isEmpty {
            do { try tls.send(out) } catch { close(); return }
            out = tls.takeOutput()
        }
        write(out)
    }

    /// Bytes for the socket, in order: written now when the socket takes them, else queued.
    private func write(_ out: [UInt8]) {
        guard !closing else { return }
        // Most replies fit the socket's buffer: write them now, without a request, a callback,
        // or the epoll_ctl libuv makes after every completed uv_write. uv_try_write refuses
        // (EAGAIN) while earlier writes are queued, so replies never overtake each other.
        let sent = out.isEmpty ? 0 : out.withUnsafeBufferPointer { p in
            var buffer = uv_buf_init(UnsafeMutableRawPointer(mutating: p.baseAddress!).assumingMemoryBound(to: CChar.self), UInt32(p.count))
            return Int(uv_try_write(stream, &buffer, 1))
        }
        if sent < 0 && sent != Int(UV_EAGAIN.rawValue) {
            close()
            return
        }
        if sent < out.count {
            let write = PendingWrite(out[max(sent, 0)...])
            write.request.pointee.data = Unmanaged.passRetained(write).toOpaque()
            var buffer = uv_buf_init(UnsafeMutableRawPointer(write.bytes).assumingMemoryBound(to: CChar.self), UInt32(write.count))
            let rc = uv_write(write.request, stream, &buffer, 1, onWrite)
            if rc < 0 {
                Unmanaged<PendingWrite>.fromOpaque(write.request.pointee.data).release()
                close()
                return
            }
            unsentBytes += write.count
        }
        afterProgress()
    }

    func wrote(_ count: Int, status: Int32) {
        unsentBytes -= count
        if status < 0 { close(); return }
        afterProgress()
    }

    /// The server's memory fell back under half its budget: read again if nothing else holds us.
    func resumeAfterMemory() {
        afterProgress()
    }

    /// Resumes a paused connection once it has drained, or closes a finished one.
    private func afterProgress() {
        accountMemory()
        if draining { closeIfDone(); return }
        if !reading && !penalized && !isBackedUp && hasDrained {
            startReading()
            if framer.bufferedBytes > 0 { processLines() }
        }
    }

    private func closeIfDone() {
        if replies.pendingCount == 0 && unsentBytes == 0 { close() }
    }

    // MARK: - Shutdown and close

    /// SIGTERM: take no new requests; lines already received are answered `shutting_down`.
    func beginShutdown() {
        stopReading()
        guard !draining else { closeIfDone(); return }
        draining = true
        while let frame = framer.next() {
            guard case .line(let line) = frame else { break }
            let refusal = RPCError.shuttingDown
            switch RPCDecoder.decode(line: line) {
            case .single(.request(let r)) where r.id != nil:
                replies.fill(replies.reserve(), part: nil, bytes: RPCResponse.failure(id: r.id!, error: refusal))
            case .batch(let entries):
                let ids = entries.compactMap { entry -> RPCID? in if case .request(let r) = entry { return r.id }; return nil }
                if !ids.isEmpty {
                    replies.fill(replies.reserve(), part: nil, bytes: RPCResponse.batch(ids.map { RPCResponse.failure(id: $0, error: refusal) }))
                }
            default:
                break
            }
        }
        flush()
    }

    /// Reads nothing more; the connection closes once what it has is answered.
    func stopTakingRequests() {
        stopReading()
        draining = true
    }

    /// Sends one error line, then closes (a connection over the limit). Over TLS the line can
    /// only go out once the handshake is done: reading goes on for it, and the sweep closes a
    /// refused connection whose handshake does not finish in time.
    func refuse(_ reply: [UInt8]) {
        refused = true
        replies.fill(replies.reserve(), part: nil, bytes: reply)
        if tls != nil { startReading() }
        draining = true
        flush()
    }

    func close() {
        guard !closing else { return }
        closing = true
        server.addMemory(-usage)
        usage = 0
        stopReading()
        uv_close(ora_handle(handle), onClose)
    }

    fileprivate func closed() {
        server.connectionClosed(self)
    }
}

extension RPCEntry {
    /// Whether this entry gets a reply: everything but a notification.
    var isAnswered: Bool {
        if case .request(let r) = self { return r.id != nil }
        return true
    }
}

// MARK: - libuv callbacks (plain functions: C cannot capture context)

private func connection(_ handle: UnsafeMutableRawPointer) -> Connection {
    Unmanaged<Connection>.fromOpaque(ora_handle(handle).pointee.data).takeUnretainedValue()
}

private func onAlloc(_ handle: UnsafeMutablePointer<uv_handle_t>?, _ suggested: Int, _ buf: UnsafeMutablePointer<uv_buf_t>?) {
    let server = connection(UnsafeMutableRawPointer(handle!)).server
    buf!.pointee = uv_buf_init(server.readBuffer, UInt32(Server.readBufferSize))
}

private func onRead(_ stream: UnsafeMutablePointer<uv_stream_t>?, _ nread: Int, _ buf: UnsafePointer<uv_buf_t>?) {
    let conn = connection(UnsafeMutableRawPointer(stream!))
    if nread > 0 {
        conn.received(UnsafeRawBufferPointer(start: buf!.pointee.base, count: nread))
    } else if nread == Int(UV_EOF.rawValue) {
        conn.peerFinished()
    } else if nread < 0 {
        conn.close()
    }
}

private func onWrite(_ request: UnsafeMutablePointer<uv_write_t>?, _ status: Int32) {
    let write = Unmanaged<PendingWrite>.fromOpaque(request!.pointee.data).takeRetainedValue()
    let conn = connection(UnsafeMutableRawPointer(request!.pointee.handle))
    conn.wrote(write.count, status: status)
}

private func onClose(_ handle: UnsafeMutablePointer<uv_handle_t>?) {
    let raw = UnsafeMutableRawPointer(handle!)
    let conn = Unmanaged<Connection>.fromOpaque(handle!.pointee.data).takeRetainedValue()
    conn.closed()
    raw.deallocate()
}
