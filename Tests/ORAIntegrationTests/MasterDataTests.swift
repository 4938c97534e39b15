import Testing
import Foundation
import ORAProtocol

@Suite struct MasterDataTests {
    /// SKUs and lots round-trip through upsert and list; updates keep omitted fields; unknown SKU for a lot is -32001.
    @Test func masterDataRoundTrip() throws {
        let server = try TestServer()
        let c = try server.connect()
        let created = try c.call("upsertSku", ["skuCode": "17612", "productName": "Widget", "reorderPoint": 100, "palletCount": 4])
        #expect(created["created"] == true)
        let updated = try c.call("upsertSku", ["skuCode": "17612", "productName": "Widget v2"])
        #expect(updated["created"] == false && updated["skuId"] == created["skuId"])
        let skus = try #require(try c.call("listSkus")["skus"]?.arrayValue)
        #expect(skus == [["skuId": created["skuId"]!, "skuCode": "17612", "productName": "Widget v2", "reorderPoint": 100, "palletCount": 4]])

        let lot = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "250300", "receivedDate": "2025-03-01", "initialQty": 500])
        #expect(lot["created"] == true)
        _ = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "250300", "manualAdjustment": -3, "status": "inactive"])
        let unknownQty = try c.call("upsertLot", ["skuCode": "17612", "lotNumber": "250400"])
        let lots = try #require(try c.call("listLots", ["skuCode": "17612"])["lots"]?.arrayValue)
        #expect(lots.count == 2)
        #expect(lots[0] == ["lotId": lot["lotId"]!, "skuCode": "17612", "lotNumber": "250300", "receivedDate": "2025-03-01",
                            "initialQty": 500, "manualAdjustment": -3, "status": "inactive"])
        #expect(lots[1]["lotId"] == unknownQty["lotId"] && lots[1]["initialQty"] == .null)
        #expect(try c.call("listLots", ["status": "active"])["lots"]?.arrayValue?.count == 1)

        let missing = try c.callError("upsertLot", ["skuCode": "99999", "lotNumber": "1"])
        #expect(missing.code == -32001 && missing["data"]?["skus"] == ["99999"])
        #expect(try c.callError("upsertSku", ["skuCode": "17-612", "productName": "x"]).field == "/skuCode")
        #expect(try c.callError("upsertLot", ["skuCode": "17612", "lotNumber": "1", "status": "gone"]).field == "/status")
        #expect(try c.callError("upsertLot", ["skuCode": "17612", "lotNumber": "1", "receivedDate": "2025-02-30"]).field == "/receivedDate")
    }

    /// parseSku answers the contract's shape; resolve:true adds the ids (null when unknown).
    @Test func parseSkuWithResolve() throws {
        let server = try TestServer()
        let c = try server.connect()
        try seedMasterData(c)
        #expect(try c.call("parseSku", ["sku": "\t17612-250300 "]) == ["valid": true, "raw": "17612-250300", "baseSku": "17612", "lotNumber": "250300", "error": nil])
        let bad = try c.call("parseSku", ["sku": "17612 - 25O300"])
        #expect(bad["valid"] == false && bad["baseSku"] == .null && bad["error"]?.stringValue?.isEmpty == false)
        let resolved = try c.call("parseSku", ["sku": "17612 - 250300", "resolve": true])
        #expect(resolved["skuId"]?.int64Value != nil && resolved["lotId"]?.int64Value != nil)
        let unknownLot = try c.call("parseSku", ["sku": "17612 - 999", "resolve": true])
        #expect(unknownLot["skuId"]?.int64Value != nil && unknownLot["lotId"] == .null)
        let unknownSku = try c.call("parseSku", ["sku": "55555", "resolve": true])
        #expect(unknownSku["skuId"] == .null && unknownSku["lotId"] == .null)
    }

    /// status reports version, schema version, the database, counts and the writer's time.
    @Test func statusReportsCounts() throws {
        let server = try TestServer()
        let c = try server.connect()
        let idle = try c.call("status")
        #expect(idle["writerTime"] == ["executingMs": 0, "committingMs": 0, "checkpointingMs": 0])
        try seedMasterData(c)
        let status = try c.call("status")
        #expect(status["schemaVersion"] == 9 && status["database"] == .string(server.databasePath))
        #expect(status["counts"] == ["skus": 3, "lots": 1, "orders": 0, "items": 0])
        #expect((status["transactions"]?.int64Value ?? 0) >= 1)
        // Each write ran in a savepoint and reached COMMIT, so both clocks moved.
        let executing = status["writerTime"]?["executingMs"]?.doubleValue ?? 0
        let committing = status["writerTime"]?["committingMs"]?.doubleValue ?? 0
        #expect(executing > 0 && committing > 0)
        // ora-client's table names the same split, with the average commit.
        let client = productsDirectory.appendingPathComponent("ora-client").path
        let (exit, out, _) = try runCommand(client, ["status", "--connect", "127.0.0.1:\(server.port)"])
        #expect(exit == 0)
        #expect(out.split(separator: "\n").contains { $0.hasPrefix("writer ") && $0.contains("ms executing") && $0.contains("ms per commit") })
    }
}
