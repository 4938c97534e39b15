import Foundation
import Logging
import ORAProtocol
import Synchronization
import Testing
@testable import ORAServer

/// A WAL sync that counts its calls and fails from the `failFrom`-th on.
final class ScriptedSync: WALSync {
    let calls = Atomic<Int>(0)
    let failFrom: Int
    init(failFrom: Int = .max) { self.failFrom = failFrom }
    func sync() throws {
        let n = calls.add(1, ordering: .sequentiallyConsistent).newValue
        if n >= failFrom { throw SyncError(message: "fdatasync of the WAL failed: Input/output error") }
    }
}

func success(_ seq: UInt64) -> Completion { Completion(ticket: ticket(seq), reply: .result(Done())) }

@Suite struct SyncerTests {
    let logger = Logger(label: "test")

    /// pipelined: a failed fdatasync turns the replies it covered into sync_failed, latches the
    /// failure once, holds back no read as if it were synced, and is never tried again.
    @Test func failedSyncIsFinal() throws {
        let replies = CollectedReplies()
        let failures = Atomic<Int>(0)
        let failure = SyncFailure { _ in failures.add(1, ordering: .relaxed) }
        let wal = ScriptedSync(failFrom: 2)
        let syncer = Syncer(mode: .pipelined, wal: wal, sink: replies, failure: failure, logger: logger)
        syncer.willCommit(1)
        syncer.submit([success(1)], group: 1)
        _ = try replies.wait(for: 1)
        syncer.willCommit(2)
        syncer.submit([success(2), success(3)], group: 2)
        _ = try replies.wait(for: 3)
        // A read that may have seen group 3, which never gets synced, and a later group.
        syncer.willCommit(3)
        syncer.postRead(Completion(ticket: ticket(4), reply: .result(Done())))
        syncer.submit([success(5)], group: 3)
        let got = try replies.wait(for: 5)
        syncer.stop()
        #expect(got[1]?["result"] == "done")
        for seq: UInt64 in [2, 3, 5] {
            #expect(got[seq]?["error"]?["data"]?["reason"] == "sync_failed")
            #expect(got[seq]?["error"]?["data"]?["written"] == "unknown")
        }
        #expect(got[4]?["error"]?["data"]?["reason"] == "shutting_down")
        #expect(wal.calls.load(ordering: .relaxed) == 2, "a failed sync was tried again")
        #expect(syncer.syncedGroup == 1)
        #expect(failure.hasFailed && failures.load(ordering: .relaxed) == 1)
    }

    /// periodic (--sync normal): the WAL is synced soon after a commit, not only at checkpoints,
    /// and not at all while nothing is committed.
    @Test func periodicSyncFollowsCommits() throws {
        let failure = SyncFailure { _ in }
        let wal = ScriptedSync()
        let syncer = Syncer(mode: .periodic(intervalMillis: 20), wal: wal, sink: CollectedReplies(), failure: failure, logger: logger)
        usleep(100_000)
        #expect(wal.calls.load(ordering: .relaxed) == 0)
        // Announced but not yet committed: no sync can cover it yet.
        syncer.willCommit(1)
        usleep(100_000)
        #expect(syncer.syncedGroup == 0)
        syncer.didCommit(1)
        let deadline = Date().addingTimeInterval(5)
        while syncer.syncedGroup < 1 && Date() < deadline { usleep(1000) }
        #expect(syncer.syncedGroup == 1)
        syncer.stop()
        #expect(wal.calls.load(ordering: .relaxed) == 1)
    }

    /// periodic: a failed sync latches the failure (the server then stops).
    @Test func periodicSyncFailureStopsTheServer() throws {
        let failure = SyncFailure { _ in }
        let syncer = Syncer(mode: .periodic(intervalMillis: 5), wal: ScriptedSync(failFrom: 1), sink: CollectedReplies(), failure: failure, logger: logger)
        syncer.willCommit(1)
        syncer.didCommit(1)
        let deadline = Date().addingTimeInterval(5)
        while !failure.hasFailed && Date() < deadline { usleep(1000) }
        syncer.stop()
        #expect(failure.hasFailed)
        #expect(syncer.syncedGroup == 0)
    }
}
