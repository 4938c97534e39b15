import Testing
import ORATestSupport
@testable import ORADomain

/// The parser against a reference model on random strings from the characters that matter.
@Suite struct SkuParserFuzzTests {
    /// The reference: trim spaces/tabs; DIGITS, or DIGITS [ \t]* - [ \t]* DIGITS.
    static func model(_ s: String) -> (String, String?)? {
        func trim<S: StringProtocol>(_ x: S) -> String {
            var scalars = Array(x.unicodeScalars)
            while let f = scalars.first, f == " " || f == "\t" { scalars.removeFirst() }
            while let l = scalars.last, l == " " || l == "\t" { scalars.removeLast() }
            return String(String.UnicodeScalarView(scalars))
        }
        func isDigits(_ x: String) -> Bool { !x.isEmpty && x.unicodeScalars.allSatisfy { $0.value >= 48 && $0.value <= 57 } }
        let pieces = trim(s).split(separator: "-", omittingEmptySubsequences: false)
        if pieces.count == 1 { return isDigits(String(pieces[0])) ? (String(pieces[0]), nil) : nil }
        guard pieces.count == 2 else { return nil }
        // Blanks are allowed around the dash only: the base ends and the lot starts with a digit.
        let base = trim(pieces[0]), lot = trim(pieces[1])
        guard isDigits(base), isDigits(lot) else { return nil }
        return (base, lot)
    }

    @Test func agreesWithTheModel() {
        var rng = SplitMix(seed: 4)
        let chars: [Character] = ["1", "7", "6", "0", " ", "\t", "-", "-", "a", "O", "１", "–", "\n", ".", "_"]
        for _ in 0..<100_000 {
            let s = String((0..<Int.random(in: 0...14, using: &rng)).map { _ in chars.randomElement(using: &rng)! })
            let p = SkuParser.parse(s)
            let m = Self.model(s)
            #expect(p.isValid == (m != nil), "\(s.debugDescription)")
            if let m {
                #expect(p.baseSku == m.0 && p.lotNumber == m.1, "\(s.debugDescription)")
            } else {
                #expect(p.error != nil && p.baseSku == nil && p.lotNumber == nil)
            }
        }
    }
}

