import ArgumentParser
import ORAProtocol

struct ParseSku: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parse-sku", abstract: "Show how ORA reads a raw ShipStation SKU.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The raw SKU text, e.g. \"17612 - 250300\".") var sku: String
    @Flag(help: "Also look up the SKU and lot ids.") var resolve = false

    func run() throws {
        try connection.run("parseSku", ["sku": .string(sku), "resolve": .bool(resolve)]) { r in
            guard r["valid"] == true else {
                print("\(Output.paint("invalid", .red)): '\(Output.text(r["raw"]))': \(Output.text(r["error"]))")
                throw ExitCode(1)
            }
            var line = "'\(Output.text(r["raw"]))' -> SKU \(Output.text(r["baseSku"])), " + (r["lotNumber"] == .null ? "no lot" : "lot \(Output.text(r["lotNumber"]))")
            if resolve { line += " (skuId \(Output.text(r["skuId"])), lotId \(Output.text(r["lotId"])))" }
            print(line)
        }
    }
}
