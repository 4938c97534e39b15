// Power loss, simulated: the real server runs under crashlog.so, which records every write and
// sync it makes to the database and its WAL; the test then rebuilds the files a power loss at
// hundreds of points of that log would have left (DiskImage) and checks each one: integrity_check
// ok, every acknowledged write there, nothing half there, and the server's own validate clean.
//
// The load reaches the paths a power loss can hurt: group commit (8 pipelining clients), requests
// whose transaction outgrows the writer's page cache and spills to the WAL before COMMIT (1 MiB
// cache, an order of 3,000 new lots per client), orders recorded again with other content, checkpoints between
// groups and WAL restarts (1 MiB WAL limit), and a clean stop (the last checkpoint).

import Foundation
import ORAJSON
import ORAProtocol
import ORATestSupport
import Testing

/// Drives `clients` pipelining clients against `server`, each sending `orders` orders in windows
/// of 16; every reply is noted in `sent` with the crash log's size at that moment.
func powerLossLoad(port: Int, log: String, sent: SentOrders, clients: Int = 8, orders: Int = 192) {
    let group = DispatchGroup()
    for client in 0..<clients {
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            guard let c = try? RPCClient(port: port) else { return }
            for window in stride(from: 0, to: orders, by: 16) {
                var lines = ""
                for i in window..<min(orders, window + 16) {
                    let order = "P\(client)-\(i)"
                    let items: [(String, Int)]
                    if i == 100 {
                        items = (0..<3000).map { ("17612 - 9\(client)\(i)\($0)", 1) }
                    } else {
                        items = [("17612 - 250300", 1 + i % 5), ("18000", 1 + i % 3)]
                    }
                    sent.sent(order, version: 0, .init(lines: items.count, units: items.reduce(0) { $0 + $1.1 }))
                    lines += recordLine(id: .string("\(order)|0"), shipment(order, day(), items))
                    // Every tenth order records an earlier one again, with other lines and date.
                    if i % 10 == 9 {
                        let again = "P\(client)-\(i - 9)"
                        sent.sent(again, version: 1, .init(lines: 1, units: 7))
                        lines += recordLine(id: .string("\(again)|1"), shipment(again, day(-1), [("17904", 7)]))
                    }
                }
                guard (try? c.send(raw: lines)) != nil else { return }
                let expected = lines.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                for _ in 0..<expected {
                    guard let reply = try? c.readJSON(timeout: 30), let id = reply["id"]?.stringValue else { return }
                    let parts = id.split(separator: "|")
                    sent.answered(String(parts[0]), version: Int(parts[1])!, reply: reply, logEnd: fileSize(log))
                }
            }
        }
    }
    group.wait()
}

func fileSize(_ path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : 0
}

