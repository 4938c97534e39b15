// `ora-bench`: measures ORA and its baselines in one run on this machine and prints ratios.
// It reports; it never fails on a number (CI does not run it).

import ArgumentParser
import Foundation
import ORAProtocol
import ORAStore

@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ora-bench", abstract: "Benchmark ORA against the Python-era scripts, its own ceiling and redis.")

    @Option(help: "The ora-server binary to measure (build it with -c release).") var server = ".build/release/ora-server"
    @Option(help: "The Python-era baseline script.") var baseline = "bench/python_baseline.py"
    @Option(help: "Python interpreter for the baseline.") var python = "python3"
    @Option(help: "Folder for the JSON results.") var out = "bench/results"
    @Option(help: "Shipped items in the validate/report database.") var bigItems = 1_000_000
    @Flag(help: "A fast smoke run (a tenth of the work; numbers are not comparable).") var quick = false
    @Option(help: "Run one part only, for profiling: ceiling, writes, parse.") var only: String?
    @Option(help: "Clients for --only writes.") var clients = 64
    @Option(help: "--sync for --only writes: full, pipelined or normal.") var sync = "full"

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ora-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bench = Bench(serverBinary: server, python: python, baselineScript: baseline, scratch: scratch, quick: quick)
        var rows: [(String, String, String)] = []
        var results = JSONObject()
        func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
        func fmt(_ v: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", v) }

        if only == "ceiling" {
            let stream = ShipmentStream.shipments(count: bench.scaled(30_000), prefix: "PB-")
            print("ceiling: \(fmt(try bench.ceiling(shipments: stream))) shipments/s; \(fmt(try bench.walBytesPerShipment(shipments: stream))) WAL bytes per shipment in groups of 32")
            return
        }
        if only == "writes" {
            let run = try bench.oraWrites(shipments: ShipmentStream.shipments(count: bench.scaled(30_000), prefix: "C\(clients)-"), clients: clients, sync: sync)
            print("\(clients) clients: \(fmt(run.result.perSecond)) requests/s, \(fmt(run.transactionsPerSecond)) transactions/s (\(fmt(run.result.perSecond / run.transactionsPerSecond, 1)) requests per commit), p50 \(fmt(run.result.percentile(0.5), 2)) ms, p99 \(fmt(run.result.percentile(0.99), 2)) ms")
            return
        }
        if only == "parse" {
            let parseServer = try ServerProcess(binary: server, database: bench.path("parse.db"))
            let r = bench.parseSku(server: parseServer, requests: bench.scaled(300_000), clients: 50, depth: 1)
            parseServer.stop()
            print("parseSku 50 clients: \(fmt(r.perSecond)) req/s")
            return
        }

        // Writes.
        log("python baseline ...")
        let stream1 = ShipmentStream.shipments(count: bench.scaled(3000), prefix: "P1-")
        let streamBig = ShipmentStream.shipments(count: bench.scaled(30_000), prefix: "PB-")
        let py1 = try bench.pythonBaseline(shipments: stream1, perTransaction: 1)
        let py1000 = try bench.pythonBaseline(shipments: streamBig, perTransaction: 1000)
        rows.append(("Python-era direct writes, 1 shipment/txn, FULL", "\(fmt(py1)) shipments/s", "baseline"))
        rows.append(("Python-era direct writes, 1000 shipments/txn", "\(fmt(py1000)) shipments/s", ""))
        log("in-process ceiling ...")
        let ceiling = try bench.ceiling(shipments: streamBig)
        let walBytes = try bench.walBytesPerShipment(shipments: streamBig)
        rows.append(("ORA store in-process, 1000/txn (ceiling)", "\(fmt(ceiling)) shipments/s", "\(fmt(walBytes)) WAL bytes per shipment in groups of 32"))
        results["python1"] = .double(py1); results["python1000"] = .double(py1000); results["ceiling"] = .double(ceiling)
        results["walBytesPerShipment"] = .double(walBytes)

        var ora: [Int: Bench.WriteRun] = [:]
        for (clients, count) in [(1, 3000), (8, 12_000), (64, 30_000)] {
            log("ORA recordShipment, \(clients) clients ...")
            let run = try bench.oraWrites(shipments: ShipmentStream.shipments(count: bench.scaled(count), prefix: "C\(clients)-"), clients: clients)
            ora[clients] = run
            rows.append(("ORA recordShipment, \(clients) client(s), durable", "\(fmt(run.result.perSecond)) shipments/s",
                         "p50 \(fmt(run.result.percentile(0.5), 2)) ms, p99 \(fmt(run.result.percentile(0.99), 2)) ms, \(fmt(run.transactionsPerSecond)) txn/s (\(fmt(run.result.perSecond / max(1, run.transactionsPerSecond), 1)) per commit)"))
            results["ora\(clients)"] = ["shipmentsPerSecond": .double(run.result.perSecond), "p50ms": .double(run.result.percentile(0.5)),
                                        "p99ms": .double(run.result.percentile(0.99)), "transactionsPerSecond": .double(run.transactionsPerSecond)]
        }

        log("ORA recordShipment, 64 clients, --sync pipelined ...")
        let pipelined = try bench.oraWrites(shipments: ShipmentStream.shipments(count: bench.scaled(30_000), prefix: "CP-"), clients: 64, sync: "pipelined")
        rows.append(("ORA recordShipment, 64 clients, --sync pipelined", "\(fmt(pipelined.result.perSecond)) shipments/s",
                     "p50 \(fmt(pipelined.result.percentile(0.5), 2)) ms, p99 \(fmt(pipelined.result.percentile(0.99), 2)) ms; acknowledged after the WAL's fdatasync"))
        results["oraPipelined64"] = ["shipmentsPerSecond": .double(pipelined.result.perSecond), "p99ms": .double(pipelined.result.percentile(0.99))]

        // parseSku.
        log("parseSku ...")
        let parseServer = try ServerProcess(binary: server, database: bench.path("parse.db"))
        let p1 = bench.parseSku(server: parseServer, requests: bench.scaled(20_000), clients: 1, depth: 1)
        let p50c = bench.parseSku(server: parseServer, requests: bench.scaled(300_000), clients: 50, depth: 1)
        let pPipe = bench.parseSku(server: parseServer, requests: bench.scaled(500_000), clients: 1, depth: 256)
        parseServer.stop()
        rows.append(("parseSku, 1 client round trip", "p50 \(fmt(p1.percentile(0.5) * 1000)) us", "\(fmt(p1.perSecond)) req/s, p99 \(fmt(p1.percentile(0.99) * 1000)) us"))
        rows.append(("parseSku, 50 clients", "\(fmt(p50c.perSecond)) req/s", "p99 \(fmt(p50c.percentile(0.99), 2)) ms"))
        rows.append(("parseSku, 1 pipelined connection (256 in flight)", "\(fmt(pPipe.perSecond)) req/s", ""))
        results["parseSku"] = ["oneClientP50us": .double(p1.percentile(0.5) * 1000), "fiftyClientsRps": .double(p50c.perSecond), "pipelinedRps": .double(pPipe.perSecond)]

        log("redis reference ...")
        let redis1 = try bench.redis(clients: 1, requests: bench.scaled(50_000))
        let redis50 = try bench.redis(clients: 50, requests: bench.scaled(500_000))
        if let redis1, let redis50 {
            rows.append(("redis-benchmark GET -c 1 (reference)", "p50 \(fmt(redis1.p50 * 1000)) us", "\(fmt(redis1.rps)) req/s"))
            rows.append(("redis-benchmark GET -c 50 (reference)", "\(fmt(redis50.rps)) req/s", "p50 \(fmt(redis50.p50, 3)) ms"))
            results["redis"] = ["c1P50us": .double(redis1.p50 * 1000), "c1Rps": .double(redis1.rps), "c50Rps": .double(redis50.rps)]
        } else {
            rows.append(("redis reference", "not installed", "apt-get install redis-server"))
        }

        // validate and reports on a big database.
        let items = quick ? 100_000 : bigItems
        log("building a \(items)-item database ...")
        let big = try bench.bigDatabase(orders: items / 2)
        let pragmas = try bench.pragmasAlone(big)
        let bigServer = try ServerProcess(binary: server, database: big)
        let port = bigServer.port
        let validate = try bench.whileWriting(server: bigServer, prefix: "V") {
            _ = try BlockingClient(port: port).call("validate")
        }
        rows.append(("validate on \(items) items", "\(fmt(validate.ms)) ms", "quick_check + foreign_key_check alone: \(fmt(pragmas)) ms (\(fmt(validate.ms / pragmas, 2))x)"))
        rows.append(("recordShipment while validate runs", "p99 \(fmt(validate.writes.percentile(0.99), 2)) ms", "\(validate.writes.requests) writes, p50 \(fmt(validate.writes.percentile(0.5), 2)) ms"))
        var weeklyMs: [Double] = [], lotsMs: [Double] = []
        let reports = try bench.whileWriting(server: bigServer, prefix: "R") {
            let c = try BlockingClient(port: port)
            for _ in 0..<10 {
                let a = DispatchTime.now().uptimeNanoseconds
                _ = try c.call("weeklyShipped")
                let b = DispatchTime.now().uptimeNanoseconds
                _ = try c.call("lotInventory")
                let e = DispatchTime.now().uptimeNanoseconds
                Timing.shared.add(Double(b - a) / 1e6, Double(e - b) / 1e6)
            }
        }
        (weeklyMs, lotsMs) = Timing.shared.values
        bigServer.stop()
        let median = { (v: [Double]) in v.sorted()[v.count / 2] }
        rows.append(("weeklyShipped (1 week) on \(items) items, writes running", "median \(fmt(median(weeklyMs), 1)) ms", "max \(fmt(weeklyMs.max() ?? 0, 1)) ms"))
        rows.append(("lotInventory (all SKUs) on \(items) items, writes running", "median \(fmt(median(lotsMs), 1)) ms", "max \(fmt(lotsMs.max() ?? 0, 1)) ms; writes p99 \(fmt(reports.writes.percentile(0.99), 2)) ms"))
        results["validate"] = ["items": .int(items), "ms": .double(validate.ms), "pragmasMs": .double(pragmas), "writeP99ms": .double(validate.writes.percentile(0.99))]
        results["reports"] = ["weeklyMedianMs": .double(median(weeklyMs)), "lotInventoryMedianMs": .double(median(lotsMs))]

        log("memory ...")
        let memory = try bench.memory()
        rows.append(("server RSS, 1000 idle connections", "\(fmt(memory.idle, 1)) MB", ""))
        rows.append(("server RSS, a client sending without reading", "\(fmt(memory.neverReading, 1)) MB", "\(memory.neverReadingAccepted / 1024) KiB accepted before back-pressure"))
        results["memory"] = ["idleMB": .double(memory.idle), "neverReadingMB": .double(memory.neverReading)]

        // Goals.
        let o64 = ora[64]!.result.perSecond
        var goals: [(String, String, Bool)] = [
            ("P1a 64 clients >= 10x Python 1/txn", "\(fmt(o64 / py1, 1))x", o64 / py1 >= 10),
            ("P1b 64 clients >= 0.6x in-process ceiling", "\(fmt(o64 / ceiling, 2))x", o64 / ceiling >= 0.6),
            ("(P1 with --sync pipelined: vs Python 1/txn, vs ceiling)", "\(fmt(pipelined.result.perSecond / py1, 1))x, \(fmt(pipelined.result.perSecond / ceiling, 2))x",
             pipelined.result.perSecond / py1 >= 10 && pipelined.result.perSecond / ceiling >= 0.6),
        ]
        if let redis1, let redis50 {
            let rtt = p1.percentile(0.5) / redis1.p50
            goals.append(("P2 parseSku RTT <= 1.5x redis GET -c 1", "\(fmt(rtt, 2))x", rtt <= 1.5))
            goals.append(("P3 parseSku 50 clients >= 1.0x redis GET -c 50", "\(fmt(p50c.perSecond / redis50.rps, 2))x", p50c.perSecond >= redis50.rps))
        }
        goals.append(("P4a validate <= 1.5x quick_check + foreign_key_check", "\(fmt(validate.ms / pragmas, 2))x", validate.ms / pragmas <= 1.5))
        goals.append(("P4b write p99 < 50 ms during validate", "\(fmt(validate.writes.percentile(0.99), 2)) ms", validate.writes.percentile(0.99) < 50))
        goals.append(("P5a RSS < 64 MB with 1000 idle connections", "\(fmt(memory.idle, 1)) MB", memory.idle < 64))
        goals.append(("P5b RSS < 256 MB under a never-reading client", "\(fmt(memory.neverReading, 1)) MB", memory.neverReading < 256))

        var md = "| variant | result | detail |\n|---|---|---|\n"
        for (a, b, c) in rows { md += "| \(a) | \(b) | \(c) |\n" }
        md += "\n| goal | measured | holds |\n|---|---|---|\n"
        for (a, b, ok) in goals { md += "| \(a) | \(b) | \(ok ? "yes" : "NO") |\n" }
        print(md)
        results["goals"] = .array(goals.map { ["goal": .string($0.0), "measured": .string($0.1), "holds": .bool($0.2)] })
        results["table"] = .string(md)
        results["quick"] = .bool(quick)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let stamp = Timestamp.now().replacingOccurrences(of: ":", with: "")
        let file = "\(out)/bench-\(stamp).json"
        try JSONWriter.string(.object(results)).write(toFile: file, atomically: true, encoding: .utf8)
        log("wrote \(file)")
    }
}

/// Report timings gathered on the worker thread.
final class Timing: @unchecked Sendable {
    static let shared = Timing()
    private let lock = NSLock()
    private var weekly: [Double] = [], lots: [Double] = []
    func add(_ w: Double, _ l: Double) { lock.lock(); weekly.append(w); lots.append(l); lock.unlock() }
    var values: ([Double], [Double]) { lock.lock(); defer { lock.unlock() }; return (weekly, lots) }
}

