import ArgumentParser
import Foundation
import ORAJSON
import ORAProtocol

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reports: units shipped per SKU per week, lot inventory, shipped lines.",
        subcommands: [Weekly.self, LotsReport.self, ShippedReport.self])

    /// RFC 4180: quote a field holding a comma, a quote or a line break.
    static func csv(_ headers: [String], _ rows: [[String]]) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([headers] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    struct Weekly: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Units shipped per SKU per week (weeks start on Monday).")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "First Monday (default: the last complete weeks, as ora-weekly-report and the dashboard show).") var weekStart: String?
        @Option(help: "Number of weeks, 1 to 52.") var weeks: Int = 1
        @Flag(help: "CSV for spreadsheets.") var csv = false
        @Option(help: "Also write an HTML page with a bar chart per SKU to this file.") var html: String?

        func run() throws {
            var params = JSONObject([("weeks", .int(weeks))])
            params["weekStart"] = .string(weekStart ?? Self.lastCompleteWeeks(weeks))
            let result = try connection.open().call("weeklyShipped", .object(params))
            let weekList = result["weeks"]?.arrayValue ?? []
            if let html {
                do { try WeeklyHTML.render(weekList).write(toFile: html, atomically: true, encoding: .utf8) } catch {
                    throw ValidationError("cannot write \(html): \(error.localizedDescription)")
                }
            }
            if connection.json { return Output.json(result) }
            var rows: [[String]] = []
            for week in weekList {
                for sku in week["skus"]?.arrayValue ?? [] {
                    rows.append([Output.text(week["weekStart"]), Output.text(sku["skuCode"]), Output.text(sku["productName"]), Output.text(sku["units"])])
                }
                if !csv { rows.append([Output.text(week["weekStart"]), "", "total", Output.text(week["totalUnits"])]) }
            }
            let headers = ["WEEK", "SKU", "PRODUCT", "UNITS"]
            print(csv ? Report.csv(headers, rows) : Output.table(headers, rows, numeric: [3]), terminator: csv ? "" : "\n")
            if let html, !csv { print("wrote \(html)") }
        }

        /// The Monday `weeks` weeks before this week's (UTC): the last `weeks` complete weeks.
        static func lastCompleteWeeks(_ weeks: Int, now: Date = Date()) -> String {
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let thisMonday = calendar.dateInterval(of: .weekOfYear, for: now)!.start
            let first = calendar.date(byAdding: .day, value: -7 * weeks, to: thisMonday)!
            let f = DateFormatter()
            f.calendar = calendar
            f.timeZone = calendar.timeZone
            f.locale = Locale(identifier: "en_US_POSIX")
            f.dateFormat = "yyyy-MM-dd"
            return f.string(from: first)
        }
    }

    struct LotsReport: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lots", abstract: "What is left of each lot, oldest first (FIFO), and reorder alerts.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Only this SKU.") var sku: String?
        @Flag(help: "Also list inactive lots.") var includeInactive = false
        @Flag(help: "CSV for spreadsheets.") var csv = false

        func run() throws {
            var params = JSONObject([("includeInactive", .bool(includeInactive))])
            if let sku { params["skuCode"] = .string(sku) }
            try connection.run("lotInventory", .object(params)) { r in
                var rows: [[String]] = []
                var alerts: [String] = []
                for s in r["skus"]?.arrayValue ?? [] {
                    for lot in s["lots"]?.arrayValue ?? [] {
                        rows.append([Output.text(s["skuCode"]), Output.text(lot["lotNumber"]), Output.text(lot["receivedDate"]), Output.text(lot["initialQty"]),
                                     Output.text(lot["manualAdjustment"]), Output.text(lot["adjustments"]), Output.text(lot["shipped"]),
                                     Output.text(lot["remaining"]), Output.text(lot["status"])])
                    }
                    if s["adjustedWithoutLot"]?.int64Value ?? 0 != 0 || s["shippedWithoutLot"]?.int64Value ?? 0 != 0 {
                        rows.append([Output.text(s["skuCode"]), "(no lot)", "", "", "", Output.text(s["adjustedWithoutLot"]), Output.text(s["shippedWithoutLot"]), "", ""])
                    }
                    if !csv { rows.append([Output.text(s["skuCode"]), "", "", "", "", "", "", Output.text(s["remaining"]), "SKU total"]) }
                    if s["belowReorderPoint"] == true {
                        alerts.append("REORDER \(Output.text(s["skuCode"])) \(Output.text(s["productName"])): \(Output.text(s["remaining"])) left, reorder point \(Output.text(s["reorderPoint"]))")
                    }
                }
                let headers = ["SKU", "LOT", "RECEIVED", "INITIAL", "ADJUST", "LEDGER", "SHIPPED", "REMAINING", "STATUS"]
                if csv { print(Report.csv(headers, rows), terminator: ""); return }
                print(Output.table(headers, rows, numeric: [3, 4, 5, 6, 7]))
                for a in alerts { print(Output.paint(a, .red)) }
            }
        }
    }

    struct ShippedReport: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "shipped", abstract: "Shipped lines for a date or range, every page.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "One ship date.") var date: String?
        @Option(help: "First date of a range.") var from: String?
        @Option(help: "Last date of a range.") var to: String?
        @Option(help: "Only this SKU code.") var sku: String?
        @Flag(help: "CSV for spreadsheets.") var csv = false

        func run() throws {
            let conn = try connection.open()
            var base = JSONObject([("limit", 10_000)])
            for (key, value) in [("date", date), ("from", from), ("to", to), ("skuCode", sku)] { if let value { base[key] = .string(value) } }
            var rows: [[String]] = []
            var all: [JSON] = []
            var cursor: JSON = .null
            var totals = (lines: "0", units: "0")
            var last: JSON = .null
            repeat {
                var params = base
                if cursor != .null { params["cursor"] = cursor }
                let page = try conn.call("shippedItems", .object(params))
                last = page
                all += page["items"]?.arrayValue ?? []
                for i in page["items"]?.arrayValue ?? [] {
                    rows.append([Output.text(i["shipDate"]), Output.text(i["orderNumber"]), Output.text(i["sku"]), Output.text(i["baseSku"]),
                                 Output.text(i["lotNumber"]), Output.text(i["quantity"])])
                }
                totals = (Output.text(page["totalLines"]), Output.text(page["totalUnits"]))
                cursor = page["nextCursor"] ?? .null
            } while cursor != .null
            // --json: shippedItems' result, every page's items in one document.
            if connection.json {
                return Output.json(["items": .array(all), "totalUnits": last["totalUnits"] ?? 0, "totalLines": last["totalLines"] ?? 0, "nextCursor": nil])
            }
            let headers = ["DATE", "ORDER", "SKU", "BASE", "LOT", "QTY"]
            if csv { print(Report.csv(headers, rows), terminator: ""); return }
            print(Output.table(headers, rows, numeric: [5]))
            print("\(totals.lines) lines, \(totals.units) units")
        }
    }
}

