// The orders inbox and bundles (INBOUND.md): import, allocation, life cycle, listing, purge.

import ORAJSON
import ORAProtocol
import ORADomain
import ORAStore

extension Methods {
    static func upsertBundle(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["bundleSku", "name", "components"])
        let code = try p.requiredString("bundleSku", maxLength: 200).trimmingCharacters(in: .whitespaces)
        if code.isEmpty || code.count > 64 { throw .invalidParams("/bundleSku", "must be 1 to 64 characters") }
        if SkuParser.parse(code).isValid { throw .invalidParams("/bundleSku", "parses as a SKU (\(code)): a bundle code must not") }
        let name = try p.string("name", maxLength: 200)
        let raw = try p.requiredArray("components", atMost: 1000)
        var components: [Store.BundleComponent] = []
        for (i, item) in raw.enumerated() {
            let c = try Params(nested: item, path: "/components/\(i)", allowed: ["skuCode", "quantity"])
            let sku = try c.requiredCode("skuCode")
            if components.contains(where: { $0.skuCode == sku }) { throw .invalidParams("/components/\(i)/skuCode", "names SKU \(sku) twice") }
            components.append(Store.BundleComponent(skuCode: sku, quantity: try c.requiredInt("quantity", in: 1...10_000)))
        }
        let parts = components
        return .write { store, now in try store.upsertBundle(code: code, name: name, components: parts, now: now) }
    }

    static func listBundles(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        _ = try Params(params, allowed: [])
        return .read { store in try store.listBundles() }
    }

    static func importOrder(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let request = try ImportOrderRequest(params: params)
        let kept = params ?? .null
        return .write { store, now in try store.importOrder(request, params: kept, now: now) }
    }

    static func allocateOrder(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["orderNumber"])
        let number = try p.requiredOrderNumber()
        return .write { store, now in try store.allocateOrder(number, now: now) }
    }

    static func markUploaded(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["orderNumber", "shipstationOrderId", "items"])
        let number = try p.requiredOrderNumber()
        let id: String
        switch p.value("shipstationOrderId") {
        case .string(let s)? where !s.isEmpty && s.count <= 100: id = s
        case .number(let n)? where n.int64 != nil: id = String(n.int64!)
        case nil: throw .invalidParams("/shipstationOrderId", "is required")
        default: throw .invalidParams("/shipstationOrderId", "must be a string of 1 to 100 characters or an integer")
        }
        var sent: [OrderLine]?
        if let raw = try p.array("items") {
            if raw.count > 10_000 { throw .invalidParams("/items", "must hold at most 10000 lines") }
            sent = []
            for (i, item) in raw.enumerated() {
                let line = try Params(nested: item, path: "/items/\(i)", allowed: ["sku", "quantity"])
                let text = try line.requiredString("sku", maxLength: 200)
                guard let key = SkuParser.parse(text).key else { throw .invalidParams("/items/\(i)/sku", "is not a SKU as allocateOrder gives it: \"\(text)\"") }
                sent!.append(OrderLine(key: key, raw: text, quantity: try line.requiredInt("quantity", in: 1...RecordShipmentRequest.maxQuantity)))
            }
        }
        let lines = sent
        return .write { store, now in try store.markUploaded(number, shipstationOrderID: id, sent: lines, now: now) }
    }

    static func cancelOrder(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["orderNumber", "reason"])
        let number = try p.requiredOrderNumber()
        let reason = try p.string("reason", maxLength: 1000)
        return .write { store, now in try store.cancelOrder(number, reason: reason, now: now) }
    }

    static func listOrders(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["status", "from", "to", "orderNumber", "limit", "cursor"])
        var q = ListOrdersQuery()
        q.status = try p.word("status", oneOf: ["pending", "uploaded", "shipped", "cancelled"])
        q.from = try p.date("from")
        q.to = try p.date("to")
        q.orderNumber = try p.string("orderNumber", maxLength: 100)
        q.limit = Int(try p.int("limit", in: 1...10_000) ?? 1000)
        if let token = try p.string("cursor", maxLength: 1000) {
            guard let after = ListOrdersQuery.afterID(token: token) else { throw .invalidParams("/cursor", "is not a cursor this server issued") }
            q.afterID = after
        }
        let query = q
        return .read { store in try store.listOrders(query) }
    }

    static func purgeOrders(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        let p = try Params(params, allowed: ["before", "apply"])
        let before = try p.requiredDate("before")
        guard try p.bool("apply") == true else {
            return .read { store in try store.snapshot { try store.purgeOrders(before: before, apply: false, now: "") } }
        }
        return .write { store, now in try store.purgeOrders(before: before, apply: true, now: now) }
    }

    static func inboxSummary(_ params: JSON?, _ ctx: MethodContext) throws(RPCError) -> Execution {
        _ = try Params(params, allowed: [])
        return .read { store in try store.inboxSummary() }
    }
}
