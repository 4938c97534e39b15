import Testing
import Foundation
import ORAJSON
import ORAProtocol

/// `make bench` must keep working from a clean clone: its smoke run (a tenth of the work) against
/// the built server prints every variant and goal and writes its JSON. No number is judged here;
/// the benchmark reports, it never fails on a timing. ora-bench is its own package (bench/):
/// `make test` builds it and names it in ORA_BENCH_BIN; a bare `swift test` leaves this test out.
@Suite struct BenchSmokeTests {
    static let bench = ProcessInfo.processInfo.environment["ORA_BENCH_BIN"]

    @Test(.enabled(if: bench != nil, "ORA_BENCH_BIN names no ora-bench (make test builds bench/ and sets it)"))
    func quickBenchPrintsEveryGoalAndWritesItsResults() throws {
        let dir = TempDir()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        let bench = try #require(Self.bench)
        let (status, out, err) = try runCommand(bench, [
            "--quick", "--server", productsDirectory.appendingPathComponent("ora-server").path,
            "--baseline", root.appendingPathComponent("bench/python_baseline.py").path, "--out", dir.path("results"),
        ])
        #expect(status == 0, "ora-bench --quick failed: \(err)")
        for row in ["Python-era direct writes, 1 shipment/txn", "ORA store in-process, 1000/txn (ceiling)",
                    "ORA recordShipment, 1 client(s), durable", "ORA recordShipment, 64 client(s), durable",
                    "floor of one durable request: fdatasync + round trip", "a lone request inside the writer, in-process",
                    "importOrder, 64 clients, durable", "allocateOrder, 64 clients, durable", "parseSku over TLS, 50 clients",
                    "parseSku, 50 clients", "validate on 100000 items", "server RSS, 1000 idle connections",
                    "| goal | measured | holds |", "P1 64 clients durable", "P6 1 client durable", "P4a validate", "P4b write p99",
                    "P5a RSS", "P5b RSS"] {
            #expect(out.contains(row), "missing: \(row)")
        }
        // The 64-client row carries the writer's split, read from status.
        let row64 = out.split(separator: "\n").first { $0.contains("64 client(s), durable") } ?? ""
        #expect(row64.contains("us executing per shipment") && row64.contains("ms per COMMIT"))

        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("results"))
        let file = try #require(files.first { $0.hasPrefix("bench-") && $0.hasSuffix(".json") })
        let results = try JSONParser.parse(String(contentsOfFile: dir.path("results/" + file), encoding: .utf8))
        #expect(results["quick"] == true)
        #expect((results["goals"]?.arrayValue?.count ?? 0) >= 7)
        #expect((results["durableFloorUs"]?.doubleValue ?? 0) > 0)
        #expect((results["ora64"]?["writerCommitMillis"]?.doubleValue ?? 0) > 0)
    }
}
