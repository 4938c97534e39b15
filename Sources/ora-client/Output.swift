// What a person sees: aligned tables, marks, colour only on a terminal.

import Foundation
import ORAJSON
import ORAProtocol

enum Output {
    static let isTerminal = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    enum Colour: String { case green = "32", yellow = "33", red = "31", dim = "2", bold = "1" }

    static func paint(_ text: String, _ colour: Colour) -> String {
        isTerminal ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Columns padded to their widest cell; numbers right-aligned.
    static func table(_ headers: [String], _ rows: [[String]], numeric: Set<Int> = []) -> String {
        var widths = headers.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return numeric.contains(i) ? pad + cell : (i == cells.count - 1 ? cell : cell + pad)
            }.joined(separator: "  ")
        }
        return ([paint(line(headers), .bold)] + rows.map(line)).joined(separator: "\n")
    }

    static func text(_ value: JSON?) -> String {
        switch value {
        case nil, .null?: return "-"
        case .string(let s)?: return s
        case .number(let n)?: return n.text
        case .bool(let b)?: return b ? "yes" : "no"
        case let other?: return JSONWriter.string(other)
        }
    }

    static func json(_ value: JSON) { print(JSONWriter.string(value)) }

    static func pretty(_ value: JSON, indent: String = "") -> String {
        switch value {
        case .array(let a) where !a.isEmpty:
            return "[\n" + a.map { indent + "  " + pretty($0, indent: indent + "  ") }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let o) where o.count > 0:
            return "{\n" + o.members.map { indent + "  " + JSONWriter.string(.string($0.key)) + ": " + pretty($0.value, indent: indent + "  ") }
                .joined(separator: ",\n") + "\n\(indent)}"
        default:
            return JSONWriter.string(value)
        }
    }
}
