// `ora-server migrate`: turn a Python-era database into an ORA one (see ORAStore/Migration.swift).

import ArgumentParser
import Foundation
import ORAJSON
import ORAProtocol
import ORAServer
import ORAStore

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Migrate a Python-era ora.db to ORA's normalized schema, with a verified backup first.",
        discussion: "Refuses while a server owns the file, and refuses a file that fails quick_check. Everything it cannot normalize goes to the quarantine table with its original columns.")

    @Option(help: "The Python-era database to migrate in place.")
    var database = "./ora.db"

    @Flag(help: "Do everything but commit (and take no backup); print the same report.")
    var dryRun = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: database) else {
            FileHandle.standardError.write(Data("ora-server migrate: \(database) does not exist\n".utf8))
            throw ExitCode(1)
        }
        let outcome: Migration.Outcome
        do {
            let lock = try DatabaseLock(path: database)
            var migration = Migration(path: database, dryRun: dryRun)
            if isatty(STDERR_FILENO) == 1 {
                migration.progress = { done, total in
                    FileHandle.standardError.write(Data("\rnormalizing shipped_items: \(done) of \(total) rows".utf8))
                    if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
                }
            }
            outcome = try migration.run()
            withExtendedLifetime(lock) {}
        } catch {
            FileHandle.standardError.write(Data("ora-server migrate: \(error)\n".utf8))
            throw ExitCode(1)
        }
        switch outcome {
        case .alreadyMigrated(let version):
            if json {
                print(JSONWriter.string(["database": .string(database), "alreadyMigrated": true, "schemaVersion": .int(version)]))
            } else {
                print("\(database) is already an ORA database (schema version \(version)); nothing to do")
            }
        case .migrated(let report):
            print(json ? JSONWriter.string(report) : Self.render(report))
        }
    }

    static func render(_ r: JSON) -> String {
        func n(_ key: String) -> String { r[key].map { JSONWriter.string($0) } ?? "?" }
        let a = r["accounting"]
        func an(_ key: String) -> String { a?[key].map { JSONWriter.string($0) } ?? "?" }
        var lines = [
            r["dryRun"] == true ? "dry run of \(n("database")): nothing was written" : "migrated \(r["database"]?.stringValue ?? "")",
        ]
        if let backup = r["backupPath"]?.stringValue { lines.append("backup      \(backup) (integrity_check ok)") }
        lines.append("imported    \(n("skus")) SKUs, \(n("lots")) lots, \(n("orders")) orders, \(n("items")) items, \(n("units")) units")
        lines.append("repaired    \(n("duplicatesMerged")) duplicates merged, \(n("datesUnified")) split orders unified on their latest date")
        lines.append("quarantined \(n("quarantined")) rows (kept whole in the quarantine table; `ora-client validate` lists them)")
        lines.append("accounting  \(an("legacyUnits")) legacy units = \(an("migratedUnits")) migrated + \(an("quarantinedUnits")) quarantined + \(an("duplicateUnitsDropped")) in duplicate rows"
                     + (a?["balanced"] == true ? "  (balanced)" : "  (NOT balanced)"))
        if let i = r["inbox"], i != .null {
            func v(_ key: String) -> String { i[key].map { JSONWriter.string($0) } ?? "?" }
            lines.append("inbox       \(v("orders")) of \(v("legacyOrders")) orders; \(v("legacyUnits")) legacy units = \(v("migratedUnits")) migrated + \(v("quarantinedUnits")) quarantined + \(v("duplicateUnitsDropped")) in duplicate rows"
                         + (i["balanced"] == true ? "  (balanced)" : "  (NOT balanced)"))
        }
        for q in (r["quarantine"]?.arrayValue ?? []).prefix(10) {
            lines.append("  quarantined \(q["table"]?.stringValue ?? "") row \(q["row"].map { JSONWriter.string($0) } ?? "?"): \(q["message"]?.stringValue ?? "")")
        }
        for d in (r["unifiedDates"]?.arrayValue ?? []).prefix(10) {
            lines.append("  unified order \(d["orderNumber"]?.stringValue ?? "") from \(d["dates"].map { JSONWriter.string($0) } ?? "") on \(d["unifiedOn"]?.stringValue ?? "")")
        }
        lines.append("took \(n("durationMs")) ms; the full report is in the migration_log table (--json prints it)")
        return lines.joined(separator: "\n")
    }
}
