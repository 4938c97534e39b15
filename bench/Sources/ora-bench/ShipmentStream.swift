// The one deterministic shipment stream every variant writes: orders of 1 to 3 items, about 5%
// without a lot, SKU spellings mixed, ship dates within the freshness window.

import Foundation
import ORAJSON
import ORAProtocol


struct ShipmentStream {
    static let skus = ["17612", "17904", "18000", "18795", "17914"]
    static let lotsPerSku = 20

    /// The i-th shipment's recordShipment params.
    static func shipments(count: Int, prefix: String, seed: UInt64 = 42) -> [JSON] {
        var rng = StreamRandom(seed: seed)
        let today = Date()
        var out: [JSON] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let lines = Int.random(in: 1...3, using: &rng)
            var items: [JSON] = []
            var used = Set<String>()
            for _ in 0..<lines {
                let sku = skus.randomElement(using: &rng)!
                let lot = Int.random(in: 0..<lotsPerSku, using: &rng)
                let noLot = Int.random(in: 0..<100, using: &rng) < 5
                let key = noLot ? sku : "\(sku)|\(lot)"
                guard used.insert(key).inserted else { continue }
                let spelled: String
                if noLot {
                    spelled = sku
                } else {
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: spelled = "\(sku) - 2503\(String(format: "%02d", lot))"
                    case 1: spelled = "\(sku)-2503\(String(format: "%02d", lot))"
                    default: spelled = " \(sku) -2503\(String(format: "%02d", lot))"
                    }
                }
                items.append(["sku": .string(spelled), "quantity": .int(Int.random(in: 1...4, using: &rng))])
            }
            let date = today.addingTimeInterval(-Double(i % 30) * 86_400)
            var t = time_t(date.timeIntervalSince1970)
            var parts = tm()
            localtime_r(&t, &parts)
            let day = String(format: "%04d-%02d-%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday)
            out.append(["orderNumber": .string("\(prefix)\(i)"), "shipDate": .string(day), "items": .array(items), "source": "bench"])
        }
        return out
    }

    static func requestLines(_ shipments: [JSON]) -> [[UInt8]] {
        shipments.enumerated().map { i, params in
            JSONWriter.bytes(["jsonrpc": "2.0", "id": .int(i), "method": "recordShipment", "params": params]) + [0x0A]
        }
    }
}
