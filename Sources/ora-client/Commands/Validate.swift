import ArgumentParser
import ORAJSON
import ORAProtocol

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the database's health; exits 1 when a check is in error.")

    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Run the full integrity_check instead of quick_check.") var full = false

    func run() throws {
        let result = try connection.open().call("validate", ["full": .bool(full)])
        if connection.json {
            Output.json(result)
        } else {
            let checks = result["checks"]?.arrayValue ?? []
            let width = checks.map { Output.text($0["name"]).count }.max() ?? 0
            for check in checks {
                let name = Output.text(check["name"])
                let mark: String
                switch check["status"]?.stringValue {
                case "ok": mark = Output.paint("ok  ", .green)
                case "warning": mark = Output.paint("warn", .yellow)
                default: mark = Output.paint("FAIL", .red)
                }
                print("\(mark)  \(name)\(String(repeating: " ", count: width - name.count))  \(Output.text(check["message"]))")
                for sample in check["samples"]?.arrayValue ?? [] where check["status"] != "ok" {
                    print(Output.paint("        \(Output.text(sample))", .dim))
                }
            }
            print(result["ok"] == true ? "healthy (\(Output.text(result["durationMs"])) ms)" : Output.paint("NOT healthy", .red))
        }
        if result["ok"] != true { throw ExitCode(1) }
    }
}
