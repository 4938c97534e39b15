import ArgumentParser
import ORAProtocol

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Server version, uptime, traffic and row counts.")

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run("status") { r in
            for key in ["version", "schemaVersion", "database", "uptimeSeconds", "connections", "requests", "transactions", "writes"] where r[key] != nil {
                print("\(key.padding(toLength: 14, withPad: " ", startingAt: 0)) \(Output.text(r[key]))")
            }
            let c = r["counts"]
            print("counts         \(Output.text(c?["skus"])) SKUs, \(Output.text(c?["lots"])) lots, \(Output.text(c?["orders"])) orders, \(Output.text(c?["items"])) items")
        }
    }
}
