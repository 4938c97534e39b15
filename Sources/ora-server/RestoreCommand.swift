// `ora-server restore`: a database back from its Litestream replica, checked before anyone uses it.

import ArgumentParser
import Foundation
import ORAJSON
import ORAProtocol
import ORAServer
import ORAStore

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a database from its Litestream replica (latest, or as it was at --timestamp), then check it.",
        discussion: """
            Never overwrites: PATH (and its -wal, -shm) must not exist. Runs `litestream restore` with a full
            integrity check, opens the result as the server would, runs validate, and prints what it restored.
            Example: ora-server restore --from file:///var/backups/ora --database /var/lib/ora/ora.db --timestamp 2025-10-06T17:00:00Z
            """)

    @Option(help: "The replica URL given to --replicate (file:///path, s3://bucket/path, sftp://host/path).")
    var from: String

    @Option(help: "Where to restore; must not exist.")
    var database: String

    @Option(help: "Restore the database as it was at this RFC 3339 time (default: the latest).")
    var timestamp: String?

    @Option(help: "The litestream binary (default: litestream on PATH).")
    var litestreamBin = "litestream"

    @Flag(help: "Print the result as JSON.")
    var json = false

    func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("ora-server restore: \(message)\n".utf8))
        return ExitCode(1)
    }

    func run() throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: database + suffix) {
            throw fail("\(database + suffix) exists; restore never overwrites a database (choose another --database)")
        }
        if let timestamp, ISO8601DateFormatter().date(from: timestamp) == nil {
            throw fail("--timestamp \(timestamp) is not an RFC 3339 time such as 2025-10-06T17:00:00Z")
        }
        let binary: String
        do { binary = try Replicator.locate(litestreamBin) } catch { throw fail("\(error)") }
        var arguments = ["restore", "-json", "-integrity-check", "full", "-o", database]
        if let timestamp { arguments += ["-timestamp", timestamp] }
        let (status, out, err) = try Self.runTool(binary, arguments + [from])
        guard status == 0, let summary = try? JSONParser.parse(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw fail("litestream restore failed (status \(status)): \(err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let txid = summary["txid"]?.stringValue ?? "?"
        // When that transaction reached the replica.
        var at: String?
        if let (s, ltx, _) = try? Self.runTool(binary, ["ltx", "-json", from]), s == 0, let files = (try? JSONParser.parse(ltx))?.arrayValue {
            at = files.first { $0["max_txid"]?.stringValue == txid }?["timestamp"]?.stringValue
        }

        // Open it as the server would (schema checks and upgrade included), then validate.
        let checks: [CheckResult], counts: JSON
        do {
            let lock = try DatabaseLock(path: database)
            let store = try Store.openWriter(path: database)
            checks = try store.validationChecks(full: true, freshnessDays: 60)
            counts = try store.counts()
            try store.checkpoint(.truncate)
            withExtendedLifetime(lock) {}
        } catch {
            throw fail("the restored file at \(database) does not open as an ORA database: \(error)")
        }
        let errors = checks.filter { $0.status == .error }
        if json {
            print(JSONWriter.string(["database": .string(database), "from": .string(from), "txid": .string(txid), "replicatedAt": .string(at),
                                     "timestamp": .string(timestamp), "counts": counts, "ok": .bool(errors.isEmpty),
                                     "validate": .array(checks.map(\.json))]))
        } else {
            print("restored    \(database) from \(from)")
            print("position    transaction \(txid)\(at.map { ", replicated at \($0)" } ?? "")\(timestamp.map { " (as of \($0))" } ?? " (latest)")")
            print("holds       \(JSONWriter.string(counts))")
            print("validate    " + (errors.isEmpty ? "ok (\(checks.count) checks)" : "ERRORS: " + errors.map { "\($0.name): \($0.message)" }.joined(separator: "; ")))
        }
        if !errors.isEmpty { throw ExitCode(1) }
    }

    /// Runs a tool to completion: (status, stdout, stderr).
    static func runTool(_ path: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
