import Testing
@testable import ORAJSON

@Suite struct JSONParserTests {
    /// Valid documents parse to the expected values, keeping member order and number text.
    @Test func parsesValidDocuments() throws {
        let v = try JSONParser.parse(#" {"a":1,"b":[true,false,null],"c":"x\"\\\/\n\u00e9\ud83d\ude00","d":-0.5e+3,"a":2} "#)
        #expect(v["a"] == 2)
        #expect(v["b"] == [true, false, nil])
        #expect(v["c"] == .string("x\"\\/\né😀"))
        #expect(v["d"] == .number(JSONNumber(text: "-0.5e+3")))
        #expect(v.objectValue?.keys == ["a", "b", "c", "d"])
        #expect(try JSONParser.parse("\"naïve\"") == "naïve")
    }

    /// Every malformed input is a syntax error, never a crash or a guess.
    @Test(arguments: ["", " ", "{", "[1,]", "{\"a\" 1}", "{\"a\":}", "01", "1.", ".5", "-", "1e", "tru", "nul", "\"abc",
                      "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00x\"", "{} {}", "[1 2]", "\"a\u{0001}\"", "{'a':1}", "NaN", "+1"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    /// Invalid UTF-8 inside a string is refused.
    @Test func rejectsInvalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xC3, 0x28, 0x22], [0x22, 0xFF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22]] {
            #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        }
    }

    /// Nesting past the limit stops with tooDeep; at the limit it parses.
    @Test func depthLimit() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONParser.parse(ok) }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError.tooDeep(limit: 64)) { try JSONParser.parse(deep) }
        #expect(throws: JSONParseError.tooDeep(limit: 64)) { try JSONParser.parse(String(repeating: "{\"a\":", count: 1_000_000)) }
    }

    /// Integers are recognised exactly; huge or fractional numbers are not Int64.
    @Test func numberConversions() {
        #expect(JSONNumber(text: "2").int64 == 2)
        #expect(JSONNumber(text: "2.0").int64 == 2)
        #expect(JSONNumber(text: "1e3").int64 == 1000)
        #expect(JSONNumber(text: "1.5").int64 == nil)
        #expect(JSONNumber(text: "1e30").int64 == nil)
        #expect(JSONNumber(text: "99999999999999999999").int64 == nil)
        #expect(JSONNumber(text: "-9223372036854775808").int64 == Int64.min)
    }

    /// Writing escapes every control character, so a value can never break a line.
    @Test func writerEscapes() throws {
        let value: JSON = ["k\n": "a\nb\r\u{0001}\u{007F}\"\\é"]
        let text = JSONWriter.string(value)
        #expect(!text.contains("\n") && !text.contains("\r"))
        #expect(text == #"{"k\n":"a\nb\r\u0001\u007f\"\\é"}"#)
        #expect(try JSONParser.parse(text) == value)
    }

    /// The writer copies runs without escapes whole: escapes at either end, side by side, or none.
    @Test func writerCopiesRunsBetweenEscapes() throws {
        let cases: [(String, String)] = [
            ("", #""""#), ("plain 17612 - 250300", #""plain 17612 - 250300""#), ("\"é\"", #""\"é\"""#),
            ("\n\n", #""\n\n""#), ("a\tb", #""a\tb""#), ("\u{1F}é€😀", #""\u001fé€😀""#),
        ]
        for (value, written) in cases {
            #expect(JSONWriter.string(.string(value)) == written)
            #expect(try JSONParser.parse(written) == .string(value))
        }
    }
}
