// Replication that cannot stall silently: Litestream's files in a private folder, a WAL bounded
// while Litestream does not sync, and a lag that tells the truth under a steady stream of writes.

import Foundation
import ORAJSON
import Testing

@Suite(.serialized) struct ReplicationBoundsTests {
    /// A stand-in for litestream: `replicate` runs and never replicates, `sync` always fails
    /// (bad credentials, an unreachable bucket).
    /// `hangs`: its `sync -wait` never returns either (a Litestream stuck on a dead mount).
    func stalledLitestream(_ dir: TempDir, syncHangs: Bool = false) throws -> String {
        let path = dir.path("litestream-stalled")
        let sync = syncHangs ? "exec sleep 100000" : "echo \"level=ERROR msg=cannot-reach-replica\" >&2; exit 1"
        try """
        #!/bin/sh
        case "$1" in
          replicate) exec sleep 100000 ;;
          version) echo 0.5.17 ;;
          *) \(sync) ;;
        esac
        """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    func walSize(_ database: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: database + "-wal"))?[.size] as? Int) ?? 0
    }

    /// The folder holding Litestream's configuration and socket: new (mkdtemp), 0700, beside the
    /// database (or under $RUNTIME_DIRECTORY), never /tmp/ora-litestream-PID; an older folder
    /// of the same prefix that another user made is neither used nor removed.
    @Test func litestreamsFolderIsPrivateAndFresh() throws {
        let dir = TempDir()
        let squat = dir.path(".ora-litestream-ora.db-squat1")
        try FileManager.default.createDirectory(atPath: squat, withIntermediateDirectories: false)
        try "dbs: []\n".write(toFile: squat + "/litestream.yml", atomically: true, encoding: .utf8)
        chown(squat, 65534, 65534)  // nobody: another local user
        let server = try TestServer(arguments: ["--replicate", "file://" + dir.path("replica"), "--litestream-bin", litestreamBinary], dir: dir)
        let c = try server.connect()
        try seedMasterData(c)
        let mine = try #require((try FileManager.default.contentsOfDirectory(atPath: dir.url.path))
            .first { $0.hasPrefix(".ora-litestream-ora.db-") && $0 != ".ora-litestream-ora.db-squat1" })
        var info = stat()
        #expect(lstat(dir.path(mine), &info) == 0 && info.st_mode & 0o777 == 0o700 && info.st_uid == geteuid())
        #expect(FileManager.default.fileExists(atPath: dir.path(mine) + "/litestream.yml"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/ora-litestream-\(server.process.processIdentifier)"))
        #expect(FileManager.default.fileExists(atPath: squat + "/litestream.yml"))
        _ = try waitSynced(c)
        let (_, children, _) = try runCommand("/usr/bin/pgrep", ["-a", "-P", String(server.process.processIdentifier)])
        #expect(children.contains(dir.path(mine) + "/litestream.yml") && !children.contains("squat1"), "\(children)")
        #expect(server.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.path(mine)))

        // Under systemd, $RUNTIME_DIRECTORY.
        let runtime = TempDir()
        let again = try TestServer(arguments: ["--replicate", "file://" + dir.path("replica"), "--litestream-bin", litestreamBinary],
                                   database: dir.path("ora.db"), dir: dir, environment: ["RUNTIME_DIRECTORY": runtime.url.path])
        #expect(try FileManager.default.contentsOfDirectory(atPath: runtime.url.path).contains { $0.hasPrefix(".ora-litestream-ora.db-") })
        again.stop()
    }

    func waitSynced(_ c: RPCClient) throws -> JSON { try waitUntilReplicated(c) }

    /// A Litestream that runs but never syncs: status and validate say so, and once the WAL passes
    /// its hard limit (4 x --wal-limit-mb) ORA stops Litestream, checkpoints, and starts it again;
    /// the WAL stays bounded while 40 MB are written, and every write is there.
    @Test(arguments: [false, true])
    func aStalledLitestreamCannotFillTheDisk(syncHangs: Bool) throws {
        let dir = TempDir()
        let server = try TestServer(arguments: ["--replicate", "file://" + dir.path("replica"), "--litestream-bin",
                                                try stalledLitestream(dir, syncHangs: syncHangs), "--wal-limit-mb", "1"], dir: dir)
        let c = try server.connect()
        try seedMasterData(c)
        var largestWAL = 0
        for batch in 0..<40 {
            for i in 0..<10 {
                let items = (0..<100).map { ("17612 - \(800_000 + batch * 1000 + i * 100 + $0)", 1) }
                _ = try c.call("recordShipment", shipment("S\(batch)-\(i)", day(), items))
            }
            largestWAL = max(largestWAL, walSize(server.databasePath))
            usleep(100_000)
        }
        let replication = try #require(try c.call("status")["replication"])
        print("stalled litestream (sync \(syncHangs ? "hangs" : "fails")): largest WAL \(largestWAL >> 10) KiB against a hard limit of 4096 KiB; "
              + "forced checkpoints \(replication["forcedCheckpoints"]?.int64Value ?? 0), lastError \(replication["lastError"]?.stringValue ?? "none")")
        #expect(replication["syncing"] == false && replication["failingSince"] != .null)
        #expect(replication["lastError"]?.stringValue?.contains(syncHangs ? "has not returned" : "cannot-reach-replica") == true)
        #expect((replication["forcedCheckpoints"]?.int64Value ?? 0) >= 1)
        // Past the hard limit by what is written until Litestream is seen not to sync: at once
        // when its sync fails, after 3 s when it hangs (this test writes a few MB a second).
        #expect(largestWAL < (syncHangs ? 24 : 12) << 20, "the WAL reached \(largestWAL) bytes")
        let check = try c.call("validate")["checks"]?.arrayValue?.first { $0["name"] == "replication" }
        #expect(check?["status"] == "warning" || check?["status"] == "error", "\(String(describing: check))")
        #expect(server.stderr.text.contains("past its hard limit"))
        #expect(try c.call("status")["counts"]?["orders"] == 400)
        #expect(try c.call("validate", ["full": true])["checks"]?.arrayValue?.first { $0["name"] == "integrity" }?["status"] == "ok")
        // SIGTERM is bounded even with a Litestream that never answers: its syncs are killed.
        let stopping = Date()
        #expect(server.stop() == 0)
        #expect(Date().timeIntervalSince(stopping) < 30)
    }

    /// lagSeconds is the age of the oldest commit not yet on the replica: under 10 writes a second
    /// it stays within a few seconds (it used to climb by a second every second).
    @Test func lagStaysSmallUnderSteadyWrites() throws {
        let dir = TempDir()
        let server = try TestServer(arguments: ["--replicate", "file://" + dir.path("replica"), "--litestream-bin", litestreamBinary], dir: dir)
        let c = try server.connect()
        try seedMasterData(c)
        _ = try waitSynced(c)
        let watcher = try server.connect()
        var lags: [Double] = []
        let started = Date()
        var i = 0
        while Date().timeIntervalSince(started) < 15 {
            _ = try c.call("recordShipment", shipment("LAG\(i)", day(), [("17612 - 250300", 1)]))
            i += 1
            if i % 10 == 0 { lags.append(try watcher.call("status")["replication"]?["lagSeconds"]?.doubleValue ?? -1) }
            usleep(100_000)
        }
        print("lag under \(i) writes in 15 s: \(lags.map { String(format: "%.1f", $0) }.joined(separator: " "))")
        let settled = lags.dropFirst(3)
        #expect(settled.allSatisfy { $0 >= 0 && $0 < 5 }, "\(lags)")
        _ = try waitSynced(c)
    }
}
