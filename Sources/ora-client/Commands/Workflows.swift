import ArgumentParser
import ORAJSON
import ORAProtocol

/// `ora-client workflows status|pause|resume|runs`: the run journal and the pause switch.
struct Workflows: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The workflows' states, their runs, and the pause switch for maintenance.",
        subcommands: [StatusCommand.self, Pause.self, Resume.self, Runs.self])

    static func table(_ r: JSON) -> String {
        var out: [String] = []
        if let pause = r["paused"], pause != .null {
            out.append("ALL WORKFLOWS PAUSED since \(Output.text(pause["since"])): \(Output.text(pause["reason"]))")
        }
        let rows = (r["workflows"]?.arrayValue ?? []).map { w -> [String] in
            let last = w["lastRun"]
            let ended = last?["exitStatus"] == .null || last == nil ? "" : "exit \(Output.text(last?["exitStatus"]))"
            return [Output.text(w["workflow"]), Output.text(w["state"]), Output.text(last?["startedAt"]), ended,
                    Output.text(w["lastSuccessAt"]), Output.text(w["everyMinutes"]),
                    w["paused"] == true ? "paused: \(Output.text(w["pausedReason"]))" : ""]
        }
        out.append(Output.table(["WORKFLOW", "STATE", "LAST RUN", "ENDED", "LAST SUCCESS", "EVERY MIN", ""], rows, numeric: [5]))
        return out.joined(separator: "\n")
    }

    struct StatusCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Each workflow's state, last run and last success.")
        @OptionGroup var connection: ConnectionOptions
        func run() throws { try connection.run("automationStatus") { print(Workflows.table($0)) } }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause workflows (all, or those named): they exit 0 at once, touching nothing.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Why (shown by every paused command).") var reason: String
        @Argument(help: "Workflows to pause (default: all).") var workflows: [String] = []
        func run() throws {
            var params = JSONObject([("reason", .string(reason))])
            if !workflows.isEmpty { params["workflows"] = .array(workflows.map(JSON.string)) }
            try connection.run("pauseWorkflows", .object(params)) { print(Workflows.table($0)) }
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume workflows (all, or those named).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Workflows to resume (default: every pause).") var workflows: [String] = []
        func run() throws {
            let params: JSON = workflows.isEmpty ? [:] : ["workflows": .array(workflows.map(JSON.string))]
            try connection.run("resumeWorkflows", params) { print(Workflows.table($0)) }
        }
    }

    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recorded runs, newest first.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Only this workflow.") var workflow: String?
        @Option(help: "How many.") var limit: Int = 20
        func run() throws {
            var params = JSONObject([("limit", .int(Int64(limit)))])
            if let workflow { params["workflow"] = .string(workflow) }
            try connection.run("listRuns", .object(params)) { r in
                let rows = (r["runs"]?.arrayValue ?? []).map { run in
                    [Output.text(run["runId"]), Output.text(run["workflow"]), Output.text(run["startedAt"]),
                     run["exitStatus"] == .null ? "running" : "exit \(Output.text(run["exitStatus"]))" + (run["dryRun"] == true ? " (dry run)" : ""),
                     Output.text(run["summary"])]
                }
                print(Output.table(["RUN", "WORKFLOW", "STARTED", "ENDED", "SUMMARY"], rows))
            }
        }
    }
}
