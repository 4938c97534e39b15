import ArgumentParser
import ORAJSON
import ORAProtocol

struct Reconcile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare one ship date with ShipStation's shipments; --apply makes the database agree.",
        discussion: "SHIPMENTS is ShipStation's GET /shipments response ({shipments:[...], page, pages}) or a bare array; - reads stdin.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The ship date, YYYY-MM-DD.") var date: String
    @Option(help: "ShipStation shipments JSON file (or - for stdin).") var shipments: String
    @Flag(help: "Write the fixes (default: dry run, nothing written).") var apply = false

    func run() throws {
        let document = try readJSONFile(shipments)
        let list: JSON
        switch document {
        case .array: list = document
        case .object(let o) where o["shipments"]?.arrayValue != nil: list = o["shipments"]!
        default: throw ValidationError("\(shipments) must hold ShipStation's {shipments:[...]} response or an array of shipments")
        }
        try connection.run("reconcileDate", ["date": .string(date), "shipments": list, "apply": .bool(apply)]) { r in
            print(Self.render(r))
        }
    }

    static func render(_ r: JSON) -> String {
        var rows: [[String]] = []
        func add(_ kind: String, _ list: String, _ detail: (JSON) -> String) {
            for e in r[list]?.arrayValue ?? [] { rows.append([kind, Output.text(e["orderNumber"]), Output.text(e["sku"]), detail(e)]) }
        }
        add("missing", "missing") { "insert \(Output.text($0["quantity"]))" }
        add("quantity", "quantityFixed") { "\(Output.text($0["from"])) -> \(Output.text($0["to"]))" }
        add("date", "dateFixed") { "\(Output.text($0["from"])) -> \(Output.text($0["to"]))" }
        add("removed", "removed") { "delete \(Output.text($0["quantity"])) (\(Output.text($0["reason"])))" }
        add("manual", "manualIntervention") { "\(Output.text($0["reason"])): \(Output.text($0["message"]))" }
        add("external", "keptExternal") { "kept: \(Output.text($0["units"])) units on \(Output.text($0["shipDate"]))" }
        for lot in r["createdLots"]?.arrayValue ?? [] {
            let created = r["applied"] == true ? "created" : "to be created"
            rows.append(["new lot", "", "\(Output.text(lot["skuCode"])) - \(Output.text(lot["lotNumber"]))", "\(created), not yet received"])
        }
        func totals(_ key: String) -> String { "\(Output.text(r[key]?["orders"])) orders, \(Output.text(r[key]?["units"])) units" }
        var out = [rows.isEmpty ? "\(Output.text(r["date"])): the database agrees with ShipStation" : Output.table(["FOUND", "ORDER", "SKU", "FIX"], rows)]
        out.append("")
        out.append("ShipStation       \(totals("shipstation"))  (voided ignored: \(Output.text(r["voidedIgnored"])), other dates ignored: \(Output.text(r["ignoredOtherDates"])))")
        out.append("database before   \(totals("databaseBefore"))")
        out.append("database after    \(totals("databaseAfter"))")
        out.append(r["applied"] == true ? Output.paint("applied", .green) : Output.paint("dry run: nothing was written; run again with --apply to fix", .yellow))
        return out.joined(separator: "\n")
    }
}
