import Testing
import Foundation
import ORAJSON
import ORAProtocol

/// Whether this machine lets the tests mount a small tmpfs (root) and mark files immutable.
enum DiskTools {
    static let canMount: Bool = {
        let dir = TempDir()
        guard (try? runCommand("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.url.path]))?.0 == 0 else { return false }
        _ = try? runCommand("/bin/umount", [dir.url.path])
        return true
    }()
    static let canChattr: Bool = {
        let dir = TempDir()
        let path = dir.path("probe")
        guard FileManager.default.createFile(atPath: path, contents: Data()) else { return false }
        guard (try? runCommand("/usr/bin/chattr", ["+i", path]))?.0 == 0 else { return false }
        _ = try? runCommand("/usr/bin/chattr", ["-i", path])
        return true
    }()
}

// These need root (mount, chattr): CI and developers run as root here.
@Suite(.serialized) struct DiskTroubleTests {
    /// On a full disk writes get -32603 and nothing acknowledged is lost; reads go on; writes resume once space returns.
    @Test(.enabled("needs root to mount a small tmpfs") { DiskTools.canMount })
    func fullDiskRefusesWritesThenRecovers() throws {
        let dir = TempDir()
        let mountPoint = dir.path("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        #expect(try runCommand("/bin/mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", mountPoint]).0 == 0)
        defer { _ = try? runCommand("/bin/umount", ["-l", mountPoint]) }
        let server = try TestServer(database: mountPoint + "/ora.db", dir: dir)
        let c = try server.connect()
        try seedMasterData(c)
        var acknowledged: [String] = []
        var failure: JSON?
        for i in 0..<2000 {
            let items = (0..<50).map { ("17612 - \(1000 + $0)", 1 + $0 % 3) }
            let reply = try c.request("recordShipment", shipment("FULL-\(i)-" + String(repeating: "x", count: 60), day(), items))
            if reply["result"] != nil { acknowledged.append("FULL-\(i)-" + String(repeating: "x", count: 60)) } else { failure = reply["error"]; break }
        }
        let error = try #require(failure, "the disk never filled")
        #expect(error.code == -32603)
        #expect(error["message"]?.stringValue?.contains("full") == true)
        // Reads keep working.
        #expect(try c.call("shippedItems", ["orderNumber": .string(acknowledged[0])])["totalLines"] == 50)
        #expect(try c.call("parseSku", ["sku": "1"])["valid"] == true)
        // Space returns: writes work again without a restart.
        #expect(try runCommand("/bin/mount", ["-o", "remount,size=64m", mountPoint]).0 == 0)
        #expect(try c.call("recordShipment", shipment("AFTER", day(), [("18000", 1)]))["status"] == "created")
        try server.restart()
        let after = try server.connect()
        #expect(try after.call("status")["counts"]?["orders"] == .int(acknowledged.count + 1))
        #expect(try after.call("validate")["ok"] == true)
    }

    /// A database that cannot be written (immutable file): writes get -32603, reads work, and it recovers.
    @Test(.enabled("needs root for chattr +i") { DiskTools.canChattr })
    func readOnlyFileRefusesWritesThenRecovers() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        _ = try c.call("recordShipment", shipment("BEFORE", day(), [("18000", 2)]))
        let files = [server.databasePath, server.databasePath + "-wal"]
        #expect(try runCommand("/usr/bin/chattr", ["+i"] + files).0 == 0)
        defer { _ = try? runCommand("/usr/bin/chattr", ["-i"] + files) }
        let refused = try c.callError("recordShipment", shipment("DURING", day(), [("18000", 1)]))
        #expect(refused.code == -32603 && refused.reason == "internal_error")
        #expect(try c.call("shippedItems", ["orderNumber": "BEFORE"])["totalUnits"] == 2)
        #expect(try runCommand("/usr/bin/chattr", ["-i"] + files).0 == 0)
        #expect(try c.call("recordShipment", shipment("AFTER", day(), [("18000", 1)]))["status"] == "created")
        #expect(try c.call("shippedItems", ["orderNumber": "DURING"])["totalLines"] == 0)
        try server.restart()
        #expect(try server.connect().call("validate")["ok"] == true)
    }
}
