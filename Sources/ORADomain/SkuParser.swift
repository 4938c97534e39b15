// The one place where ShipStation's raw SKU text is understood.
//
//   "17612"             -> base 17612, no lot
//   "17612 - 250300"    -> base 17612, lot 250300   (any run of spaces/tabs, or none, around the dash)
//   " 17612-250300\t"   -> same; surrounding ASCII spaces and tabs are trimmed first
//   anything else       -> invalid, with a reason a person can act on
//
// Only ASCII 0-9 count as digits: "１７６１２" (fullwidth) is refused, not normalized.

public struct ParsedSku: Sendable, Equatable, Hashable {
    /// The text after trimming surrounding spaces and tabs.
    public let raw: String
    public let baseSku: String?
    public let lotNumber: String?
    /// Why the text does not parse; nil when valid.
    public let error: String?

    public var isValid: Bool { error == nil }

    /// The line identity used everywhere: two spellings of the same SKU and lot have the same key.
    public var key: SkuLotKey? { baseSku.map { SkuLotKey(baseSku: $0, lotNumber: lotNumber) } }
}

public struct SkuLotKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let baseSku: String
    public let lotNumber: String?

    public init(baseSku: String, lotNumber: String?) {
        self.baseSku = baseSku
        self.lotNumber = lotNumber
    }

    public var description: String { lotNumber.map { "\(baseSku) - \($0)" } ?? baseSku }

    public static func < (a: SkuLotKey, b: SkuLotKey) -> Bool {
        (a.baseSku, a.lotNumber ?? "") < (b.baseSku, b.lotNumber ?? "")
    }
}

public enum SkuParser {
    public static func parse(_ text: String) -> ParsedSku {
        let bytes = Array(text.utf8)
        var lo = 0, hi = bytes.count
        while lo < hi, isBlank(bytes[lo]) { lo += 1 }
        while hi > lo, isBlank(bytes[hi - 1]) { hi -= 1 }
        let raw = String(decoding: bytes[lo..<hi], as: UTF8.self)

        func invalid(_ why: String) -> ParsedSku { ParsedSku(raw: raw, baseSku: nil, lotNumber: nil, error: why) }

        if lo == hi { return invalid("empty SKU") }
        var i = lo
        let baseStart = i
        while i < hi, isDigit(bytes[i]) { i += 1 }
        if i == baseStart {
            return invalid("SKU must start with ASCII digits, found \(describe(bytes, at: i, end: hi))")
        }
        let base = String(decoding: bytes[baseStart..<i], as: UTF8.self)
        if i == hi { return ParsedSku(raw: raw, baseSku: base, lotNumber: nil, error: nil) }

        while i < hi, isBlank(bytes[i]) { i += 1 }
        guard bytes[i] == UInt8(ascii: "-") else {
            return invalid("expected '-' between SKU and lot, found \(describe(bytes, at: i, end: hi))")
        }
        i += 1
        while i < hi, isBlank(bytes[i]) { i += 1 }
        if i == hi { return invalid("missing lot number after '-'") }
        let lotStart = i
        while i < hi, isDigit(bytes[i]) { i += 1 }
        if i == lotStart {
            return invalid("lot number must be ASCII digits, found \(describe(bytes, at: i, end: hi))")
        }
        if i != hi {
            return invalid("unexpected \(describe(bytes, at: i, end: hi)) after lot number")
        }
        let lot = String(decoding: bytes[lotStart..<i], as: UTF8.self)
        return ParsedSku(raw: raw, baseSku: base, lotNumber: lot, error: nil)
    }

    private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Names the offending character for the error text ("'x' at position 6", "'１' (U+FF11) at ...").
    private static func describe(_ bytes: [UInt8], at index: Int, end: Int) -> String {
        let tail = String(decoding: bytes[index..<end], as: UTF8.self)
        guard let scalar = tail.unicodeScalars.first else { return "end of text" }
        let position = String(decoding: bytes[..<index], as: UTF8.self).count + 1
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let shown = scalar.value < 0x20 || scalar.value == 0x7F ? "U+\(hex)" : "'\(scalar)'"
        return scalar.isASCII ? "\(shown) at position \(position)" : "\(shown) (U+\(hex)) at position \(position)"
    }
}
