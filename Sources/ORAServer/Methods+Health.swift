// validate, status and backup.

import Foundation

import ORAProtocol
import ORAStore

extension Methods {
    static func validate(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["full"])
        let full = try p.bool("full") ?? false
        let days = ctx.config.freshnessDays
        return .read { store in try store.validate(full: full, freshnessDays: days) }
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
            result["replication"] = replication.json(newestCommit: stats.lastCommitWallNanos.load(ordering: .relaxed))
            return .object(result)
        }
    }
}

extension Methods {
    /// An online copy from a reader's snapshot: writers keep committing while it runs.
    static func backup(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["path"])
        let path = try p.requiredString("path", maxLength: 4096, allowEmpty: false)
        guard path.hasPrefix("/") else { throw .invalidParams("/path", "must be an absolute path (the server's working directory is not yours)") }
        guard !FileManager.default.fileExists(atPath: path) else { throw .invalidParams("/path", "already exists; a backup never overwrites") }
        return .read { store in
            let started = ContinuousClock.now
            let copy = try Backup.copy(from: store.db, to: path)
            let elapsed = ContinuousClock.now - started
            return ["path": .string(copy.path), "bytes": .int(copy.bytes), "pages": .int(copy.pages),
                    "durationMs": .int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
                    "integrity": .string(copy.integrity)]
        }
    }
}
