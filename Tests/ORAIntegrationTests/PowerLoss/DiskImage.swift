// Replays a CrashLog as a disk would hold it: the bytes a completed sync covered are durable, the
// rest is still in the OS's hands. `afterPowerLoss` builds the files a power loss at this point of
// the log could leave, in the spirit of SQLite's own crash tests (src/test6.c): unsynced writes
// lost, kept, torn at sector boundaries, or turned to garbage.

import Foundation
import ORATestSupport

struct DiskImage {
    enum PowerLoss: CaseIterable {
        /// Every unsynced write lost.
        case dropUnsynced
        /// Every unsynced write kept (what kill -9 leaves).
        case keepUnsynced
        /// Each 512-byte sector of an unsynced write kept or lost on its own.
        case tornSectors
        /// Each such sector kept, lost, or filled with garbage.
        case garbageSectors
    }

    private enum Pending {
        case write(offset: Int, data: Range<Int>)
        case truncate(Int)
    }

    static let sectorSize = 512

    /// The durable contents of the database and its WAL (nil: no such file).
    private var durable: [[UInt8]?] = [nil, nil]
    private var pending: [[Pending]] = [[], []]
    /// Per thread with a sync under way: its file and how many pending operations it covers.
    private var syncing: [UInt32: (file: Int, covers: Int)] = [:]
    /// When the last completed sync of the WAL began: every write acknowledged before that is durable.
    private(set) var lastWALSyncBegan: UInt64 = 0
    private(set) var lostBySyncFailure = 0

    mutating func apply(_ r: CrashLog.Record) {
        switch r.op {
        case .write:
            if durable[r.file] == nil { durable[r.file] = [] }
            pending[r.file].append(.write(offset: r.offset, data: r.data))
        case .truncate:
            if durable[r.file] == nil { durable[r.file] = [] }
            pending[r.file].append(.truncate(r.offset))
        case .unlink:
            durable[r.file] = nil
            pending[r.file] = []
            syncing = syncing.filter { $0.value.file != r.file }
        case .syncBegan:
            syncing[r.thread] = (r.file, pending[r.file].count)
        case .sync, .syncFailed:
            guard let (file, covers) = syncing.removeValue(forKey: r.thread) else { return }
            if r.op == .sync {
                for op in pending[file].prefix(covers) { Self.apply(op, to: &durable[file], log: log) }
                if file == 1 { lastWALSyncBegan = r.began }
            } else {
                lostBySyncFailure += covers
            }
            pending[file].removeFirst(covers)
            for (thread, s) in syncing where s.file == file { syncing[thread] = (file, max(0, s.covers - covers)) }
        }
    }

    /// The log the records come from (for the bytes of writes).
    let log: CrashLog

    init(log: CrashLog) { self.log = log }

    /// The files after a power loss now.
    func afterPowerLoss(_ model: PowerLoss, random: inout SplitMix) -> [[UInt8]?] {
        var files = durable
        for file in 0..<2 where files[file] != nil {
            for op in pending[file] {
                switch model {
                case .dropUnsynced: break
                case .keepUnsynced: Self.apply(op, to: &files[file], log: log)
                case .tornSectors, .garbageSectors:
                    switch op {
                    case .truncate:
                        if Bool.random(using: &random) { Self.apply(op, to: &files[file], log: log) }
                    case .write(let offset, let data):
                        var at = offset
                        while at < offset + data.count {
                            let sectorEnd = min(offset + data.count, (at / Self.sectorSize + 1) * Self.sectorSize)
                            let part = (data.lowerBound + at - offset)..<(data.lowerBound + sectorEnd - offset)
                            switch Int.random(in: 0..<(model == .tornSectors ? 2 : 3), using: &random) {
                            case 0: Self.write(Array(log.bytes[part]), at: at, into: &files[file])
                            case 1: break
                            default: Self.write((0..<part.count).map { _ in UInt8.random(in: 0...255, using: &random) }, at: at, into: &files[file])
                            }
                            at = sectorEnd
                        }
                    }
                }
            }
        }
        return files
    }

    private static func apply(_ op: Pending, to file: inout [UInt8]?, log: CrashLog) {
        switch op {
        case .write(let offset, let data): write(Array(log.bytes[data]), at: offset, into: &file)
        case .truncate(let size):
            if file!.count > size { file!.removeLast(file!.count - size) } else { file!.append(contentsOf: [UInt8](repeating: 0, count: size - file!.count)) }
        }
    }

    private static func write(_ bytes: [UInt8], at offset: Int, into file: inout [UInt8]?) {
        if file!.count < offset + bytes.count { file!.append(contentsOf: [UInt8](repeating: 0, count: offset + bytes.count - file!.count)) }
        file!.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }
}