/// A self-contained page: a table per week and an inline SVG bar chart per SKU (no external assets).
enum WeeklyHTML {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func render(_ weeks: [JSON]) -> String {
        var perSku: [String: (name: String, units: [Int64])] = [:]
        for (w, week) in weeks.enumerated() {
            for sku in week["skus"]?.arrayValue ?? [] {
                let code = Output.text(sku["skuCode"])
                var entry = perSku[code] ?? (Output.text(sku["productName"]), Array(repeating: 0, count: weeks.count))
                entry.units[w] = sku["units"]?.int64Value ?? 0
                perSku[code] = entry
            }
        }
        let labels = weeks.map { Output.text($0["weekStart"]) }
        var body = ""
        for code in perSku.keys.sorted() {
            let (name, units) = perSku[code]!
            let top = max(1, units.max() ?? 1)
            let barWidth = 36, gap = 12, height = 160
            let width = max(200, units.count * (barWidth + gap) + gap)
            var svg = "<svg width=\"\(width)\" height=\"\(height + 40)\" role=\"img\" aria-label=\"units shipped per week for \(escape(code))\">"
            for (i, u) in units.enumerated() {
                let h = Int(Double(u) / Double(top) * Double(height - 20))
                let x = gap + i * (barWidth + gap)
                svg += "<rect x=\"\(x)\" y=\"\(height - h)\" width=\"\(barWidth)\" height=\"\(h)\" fill=\"#3b6ea5\"><title>\(labels[i]): \(u)</title></rect>"
                svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(height - h - 4)\" text-anchor=\"middle\" font-size=\"11\">\(u)</text>"
                svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(height + 14)\" text-anchor=\"middle\" font-size=\"9\">\(labels[i].suffix(5))</text>"
            }
            svg += "</svg>"
            body += "<section><h2>\(escape(code)) <small>\(escape(name))</small></h2>\(svg)<p>\(units.reduce(0, +)) units in \(units.count) week(s)</p></section>\n"
        }
        var table = "<table><tr><th>Week</th><th>SKU</th><th>Product</th><th>Units</th></tr>"
        for week in weeks {
            for sku in week["skus"]?.arrayValue ?? [] {
                table += "<tr><td>\(escape(Output.text(week["weekStart"])))</td><td>\(escape(Output.text(sku["skuCode"])))</td><td>\(escape(Output.text(sku["productName"])))</td><td class=\"n\">\(Output.text(sku["units"]))</td></tr>"
            }
            table += "<tr class=\"t\"><td>\(escape(Output.text(week["weekStart"])))</td><td></td><td>total</td><td class=\"n\">\(Output.text(week["totalUnits"]))</td></tr>"
        }
        table += "</table>"
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>ORA weekly shipped</title>
            <style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}section{display:inline-block;margin:0 2em 2em 0;vertical-align:top}
            h2{font-size:1.1em}small{color:#666;font-weight:normal}table{border-collapse:collapse}td,th{padding:.25em .8em;border-bottom:1px solid #ddd}
            .n{text-align:right}.t td{font-weight:bold}</style></head>
            <body><h1>Units shipped per week</h1>
            <p>\(labels.first.map(escape) ?? "") to \(weeks.last.map { escape(Output.text($0["weekEnd"])) } ?? "")</p>
            \(body)\(table)
            </body></html>

            """
    }
}
