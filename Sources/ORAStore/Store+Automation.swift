// The workflows' run journal, their schedules and the pause switch (OPERATIONS.md). The states
// are judged by ORADomain/Automation; this file stores and reads what they are judged on.
//
// (1) A run is started once and finished once (a second finishRun is -32602).
// (2) A success is a finished run with exit status 0 that is neither a dry run nor a paused one
//     (its summary starts with "paused"): only real work keeps a workflow from being late.

import Foundation
import ORAJSON
import ORADomain

extension Store {
    public func startRun(workflow: String, args: String?, dryRun: Bool, now: String) throws -> JSON {
        try db.run("INSERT INTO workflow_runs (workflow, args, dry_run, started_at) VALUES (?, ?, ?, ?)",
                   [.text(workflow), .text(args), .int(dryRun ? 1 : 0), .text(now)])
        return ["runId": .int(db.lastInsertRowID)]
    }

    public func finishRun(runID: Int64, exitStatus: Int64, summary: String, counts: JSON?, now: String) throws -> JSON {
        guard let finished = try db.one("SELECT finished_at IS NOT NULL FROM workflow_runs WHERE run_id = ?", [.int(runID)], { $0.int(0) != 0 }) else {
            throw DomainError.invalidValue(field: "/runId", problem: "names no run (\(runID))")
        }
        if finished { throw DomainError.invalidValue(field: "/runId", problem: "run \(runID) is already finished") }
        try db.run("UPDATE workflow_runs SET finished_at = ?, exit_status = ?, summary = ?, counts = ? WHERE run_id = ?",
                   [.text(now), .int(exitStatus), .text(summary), .text(counts.map { JSONWriter.string($0) }), .int(runID)])
        return ["runId": .int(runID)]
    }

    /// Runs, newest first; `beforeID` is the cursor (the last run id of the previous page).
    public func listRuns(workflow: String?, limit: Int, beforeID: Int64?) throws -> JSON {
        try snapshot {
            var runs = try db.query("""
                SELECT \(Self.runColumns) FROM workflow_runs
                WHERE (?1 IS NULL OR workflow = ?1) AND run_id < ?2 ORDER BY run_id DESC LIMIT ?3
                """, [.text(workflow), .int(beforeID ?? .max), .int(Int64(limit) + 1)], Self.runJSON)
            let more = runs.count > limit
            if more { runs.removeLast() }
            return ["runs": .array(runs), "nextCursor": more ? .string(String(runs.last!["runId"]!.int64Value!)) : .null]
        }
    }

    public func setSchedule(workflow: String, everyMinutes: Int64) throws -> JSON {
        try db.run("""
            INSERT INTO workflow_schedules (workflow, every_minutes) VALUES (?, ?)
            ON CONFLICT (workflow) DO UPDATE SET every_minutes = excluded.every_minutes
            """, [.text(workflow), .int(everyMinutes)])
        return ["workflow": .string(workflow), "everyMinutes": .int(everyMinutes)]
    }

    /// Pauses `workflows` (nil: all, as `*`); a workflow already paused keeps its first reason.
    public func pauseWorkflows(reason: String, workflows: [String]?, now: String) throws -> JSON {
        for name in workflows ?? ["*"] {
            try db.run("INSERT INTO workflow_pauses (workflow, reason, since) VALUES (?, ?, ?) ON CONFLICT (workflow) DO NOTHING",
                       [.text(name), .text(reason), .text(now)])
        }
        return try automationStatus(now: Date())
    }

    /// Resumes `workflows` (nil: every pause, the global one included).
    public func resumeWorkflows(workflows: [String]?) throws -> JSON {
        if let workflows {
            for name in workflows { try db.run("DELETE FROM workflow_pauses WHERE workflow = ?", [.text(name)]) }
        } else {
            try db.run("DELETE FROM workflow_pauses")
        }
        return try automationStatus(now: Date())
    }

    /// Runs started before `before`, deleted with `apply` (ora-cleanup); counted either way.
    public func purgeRuns(before: String, apply: Bool) throws -> JSON {
        let count = try db.scalarInt("SELECT count(*) FROM workflow_runs WHERE started_at < ?", [.text(before)])
        if apply { try db.run("DELETE FROM workflow_runs WHERE started_at < ?", [.text(before)]) }
        return ["count": .int(count), "applied": .bool(apply)]
    }

    public func automationStatus(now: Date) throws -> JSON {
        let nowText = Timestamp.format(now)
        var schedules: [String: Int64] = [:]
        _ = try db.query("SELECT workflow, every_minutes FROM workflow_schedules") { schedules[$0.text(0)] = $0.int(1) }
        var pauses: [String: JSON] = [:]
        _ = try db.query("SELECT workflow, reason, since FROM workflow_pauses") {
            pauses[$0.text(0)] = ["reason": .string($0.text(1)), "since": .string($0.text(2))]
        }
        var entries: [JSON] = []
        for name in Automation.workflows {
            let every = schedules[name] ?? Automation.defaultEveryMinutes[name]!
            let last = try db.one("SELECT \(Self.runColumns), (julianday(?2) - julianday(started_at)) * 1440 FROM workflow_runs WHERE workflow = ?1 ORDER BY run_id DESC LIMIT 1",
                                  [.text(name), .text(nowText)]) { r in (json: try Self.runJSON(r), minutesAgo: r.double(9), exit: r.intOrNil(6)) }
            let success = try db.one("""
                SELECT started_at, (julianday(?2) - julianday(started_at)) * 1440 FROM workflow_runs
                WHERE workflow = ?1 AND exit_status = 0 AND dry_run = 0 AND summary NOT LIKE 'paused%'
                ORDER BY run_id DESC LIMIT 1
                """, [.text(name), .text(nowText)]) { (at: $0.text(0), minutesAgo: $0.double(1)) }
            let paused = pauses[name] != nil || pauses["*"] != nil
            let state = Automation.state(paused: paused, last: last.map { Automation.Run(minutesAgo: $0.minutesAgo, exitStatus: $0.exit) },
                                         successMinutesAgo: success?.minutesAgo, everyMinutes: every)
            entries.append(["workflow": .string(name), "state": .string(state.rawValue), "lastRun": last?.json ?? .null,
                            "lastSuccessAt": .string(success?.at), "everyMinutes": .int(every), "paused": .bool(paused),
                            "pausedReason": pauses[name]?["reason"] ?? pauses["*"]?["reason"] ?? .null])
        }
        return ["paused": pauses["*"] ?? .null, "workflows": .array(entries)]
    }

    static let runColumns = "run_id, workflow, args, dry_run, started_at, finished_at, exit_status, summary, counts"

    static func runJSON(_ r: Row) throws -> JSON {
        let counts: JSON = try r.textOrNil(8).map { try JSONParser.parse($0) } ?? .null
        return ["runId": .int(r.int(0)), "workflow": .string(r.text(1)), "args": .string(r.textOrNil(2)), "dryRun": .bool(r.int(3) != 0),
                "startedAt": .string(r.text(4)), "finishedAt": .string(r.textOrNil(5)), "exitStatus": .int(r.intOrNil(6)),
                "summary": .string(r.textOrNil(7)), "counts": counts]
    }
}
