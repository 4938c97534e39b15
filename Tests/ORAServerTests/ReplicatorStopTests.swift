// Stopping replication while its supervisor is starting a Litestream: the child is recorded under
// the lock `stop` takes, so it is always ended and `stop` always returns.

import Foundation
import Logging
import Testing
@testable import ORAServer

@Suite struct ReplicatorStopTests {
    /// `stop` called while a child has been started and not yet recorded (the hook holds the
    /// supervisor there): it returns, and no child is left running.
    @Test func stopDuringALaunchEndsTheChild() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ora-replicator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("litestream-standin").path
        try "#!/bin/sh\n[ \"$1\" = replicate ] && exec sleep 100000\nexit 1\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        var settings = Replicator.Settings(url: "file:///nowhere", databasePath: dir.appendingPathComponent("ora.db").path, binary: script)
        settings.stopSeconds = 2
        let launched = DispatchSemaphore(value: 0)
        settings.afterLaunch = { launched.signal(); usleep(300_000) }
        let replicator = try Replicator(settings: settings, status: ReplicationStatus(url: "file:///nowhere", walHardLimitBytes: 1 << 20),
                                        logger: Logger(label: "test"))
        #expect(launched.wait(timeout: .now() + 10) == .success)
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread { replicator.stop(); stopped.signal() }
        #expect(stopped.wait(timeout: .now() + 15) == .success, "stop() did not return")
        let (found, pids, _) = try runPgrep(script)
        #expect(found != 0, "a child is still running: \(pids)")
        #expect(!FileManager.default.fileExists(atPath: replicator.dir))
    }

    func runPgrep(_ pattern: String) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        process.arguments = ["-f", "sleep 100000"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Only children of this process's own stand-in count (other tests may sleep too).
        let mine = text.split(separator: "\n").filter { line in
            guard let pid = Int32(line) else { return false }
            return (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8))?.contains("PPid:\t\(getpid())") == true
        }
        return (mine.isEmpty ? 1 : 0, mine.joined(separator: ","), "")
    }
}
