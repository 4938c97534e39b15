// validate, status and backup.

import Foundation

import ORAJSON
import ORAProtocol
import ORAStore

extension Methods {
    static func validate(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["full"])
        let full = try p.bool("full") ?? false
        let days = ctx.config.freshnessDays
        let replication = ctx.replication
        return .read { store in
            let result = try store.validate(full: full, freshnessDays: days)
            guard let replication else { return result }
            return Self.adding(replication.check(), to: result)
        }
    }

    static func status(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        _ = try Params(params, allowed: [])
        let stats = ctx.stats
        let database = ctx.config.databasePath
        let replication = ctx.replication
        return .read { store in
            let uptime = ContinuousClock.now - stats.startedAt
            let base: JSON = ["version": .string(ORAVersion.current), "schemaVersion": .int(store.schemaVersion),
                    "database": .string(database), "uptimeSeconds": .int(uptime.components.seconds),
                    "connections": .int(stats.connections.load(ordering: .relaxed)),
                    "requests": .int(stats.requests.load(ordering: .relaxed)),
                    "transactions": .int(stats.transactions.load(ordering: .relaxed)),
                    "writes": .int(stats.writes.load(ordering: .relaxed)),
                    "writerTime": stats.writerTime,
                    "counts": try store.counts()]
            guard let replication, var result = base.objectValue else { return base }
            result["replication"] = replication.json()
            return .object(result)
        }
    }
}

extension Methods {
    /// validate's result with one more check (the server's own, such as replication's): `ok`
    /// turns false when it is an error.
    static func adding(_ check: JSON, to result: JSON) -> JSON {
        guard var object = result.objectValue, case .array(var checks)? = object["checks"] else { return result }
        checks.append(check)
        object["checks"] = .array(checks)
        if check["status"] == "error" { object["ok"] = false }
        return .object(object)
    }

    /// An online copy from a reader's snapshot: writers keep committing while it runs. It writes
    /// only under --backup-dir (default: the database's folder): `path` is relative to it.
    static func backup(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["path"])
        let name = try p.requiredString("path", maxLength: 1024, allowEmpty: false)
        guard !name.hasPrefix("/") else { throw .invalidParams("/path", "must be relative to the server's backup folder (--backup-dir), not absolute") }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }), !name.contains("\0") else {
            throw .invalidParams("/path", "must name a file under the backup folder, without '..', '.' or empty parts")
        }
        let folder = ctx.config.backupDirectory ?? URL(fileURLWithPath: ctx.config.databasePath).deletingLastPathComponent().path
        let path: String
        switch Backup.resolve(name: name, under: folder) {
        case .success(let resolved): path = resolved
        case .failure(let refusal): throw .invalidParams("/path", refusal.message)
        }
        let database = ctx.config.databasePath
        if let problem = Backup.targetProblem(path: path, database: database) { throw .invalidParams("/path", problem) }
        return .read { store in
            let started = ContinuousClock.now
            let copy = try Backup.copy(from: store.db, to: path, database: database)
            let elapsed = ContinuousClock.now - started
            return ["path": .string(copy.path), "bytes": .int(copy.bytes), "pages": .int(copy.pages),
                    "durationMs": .int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
                    "integrity": .string(copy.integrity)]
        }
    }
}
