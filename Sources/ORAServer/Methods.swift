// The method table: where a decoded request is dispatched.
//
// A handler runs on the loop thread and only checks params (cheap, so a bad request is refused
// before it queues anywhere); it returns where the work happens:
//   .answer  answered on the loop at once (parseSku)
//   .read    run on a reader thread's snapshot (lists, shippedItems, validate, status)
//   .write   run by the single writer inside the request's savepoint, answered after COMMIT

import Foundation
import ORAJSON
import ORAProtocol
import ORADomain
import ORAStore

public enum ORAVersion {
    public static let current = "0.1.0"
}

enum Execution: Sendable {
    case answer(JSON)
    case read(@Sendable (Store) throws -> JSON)
    /// Its result becomes JSON on the loop thread (see JSONConvertible).
    case write(@Sendable (Store, String) throws -> any JSONConvertible)
}

struct MethodContext: Sendable {
    let config: ServerConfig
    let stats: Stats
    let dateGuard: DateGuard
    /// With --replicate: what status reports of the replica.
    let replication: ReplicationStatus?

    init(config: ServerConfig, stats: Stats, replication: ReplicationStatus? = nil) {
        self.replication = replication
        self.config = config
        self.stats = stats
        dateGuard = DateGuard(freshnessDays: config.freshnessDays)
    }

    func today() -> BusinessDate { BusinessDate.today(in: config.timeZone) }
}

typealias MethodHandler = @Sendable (JSON?, MethodContext) throws(RPCError) -> Execution

enum Methods {
    static let table: [String: MethodHandler] = [
        "parseSku": parseSku,
        "upsertSku": upsertSku,
        "upsertLot": upsertLot,
        "listSkus": listSkus,
        "listLots": listLots,
        "recordShipment": recordShipment,
        "shippedItems": shippedItems,
        "orderHistory": orderHistory,
        "removeShipment": removeShipment,
        "reconcileDate": reconcileDate,
        "validate": validate,
        "status": status,
        "weeklyShipped": weeklyShipped,
        "lotInventory": lotInventory,
        "adjustInventory": adjustInventory,
        "countInventory": countInventory,
        "inventoryLedger": inventoryLedger,
        "lotTrace": lotTrace,
        "upsertBundle": upsertBundle,
        "listBundles": listBundles,
        "importOrder": importOrder,
        "allocateOrder": allocateOrder,
        "markUploaded": markUploaded,
        "cancelOrder": cancelOrder,
        "listOrders": listOrders,
        "purgeOrders": purgeOrders,
        "inboxSummary": inboxSummary,
        "backup": backup,
        "startRun": startRun,
        "finishRun": finishRun,
        "listRuns": listRuns,
        "setSchedule": setSchedule,
        "automationStatus": automationStatus,
        "pauseWorkflows": pauseWorkflows,
        "resumeWorkflows": resumeWorkflows,
        "purgeRuns": purgeRuns,
        "rpc.discover": discover,
    ]

    /// Methods the connection answers itself, before this table is consulted (Server+Auth.swift).
    static let connectionMethods = ["auth"]

    /// Every method the server answers.
    static var names: [String] { (Array(table.keys) + connectionMethods).sorted() }

    /// The OpenRPC document (protocol/openrpc.json, embedded at build time), parsed once.
    static let document: JSON = {
        do { return try JSONParser.parse(PackageResources.openrpc_json, maxDepth: 256) } catch { fatalError("embedded openrpc.json: \(error)") }
    }()

    static func discover(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        _ = try Params(params, allowed: [])
        return .answer(document)
    }
}
