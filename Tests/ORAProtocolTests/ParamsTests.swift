import Testing
@testable import ORAProtocol
import ORAJSON

@Suite struct ParamsTests {
    /// Integers: 1.5, "2", 0 and 10^30 are refused with the field named; 2.0 is 2.
    @Test func integers() throws {
        let p = try Params(["a": .number(JSONNumber(text: "2.0")), "b": .number(JSONNumber(text: "1.5")), "c": "2",
                            "d": 0, "e": .number(JSONNumber(text: "1e30"))], allowed: ["a", "b", "c", "d", "e"])
        #expect(try p.int("a", in: 1...10) == 2)
        #expect(throws: RPCError.invalidParams("/b", "must be an integer, got 1.5")) { try p.int("b", in: 1...10) }
        #expect(throws: RPCError.self) { try p.int("c", in: 1...10) }
        #expect(throws: RPCError.self) { try p.int("d", in: 1...10) }
        do { _ = try p.int("e", in: 1...10); Issue.record() } catch { #expect(error.field == "/e") }
    }

    /// Arrays with a bound: empty refused unless allowed, one too many refused, both naming the field.
    @Test func boundedArrays() throws {
        let p = try Params(["items": [], "two": [1, 2]], allowed: ["items", "two"])
        #expect(throws: RPCError.invalidParams("/items", "must not be empty")) { try p.requiredArray("items", atMost: 5) }
        #expect(try p.requiredArray("items", atMost: 5, allowEmpty: true).isEmpty)
        #expect(throws: RPCError.invalidParams("/two", "must hold at most 1 two")) { try p.requiredArray("two", atMost: 1) }
        #expect(try p.requiredArray("two", atMost: 2).count == 2)
        #expect(throws: RPCError.invalidParams("/none", "is required")) { try p.requiredArray("none", atMost: 2) }
    }

    /// Unknown members and non-object params are refused.
    @Test func shape() {
        #expect(throws: RPCError.self) { try Params(["x": 1], allowed: ["y"]) }
        #expect(throws: RPCError.self) { try Params([1], allowed: []) }
        #expect(throws: Never.self) { try Params(nil, allowed: []) }
    }
}

extension RPCError {
    var field: String? { data["field"]?.stringValue }
}
