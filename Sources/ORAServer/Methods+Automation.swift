// The workflows' run journal, schedules and pause switch (OPERATIONS.md): startRun, finishRun,
// listRuns, setSchedule, automationStatus, pauseWorkflows, resumeWorkflows, and purgeRuns for
// ora-cleanup.

import Foundation
import ORAJSON
import ORAProtocol
import ORADomain
import ORAStore

extension Methods {
    static func workflowName(_ p: Params, _ key: String = "workflow") throws(RPCError) -> String {
        let name = try p.requiredString(key, maxLength: 100)
        guard Automation.defaultEveryMinutes[name] != nil else {
            throw .invalidParams(p.pointer(key), "must be one of \(Automation.workflows.joined(separator: ", ")), got \"\(name)\"")
        }
        return name
    }

    static func workflowList(_ p: Params) throws(RPCError) -> [String]? {
        guard let raw = try p.array("workflows") else { return nil }
        guard !raw.isEmpty, raw.count <= Automation.workflows.count else {
            throw .invalidParams("/workflows", "must name 1 to \(Automation.workflows.count) workflows")
        }
        var names: [String] = []
        for (i, item) in raw.enumerated() {
            guard case .string(let name) = item, Automation.defaultEveryMinutes[name] != nil else {
                throw .invalidParams("/workflows/\(i)", "must be one of \(Automation.workflows.joined(separator: ", "))")
            }
            names.append(name)
        }
        return names
    }

    static func startRun(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["workflow", "args", "dryRun"])
        let workflow = try workflowName(p)
        let args = try p.string("args", maxLength: 1000)
        let dryRun = try p.bool("dryRun") ?? false
        return .write { store, now in try store.startRun(workflow: workflow, args: args, dryRun: dryRun, now: now) }
    }

    static func finishRun(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["runId", "exitStatus", "summary", "counts"])
        let runID = try p.requiredInt("runId", in: 1...Int64.max)
        let exit = try p.requiredInt("exitStatus", in: 0...255)
        let summary = try p.requiredString("summary", maxLength: 10_000)
        var counts: JSON?
        if let value = p.value("counts"), value != .null {
            guard let object = value.objectValue, object.members.count <= 100 else {
                throw .invalidParams("/counts", "must be an object of at most 100 integers")
            }
            for member in object.members where member.value.int64Value == nil || member.key.count > 100 {
                throw .invalidParams("/counts/\(member.key)", "must be an integer")
            }
            counts = value
        }
        let kept = counts
        return .write { store, now in try store.finishRun(runID: runID, exitStatus: exit, summary: summary, counts: kept, now: now) }
    }

    static func listRuns(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["workflow", "limit", "cursor"])
        let workflow = p.has("workflow") ? try workflowName(p) : nil
        let limit = Int(try p.int("limit", in: 1...1000) ?? 100)
        var before: Int64?
        if let cursor = try p.string("cursor", maxLength: 30) {
            guard let id = Int64(cursor), id > 0 else { throw .invalidParams("/cursor", "is not a cursor this server issued") }
            before = id
        }
        let after = before
        return .read { store in try store.listRuns(workflow: workflow, limit: limit, beforeID: after) }
    }

    static func setSchedule(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["workflow", "everyMinutes"])
        let workflow = try workflowName(p)
        let every = try p.requiredInt("everyMinutes", in: 1...527_040)
        return .write { store, _ in try store.setSchedule(workflow: workflow, everyMinutes: every) }
    }

    static func automationStatus(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        _ = try Params(params, allowed: [])
        return .read { store in try store.snapshot { try store.automationStatus(now: Date()) } }
    }

    static func pauseWorkflows(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["reason", "workflows"])
        let reason = try p.requiredString("reason", maxLength: 1000, allowEmpty: false)
        let workflows = try workflowList(p)
        return .write { store, now in try store.pauseWorkflows(reason: reason, workflows: workflows, now: now) }
    }

    static func resumeWorkflows(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["workflows"])
        let workflows = try workflowList(p)
        return .write { store, _ in try store.resumeWorkflows(workflows: workflows) }
    }

    static func purgeRuns(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["before", "apply"])
        let before = try p.requiredDate("before").description
        guard try p.bool("apply") == true else {
            return .read { store in try store.snapshot { try store.purgeRuns(before: before, apply: false) } }
        }
        return .write { store, _ in try store.purgeRuns(before: before, apply: true) }
    }
}
