// --sync normal promises that a power loss takes back at most the writes acknowledged since the
// last sync of the WAL began, and that the WAL is synced every --sync-interval-ms while writes
// arrive, whatever checkpoints do. A reader holding a snapshot (Litestream keeps one open) stops
// checkpoints from copying the WAL, and with it the sync a checkpoint makes first.

import CSQLite
import Foundation
import ORAProtocol
import Testing

@Suite struct NormalSyncWindowTests {
    @Test func walIsSyncedWhileAReaderPinsIt() throws {
        let dir = TempDir()
        let database = dir.path("ora.db"), logPath = dir.path("crash.log")
        let server = try TestServer(arguments: ["--sync", "normal", "--sync-interval-ms", "50"], database: database, dir: dir,
                                    environment: try CrashLog.environment(database: database, log: logPath))
        let c = try server.connect()
        try seedMasterData(c)
        var reader: OpaquePointer?
        #expect(sqlite3_open_v2(database, &reader, SQLITE_OPEN_READONLY, nil) == SQLITE_OK)
        #expect(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM skus;", nil, nil, nil) == SQLITE_OK)
        var acks: [UInt64] = []
        let started = Date()
        var i = 0
        while Date().timeIntervalSince(started) < 2.5 {
            _ = try c.call("recordShipment", shipment("N\(i)", day(), [("17612 - 250300", 1), ("18000", 2)]))
            acks.append(monotonicNanos())
            i += 1
        }
        let end = monotonicNanos()
        sqlite3_close_v2(reader)
        server.stop()
        let syncs = try CrashLog(path: logPath).records.filter { $0.op == .sync && $0.file == 1 && $0.ended < end }
        // Every write acknowledged more than a second before the end was covered by a sync of the
        // WAL that began after it (twenty times the interval: room for a slow disk and a busy CI).
        let margin: UInt64 = 1_000_000_000
        let uncovered = acks.filter { ack in ack + margin < end && !syncs.contains { $0.began > ack } }
        var longest: UInt64 = 0
        for ack in acks where ack + margin < end {
            if let next = syncs.first(where: { $0.began > ack }) { longest = max(longest, next.ended - ack) }
        }
        print("--sync normal, reader pinning the WAL: \(acks.count) writes, \(syncs.count) WAL syncs, longest acknowledged-to-synced \(longest / 1_000_000) ms")
        #expect(acks.count > 100)
        #expect(uncovered.isEmpty, "\(uncovered.count) of \(acks.count) acknowledged writes were never synced")
    }
}