/// Replays `log` and checks a power loss at `points` records after `from` (and at its very end):
/// returns the problems found, with how each image was made, and the number of images checked.
func checkPowerLosses(log: CrashLog, from: Int, points: Int, sent: SentOrders, seed: UInt64, durableAtAck: Bool,
                      validateEvery: Int = 4) throws -> (problems: [String], images: Int) {
    var random = SplitMix(seed: seed)
    let first = log.records.firstIndex { $0.end > from } ?? log.records.count
    guard first < log.records.count else { return (["the log holds nothing after the seed"], 0) }
    // Half the points anywhere; half at the very moment a client had a reply, where what was
    // acknowledged and what is on disk are closest.
    var chosen = Set((0..<(points / 2)).map { _ in Int.random(in: first..<log.records.count, using: &random) })
    let ends = log.records.map(\.end)
    for answer in sent.allAnswers.shuffled(using: &random) where chosen.count < points {
        var low = 0, high = ends.count   // the last record that ends at or before the answer
        while low < high { let mid = (low + high) / 2; if ends[mid] <= answer.logEnd { low = mid + 1 } else { high = mid } }
        if low - 1 >= first { chosen.insert(low - 1) }
    }
    chosen.insert(log.records.count - 1)
    var disk = DiskImage(log: log)
    var problems: [String] = []
    var checked = 0
    let scratch = TempDir()
    for (index, record) in log.records.enumerated() {
        disk.apply(record)
        guard chosen.contains(index) else { continue }
        let model = DiskImage.PowerLoss.allCases[checked % DiskImage.PowerLoss.allCases.count]
        let files = disk.afterPowerLoss(model, random: &random)
        let dir = scratch.path("image-\(index)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let database = dir + "/ora.db"
        for (file, suffix) in [(0, ""), (1, "-wal")] {
            if let bytes = files[file] { #expect(FileManager.default.createFile(atPath: database + suffix, contents: Data(bytes))) }
        }
        let label = "power loss after record \(index) of \(log.records.count) (\(model), seed \(seed))"
        guard files[0] != nil else {
            if sent.acknowledged > 0 && record.end > from { problems.append("\(label): no database file") }
            continue
        }
        let (integrity, orders) = try readImage(database)
        if integrity != "ok" { problems.append("\(label): integrity_check: \(integrity.prefix(300))") }
        problems += sent.problems(in: orders, logEnd: record.end, walSyncBegan: disk.lastWALSyncBegan,
                                     // Keeping every unsynced write is what kill -9 leaves: then nothing
                                     // acknowledged may be missing, in any mode, unless a failed sync
                                     // (a dying disk, not a crash) already dropped writes.
                                     durableAtAck: durableAtAck || (model == .keepUnsynced && disk.lostBySyncFailure == 0)).prefix(5).map { "\(label): \($0)" }
        if checked % validateEvery == 0 {
            let server = try TestServer(database: database, dir: TempDir())
            let validate = try server.connect().call("validate")
            if validate["ok"] != true { problems.append("\(label): validate: \(JSONWriter.string(validate).prefix(400))") }
            server.stop()
        }
        checked += 1
    }
    return (problems, checked)
}

@Suite(.serialized) struct PowerLossTests {
    /// Hundreds of simulated power losses under load, in each sync mode that promises durability,
    /// and in normal (which promises it for writes acknowledged before a sync of the WAL began).
    @Test(arguments: ["full", "pipelined", "normal"])
    func everyAcknowledgedWriteSurvivesPowerLoss(sync: String) throws {
        let dir = TempDir()
        let database = dir.path("ora.db"), logPath = dir.path("crash.log")
        let server = try TestServer(arguments: ["--sync", sync, "--wal-limit-mb", "1", "--cache-mb", "1"], database: database, dir: dir,
                                    environment: try CrashLog.environment(database: database, log: logPath))
        try seedMasterData(try server.connect())
        let seeded = fileSize(logPath)
        let sent = SentOrders()
        let started = Date()
        powerLossLoad(port: server.port, log: logPath, sent: sent)
        let loadSeconds = Date().timeIntervalSince(started)
        #expect(server.stop() == 0)
        let log = try CrashLog(path: logPath)
        let checking = Date()
        let (problems, images) = try checkPowerLosses(log: log, from: seeded, points: 120, sent: sent, seed: UInt64(sync.utf8.count) * 7919,
                                                      durableAtAck: sync != "normal")
        print("power loss (--sync \(sync)): \(sent.acknowledged) writes acknowledged in \(String(format: "%.1f", loadSeconds)) s, "
              + "\(log.records.count) records (\(log.bytes.count >> 20) MiB) logged, \(images) crash images checked in \(String(format: "%.1f", Date().timeIntervalSince(checking))) s, \(problems.count) problems")
        #expect(sent.acknowledged == 8 * (192 + 19), "every write is acknowledged")
        #expect(images >= 100)
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        // Once serving, every write to the database file and its WAL comes from one thread: the
        // writer's. A checkpoint on another connection could race its WAL reset (SQLite < 3.51.3).
        let writers = Set(log.records.filter { $0.end > seeded && ($0.op == .write || $0.op == .truncate) }.map(\.thread))
        #expect(writers.count == 1, "the database and its WAL were written by \(writers.count) threads")
        // The load did reach the paths it is meant to: WAL restarts and cache spills.
        let walRestarts = log.records.filter { $0.op == .write && $0.file == 1 && $0.offset == 0 }.count
        #expect(walRestarts >= 3, "the WAL started over \(walRestarts) times")
        // A frame written again in place, behind the WAL's end: a page a spill had put in the WAL
        // changed again before COMMIT (SQLite's walRewriteChecksums path).
        var end = 0, rewrites = 0
        for r in log.records where r.file == 1 && r.op == .write {
            if r.offset == 0 { end = 0 }
            if r.offset > 0 && r.offset + r.data.count <= end { rewrites += 1 }
            end = max(end, r.offset + r.data.count)
        }
        print("power loss (--sync \(sync)): \(walRestarts) WAL restarts, \(rewrites) frames rewritten in place")
        #expect(rewrites > 0, "no transaction spilled and changed a spilled page again")
    }
}
