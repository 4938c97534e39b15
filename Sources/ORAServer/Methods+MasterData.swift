// parseSku and the master data: SKUs and lots.

import ORAJSON
import ORAProtocol
import ORADomain
import ORAStore

extension Methods {
    static func parsedJSON(_ p: ParsedSku) -> JSONObject {
        JSONObject([("valid", .bool(p.isValid)), ("raw", .string(p.raw)), ("baseSku", .string(p.baseSku)),
                    ("lotNumber", .string(p.lotNumber)), ("error", .string(p.error))])
    }

    static func parseSku(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["sku", "resolve"])
        guard p.has("sku"), case .string(let sku)? = p.object["sku"] else {
            throw .invalidParams("/sku", p.has("sku") ? "must be a string, got \(p.object["sku"]!.typeName)" : "is required")
        }
        let parsed = SkuParser.parse(sku)
        guard try p.bool("resolve") == true else { return .answer(.object(parsedJSON(parsed))) }
        return .read { store in
            var result = parsedJSON(parsed)
            let ids = try store.resolve(parsed)
            result["skuId"] = .int(ids.skuID)
            result["lotId"] = .int(ids.lotID)
            return .object(result)
        }
    }

    static func upsertSku(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["skuCode", "productName", "reorderPoint", "palletCount"])
        let code = try p.requiredCode("skuCode")
        let name = try p.requiredString("productName", maxLength: 200, allowEmpty: false)
        let reorder = try p.int("reorderPoint", in: 0...1_000_000_000)
        let pallets = try p.int("palletCount", in: 0...1_000_000_000)
        return .write { store, now in
            try store.upsertSku(code: code, productName: name, reorderPoint: reorder, palletCount: pallets, now: now)
        }
    }

    static func upsertLot(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["skuCode", "lotNumber", "receivedDate", "initialQty", "manualAdjustment", "status"])
        let code = try p.requiredCode("skuCode")
        let lot = try p.requiredCode("lotNumber")
        let fields = Store.LotFields(
            receivedDate: try p.date("receivedDate"),
            initialQty: try p.int("initialQty", in: 0...1_000_000_000),
            manualAdjustment: try p.int("manualAdjustment", in: -1_000_000_000...1_000_000_000),
            status: try p.word("status", oneOf: ["active", "inactive"]))
        return .write { store, now in try store.upsertLot(skuCode: code, lotNumber: lot, fields: fields, now: now) }
    }

    static func listSkus(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        _ = try Params(params, allowed: [])
        return .read { store in try store.listSkus() }
    }

    static func listLots(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["skuCode", "status"])
        let code = try p.code("skuCode")
        let status = try p.word("status", oneOf: ["active", "inactive"])
        return .read { store in try store.listLots(skuCode: code, status: status) }
    }
}
