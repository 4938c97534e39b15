// The orders inbox from the command line: bundles, import, allocate, uploaded, cancel, orders,
// purge and the summary of what is still to ship.

import ArgumentParser
import Foundation
import ORAJSON
import ORAProtocol

/// `SKU=QUANTITY` or `SKU=QUANTITY@CENTS` (the unit price).
func parseInboxItem(_ text: String) -> JSON? {
    guard let eq = text.lastIndex(of: "=") else { return nil }
    let sku = String(text[..<eq])
    let rest = text[text.index(after: eq)...].split(separator: "@", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
    guard let quantity = Int(rest[0]) else { return nil }
    var item = JSONObject([("sku", .string(sku)), ("quantity", .int(quantity))])
    if rest.count == 2 {
        guard let cents = Int(rest[1]) else { return nil }
        item["unitPriceCents"] = .int(cents)
    }
    return .object(item)
}

func orderLines(_ items: JSON?) -> [[String]] {
    (items?.arrayValue ?? []).map { [Output.text($0["sku"] ?? $0["skuCode"]), Output.text($0["lotNumber"]), Output.text($0["quantity"]),
                                     Output.text($0["unitPriceCents"]), Output.text($0["bundleSku"])] }
}

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bundle", abstract: "Create or change a bundle: a code sold as one line that ships as several SKUs.",
                                                    discussion: "Example: ora-client bundle --bundle B-GIFT --name \"Gift box\" --component 17612=2 --component 18795=1")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The bundle's code (not a SKU).") var bundle: String
    @Option(help: "Its name.") var name: String?
    @Option(name: .customLong("component"), help: "SKU=QUANTITY, repeated for each component.") var components: [String] = []

    func run() throws {
        var parts: [JSON] = []
        for c in components {
            guard let eq = c.lastIndex(of: "="), let q = Int(c[c.index(after: eq)...]) else { throw ValidationError("--component must be SKU=QUANTITY, got \(c)") }
            parts.append(["skuCode": .string(String(c[..<eq])), "quantity": .int(q)])
        }
        var params = JSONObject([("bundleSku", .string(bundle)), ("components", .array(parts))])
        if let name { params["name"] = .string(name) }
        try connection.run("upsertBundle", .object(params)) { r in
            print("bundle \(Output.text(r["bundleSku"])) \(r["created"] == true ? "created" : "updated") (\(parts.count) components)")
        }
    }
}

