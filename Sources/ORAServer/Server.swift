// The server: owns the libuv loop, the listener, the connections, the writer and the readers.
//
//   init     lock the database, open the writer's and readers' connections, start their threads
//   run      listen, log one line, uv_run until shutdown; returns the exit status
//   SIGTERM  running -> draining (listener closed, connections answer what they have, then close)
//            -> stopped (writer drains its queue, checkpoints the WAL; handles close; loop ends)
//   a failed sync (SyncFailure) drains the same way, without the checkpoint, and `run` returns
//   `syncFailureExitStatus`

import CLibUV
import Foundation
import Logging
import ORAProtocol
import ORAStore

public final class Server {
    enum State { case running, draining, stopped }

    static let readBufferSize = 64 * 1024
    /// sysexits' EX_IOERR: the disk failed a sync; restart to let SQLite recover the WAL.
    public static let syncFailureExitStatus: Int32 = 74

    let config: ServerConfig
    let logger: Logger
    let stats = Stats()
    let context: MethodContext
    let readPressure: ReadPressure
    let readBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Server.readBufferSize)

    private let lock: DatabaseLock
    let loop: UnsafeMutablePointer<uv_loop_t>
    private var mailbox: Mailbox!
    private var writer: Writer!
    private var readers: ReaderPool!
    private var syncer: Syncer?
    private var replicator: Replicator?
    private var failure: SyncFailure!
    var listener: UnsafeMutableRawPointer?
    private var extraHandles: [UnsafeMutableRawPointer] = []
    private var graceTimer: UnsafeMutableRawPointer?
    /// Replies held back on purpose (a wrong token waits before it is told so), due times in ms.
    var delayed: [(due: UInt64, ticket: Ticket, bytes: [UInt8])] = []
    var delayTimer: UnsafeMutableRawPointer?
    var connections: [UInt64: Connection] = [:]
    /// Memory held by all connections (Connection.accountMemory), and those paused because it
    /// reached --max-memory-mb: they read again once it is back under half.
    var memoryInUse = 0
    var pausedForMemory = Set<UInt64>()
    var sweepTimer: UnsafeMutableRawPointer?
    /// systemd's notifications (Type=notify), and the loop's watchdog timer when it asks for one.
    let systemd = SystemdNotifier()
    var watchdogTimer: UnsafeMutableRawPointer?
    /// Runs after a loop iteration's I/O to resume connections paused by the memory budget.
    var resumeCheck: UnsafeMutableRawPointer?
    /// --max-connections, lowered to what the file descriptor limit allows (`fitDescriptors`).
    private(set) var maxConnections: Int
    private var acceptErrorsLogged = 0
    private var nextConnectionID: UInt64 = 1
    private var state = State.running
    /// The address actually bound (port 0 becomes the port the kernel chose).
    public internal(set) var boundAddress: ListenAddress

    public init(config: ServerConfig, logger: Logger) throws {
        Self.unblockStopSignals()
        self.config = config
        self.logger = logger
        maxConnections = Self.fitDescriptors(config.maxConnections, logger: logger)
        let replication = config.replicateURL.map {
            ReplicationStatus(url: $0, walHardLimitBytes: Int(config.walLimitBytes) * ServerConfig.walHardLimitFactor)
        }
        context = MethodContext(config: config, stats: stats, replication: replication)
        readPressure = ReadPressure(maxInFlight: config.maxInFlight, maxOutputBytes: config.maxOutputBytes)
        boundAddress = config.listen
        lock = try DatabaseLock(path: config.databasePath)
        let writerStore = try Store.openWriter(path: config.databasePath, sync: config.sync, walLimitBytes: config.walLimitBytes,
                                              cacheMiB: config.writerCacheMiB)
        let pageSize = try writerStore.db.scalarInt("PRAGMA page_size")
        let readerStores = try (0..<max(1, config.readers)).map { _ in try Store.openReader(path: config.databasePath) }

        loop = .allocate(capacity: 1)
        try UVError.check(uv_loop_init(loop), "uv_loop_init")
        let async = UVHandles.allocate(UV_ASYNC)
        try UVError.check(uv_async_init(loop, async.assumingMemoryBound(to: uv_async_t.self), onMailbox), "uv_async_init")
        extraHandles.append(async)
        mailbox = Mailbox(async: async.assumingMemoryBound(to: uv_async_t.self))
        let failed = UVHandles.allocate(UV_ASYNC)
        try UVError.check(uv_async_init(loop, failed.assumingMemoryBound(to: uv_async_t.self), onSyncFailure), "uv_async_init")
        extraHandles.append(failed)
        let check = UVHandles.allocate(UV_CHECK)
        try UVError.check(uv_check_init(loop, check.assumingMemoryBound(to: uv_check_t.self)), "uv_check_init")
        extraHandles.append(check)
        resumeCheck = check
        let wake = UVAsync(failed.assumingMemoryBound(to: uv_async_t.self))
        failure = SyncFailure { _ in wake.send() }
        switch config.sync {
        case .full:
            syncer = nil
        case .pipelined, .normal:
            syncer = Syncer(mode: config.sync == .pipelined ? .pipelined : .periodic(intervalMillis: config.syncIntervalMillis),
                            wal: try WALFileSync(walPath: config.databasePath + "-wal"), sink: mailbox, failure: failure, logger: logger,
                            testDelayMilliseconds: Int(ProcessInfo.processInfo.environment["ORA_TEST_SYNC_DELAY_MS"] ?? "") ?? 0)
        }
        let settings = Writer.Settings(maxGroup: config.maxGroup, checkpointFrames: Int(config.walLimitBytes / (pageSize + 24)),
                                       checkpointIntervalMillis: config.checkpointIntervalMillis, checkpoints: config.replicateURL == nil,
                                       walFrameBytes: Int(pageSize) + 24)
        writer = Writer(store: writerStore, queueDepth: config.writeQueueDepth, settings: settings,
                        sink: mailbox, syncer: syncer, failure: failure, stats: stats, logger: logger, replication: replication)
        readers = ReaderPool(stores: readerStores, queueDepth: config.writeQueueDepth, mailbox: mailbox, syncer: syncer, failure: failure, logger: logger)
        if let url = config.replicateURL, let replication {
            let binary = try Replicator.locate(config.litestreamBinary)
            replicator = try Replicator(settings: .init(url: url, databasePath: config.databasePath, binary: binary),
                                        status: replication, logger: logger)
        }
        ora_handle(failed)!.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        ora_handle(check)!.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        ora_handle(async)!.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    /// A parent may start us with signals blocked (Foundation's Process passes its mask on); the
    /// stop signals must reach the loop, and threads created after this inherit the mask.
    private static func unblockStopSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    deinit {
        readBuffer.deallocate()
        uv_loop_close(loop)
        loop.deallocate()
    }

    /// Serves until SIGTERM or SIGINT; returns the process exit status.
    public func run() throws -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        do {
            try listen()
        } catch {
            stopWorkers()
            closeLoopHandles()
            uv_run(loop, UV_RUN_DEFAULT)
            throw error
        }
        for signum in [SIGTERM, SIGINT] {
            let handle = UVHandles.allocate(UV_SIGNAL)
            let signal = handle.assumingMemoryBound(to: uv_signal_t.self)
            uv_signal_init(loop, signal)
            signal.pointee.data = Unmanaged.passUnretained(self).toOpaque()
            uv_signal_start(signal, onSignal, signum)
            extraHandles.append(handle)
        }
        startSweeping()
        startWatchdog()
        systemd.notify("READY=1\nMAINPID=\(getpid())\nSTATUS=serving \(config.databasePath) on \(boundAddress)")
        logger.info("ora-server \(ORAVersion.current) serving database=\(config.databasePath) listen=\(boundAddress) sync=\(config.sync.rawValue) tls=\(config.tls != nil ? "on" : "off") freshness-days=\(config.freshnessDays) timezone=\(config.timeZone.identifier)")
        uv_run(loop, UV_RUN_DEFAULT)
        guard let why = failure.why else {
            logger.info("ora-server stopped cleanly")
            return 0
        }
        logger.critical("ora-server stopped after a failed sync: \(why)")
        return Self.syncFailureExitStatus
    }

    /// accept(2) failed (out of file descriptors, most likely): logged, rate-limited, and the
    /// listener goes on; libuv retries when the next connection comes.
    fileprivate func acceptFailed(_ status: Int32) {
        acceptErrorsLogged += 1
        if acceptErrorsLogged <= 10 || acceptErrorsLogged % 1000 == 0 {
            logger.error("cannot accept a connection: \(String(cString: uv_strerror(status))) (\(acceptErrorsLogged) so far)")
        }
    }

    // MARK: - Accepting (listening: Server+Listen.swift)

    fileprivate func accept() {
        guard state == .running, let listener else { return }
        let isPipe = if case .unix = config.listen { true } else { false }
        let handle = UVHandles.allocate(isPipe ? UV_NAMED_PIPE : UV_TCP)
        if isPipe {
            uv_pipe_init(loop, handle.assumingMemoryBound(to: uv_pipe_t.self), 0)
        } else {
            uv_tcp_init(loop, handle.assumingMemoryBound(to: uv_tcp_t.self))
            uv_tcp_nodelay(handle.assumingMemoryBound(to: uv_tcp_t.self), 1)
        }
        let conn = Connection(id: nextConnectionID, handle: handle, server: self)
        nextConnectionID += 1
        ora_handle(handle)!.pointee.data = Unmanaged.passRetained(conn).toOpaque()
        connections[conn.id] = conn
        stats.connections.add(1, ordering: .relaxed)
        let accepted = uv_accept(ora_stream(listener), ora_stream(handle))
        guard accepted == 0, !conn.tlsFailed else {
            if accepted != 0 { acceptFailed(accepted) }
            conn.close()
            return
        }
        if connections.count > maxConnections {
            logger.warning("refusing connection: \(maxConnections) connections already open")
            let refusal = RPCError(code: -32011, reason: "too_many_connections",
                                   message: "Server has \(maxConnections) connections open; try again later",
                                   extra: [("limit", .int(maxConnections))])
            conn.refuse(RPCResponse.failure(id: .null, error: refusal))
            return
        }
        conn.startReading()
    }

    func connectionClosed(_ conn: Connection) {
        connections[conn.id] = nil
        stats.connections.subtract(1, ordering: .relaxed)
        if state == .draining && connections.isEmpty { finishShutdown() }
    }

    // MARK: - Dispatch

    /// Runs one request entry: answers it here, or queues it for a reader or the writer.
    func dispatch(_ entry: RPCEntry, ticket makeTicket: (RPCID?) -> Ticket, from conn: Connection) {
        let request: RPCRequest
        switch entry {
        case .invalid(let id, let error):
            conn.complete(makeTicket(id), bytes: RPCResponse.failure(id: id, error: error))
            return
        case .request(let r):
            request = r
        }
        let ticket = makeTicket(request.id)
        func answer(_ error: RPCError) {
            if let id = request.id { conn.complete(ticket, bytes: RPCResponse.failure(id: id, error: error)) }
        }
        // After the third wrong token nothing more runs, whatever was batched or pipelined behind
        // it; after any wrong token nothing more of its batch runs (Server+Auth.swift).
        guard !conn.lockedOut else { return answer(Self.lockedOutRefusal) }
        guard !conn.penalized else { return answer(Self.penaltyRefusal) }
        if request.method == "auth" { return authenticate(request, ticket: ticket, conn: conn) }
        guard conn.authenticated else { return answer(.unauthorized) }
        guard let handler = Methods.table[request.method] else { return answer(.methodNotFound(request.method)) }
        let execution: Execution
        do {
            execution = try handler(request.params, context)
        } catch {
            return answer(error)
        }
        switch execution {
        case .answer(let result):
            if let id = request.id { conn.complete(ticket, bytes: RPCResponse.success(id: id, result: result)) }
        case .read(let work):
            var t = ticket
            t.worker = .reader
            conn.enqueue(.read(ReadJob(ticket: t, method: request.method, work: work)))
        case .write(let work):
            if state != .running { return answer(.shuttingDown) }
            var t = ticket
            t.worker = .writer
            conn.enqueue(.write(WriteJob(ticket: t, method: request.method, work: work)))
        }
    }

    /// Hands a job to its thread; false when that queue is full.
    func submit(_ job: QueuedJob) -> Bool {
        switch job {
        case .read(let j): return readers.submit(j)
        case .write(let j): return writer.submit(j)
        }
    }

    fileprivate func deliverCompletions() {
        var touched: [UInt64: Connection] = [:]
        for completion in mailbox.drain() {
            guard let conn = connections[completion.ticket.connection] else { continue }
            conn.complete(completion.ticket, bytes: completion.bytes)
            touched[conn.id] = conn
        }
        for conn in touched.values { conn.flush() }
    }

    // MARK: - Shutdown

    fileprivate func syncFailed() {
        beginShutdown(because: "the disk failed a sync")
    }

    fileprivate func beginShutdown(because reason: String) {
        guard state == .running else { return }
        state = .draining
        systemd.notify("STOPPING=1\nSTATUS=stopping: \(reason)")
        logger.info("\(reason): no longer accepting; answering \(connections.count) connection(s) and stopping")
        if let listener {
            UVHandles.close(listener)
            if case .unix(let path) = config.listen { unlink(path) }
        }
        listener = nil
        let timer = UVHandles.allocate(UV_TIMER)
        uv_timer_init(loop, timer.assumingMemoryBound(to: uv_timer_t.self))
        ora_handle(timer)!.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        uv_timer_start(timer.assumingMemoryBound(to: uv_timer_t.self), onGraceExpired, UInt64(config.shutdownGraceSeconds * 1000), 0)
        graceTimer = timer
        for conn in Array(connections.values) { conn.beginShutdown() }
        if connections.isEmpty { finishShutdown() }
    }

    /// WATCHDOG=1 from the loop itself, every half of systemd's $WATCHDOG_USEC.
    private func startWatchdog() {
        guard let every = systemd.watchdogMillis else { return }
        let timer = UVHandles.allocate(UV_TIMER)
        uv_timer_init(loop, timer.assumingMemoryBound(to: uv_timer_t.self))
        ora_handle(timer)!.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        uv_timer_start(timer.assumingMemoryBound(to: uv_timer_t.self), onWatchdog, every, every)
        watchdogTimer = timer
    }

    fileprivate func graceExpired() {
        logger.warning("shutdown grace period over; closing \(connections.count) connection(s) that did not finish")
        for conn in Array(connections.values) { conn.close() }
    }

    private func finishShutdown() {
        guard state == .draining else { return }
        state = .stopped
        stopWorkers()
        deliverCompletions()
        if let graceTimer { UVHandles.close(graceTimer) }
        graceTimer = nil
        if let delayTimer { UVHandles.close(delayTimer) }
        delayTimer = nil
        if let sweepTimer { UVHandles.close(sweepTimer) }
        sweepTimer = nil
        if let watchdogTimer { UVHandles.close(watchdogTimer) }
        watchdogTimer = nil
        closeLoopHandles()
    }

    private func stopWorkers() {
        writer.stop()
        syncer?.stop()
        replicator?.stop()
        readers.stop()
    }

    private func closeLoopHandles() {
        if let listener { UVHandles.close(listener) }
        listener = nil
        resumeCheck = nil
        for handle in extraHandles { UVHandles.close(handle) }
        extraHandles.removeAll()
    }
}

