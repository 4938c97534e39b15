// The stock ledger from the command line: adjust, count, a statement with its running balance,
// and a lot's trace.

import ArgumentParser
import ORAJSON
import ORAProtocol

struct Adjust: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move stock with a reason: receipt, return, damage, count or correction.",
        discussion: "Without --lot the SKU itself moves (a SKU without lots is received this way).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "SKU code.") var sku: String
    @Option(help: "Lot number.") var lot: String?
    @Option(help: "Units, negative to remove (e.g. --quantity=-7).") var quantity: Int
    @Option(help: "receipt, return, damage, count or correction.") var reason: String
    @Option(help: "YYYY-MM-DD (default: today).") var date: String?
    @Option(help: "Why, in words.") var note: String?

    func run() throws {
        var params = JSONObject([("skuCode", .string(sku)), ("quantity", .int(quantity)), ("reason", .string(reason)), ("source", "ora-client")])
        if let lot { params["lotNumber"] = .string(lot) }
        if let date { params["date"] = .string(date) }
        if let note { params["note"] = .string(note) }
        try connection.run("adjustInventory", .object(params)) { r in
            print("entry \(Output.text(r["entryId"])): \(sku)\(lot.map { " - \($0)" } ?? "") \(quantity > 0 ? "+" : "")\(quantity) (\(reason)); remaining \(Output.text(r["remaining"]))")
        }
    }
}

struct Count: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record a physical count of a lot; the difference becomes a count entry.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "SKU code.") var sku: String
    @Option(help: "Lot number.") var lot: String
    @Option(help: "Units counted on the shelf.") var counted: Int
    @Option(help: "YYYY-MM-DD (default: today).") var date: String?
    @Option(help: "Who counted, or why.") var note: String?

    func run() throws {
        var params = JSONObject([("skuCode", .string(sku)), ("lotNumber", .string(lot)), ("counted", .int(counted)), ("source", "ora-client")])
        if let date { params["date"] = .string(date) }
        if let note { params["note"] = .string(note) }
        try connection.run("countInventory", .object(params)) { r in
            let adjustment = r["adjustment"]?.int64Value ?? 0
            print("\(sku) - \(lot): expected \(Output.text(r["expected"])), counted \(Output.text(r["counted"])); "
                  + (adjustment == 0 ? "they agree, nothing written" : "count entry \(Output.text(r["entryId"])) of \(adjustment > 0 ? "+" : "")\(adjustment)"))
        }
    }
}

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ledger", abstract: "Every movement of a lot's (or a SKU's) stock, with the running balance.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "SKU code.") var sku: String
    @Option(help: "Lot number (default: the SKU's active lots and its entries without a lot).") var lot: String?
    @Option(help: "First date shown (earlier movements make the opening balance).") var from: String?
    @Option(help: "Last date shown.") var to: String?

    func run() throws {
        var params = JSONObject([("skuCode", .string(sku))])
        if let lot { params["lotNumber"] = .string(lot) }
        if let from { params["from"] = .string(from) }
        if let to { params["to"] = .string(to) }
        try connection.run("inventoryLedger", .object(params)) { r in
            var rows = [["", "opening", "", "", "", "", Output.text(r["opening"])]]
            for e in r["entries"]?.arrayValue ?? [] {
                rows.append([Output.text(e["date"]), Output.text(e["kind"]), Output.text(e["reason"]), Output.text(e["quantity"]),
                             Output.text(e["entryId"]), Output.text(e["note"]), Output.text(e["balance"])])
            }
            rows.append(["", "closing", "", "", "", "", Output.text(r["closing"])])
            print(Output.table(["DATE", "KIND", "REASON", "QTY", "ENTRY", "NOTE", "BALANCE"], rows, numeric: [3, 6]))
        }
    }
}

struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Who got a lot: every order shipped from it, and what is left.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "SKU code.") var sku: String
    @Option(help: "Lot number.") var lot: String

    func run() throws {
        try connection.run("lotTrace", .object(JSONObject([("skuCode", .string(sku)), ("lotNumber", .string(lot))]))) { r in
            print("\(sku) - \(lot): received \(Output.text(r["receivedDate"])), initial \(Output.text(r["initialQty"])), "
                  + "shipped \(Output.text(r["shipped"])), remaining \(Output.text(r["remaining"]))")
            let rows = (r["orders"]?.arrayValue ?? []).map { [Output.text($0["shipDate"]), Output.text($0["orderNumber"]), Output.text($0["quantity"])] }
            print(Output.table(["SHIP DATE", "ORDER", "QTY"], rows, numeric: [2]))
            let allocated = (r["allocatedTo"]?.arrayValue ?? []).map { [Output.text($0["orderNumber"]), Output.text($0["orderStatus"]), Output.text($0["quantity"])] }
            if !allocated.isEmpty { print(Output.table(["ALLOCATED TO", "STATUS", "QTY"], allocated, numeric: [2])) }
        }
    }
}
