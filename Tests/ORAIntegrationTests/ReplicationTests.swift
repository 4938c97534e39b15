// --replicate and restore with the real litestream binary and a file replica.

import Foundation
import ORAJSON
import ORAProtocol
import Testing

/// litestream on PATH, or where pip put it.
let litestreamBinary: String = {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/litestream") {
        return "\(dir)/litestream"
    }
    let scripts = (try? runCommand("/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_path('scripts'))"]))?.1
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    return scripts + "/litestream"
}()

/// Waits until status says every commit is on the replica; returns `status.replication`.
func waitUntilReplicated(_ c: RPCClient) throws -> JSON {
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
        let r = try c.call("status")["replication"]
        if r?["running"] == true, r?["lagSeconds"] == 0, r?["lastSyncAt"] != .null { return r! }
        usleep(100_000)
    }
    throw TestError.failed("the replica never caught up")
}

@Suite(.serialized) struct ReplicationTests {
    func replicatingServer(_ dir: TempDir = TempDir(), extra: [String] = []) throws -> (TestServer, String) {
        let replica = "file://" + dir.path("replica")
        let server = try TestServer(arguments: ["--replicate", replica, "--litestream-bin", litestreamBinary] + extra, dir: dir)
        return (server, replica)
    }

    func waitSynced(_ c: RPCClient) throws -> JSON { try waitUntilReplicated(c) }

    func restore(_ from: String, into path: String, timestamp: String? = nil) throws -> (Int32, JSON?, String) {
        var args = ["restore", "--from", from, "--database", path, "--json", "--litestream-bin", litestreamBinary]
        if let timestamp { args += ["--timestamp", timestamp] }
        let (status, out, err) = try runCommand(productsDirectory.appendingPathComponent("ora-server").path, args)
        return (status, try? JSONParser.parse(out.trimmingCharacters(in: .whitespacesAndNewlines)), err)
    }

    func write(_ c: RPCClient, _ prefix: String, _ count: Int) throws {
        for i in 0..<count { _ = try c.call("recordShipment", shipment("\(prefix)\(i)", day(), [("17612 - 250300", 1 + i % 3), ("18000", 1)])) }
    }

    /// kill -9 after writes status reports synced: a restore elsewhere finds every one, and
    /// validate is clean; a second restore into the same path is refused.
    @Test func killNineThenRestoreFindsEverySyncedWrite() throws {
        let dir = TempDir()
        let (server, replica) = try replicatingServer(dir)
        let c = try server.connect()
        try seedMasterData(c)
        try write(c, "K", 60)
        let replication = try waitSynced(c)
        #expect(replication["url"] == .string(replica) && replication["restarts"] == 0)
        server.stop(signal: SIGKILL)
        let target = dir.path("restored.db")
        let (status, result, err) = try restore(replica, into: target)
        #expect(status == 0, "\(err)")
        #expect(result?["counts"]?["orders"] == 60 && result?["ok"] == true)
        let (again, _, refusal) = try restore(replica, into: target)
        #expect(again == 1 && refusal.contains("never overwrites"))
        // The child died with the server (its parent-death signal): no Litestream is left behind.
        usleep(300_000)
        #expect(try runCommand("/usr/bin/pgrep", ["-f", dir.path(".ora-litestream-")]).0 != 0)
    }

    /// SIGTERM: the last commit reaches the replica before the server exits.
    @Test func sigtermThenRestoreFindsTheLastCommit() throws {
        let dir = TempDir()
        let (server, replica) = try replicatingServer(dir)
        let c = try server.connect()
        try seedMasterData(c)
        try write(c, "T", 25)
        #expect(server.stop() == 0)
        let (status, result, err) = try restore(replica, into: dir.path("restored.db"))
        #expect(status == 0, "\(err)")
        #expect(result?["counts"]?["orders"] == 25)
    }

    /// A restore to a time before a bad update gets the earlier state.
    @Test func pointInTimeRestoreBeforeABadUpdate() throws {
        let dir = TempDir()
        let (server, replica) = try replicatingServer(dir)
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("PIT", day(), [("17612 - 250300", 1)]))
        _ = try waitSynced(c)
        sleep(2)
        let formatter = ISO8601DateFormatter()
        let before = formatter.string(from: Date())
        sleep(2)
        _ = try c.call("recordShipment", shipment("PIT", day(), [("17612 - 250300", 99)]))
        _ = try waitSynced(c)
        server.stop()
        let earlier = dir.path("earlier.db")
        let (status, _, err) = try restore(replica, into: earlier, timestamp: before)
        #expect(status == 0, "\(err)")
        #expect(try sqlite(earlier, "SELECT quantity FROM shipped_items WHERE order_number = 'PIT'") == "1")
        let latest = dir.path("latest.db")
        #expect(try restore(replica, into: latest).0 == 0)
        #expect(try sqlite(latest, "SELECT quantity FROM shipped_items WHERE order_number = 'PIT'") == "99")
    }

    /// The child dies: it is started again, and says so in status and the log.
    @Test func aDeadLitestreamIsStartedAgain() throws {
        let (server, _) = try replicatingServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try waitSynced(c)
        let (found, pids, _) = try runCommand("/usr/bin/pgrep", ["-P", String(server.process.processIdentifier), "litestream"])
        #expect(found == 0)
        for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
        let deadline = Date().addingTimeInterval(20)
        var replication: JSON?
        while Date() < deadline {
            replication = try c.call("status")["replication"]
            if replication?["restarts"] == 1 && replication?["running"] == true { break }
            usleep(100_000)
        }
        #expect(replication?["restarts"] == 1 && replication?["running"] == true)
        #expect(server.stderr.text.contains("litestream exited"))
        try write(c, "AFTER", 3)
        _ = try waitSynced(c)
    }

    @Test func replicateNeedsAURLAndTheBinary() throws {
        let server = productsDirectory.appendingPathComponent("ora-server").path
        let dir = TempDir()
        let (s1, _, e1) = try runCommand(server, ["--database", dir.path("a.db"), "--listen", "127.0.0.1:0", "--replicate", "/not/a/url"])
        #expect(s1 != 0 && e1.contains("--replicate must be a URL"))
        let (s2, _, e2) = try runCommand(server, ["--database", dir.path("b.db"), "--listen", "127.0.0.1:0", "--replicate", "file:///tmp/x", "--litestream-bin", "/nonexistent/litestream"])
        #expect(s2 != 0 && e2.contains("not an executable"))
    }
}
