import Testing
import Foundation
@testable import ORAStore

@Suite struct BackupTests {
    /// A backup is a verified, complete copy, and never overwrites an existing file.
    @Test func verifiedCopyThatNeverOverwrites() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ora-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store.openWriter(path: dir.appendingPathComponent("ora.db").path)
        _ = try store.upsertSku(code: "17612", productName: "Widget", reorderPoint: 1, palletCount: nil, now: Timestamp.now())
        let target = dir.appendingPathComponent("copy.db").path
        let copy = try Backup.copy(from: store.db, to: target)
        #expect(copy.integrity == "ok" && copy.pages > 0 && copy.bytes > 0)
        let reopened = try Store.openReader(path: target)
        #expect(try reopened.db.scalarInt("SELECT count(*) FROM skus") == 1)
        #expect { try Backup.copy(from: store.db, to: target) } throws: { "\($0)".contains("never overwrites") }
    }
}

@Suite struct EventClockTests {
    /// The writer's clock never repeats or goes back, even when the wall clock does.
    @Test func strictlyIncreasing() {
        var clock = EventClock()
        let frozen = Date(timeIntervalSince1970: 1_764_000_000)
        let times = (0..<1000).map { i in clock.next(now: i == 500 ? frozen.addingTimeInterval(-10) : frozen) }
        #expect(times == times.sorted() && Set(times).count == 1000)
        #expect(times[0] == "2025-11-24T16:00:00.000000Z")
    }
}
