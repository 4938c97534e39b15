import ArgumentParser
import ORAJSON
import ORAProtocol

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record what one order shipped (its whole content).",
        discussion: "Example: ora-client record --order 100231 --date 2025-10-06 --item \"17612 - 250300=2\" --item 18795=1")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Order number.") var order: String?
    @Option(help: "Ship date, YYYY-MM-DD.") var date: String?
    @Option(name: .customLong("item"), help: "SKU=QUANTITY, repeated for each line.") var items: [String] = []
    @Option(help: "A JSON file holding the whole recordShipment params (or - for stdin).") var file: String?
    @Flag(help: "Allow a ship date older than the freshness window.") var backfill = false
    @Flag(help: "Shipped outside ShipStation labels: reconciliation never removes it.") var external = false
    @Option(help: "Who is recording (kept for audit).") var source = "ora-client"

    func validate() throws {
        if file == nil {
            guard order != nil, date != nil, !items.isEmpty else { throw ValidationError("give --order, --date and at least one --item, or --file") }
        }
        for item in items where Self.parseItem(item) == nil { throw ValidationError("--item must be SKU=QUANTITY, got \(item)") }
    }

    static func parseItem(_ text: String) -> (String, Int)? {
        guard let eq = text.lastIndex(of: "="), let q = Int(text[text.index(after: eq)...].trimmingCharacters(in: .whitespaces)) else { return nil }
        return (String(text[..<eq]), q)
    }

    func run() throws {
        var params: JSONObject
        if let file {
            guard let object = try readJSONFile(file).objectValue else { throw ValidationError("\(file) must hold a JSON object") }
            params = object
        } else {
            params = JSONObject([("orderNumber", .string(order!)), ("shipDate", .string(date!)),
                                 ("items", .array(items.compactMap(Self.parseItem).map { ["sku": .string($0.0), "quantity": .int($0.1)] }))])
        }
        if backfill { params["backfill"] = true }
        if external { params["external"] = true }
        if params["source"] == nil { params["source"] = .string(source) }
        try connection.run("recordShipment", .object(params)) { r in
            let lines = r["items"]?.arrayValue ?? []
            let units = lines.reduce(Int64(0)) { $0 + ($1["quantity"]?.int64Value ?? 0) }
            var head = "order \(Output.text(r["orderNumber"])) \(Output.text(r["status"])) on \(Output.text(r["shipDate"])): \(units) units in \(lines.count) lines"
            if r["previousShipDate"] != .null { head += " (moved from \(Output.text(r["previousShipDate"])))" }
            print(head)
            print(Output.table(["SKU", "BASE", "LOT", "QTY"], lines.map { [Output.text($0["sku"]), Output.text($0["baseSku"]), Output.text($0["lotNumber"]), Output.text($0["quantity"])] }, numeric: [3]))
            for lot in r["createdLots"]?.arrayValue ?? [] {
                print(Output.paint("new lot \(Output.text(lot["skuCode"])) - \(Output.text(lot["lotNumber"])) (not yet received)", .yellow))
            }
        }
    }
}

struct RemoveShipment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-shipment",
        abstract: "Take back what an order shipped (every label voided in ShipStation); its inbox order is uploaded again.",
        discussion: "Example: ora-client remove-shipment 100231 --reason \"label voided\"")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Order number.") var order: String
    @Option(help: "Why (kept in the order's history).") var reason: String?
    @Option(help: "Who is removing it (kept for audit).") var source = "ora-client"

    func run() throws {
        var params = JSONObject([("orderNumber", .string(order)), ("source", .string(source))])
        if let reason { params["reason"] = .string(reason) }
        try connection.run("removeShipment", .object(params)) { r in
            if r["status"] == "removed" {
                print("order \(Output.text(r["orderNumber"])): removed \(Output.text(r["removedUnits"])) units shipped \(Output.text(r["shipDate"]))"
                      + (r["orderStatus"] == .null ? "" : "; inbox order \(Output.text(r["orderStatus"]))"))
            } else {
                print("order \(Output.text(r["orderNumber"])): not held as shipped; nothing changed")
            }
        }
    }
}
