// What the server holds itself to: file descriptors for --max-connections, the memory budget
// (--max-memory-mb) shared by all connections, and the auth and idle timeouts.

import CLibUV
import Foundation
import Logging

extension Server {
    /// Descriptors the server needs besides its connections: database files, the loop, readers.
    static let reservedDescriptors = 32

    /// Each connection is a file descriptor. Past the process's limit accept(2) fails, and libuv
    /// then drops waiting connections without a word; so the limit is raised to its hard maximum
    /// and, if still too low, --max-connections is lowered to fit, saying so: a connection over
    /// it gets the precise `too_many_connections` answer instead.
    static func fitDescriptors(_ wanted: Int, logger: Logger) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return wanted }
        let needed = rlim_t(wanted + reservedDescriptors)
        if limit.rlim_cur < needed {
            limit.rlim_cur = min(needed, limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let fits = max(1, Int(limit.rlim_cur) - reservedDescriptors)
        guard fits < wanted else { return wanted }
        logger.warning("the file descriptor limit is \(limit.rlim_cur): at most \(fits) connections at once (--max-connections \(wanted)); raise it with ulimit -n")
        return fits
    }

    var overMemoryBudget: Bool { memoryInUse >= config.maxMemoryBytes }

    /// A connection's share changed by `delta`. Back under half the budget, the connections it
    /// paused are resumed once the loop is done with what it is doing (`onResumeCheck`): resuming
    /// one here would run it inside another connection's bookkeeping, or its own.
    func addMemory(_ delta: Int) {
        memoryInUse += delta
        if delta < 0 && !pausedForMemory.isEmpty && memoryInUse <= config.maxMemoryBytes / 2, let resumeCheck {
            uv_check_start(resumeCheck.assumingMemoryBound(to: uv_check_t.self), onResumeCheck)
        }
    }

    fileprivate func resumePaused() {
        if let resumeCheck { uv_check_stop(resumeCheck.assumingMemoryBound(to: uv_check_t.self)) }
        guard memoryInUse <= config.maxMemoryBytes / 2 else { return }
        let paused = pausedForMemory
        pausedForMemory.removeAll()
        for id in paused { connections[id]?.resumeAfterMemory() }
    }

    /// A refused TLS connection has this long to finish its handshake and take its refusal.
    static let refusalGraceMillis: UInt64 = 5000

    /// Once a second: unauthenticated connections past --auth-timeout, idle ones past
    /// --idle-timeout, and refused TLS connections past `refusalGraceMillis` are closed.
    func startSweeping() {
        guard config.token != nil || config.idleTimeoutSeconds > 0 || config.tls != nil else { return }
        let timer = UVHandles.allocate(UV_TIMER)
        uv_timer_init(loop, timer.assumingMemoryBound(to: uv_timer_t.self))
        ora_handle(timer)!.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        uv_timer_start(timer.assumingMemoryBound(to: uv_timer_t.self), onSweep, 1000, 1000)
        sweepTimer = timer
    }

    fileprivate func sweep() {
        let now = uv_now(loop)
        for conn in Array(connections.values) {
            if conn.refused && now - conn.connectedAt >= Self.refusalGraceMillis {
                conn.close()
            } else if !conn.authenticated && Double(now - conn.connectedAt) >= config.authTimeoutSeconds * 1000 {
                logger.info("connection \(conn.id): not authenticated within \(config.authTimeoutSeconds) s; closing it")
                conn.close()
            } else if config.idleTimeoutSeconds > 0 && conn.isIdle && Double(now - conn.lastActivity) >= config.idleTimeoutSeconds * 1000 {
                logger.info("connection \(conn.id): idle for \(config.idleTimeoutSeconds) s; closing it")
                conn.close()
            }
        }
    }
}

private func onResumeCheck(_ check: UnsafeMutablePointer<uv_check_t>?) {
    server(UnsafeMutableRawPointer(check)).resumePaused()
}

private func onSweep(_ timer: UnsafeMutablePointer<uv_timer_t>?) {
    server(UnsafeMutableRawPointer(timer)).sweep()
}