// MARK: - libuv callbacks

func server(_ handle: UnsafeMutableRawPointer?) -> Server {
    Unmanaged<Server>.fromOpaque(ora_handle(handle!)!.pointee.data).takeUnretainedValue()
}

func onConnection(_ stream: UnsafeMutablePointer<uv_stream_t>?, _ status: Int32) {
    guard status == 0 else { return server(UnsafeMutableRawPointer(stream)).acceptFailed(status) }
    server(UnsafeMutableRawPointer(stream)).accept()
}

private func onMailbox(_ async: UnsafeMutablePointer<uv_async_t>?) {
    server(UnsafeMutableRawPointer(async)).deliverCompletions()
}

private func onSignal(_ handle: UnsafeMutablePointer<uv_signal_t>?, _ signum: Int32) {
    server(UnsafeMutableRawPointer(handle)).beginShutdown(because: "signal \(signum)")
}

private func onSyncFailure(_ async: UnsafeMutablePointer<uv_async_t>?) {
    server(UnsafeMutableRawPointer(async)).syncFailed()
}

func onDelayTimer(_ timer: UnsafeMutablePointer<uv_timer_t>?) {
    server(UnsafeMutableRawPointer(timer)).deliverDelayed()
}

private func onWatchdog(_ timer: UnsafeMutablePointer<uv_timer_t>?) {
    server(UnsafeMutableRawPointer(timer)).systemd.notify("WATCHDOG=1")
}

private func onGraceExpired(_ timer: UnsafeMutablePointer<uv_timer_t>?) {
    server(UnsafeMutableRawPointer(timer)).graceExpired()
}
