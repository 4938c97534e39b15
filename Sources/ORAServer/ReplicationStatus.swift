// What the writer, the replicator and `status` share about replication: how far the replica is
// behind, whether Litestream is running and syncing, and the hand-over that lets the writer
// checkpoint a WAL past its hard limit while Litestream is stopped.
//
// (1) Lag is the age of the oldest commit not yet confirmed on the replica. The writer reports
//     every commit (`committed`); a sync marks where it began (`syncBegins`) and, once confirmed,
//     everything up to that mark is on the replica and the oldest unconfirmed commit is the first
//     one after the mark (`syncSucceeded`).
// (2) The WAL hand-over, drawn:
//
//        replicating --park (replicator: Litestream stopped, none will start)--> parked
//        parked --writer's checkpoint on its own connection--> checkpointed
//        parked | checkpointed --unpark (replicator)--> replicating
//
//     The writer checkpoints only while `parked`: no other process touches the WAL then, so its
//     checkpoint cannot race a WAL reset (../shared/PLATFORM.md).

import Foundation
import ORAJSON
import ORAStore
import Synchronization

final class ReplicationStatus: Sendable {
    enum Phase: Sendable { case replicating, parked, checkpointed }

    struct State: Sendable {
        var running = false
        var restarts = 0
        var lastSyncAt: Date?
        /// Since when syncs fail or Litestream cannot run, and why (nil while it syncs).
        var failingSince: Date?
        var lastError: String?
        /// When the sync under way began (nil between syncs): one that has not returned within
        /// `slowSyncSeconds` counts as failing, as a Litestream that hangs does not sync either.
        var syncSince: Date?
        /// (1) The newest commit, the oldest one not known to be on the replica, where the sync
        /// under way began, and the first commit after that mark (wall clock nanoseconds).
        var newestCommit = 0
        var oldestUnconfirmed: Int?
        var mark = 0
        var firstAfterMark: Int?
        /// (2)
        var phase = Phase.replicating
        var walBytes = 0
        var forcedCheckpoints = 0
    }

    static let slowSyncSeconds = 3.0

    let url: String
    /// The WAL size past which ORA checkpoints itself while Litestream is not syncing.
    let walHardLimitBytes: Int
    private let state = Mutex(State())

    init(url: String, walHardLimitBytes: Int) {
        self.url = url
        self.walHardLimitBytes = walHardLimitBytes
    }

    func read<T>(_ body: (inout State) -> T) -> T { state.withLock { body(&$0) } }

    // MARK: - Lag (1)

    /// The writer made a commit (its wall clock time).
    func committed(wallNanos: Int) {
        state.withLock { s in
            s.newestCommit = max(s.newestCommit, wallNanos)
            if s.oldestUnconfirmed == nil { s.oldestUnconfirmed = wallNanos }
            if wallNanos > s.mark && s.firstAfterMark == nil { s.firstAfterMark = wallNanos }
        }
    }

    /// Whether some commit is not yet confirmed on the replica.
    var hasUnconfirmed: Bool { state.withLock { $0.oldestUnconfirmed != nil } }

    /// A sync is about to ask Litestream for everything committed so far.
    func syncBegins() {
        state.withLock { s in
            s.mark = s.newestCommit
            s.firstAfterMark = nil
            s.syncSince = Date()
        }
    }

    /// The sync begun last is confirmed: every commit up to its mark is on the replica.
    func syncSucceeded() {
        state.withLock { s in
            s.oldestUnconfirmed = s.firstAfterMark
            s.firstAfterMark = nil
            s.lastSyncAt = Date()
            s.failingSince = nil
            s.lastError = nil
            s.syncSince = nil
        }
    }

    func failed(_ why: String) {
        state.withLock { s in
            if s.failingSince == nil { s.failingSince = s.syncSince ?? Date() }
            s.lastError = why
            s.syncSince = nil
        }
    }

    /// Litestream is not replicating: not running, its syncs fail, or the one under way hangs.
    var isStalled: Bool { state.withLock { !$0.running || Self.failing($0, now: Date()) != nil } }

