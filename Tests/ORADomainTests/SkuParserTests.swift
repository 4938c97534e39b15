import Testing
@testable import ORADomain

@Suite struct SkuParserTests {
    /// Every valid spelling parses to the same base and lot; raw is the trimmed text.
    @Test(arguments: [
        ("17612", "17612", nil as String?),
        ("17612 - 250300", "17612", "250300"),
        ("17612-250300", "17612", "250300"),
        ("17612 -250300", "17612", "250300"),
        ("17612-  250300", "17612", "250300"),
        ("17612\t-\t250300", "17612", "250300"),
        ("  17612 - 250300\t ", "17612", "250300"),
        ("\t17612", "17612", nil),
        ("007", "007", nil),
        ("0 - 0", "0", "0"),
    ])
    func valid(_ text: String, _ base: String, _ lot: String?) {
        let p = SkuParser.parse(text)
        #expect(p.isValid && p.baseSku == base && p.lotNumber == lot && p.error == nil)
        #expect(p.raw == text.trimmingCharacters(in: [" ", "\t"]))
    }

    /// Everything else is invalid with a reason, and neither base nor lot.
    @Test(arguments: ["", "   ", "\t", "-", "17612-", "17612 - ", "-250300", "17612 - 250300 - 1", "17612--250300",
                      "17612 250300", "17612 – 250300", "１７６１２", "17612 - ２５０３００", "17612a", "A17612", "17612 - 2503x0",
                      "17612 -\n250300", "17612_250300", "17612 . 250300", "17 612", "17612 - 250 300", "+17612", "17612 - -250300",
                      "\u{00A0}17612"])
    func invalid(_ text: String) {
        let p = SkuParser.parse(text)
        #expect(!p.isValid && p.baseSku == nil && p.lotNumber == nil)
        #expect(p.error?.isEmpty == false)
    }

    /// Error texts name what went wrong.
    @Test func errorMessages() {
        #expect(SkuParser.parse("").error == "empty SKU")
        #expect(SkuParser.parse("17612 -").error == "missing lot number after '-'")
        #expect(SkuParser.parse("１７６１２").error?.contains("U+FF11") == true)
        #expect(SkuParser.parse("17612-1-2").error?.contains("'-' at position 8") == true)
    }
}
