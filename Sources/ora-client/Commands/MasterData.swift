import ArgumentParser
import ORAJSON
import ORAProtocol

struct Skus: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the SKUs.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run("listSkus") { r in
            let rows = (r["skus"]?.arrayValue ?? []).map { s in
                [Output.text(s["skuCode"]), Output.text(s["productName"]), Output.text(s["reorderPoint"]), Output.text(s["palletCount"])]
            }
            print(Output.table(["SKU", "PRODUCT", "REORDER AT", "PALLETS"], rows, numeric: [2, 3]))
        }
    }
}

struct Lots: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List lots, oldest received first.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Only this SKU.") var sku: String?
    @Option(help: "active or inactive.") var status: String?

    func run() throws {
        var params = JSONObject()
        if let sku { params["skuCode"] = .string(sku) }
        if let status { params["status"] = .string(status) }
        try connection.run("listLots", .object(params)) { r in
            let rows = (r["lots"]?.arrayValue ?? []).map { l in
                [Output.text(l["skuCode"]), Output.text(l["lotNumber"]), Output.text(l["receivedDate"]), Output.text(l["initialQty"]),
                 Output.text(l["manualAdjustment"]), Output.text(l["status"])]
            }
            print(Output.table(["SKU", "LOT", "RECEIVED", "INITIAL", "ADJUST", "STATUS"], rows, numeric: [3, 4]))
        }
    }
}

struct UpsertSku: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upsert-sku", abstract: "Create or update a SKU.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "SKU code (digits).") var sku: String
    @Option(help: "Product name.") var name: String
    @Option(help: "Reorder point in units.") var reorderPoint: Int?
    @Option(help: "Pallet count.") var palletCount: Int?

    func run() throws {
        var params = JSONObject([("skuCode", .string(sku)), ("productName", .string(name))])
        if let reorderPoint { params["reorderPoint"] = .int(reorderPoint) }
        if let palletCount { params["palletCount"] = .int(palletCount) }
        try connection.run("upsertSku", .object(params)) { r in
            print("SKU \(sku) \(r["created"] == true ? "created" : "updated") (skuId \(Output.text(r["skuId"])))")
        }
    }
}

struct UpsertLot: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upsert-lot", abstract: "Create or update a lot of a SKU.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "SKU code.") var sku: String
    @Option(help: "Lot number.") var lot: String
    @Option(help: "Received date, YYYY-MM-DD.") var received: String?
    @Option(help: "Units received.") var initialQty: Int?
    @Option(help: "Manual adjustment in units (may be negative).") var adjustment: Int?
    @Option(help: "active or inactive.") var status: String?

    func run() throws {
        var params = JSONObject([("skuCode", .string(sku)), ("lotNumber", .string(lot))])
        if let received { params["receivedDate"] = .string(received) }
        if let initialQty { params["initialQty"] = .int(initialQty) }
        if let adjustment { params["manualAdjustment"] = .int(adjustment) }
        if let status { params["status"] = .string(status) }
        try connection.run("upsertLot", .object(params)) { r in
            print("lot \(sku) - \(lot) \(r["created"] == true ? "created" : "updated") (lotId \(Output.text(r["lotId"])))")
        }
    }
}
