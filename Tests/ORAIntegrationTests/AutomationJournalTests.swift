import Testing
import Foundation
import ORAJSON
import ORAProtocol

/// The run journal, schedules and pause switch through the real server (OPERATIONS.md).
@Suite struct AutomationJournalTests {
    func entry(_ status: JSON, _ workflow: String) -> JSON? {
        status["workflows"]?.arrayValue?.first { $0["workflow"] == .string(workflow) }
    }

    @Test func runsAndStates() throws {
        let server = try TestServer()
        let c = try server.connect()
        var status = try c.call("automationStatus")
        #expect(status["paused"] == .null && status["workflows"]?.arrayValue?.count == 10)
        #expect(entry(status, "ora-daily-shipments")?["state"] == "never" && entry(status, "ora-daily-shipments")?["everyMinutes"] == 1440)

        let run = try c.call("startRun", ["workflow": "ora-daily-shipments", "args": "--date 2025-10-06"])["runId"]!
        #expect(entry(try c.call("automationStatus"), "ora-daily-shipments")?["state"] == "running")
        _ = try c.call("finishRun", ["runId": run, "exitStatus": 0, "summary": "398 created", "counts": ["created": 398]])
        status = try c.call("automationStatus")
        let daily = entry(status, "ora-daily-shipments")
        #expect(daily?["state"] == "ok" && daily?["lastRun"]?["counts"] == ["created": 398] && daily?["lastSuccessAt"] != .null)
        // Finished twice, or no such run: -32602 naming runId; nothing changes.
        #expect(try c.callError("finishRun", ["runId": run, "exitStatus": 1, "summary": "again"])["data"]?["field"] == "/runId")
        #expect(try c.callError("finishRun", ["runId": 999, "exitStatus": 1, "summary": "x"])["data"]?["field"] == "/runId")
        #expect(entry(try c.call("automationStatus"), "ora-daily-shipments")?["lastRun"]?["exitStatus"] == 0)

        func finished(_ workflow: String, _ exit: Int, dryRun: Bool = false, summary: String = "done") throws {
            let id = try c.call("startRun", ["workflow": .string(workflow), "dryRun": .bool(dryRun)])["runId"]!
            _ = try c.call("finishRun", ["runId": id, "exitStatus": .int(Int64(exit)), "summary": .string(summary)])
        }
        try finished("ora-upload-orders", 0)
        try finished("ora-upload-orders", 1)
        try finished("ora-status-sync", 3)
        try finished("ora-cleanup", 0, dryRun: true)            // a dry run is never a success
        try finished("ora-units-refresh", 0, summary: "paused: migration")   // nor a paused run
        try finished("ora-reconcile", 1)                          // never succeeded
        status = try c.call("automationStatus")
        #expect(entry(status, "ora-upload-orders")?["state"] == "attention")
        #expect(entry(status, "ora-status-sync")?["state"] == "failing")
        #expect(entry(status, "ora-cleanup")?["state"] == "late" && entry(status, "ora-cleanup")?["lastSuccessAt"] == .null)
        #expect(entry(status, "ora-units-refresh")?["state"] == "late")
        #expect(entry(status, "ora-reconcile")?["state"] == "late")

        // Newest first, paged.
        let page = try c.call("listRuns", ["limit": 2])
        #expect(page["runs"]?.arrayValue?.map { $0["workflow"]! } == ["ora-reconcile", "ora-units-refresh"])
        let next = try c.call("listRuns", ["limit": 100, "cursor": page["nextCursor"]!])
        #expect(next["runs"]?.arrayValue?.count == 5 && next["nextCursor"] == .null)
        #expect(try c.call("listRuns", ["workflow": "ora-upload-orders"])["runs"]?.arrayValue?.count == 2)

        #expect(try c.call("setSchedule", ["workflow": "ora-cleanup", "everyMinutes": 60]) == ["workflow": "ora-cleanup", "everyMinutes": 60])
        #expect(entry(try c.call("automationStatus"), "ora-cleanup")?["everyMinutes"] == 60)
    }

    @Test func pauseAndResume() throws {
        let server = try TestServer()
        let c = try server.connect()
        var status = try c.call("pauseWorkflows", ["reason": "upload only", "workflows": ["ora-upload-orders"]])
        #expect(status["paused"] == .null && entry(status, "ora-upload-orders")?["state"] == "paused")
        #expect(entry(status, "ora-upload-orders")?["pausedReason"] == "upload only" && entry(status, "ora-cleanup")?["paused"] == false)
        status = try c.call("pauseWorkflows", ["reason": "migrating the database"])
        #expect(status["paused"]?["reason"] == "migrating the database")
        #expect(status["workflows"]?.arrayValue?.allSatisfy { $0["state"] == "paused" } == true)
        status = try c.call("resumeWorkflows", ["workflows": ["ora-upload-orders"]])
        #expect(entry(status, "ora-upload-orders")?["paused"] == true)  // still under the pause of all
        status = try c.call("resumeWorkflows", [:])
        #expect(status["paused"] == .null && status["workflows"]?.arrayValue?.allSatisfy { $0["paused"] == false } == true)
    }

    @Test func badParamsNameTheField() throws {
        let server = try TestServer()
        let c = try server.connect()
        for (method, params, field) in [("startRun", ["workflow": "rm -rf"], "/workflow"), ("startRun", [:], "/workflow"),
                                        ("finishRun", ["runId": 1, "exitStatus": 256, "summary": "x"], "/exitStatus"),
                                        ("finishRun", ["runId": 1, "exitStatus": 0, "summary": "x", "counts": ["a": "b"]], "/counts/a"),
                                        ("finishRun", ["runId": 1, "exitStatus": 0, "summary": "x", "counts": [1]], "/counts"),
                                        ("setSchedule", ["workflow": "ora-cleanup", "everyMinutes": 0], "/everyMinutes"),
                                        ("pauseWorkflows", ["reason": ""], "/reason"),
                                        ("pauseWorkflows", ["reason": "x", "workflows": ["nope"]], "/workflows/0"),
                                        ("listRuns", ["cursor": "abc"], "/cursor")] as [(String, JSON, String)] {
            #expect(try c.callError(method, params)["data"]?["field"] == .string(field), "\(method) \(params)")
        }
        #expect(try c.call("listRuns")["runs"] == [])
    }

    @Test func purgeRunsKeepsRecentOnes() throws {
        let server = try TestServer()
        let c = try server.connect()
        _ = try c.call("startRun", ["workflow": "ora-cleanup"])
        #expect(try c.call("purgeRuns", ["before": .string(day(-1))]) == ["count": 0, "applied": false])
        #expect(try c.call("purgeRuns", ["before": .string(day(1)), "apply": true]) == ["count": 1, "applied": true])
        #expect(try c.call("listRuns")["runs"] == [])
        // ora-client workflows
        let client = productsDirectory.appendingPathComponent("ora-client").path
        let connect = ["--connect", "127.0.0.1:\(server.port)"]
        let (s1, out1, _) = try runCommand(client, ["workflows", "pause", "--reason", "maintenance"] + connect)
        #expect(s1 == 0 && out1.contains("ALL WORKFLOWS PAUSED") && out1.contains("maintenance"))
        let (s2, out2, _) = try runCommand(client, ["workflows", "resume"] + connect)
        #expect(s2 == 0 && !out2.contains("PAUSED") && out2.contains("never"))
        let (s3, out3, _) = try runCommand(client, ["workflows", "status", "--json"] + connect)
        #expect(s3 == 0 && out3.contains("\"workflows\""))
    }
}
