import Testing
import ORATestSupport
@testable import ORAProtocol
import ORAJSON

/// Deterministic fuzzing (seeded, so any failure replays): the parser, writer and framer never crash
/// and keep their invariants on hundreds of thousands of generated inputs.
@Suite struct SeededFuzzTests {

    static let alphabet = Array(#"{}[]:,"\ 0123456789.-+eEtrufalsn\/bfnrtu00e9"#.utf8) + [0x0A, 0xC3, 0xA9, 0xFF, 0xED]

    /// Random byte soup built from JSON's own characters: parse or throw, never crash; whatever parses round-trips.
    @Test func parserAndWriterOnRandomInput() {
        var rng = SplitMix(seed: 1)
        var parsed = 0
        for _ in 0..<200_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in Self.alphabet.randomElement(using: &rng)! }
            guard let value = try? JSONParser.parse(bytes) else { continue }
            parsed += 1
            let written = JSONWriter.bytes(value)
            #expect(!written.contains(0x0A))
            #expect((try? JSONParser.parse(written)) == value)
        }
        print("parser fuzz: 200000 inputs, \(parsed) parsed and round-tripped")
        #expect(parsed > 1000)
    }

    /// Random JSON values survive write-then-parse exactly.
    @Test func generatedValuesRoundTrip() throws {
        var rng = SplitMix(seed: 2)
        func value(_ depth: Int) -> JSON {
            switch Int.random(in: 0...(depth > 4 ? 3 : 5), using: &rng) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &rng))
            case 2: return .number(JSONNumber(text: String(Int64.random(in: -1_000_000...1_000_000, using: &rng))))
            case 3:
                let scalars = (0..<Int.random(in: 0...8, using: &rng)).compactMap { _ in Unicode.Scalar(UInt32.random(in: 0...0x2FFF, using: &rng)) }
                return .string(String(String.UnicodeScalarView(scalars)))
            case 4: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth + 1) })
            default:
                return .object(JSONObject((0..<Int.random(in: 0...4, using: &rng)).map { i in ("k\(i)", value(depth + 1)) }))
            }
        }
        for _ in 0..<20_000 {
            let v = value(0)
            #expect(try JSONParser.parse(JSONWriter.bytes(v)) == v)
        }
    }

    /// The framer, fed a random stream in random chunks, yields exactly the non-blank lines of the stream.
    @Test func framerMatchesASimpleModel() {
        var rng = SplitMix(seed: 3)
        for _ in 0..<2_000 {
            let stream = (0..<Int.random(in: 0...2000, using: &rng)).map { _ in [0x0A, 0x0D, 0x20, 0x61, 0x62, 0x09][Int.random(in: 0...5, using: &rng)] as UInt8 }
            let limit = Int.random(in: 1...64, using: &rng)
            var framer = LineFramer(maxLineBytes: limit)
            var got: [[UInt8]] = []
            var tooLong = false
            var offset = 0
            while offset < stream.count && !tooLong {
                let n = Int.random(in: 1...50, using: &rng)
                framer.append(stream[offset..<min(offset + n, stream.count)])
                offset += n
                while let frame = framer.next() {
                    if case .line(let l) = frame { got.append(Array(l)) } else { tooLong = true; break }
                }
                #expect(framer.bufferedBytes <= limit + 50)
            }
            // The model: split on \n, drop one trailing \r, skip blank lines; stop at the first over-long line.
            var expected: [[UInt8]] = []
            var modelTooLong = false
            var parts = stream.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            let tail = parts.removeLast()
            for var p in parts {
                if p.last == 0x0D { p.removeLast() }
                if p.count > limit { modelTooLong = true; break }
                if p.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                expected.append(p)
            }
            if !modelTooLong && tail.count > limit { modelTooLong = true }
            #expect(tooLong == modelTooLong)
            if !modelTooLong { #expect(got == expected) } else { #expect(got == Array(expected.prefix(got.count))) }
        }
    }
}
