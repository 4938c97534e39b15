import ArgumentParser
import Foundation
import ORAProtocol

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Server version, uptime, traffic, the writer's time and row counts.")

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run("status") { r in
            for key in ["version", "schemaVersion", "database", "uptimeSeconds", "connections", "requests", "transactions", "writes"] where r[key] != nil {
                print("\(key.padding(toLength: 14, withPad: " ", startingAt: 0)) \(Output.text(r[key]))")
            }
            if let w = r["writerTime"] {
                let ms = { (key: String) in w[key]?.doubleValue ?? 0 }
                let commits = r["transactions"]?.int64Value ?? 0
                let perCommit = commits > 0 ? String(format: " (%.3f ms per commit)", ms("committingMs") / Double(commits)) : ""
                let one = { (key: String) in String(format: "%.1f", ms(key)) }
                print("writer         \(one("executingMs")) ms executing, \(one("committingMs")) ms committing\(perCommit), \(one("checkpointingMs")) ms checkpointing")
            }
            if let rep = r["replication"] {
                print("replication    \(Output.text(rep["url"])): \(rep["running"] == true ? "running" : "NOT RUNNING"), \(Output.text(rep["restarts"])) restarts, "
                      + "last synced \(Output.text(rep["lastSyncAt"])), lag \(Output.text(rep["lagSeconds"])) s")
            }
            let c = r["counts"]
            print("counts         \(Output.text(c?["skus"])) SKUs, \(Output.text(c?["lots"])) lots, \(Output.text(c?["orders"])) orders, \(Output.text(c?["items"])) items")
        }
    }
}
