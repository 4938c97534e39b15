// Numbers given on the command line are refused at start when out of range, never trapped on
// later: durations become libuv timers in whole milliseconds (negative, infinite, not a number or
// past a day cannot), and limits feed arithmetic and allocations.

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

    /// Numbers the server computes with or allocates from are refused out of range at start,
    /// never trapped on later (an overflow at start, a 34 GB allocation, a crash at the first validate).
    @Test func outOfRangeLimitsAreRefusedAtStart() throws {
        let dir = TempDir()
        let bin = productsDirectory.appendingPathComponent("ora-server").path
        for (flag, value) in [("--cache-mb", "9223372036854775807"), ("--max-connections", "9223372036854775807"), ("--readers", "4294967296"),
                              ("--readers", "2147483648"), ("--freshness-days", "4294967296"), ("--sync-interval-ms", "9223372036854775807"),
                              ("--max-memory-mb", "0"), ("--wal-limit-mb", "-1")] {
            let (status, _, err) = try runCommand(bin, ["--database", dir.path("d.db"), "--listen", "127.0.0.1:0", "\(flag)=\(value)"])
            #expect(status == 64 && err.contains(flag), "\(flag) \(value): status \(status), \(err)")
        }
    }

    /// In range, the grace period is used: SIGTERM with --shutdown-grace 0 stops cleanly.
    @Test func aZeroGraceStopsCleanly() throws {
        let server = try TestServer(arguments: ["--shutdown-grace", "0"])
        _ = try server.connect().call("status")
        #expect(server.stop() == 0)
    }
}
