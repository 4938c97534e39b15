// validate and status.

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
        return .read { store in
            let uptime = ContinuousClock.now - stats.startedAt
            return ["version": .string(ORAVersion.current), "schemaVersion": .int(store.schemaVersion),
                    "database": .string(database), "uptimeSeconds": .int(uptime.components.seconds),
                    "connections": .int(stats.connections.load(ordering: .relaxed)),
                    "requests": .int(stats.requests.load(ordering: .relaxed)),
                    "transactions": .int(stats.transactions.load(ordering: .relaxed)),
                    "writes": .int(stats.writes.load(ordering: .relaxed)),
                    "counts": try store.counts()]
        }
    }
}
