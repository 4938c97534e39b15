import ArgumentParser
import ORAJSON
import ORAProtocol

struct Shipped: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List shipped lines (newest date first), with totals.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "One ship date.") var date: String?
    @Option(help: "First date of a range.") var from: String?
    @Option(help: "Last date of a range.") var to: String?
    @Option(help: "Only this SKU code.") var sku: String?
    @Option(help: "Only this order.") var order: String?
    @Option(help: "Lines per page.") var limit: Int = 1000
    @Option(help: "Continue from a previous page's nextCursor.") var cursor: String?

    func run() throws {
        var params = JSONObject([("limit", .int(limit))])
        for (key, value) in [("date", date), ("from", from), ("to", to), ("skuCode", sku), ("orderNumber", order), ("cursor", cursor)] {
            if let value { params[key] = .string(value) }
        }
        try connection.run("shippedItems", .object(params)) { r in
            let rows = (r["items"]?.arrayValue ?? []).map { i in
                [Output.text(i["shipDate"]), Output.text(i["orderNumber"]), Output.text(i["sku"]), Output.text(i["baseSku"]),
                 Output.text(i["lotNumber"]), Output.text(i["quantity"])]
            }
            print(Output.table(["DATE", "ORDER", "SKU", "BASE", "LOT", "QTY"], rows, numeric: [5]))
            print("\(Output.text(r["totalLines"])) lines, \(Output.text(r["totalUnits"])) units")
            if let next = r["nextCursor"]?.stringValue { print("more: --cursor \(next)") }
        }
    }
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Everything that happened to one order, oldest first.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Order number.") var order: String

    func run() throws {
        try connection.run("orderHistory", ["orderNumber": .string(order)]) { r in
            let rows = (r["events"]?.arrayValue ?? []).map { e -> [String] in
                // Shipment events name a line by its text (`sku`); inbox events by `skuCode` and `lotNumber`.
                let items = (e["items"]?.arrayValue ?? []).map { line -> String in
                    var sku = line["sku"]?.stringValue ?? Output.text(line["skuCode"])
                    if line["sku"]?.stringValue == nil, let lot = line["lotNumber"]?.stringValue { sku += " - \(lot)" }
                    return "\(sku)=\(Output.text(line["quantity"]))" + (line["bundleSku"]?.stringValue.map { " (\($0))" } ?? "")
                }.joined(separator: ", ")
                var date = Output.text(e["shipDate"])
                if e["previousShipDate"] != .null && e["previousShipDate"] != nil { date = "\(Output.text(e["previousShipDate"])) -> \(date)" }
                return [Output.text(e["at"]), Output.text(e["action"]), Output.text(e["source"]), date,
                        e["reason"] == .null || e["reason"] == nil ? items : "\(Output.text(e["reason"])): \(items)"]
            }
            print(rows.isEmpty ? "no history for order \(order)" : Output.table(["AT", "ACTION", "SOURCE", "SHIP DATE", "ITEMS"], rows))
        }
    }
}

struct Call: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Call any method with JSON params; prints the result.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Method name.") var method: String
    @Argument(help: "Params as a JSON object.") var params: String?

    func run() throws {
        var value: JSON? = nil
        if let params {
            do { value = try JSONParser.parse(params) } catch { throw ValidationError("params are not valid JSON: \(error.message)") }
        }
        try connection.run(method, value) { print(Output.pretty($0)) }
    }
}