    /// Since when syncs fail, counting a sync that has not returned for `slowSyncSeconds`.
    private static func failing(_ s: State, now: Date) -> (since: Date, why: String)? {
        if let since = s.failingSince { return (since, s.lastError ?? "no reason given") }
        if let began = s.syncSince, now.timeIntervalSince(began) > slowSyncSeconds {
            return (began, "litestream sync -wait has not returned for \(Int(now.timeIntervalSince(began))) s")
        }
        return nil
    }

    // MARK: - The WAL hand-over (2)

    /// The writer's WAL size after its last commit; true when it is past the hard limit.
    @discardableResult
    func walSize(_ bytes: Int) -> Bool {
        state.withLock { $0.walBytes = bytes }
        return bytes > walHardLimitBytes
    }

    var isWALOverLimit: Bool { state.withLock { $0.walBytes > walHardLimitBytes } }

    /// The writer may checkpoint now (Litestream is stopped and none will start).
    var writerMayCheckpoint: Bool { state.withLock { $0.phase == .parked } }

    func writerCheckpointed(walBytes: Int) {
        state.withLock { s in
            guard s.phase == .parked else { return }
            s.phase = .checkpointed
            s.walBytes = walBytes
            s.forcedCheckpoints += 1
        }
    }

    /// Moves the phase under the lock; `body` sees and may change it (the replicator's side).
    func withPhase<T>(_ body: (inout Phase, Bool) -> T) -> T {
        state.withLock { s in body(&s.phase, s.running) }
    }

    // MARK: - status

    func json(now: Date = Date()) -> JSON {
        let s = state.withLock { $0 }
        let lag = s.oldestUnconfirmed.map { max(0, now.timeIntervalSince1970 - Double($0) / 1e9) } ?? 0
        let failing = Self.failing(s, now: now)
        return ["url": .string(url), "running": .bool(s.running), "syncing": .bool(s.running && failing == nil),
                "restarts": .int(s.restarts), "lastSyncAt": .string(s.lastSyncAt.map { Timestamp.format($0) }),
                "lagSeconds": .double((lag * 10).rounded() / 10),
                "failingSince": .string(failing.map { Timestamp.format($0.since) }), "lastError": .string(failing?.why ?? s.lastError),
                "walBytes": .int(s.walBytes), "walHardLimitBytes": .int(walHardLimitBytes),
                "forcedCheckpoints": .int(s.forcedCheckpoints)]
    }

    /// validate's `replication` check: error while the WAL is past its hard limit or syncs have
    /// failed for a minute, warning while Litestream is not running or its syncs just began failing.
    func check(now: Date = Date()) -> JSON {
        let s = state.withLock { $0 }
        let failing = Self.failing(s, now: now)
        let failingFor = failing.map { now.timeIntervalSince($0.since) }
        let status: String
        var message: String
        if s.walBytes > walHardLimitBytes {
            status = "error"
            message = "the WAL holds \(s.walBytes) bytes, past its hard limit of \(walHardLimitBytes): while Litestream does not sync, ORA stops it, checkpoints the WAL itself, and the replica starts a new snapshot"
        } else if let failingFor, failingFor >= 60 {
            status = "error"
            message = "Litestream has not synced for \(Int(failingFor)) s: \(failing?.why ?? "no reason given")"
        } else if !s.running || failingFor != nil {
            status = "warning"
            message = s.running ? "Litestream's syncs fail: \(failing?.why ?? "no reason given")" : "Litestream is not running: \(s.lastError ?? "starting")"
        } else {
            status = "ok"
            message = "Litestream is replicating to \(url)"
        }
        if s.forcedCheckpoints > 0 { message += "; \(s.forcedCheckpoints) checkpoint(s) forced past the WAL's hard limit since the server started" }
        return ["name": "replication", "status": .string(status), "count": .int(status == "ok" ? 0 : 1), "message": .string(message), "samples": []]
    }
}
