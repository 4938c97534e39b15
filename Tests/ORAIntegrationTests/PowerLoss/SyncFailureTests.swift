// A sync that fails, end to end: crashlog.so makes one fdatasync of the database or its WAL fail
// with EIO in the middle of a load, and, as Linux does, drops what that sync should have written.
// The server must acknowledge nothing from then on, tell the truth in every reply, stop with
// exit status 74, and come back on restart with every acknowledged write.

import Foundation
import ORAJSON
import ORAProtocol
import Testing

@Suite(.serialized) struct SyncFailureTests {
    @Test(arguments: ["full", "pipelined", "normal"])
    func aFailedSyncStopsTheServerAndLosesNothingAcknowledged(sync: String) throws {
        let dir = TempDir()
        let database = dir.path("ora.db"), logPath = dir.path("crash.log"), trigger = dir.path("fail-next-sync")
        let server = try TestServer(arguments: ["--sync", sync, "--sync-interval-ms", "20"], database: database, dir: dir,
                                    environment: try CrashLog.environment(database: database, log: logPath, failTrigger: trigger))
        try seedMasterData(try server.connect())
        let seeded = fileSize(logPath)
        let sent = SentOrders()
        let loaded = DispatchSemaphore(value: 0)
        let port = server.port
        Thread.detachNewThread {
            powerLossLoad(port: port, log: logPath, sent: sent, clients: 4, orders: 1600)
            loaded.signal()
        }
        usleep(400_000)
        #expect(FileManager.default.createFile(atPath: trigger, contents: Data()))
        let deadline = Date().addingTimeInterval(60)
        while server.process.isRunning && Date() < deadline { usleep(10_000) }
        #expect(!server.process.isRunning, "the server went on after a failed sync")
        if server.process.isRunning { server.stop(signal: SIGKILL) }
        loaded.wait()
        #expect(server.process.terminationStatus == 74)
        #expect(server.stderr.text.contains("failed a sync"))

        let log = try CrashLog(path: logPath)
        #expect(log.records.contains { $0.op == .syncFailed }, "no sync failed")
        // The disk as it is after the failure (and at points before it): every acknowledged write there.
        let (problems, images) = try checkPowerLosses(log: log, from: seeded, points: 20, sent: sent, seed: 74, durableAtAck: sync != "normal")
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        let answers = sent.allAnswers
        let unknown = answers.filter { $0.ok == nil }.count, refused = answers.filter { $0.ok == false }.count
        print("failed sync (--sync \(sync)): \(sent.acknowledged) acknowledged, \(unknown) answered sync_failed, \(refused) refused, "
              + "\(images) crash images checked, exit \(server.process.terminationStatus)")
        #expect(sent.acknowledged > 0)

        // Restarted on the files the process left, SQLite recovers the WAL and all is consistent.
        try server.start()
        let c = try server.connect()
        #expect(try c.call("validate")["ok"] == true)
        let orders = try c.call("status")["counts"]?["orders"]?.int64Value ?? 0
        #expect(Int(orders) >= Set(answers.filter { $0.ok == true }.map(\.version)).count)
    }

    /// A sync that fails inside an ordinary statement: with a small page cache, a big request
    /// spills its pages into a WAL that a checkpoint just emptied, and SQLite syncs the WAL's new
    /// header first. That failure sets the latch like a failed COMMIT: the request is answered
    /// "nothing was written", the server exits 74, and after restart the order is not there.
    @Test func aFailedSyncInsideAStatementStopsTheServer() throws {
        let dir = TempDir()
        let database = dir.path("ora.db"), logPath = dir.path("crash.log"), trigger = dir.path("fail-next-sync")
        let server = try TestServer(arguments: ["--cache-mb", "1"], database: database, dir: dir,
                                    environment: try CrashLog.environment(database: database, log: logPath, failTrigger: trigger))
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("BEFORE", day(), [("17612 - 250300", 1)]))
        usleep(1_500_000)  // the idle checkpoint copies every frame: the next write starts the WAL over
        #expect(FileManager.default.createFile(atPath: trigger, contents: Data()))
        let items = (0..<10_000).map { ("17612 - \(700_000 + $0)", 1) }
        let reply = try c.request("recordShipment", shipment("BIG", day(), items))
        print("statement sync failure: \(JSONWriter.string(reply))")
        #expect(reply["error"]?["data"]?["reason"] == "shutting_down" || reply["error"]?["data"]?["reason"] == "sync_failed")
        #expect(reply["error"]?["data"]?["reason"] != "internal_error")
        let deadline = Date().addingTimeInterval(30)
        while server.process.isRunning && Date() < deadline { usleep(10_000) }
        #expect(!server.process.isRunning, "the server went on after a failed sync")
        if server.process.isRunning { server.stop(signal: SIGKILL) }
        #expect(server.process.terminationStatus == 74)
        #expect(!FileManager.default.fileExists(atPath: trigger), "no sync failed")
        try server.start()
        let again = try server.connect()
        #expect(try again.call("validate")["ok"] == true)
        #expect(try again.call("shippedItems", ["orderNumber": "BIG"])["totalLines"] == 0)
        #expect(try again.call("shippedItems", ["orderNumber": "BEFORE"])["totalLines"] == 1)
    }
}
