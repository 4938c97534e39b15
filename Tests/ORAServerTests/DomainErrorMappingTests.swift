// The one mapping from the domain's refusals to JSON-RPC: each keeps the code, reason and `data`
// members protocol/README.md promises.

import Testing
@testable import ORAServer
import ORADomain
import ORAStore
import ORAJSON
import ORAProtocol

@Suite struct DomainErrorMappingTests {
    static let today = BusinessDate(iso: "2025-10-06")!

    /// The date guard's refusals: -32003 with the cutoff, -32004 with the latest date.
    @Test func dateGuardRefusals() {
        let g = DateGuard(freshnessDays: 60)
        do { try g.check(Self.today.adding(days: -61), today: Self.today, backfill: false); Issue.record() } catch {
            let wire = RPCError(error)
            #expect(wire.code == -32003 && wire.data["cutoff"] == "2025-08-07" && wire.reason == "stale_ship_date")
        }
        do { try g.check(Self.today.adding(days: 2), today: Self.today, backfill: true); Issue.record() } catch {
            let wire = RPCError(error)
            #expect(wire.code == -32004 && wire.data["latest"] == "2025-10-07")
        }
    }

    @Test func codesAndData() {
        let cases: [(DomainError, Int, String, String, JSON)] = [
            (.invalidValue(field: "/lotNumber", problem: "names no lot"), -32602, "invalid_params", "field", "/lotNumber"),
            (.unknownSku(["17612", "9"]), -32001, "unknown_sku", "skus", ["17612", "9"]),
            (.invalidSku(orderNumber: "A1", items: [.init(index: 1, sku: "x", error: "no digits")]), -32002, "invalid_sku",
             "items", [["index": 1, "sku": "x", "error": "no digits"]]),
            (.orderLocked(orderNumber: "A1", status: "uploaded"), -32020, "order_locked", "status", "uploaded"),
            (.insufficientStock(orderNumber: "A1", short: [.init(skuCode: "17612", wanted: 5, available: 2)]), -32021,
             "insufficient_stock", "short", [["skuCode": "17612", "wanted": 5, "available": 2]]),
            (.invalidTransition(orderNumber: "A1", status: "shipped", action: "allocate it"), -32022, "invalid_transition", "status", "shipped"),
            (.unknownOrder("A1"), -32023, "unknown_order", "orderNumber", "A1"),
        ]
        for (error, code, reason, key, value) in cases {
            let wire = RPCError(error)
            #expect(wire.code == code && wire.reason == reason && wire.data[key] == value, "\(error)")
            #expect(wire.message == error.message.replacing("\n", with: " "))
        }
        #expect(RPCError(DomainError.invalidValue(field: "/counted", problem: "differs")) == .invalidParams("/counted", "differs"))
    }

    /// A quarantined refusal answers with its own error; anything that is no refusal is left to
    /// the caller (an internal error).
    @Test func refusalOfAnyError() {
        let quarantined = QuarantinedRefusal(error: .unknownSku(["1"]), method: "recordShipment", orderNumber: "A1", request: .null, source: nil)
        #expect(RPCError.refusal(quarantined)?.code == -32001)
        #expect(RPCError.refusal(DomainError.unknownOrder("A1"))?.code == -32023)
        #expect(RPCError.refusal(RPCError.overloaded(queueDepth: 1))?.code == -32011)
        #expect(RPCError.refusal(StoreError(code: 13, message: "full")) == nil)
    }
}
