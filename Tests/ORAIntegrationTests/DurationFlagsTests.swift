// Durations given on the command line become libuv timers in whole milliseconds: a value that
// cannot (negative, infinite, not a number, past a day) is refused at start, not trapped on later.

import Foundation
import Testing

@Suite struct DurationFlagsTests {
    /// --shutdown-grace -1, inf, nan or 1e20 (and the same for the other timeouts) stop the
    /// server at start with a message; the server never traps at SIGTERM.
    @Test(arguments: ["--shutdown-grace", "--auth-timeout", "--idle-timeout"])
    func outOfRangeDurationsAreRefusedAtStart(flag: String) throws {
        let dir = TempDir()
        let bin = productsDirectory.appendingPathComponent("ora-server").path
        for value in ["-1", "inf", "nan", "1e20", "86401"] {
            let (status, _, err) = try runCommand(bin, ["--database", dir.path("d.db"), "--listen", "127.0.0.1:0", "\(flag)=\(value)"])
            #expect(status == 64 && err.contains(flag) && err.contains("86400"), "\(flag) \(value): status \(status), \(err)")
        }
    }

    /// In range, the grace period is used: SIGTERM with --shutdown-grace 0 stops cleanly.
    @Test func aZeroGraceStopsCleanly() throws {
        let server = try TestServer(arguments: ["--shutdown-grace", "0"])
        _ = try server.connect().call("status")
        #expect(server.stop() == 0)
    }
}