struct Bundles: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the bundles and their components.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run("listBundles") { r in
            let rows = (r["bundles"]?.arrayValue ?? []).flatMap { b in
                (b["components"]?.arrayValue ?? []).map { [Output.text(b["bundleSku"]), Output.text(b["name"]), Output.text($0["skuCode"]), Output.text($0["quantity"])] }
            }
            print(Output.table(["BUNDLE", "NAME", "SKU", "QTY"], rows, numeric: [3]))
        }
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put an order into the inbox (or every order of a JSON file).",
        discussion: """
            One order: ora-client import --order 200001 --date 2025-10-06 --item B-GIFT=1@2500 --item "17612=2"
            A file: a JSON array of importOrder params (or one object); each order is imported on its own.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Order number.") var order: String?
    @Option(help: "Order date, YYYY-MM-DD.") var date: String?
    @Option(name: .customLong("item"), help: "SKU=QUANTITY or SKU=QUANTITY@CENTS, repeated.") var items: [String] = []
    @Option(help: "A JSON file of orders (or - for stdin).") var file: String?
    @Option(help: "Who is importing (kept in the history).") var source = "ora-client"

    func validate() throws {
        if file == nil, order == nil || date == nil || items.isEmpty { throw ValidationError("give --order, --date and at least one --item, or --file") }
        for item in items where parseInboxItem(item) == nil { throw ValidationError("--item must be SKU=QUANTITY or SKU=QUANTITY@CENTS, got \(item)") }
    }

    func run() throws {
        var orders: [JSONObject]
        if let file {
            let json = try readJSONFile(file)
            let entries = json.arrayValue ?? (json.objectValue != nil ? [json] : [])
            guard !entries.isEmpty else { throw ValidationError("\(file) must hold an order object or a non-empty array of them") }
            orders = []
            for (i, entry) in entries.enumerated() {
                guard let order = entry.objectValue else { throw ValidationError("\(file): entry \(i) is not an order object") }
                orders.append(order)
            }
        } else {
            orders = [JSONObject([("orderNumber", .string(order!)), ("orderDate", .string(date!)), ("items", .array(items.compactMap(parseInboxItem)))])]
        }
        for i in orders.indices where orders[i]["source"] == nil { orders[i]["source"] = .string(source) }
        guard file != nil else {
            return try connection.run("importOrder", .object(orders[0])) { r in
                print("order \(Output.text(r["orderNumber"])) \(Output.text(r["status"])) (\(Output.text(r["orderStatus"])))")
                print(Output.table(["SKU", "LOT", "QTY", "CENTS", "BUNDLE"], orderLines(r["items"]), numeric: [2, 3]))
            }
        }
        // A file: one request per order, so one refused order refuses only itself.
        // --json: one array, each order's importOrder result or its refusal ({orderNumber, error}).
        let c = try connection.open()
        var failed = 0
        var results: [JSON] = []
        for o in orders {
            do {
                let reply = try c.call("importOrder", .object(o))
                results.append(reply)
                if !connection.json { print("order \(Output.text(reply["orderNumber"])) \(Output.text(reply["status"]))") }
            } catch {
                guard case .server(let refusal) = error else { throw error }
                failed += 1
                results.append(["orderNumber": o["orderNumber"] ?? nil,
                                "error": ["code": .int(Int64(refusal.code)), "message": .string(refusal.message), "data": .object(refusal.data)]])
                if !connection.json {
                    FileHandle.standardError.write(Data("ora-client: order \(Output.text(o["orderNumber"])): error \(refusal.code) \(refusal.reason): \(refusal.message)\n".utf8))
                }
            }
        }
        if connection.json { Output.json(.array(results)) }
        if failed > 0 { throw ExitCode(1) }
    }
}

struct Allocate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Give each line of an inbox order its lot, FIFO (the same answer when called again).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Order number.") var order: String

    func run() throws {
        try connection.run("allocateOrder", ["orderNumber": .string(order)]) { r in
            let rows = (r["items"]?.arrayValue ?? []).map { [Output.text($0["sku"]), Output.text($0["quantity"])] }
            print(Output.table(["SEND AS SKU", "QTY"], rows, numeric: [1]))
        }
    }
}

struct Uploaded: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "uploaded", abstract: "Mark an inbox order uploaded to ShipStation (allocating it first if needed).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Order number.") var order: String
    @Option(help: "ShipStation's orderId.") var shipstationId: String
    @Option(name: .customLong("item"), help: "SKU=QUANTITY of a line sent to ShipStation, repeated: refused (order_changed) unless they are the order's allocated lines now.")
    var items: [String] = []

    func validate() throws {
        for item in items where Record.parseItem(item) == nil { throw ValidationError("--item must be SKU=QUANTITY, got \(item)") }
    }

    func run() throws {
        var params = JSONObject([("orderNumber", .string(order)), ("shipstationOrderId", .string(shipstationId))])
        if !items.isEmpty { params["items"] = .array(items.compactMap(Record.parseItem).map { ["sku": .string($0.0), "quantity": .int($0.1)] }) }
        try connection.run("markUploaded", .object(params)) { r in
            print("order \(Output.text(r["orderNumber"])) \(Output.text(r["orderStatus"]))")
        }
    }
}

struct Cancel: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cancel an inbox order and release its allocation.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Order number.") var order: String
    @Option(help: "Why.") var reason: String?

    func run() throws {
        var params = JSONObject([("orderNumber", .string(order))])
        if let reason { params["reason"] = .string(reason) }
        try connection.run("cancelOrder", .object(params)) { r in print("order \(Output.text(r["orderNumber"])) \(Output.text(r["orderStatus"]))") }
    }
}

struct Orders: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Inbox orders with their lines, every page.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "pending, uploaded, shipped or cancelled.") var status: String?
    @Option(help: "First order date.") var from: String?
    @Option(help: "Last order date.") var to: String?
    @Option(help: "One order.") var order: String?

    func run() throws {
        var params = JSONObject()
        for (key, value) in [("status", status), ("from", from), ("to", to), ("orderNumber", order)] { if let value { params[key] = .string(value) } }
        let c = try connection.open()
        var rows: [[String]] = []
        var all: [JSON] = []
        while true {
            let page = try c.call("listOrders", .object(params))
            for o in page["orders"]?.arrayValue ?? [] {
                all.append(o)
                for line in orderLines(o["items"]) {
                    rows.append([Output.text(o["orderDate"]), Output.text(o["orderNumber"]), Output.text(o["orderStatus"])] + line)
                }
            }
            guard let cursor = page["nextCursor"], cursor != .null else { break }
            params["cursor"] = cursor
        }
        if connection.json { return Output.json(["orders": .array(all), "nextCursor": nil]) }  // listOrders' result, every page
        print(Output.table(["DATE", "ORDER", "STATUS", "SKU", "LOT", "QTY", "CENTS", "BUNDLE"], rows, numeric: [5, 6]))
    }
}

struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete shipped and cancelled inbox orders dated before a day (a dry run unless --apply).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Orders dated before this day, YYYY-MM-DD.") var before: String
    @Flag(help: "Really delete them.") var apply = false

    func run() throws {
        try connection.run("purgeOrders", ["before": .string(before), "apply": .bool(apply)]) { r in
            let numbers = (r["orderNumbers"]?.arrayValue ?? []).map { Output.text($0) }
            print("\(r["applied"] == true ? "purged" : "would purge") \(Output.text(r["count"])) orders\(numbers.isEmpty ? "" : ": " + numbers.joined(separator: " "))")
            if r["applied"] != true && !numbers.isEmpty { print("dry run: nothing was deleted; run again with --apply") }
        }
    }
}

struct Inbox: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "What is still to ship: orders per status, and per SKU units ordered, allocated, on hand and available.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run("inboxSummary") { r in
            let o = r["orders"]
            print("orders: \(Output.text(o?["pending"])) pending, \(Output.text(o?["uploaded"])) uploaded, \(Output.text(o?["shipped"])) shipped, \(Output.text(o?["cancelled"])) cancelled")
            let rows = (r["skus"]?.arrayValue ?? []).map { s in
                ["skuCode", "pendingUnits", "uploadedUnits", "allocatedUnits", "onHand", "available"].map { Output.text(s[$0]) }
            }
            print(Output.table(["SKU", "PENDING", "UPLOADED", "ALLOCATED", "ON HAND", "AVAILABLE"], rows, numeric: [1, 2, 3, 4, 5]))
        }
    }
}
