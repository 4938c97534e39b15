// `ora-bench`: measures ORA and its baselines in one run on this machine and prints ratios.
// It reports; it never fails on a number (CI does not run it).

import ArgumentParser
import Foundation
import ORAJSON
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
    @Option(help: "Run one part only, for profiling: ceiling, writes, lone, inbox, tls, parse.") var only: String?
    @Option(help: "Clients for --only writes.") var clients = 64
    @Option(help: "--sync for --only writes: full, pipelined or normal.") var sync = "full"

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        unblockStopSignals()
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
            print("\(clients) clients: \(fmt(run.result.perSecond)) requests/s, \(fmt(run.transactionsPerSecond)) transactions/s (\(fmt(run.result.perSecond / run.transactionsPerSecond, 1)) requests per commit), p50 \(fmt(run.result.percentile(0.5), 2)) ms, p99 \(fmt(run.result.percentile(0.99), 2)) ms; "
                  + "writer \(fmt(run.executeMicrosPerShipment, 1)) us executing per shipment, \(fmt(run.commitMillis, 2)) ms per COMMIT")
            return
        }
        if only == "lone" {
            let lone = try bench.loneWriteSplit(shipments: ShipmentStream.shipments(count: bench.scaled(3000), prefix: "L-"))
            print(lone.map { "\($0.step) \(fmt($0.micros, 1)) us" }.joined(separator: ", "))
            return
        }
        if only == "inbox" {
            let r = try bench.inbox(orders: bench.scaled(20_000))
            print("importOrder 64 clients: \(fmt(r.imports.perSecond))/s p99 \(fmt(r.imports.percentile(0.99), 2)) ms; allocateOrder 64 clients: \(fmt(r.allocations.perSecond))/s p99 \(fmt(r.allocations.percentile(0.99), 2)) ms; "
                  + "lone allocateOrder (\(r.lots) lots, \(r.openAllocations) open allocations): p50 \(fmt(r.lone.percentile(0.5) * 1000)) us, p99 \(fmt(r.lone.percentile(0.99) * 1000)) us")
            return
        }
        if only == "tls" {
            let r = try bench.tlsCost(rounds: 3)
            print("parseSku 1 client p50: plaintext \(fmt(r.plainP50us)) us, TLS \(fmt(r.tlsP50us)) us (\(fmt(r.tlsP50us / r.plainP50us, 2))x); "
                  + "50 clients: plaintext \(fmt(r.plainRps))/s, TLS \(fmt(r.tlsRps))/s (\(fmt(r.tlsRps / r.plainRps, 2))x)")
            return
        }
        if only == "parse" {
            let parseServer = try ServerProcess(binary: server, database: bench.path("parse.db"))
            let r = bench.parseSku(server: parseServer, requests: bench.scaled(300_000), clients: 50, depth: 1)
            parseServer.stop()
            print("parseSku 50 clients: \(fmt(r.perSecond)) req/s")
            return
        }

        // The pairs each goal compares run interleaved, `rounds` times, and a goal takes the median
        // of its per-round ratios: this machine's speed drifts by up to 1.5x within minutes, and a
        // ratio of two runs taken far apart would measure the drift.
        let rounds = quick ? 1 : 5
        let median = { (v: [Double]) in v.sorted()[v.count / 2] }

        // Writes.
        let stream1 = ShipmentStream.shipments(count: bench.scaled(3000), prefix: "P1-")
        let streamOne = ShipmentStream.shipments(count: bench.scaled(3000), prefix: "C1-")
        let streamBig = ShipmentStream.shipments(count: bench.scaled(30_000), prefix: "PB-")
        let stream64 = ShipmentStream.shipments(count: bench.scaled(30_000), prefix: "C64-")
        let streamPipelined = ShipmentStream.shipments(count: bench.scaled(30_000), prefix: "CP-")
        var py1s: [Double] = [], ceilings: [Double] = [], one: [Bench.WriteRun] = [], full64: [Bench.WriteRun] = [], pipelined64: [Bench.WriteRun] = []
        for round in 1...rounds {
            log("writes, round \(round) of \(rounds): python 1/txn, 1 client, ceiling, 64 clients full, 64 clients pipelined ...")
            py1s.append(try bench.pythonBaseline(shipments: stream1, perTransaction: 1))
            one.append(try bench.oraWrites(shipments: streamOne, clients: 1))
            ceilings.append(try bench.ceiling(shipments: streamBig))
            full64.append(try bench.oraWrites(shipments: stream64, clients: 64))
            pipelined64.append(try bench.oraWrites(shipments: streamPipelined, clients: 64, sync: "pipelined"))
        }
        let py1 = median(py1s), ceiling = median(ceilings)
        func middle(_ runs: [Bench.WriteRun]) -> Bench.WriteRun { runs.sorted { $0.result.perSecond < $1.result.perSecond }[runs.count / 2] }
        let p1 = median(zip(full64, ceilings).map { $0.result.perSecond / $1 })
        let p1Pipelined = median(zip(pipelined64, ceilings).map { $0.result.perSecond / $1 })
        let p6 = median(zip(one, py1s).map { $0.result.perSecond / $1 })

        log("python 1000/txn, WAL bytes, 8 clients, the floor of one durable request ...")
        let py1000 = try bench.pythonBaseline(shipments: streamBig, perTransaction: 1000)
        let walBytes = try bench.walBytesPerShipment(shipments: streamBig)
        func spread(_ v: [Double]) -> String { v.count < 2 ? "" : " (rounds: \(v.map { fmt($0) }.joined(separator: ", ")))" }
        rows.append(("Python-era direct writes, 1 shipment/txn, FULL", "\(fmt(py1)) shipments/s", "baseline" + spread(py1s)))
        rows.append(("Python-era direct writes, 1000 shipments/txn", "\(fmt(py1000)) shipments/s", ""))
        rows.append(("ORA store in-process, 1000/txn (ceiling)", "\(fmt(ceiling)) shipments/s",
                     "\(fmt(walBytes)) WAL bytes per shipment in groups of 32" + spread(ceilings)))
        results["python1"] = .double(py1); results["python1000"] = .double(py1000); results["ceiling"] = .double(ceiling)
        results["python1Rounds"] = .array(py1s.map(JSON.double)); results["ceilingRounds"] = .array(ceilings.map(JSON.double))
        results["walBytesPerShipment"] = .double(walBytes)

        func writeRow(_ name: String, _ run: Bench.WriteRun, _ all: [Bench.WriteRun]? = nil) {
            rows.append((name, "\(fmt(run.result.perSecond)) shipments/s",
                         "p50 \(fmt(run.result.percentile(0.5), 2)) ms, p99 \(fmt(run.result.percentile(0.99), 2)) ms, \(fmt(run.transactionsPerSecond)) txn/s (\(fmt(run.result.perSecond / max(1, run.transactionsPerSecond), 1)) per commit); "
                         + "writer \(fmt(run.executeMicrosPerShipment, 1)) us executing per shipment, \(fmt(run.commitMillis, 2)) ms per COMMIT"
                         + spread((all ?? []).map(\.result.perSecond))))
        }
        var ora: [Int: Bench.WriteRun] = [1: middle(one), 64: middle(full64)]
        ora[8] = try bench.oraWrites(shipments: ShipmentStream.shipments(count: bench.scaled(12_000), prefix: "C8-"), clients: 8)
        for clients in [1, 8, 64] {
            let run = ora[clients]!
            writeRow("ORA recordShipment, \(clients) client(s), durable", run, clients == 1 ? one : clients == 64 ? full64 : nil)
            results["ora\(clients)"] = ["shipmentsPerSecond": .double(run.result.perSecond), "p50ms": .double(run.result.percentile(0.5)),
                                        "p99ms": .double(run.result.percentile(0.99)), "transactionsPerSecond": .double(run.transactionsPerSecond),
                                        "writerExecuteMicrosPerShipment": .double(run.executeMicrosPerShipment), "writerCommitMillis": .double(run.commitMillis)]
        }
        results["ora1Rounds"] = .array(one.map { .double($0.result.perSecond) })
        results["ora64Rounds"] = .array(full64.map { .double($0.result.perSecond) })
        let middlePipelined = middle(pipelined64)
        writeRow("ORA recordShipment, 64 clients, --sync pipelined", middlePipelined, pipelined64)
        results["oraPipelined64"] = ["shipmentsPerSecond": .double(middlePipelined.result.perSecond), "p99ms": .double(middlePipelined.result.percentile(0.99)),
                                     "rounds": .array(pipelined64.map { .double($0.result.perSecond) })]
        // What one durable request cannot go below: one fdatasync of what a commit writes, plus a
        // loopback round trip (parseSku's, below).
        let fsync = try bench.fdatasyncFloor()
        results["fdatasyncP50us"] = .double(fsync.p50 * 1000)
        let lone = try bench.loneWriteSplit(shipments: ShipmentStream.shipments(count: bench.scaled(2000), prefix: "L-"))
        rows.append(("a lone request inside the writer, in-process (p50 per step)", "\(fmt(lone.reduce(0) { $0 + $1.micros })) us",
                     lone.map { "\($0.step) \(fmt($0.micros, 1)) us" }.joined(separator: ", ")))
        results["loneWriteSplitUs"] = .object(JSONObject(lone.map { ($0.step, JSON.double($0.micros)) }))

        // parseSku against redis, interleaved the same way.
        let parseServer = try ServerProcess(binary: server, database: bench.path("parse.db"))
        var parse1: [LoadGenerator.Result] = [], parse50: [LoadGenerator.Result] = [], redis1s: [Bench.RedisRun] = [], redis50s: [Bench.RedisRun] = []
        // The reference is optional: a redis that fails is reported, and the goals it anchors left out.
        var redisProblem: String?
        func redis(clients: Int, requests: Int) -> Bench.RedisRun? {
            guard redisProblem == nil else { return nil }
            do { return try bench.redis(clients: clients, requests: requests) } catch {
                redisProblem = "\(error)"
                return nil
            }
        }
        for round in 1...rounds {
            log("parseSku and redis, round \(round) of \(rounds) ...")
            parse1.append(bench.parseSku(server: parseServer, requests: bench.scaled(20_000), clients: 1, depth: 1))
            if let r = redis(clients: 1, requests: bench.scaled(50_000)) { redis1s.append(r) }
            parse50.append(bench.parseSku(server: parseServer, requests: bench.scaled(300_000), clients: 50, depth: 1))
            if let r = redis(clients: 50, requests: bench.scaled(500_000)) { redis50s.append(r) }
        }
        let pPipe = bench.parseSku(server: parseServer, requests: bench.scaled(500_000), clients: 1, depth: 256)
        parseServer.stop()
        let parseRTT = parse1.sorted { $0.percentile(0.5) < $1.percentile(0.5) }[parse1.count / 2]
        let p50c = parse50.sorted { $0.perSecond < $1.perSecond }[parse50.count / 2]
        rows.append(("parseSku, 1 client round trip", "p50 \(fmt(parseRTT.percentile(0.5) * 1000)) us", "\(fmt(parseRTT.perSecond)) req/s, p99 \(fmt(parseRTT.percentile(0.99) * 1000)) us"))
        let floor = fsync.p50 + parseRTT.percentile(0.5)
        rows.append(("floor of one durable request: fdatasync + round trip", "\(fmt(floor * 1000)) us",
                     "fdatasync of \(fsync.bytes) bytes written at a file's end p50 \(fmt(fsync.p50 * 1000)) us + parseSku p50; "
                     + "1 client's p50 is \(fmt(ora[1]!.result.percentile(0.5) / floor, 2))x it"))
        results["durableFloorUs"] = .double(floor * 1000)
        rows.append(("parseSku, 50 clients", "\(fmt(p50c.perSecond)) req/s", "p99 \(fmt(p50c.percentile(0.99), 2)) ms" + spread(parse50.map(\.perSecond))))
        rows.append(("parseSku, 1 pipelined connection (256 in flight)", "\(fmt(pPipe.perSecond)) req/s", ""))
        results["parseSku"] = ["oneClientP50us": .double(parseRTT.percentile(0.5) * 1000), "fiftyClientsRps": .double(p50c.perSecond), "pipelinedRps": .double(pPipe.perSecond)]

        var p2: Double?, p3: Double?
        if redis1s.count == rounds, redis50s.count == rounds {
            let redis1 = redis1s.sorted { $0.p50 < $1.p50 }[rounds / 2]
            let redis50 = redis50s.sorted { $0.rps < $1.rps }[rounds / 2]
            rows.append(("redis-benchmark GET -c 1 (reference)", "p50 \(fmt(redis1.p50 * 1000)) us", "\(fmt(redis1.rps)) req/s"))
            rows.append(("redis-benchmark GET -c 50 (reference)", "\(fmt(redis50.rps)) req/s", "p50 \(fmt(redis50.p50, 3)) ms" + spread(redis50s.map(\.rps))))
            results["redis"] = ["c1P50us": .double(redis1.p50 * 1000), "c1Rps": .double(redis1.rps), "c50Rps": .double(redis50.rps)]
            p2 = median(zip(parse1, redis1s).map { $0.percentile(0.5) / $1.p50 })
            p3 = median(zip(parse50, redis50s).map { $0.perSecond / $1.rps })
        } else if let redisProblem {
            rows.append(("redis reference", "failed", redisProblem))
        } else {
            rows.append(("redis reference", "not installed", "apt-get install redis-server"))
        }

        // validate and reports on a big database.
        let items = quick ? 100_000 : bigItems
        log("building a \(items)-item database ...")
        let big = try bench.bigDatabase(orders: items / 2)
        let bigServer = try ServerProcess(binary: server, database: big)
        let port = bigServer.port
        // P4a compares like with like: validate and the two pragmas each alone, interleaved; the
        // validate under writes below gives P4b.
        var pragmaRuns: [Double] = [], validateRuns: [Double] = []
        for round in 1...rounds {
            log("validate and the pragmas alone, round \(round) of \(rounds) ...")
            pragmaRuns.append(try bench.pragmasAlone(big))
            let started = DispatchTime.now().uptimeNanoseconds
            _ = try BlockingClient(port: port).call("validate")
            validateRuns.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
        }
        let pragmas = median(pragmaRuns), validateAlone = median(validateRuns)
        let p4a = median(zip(validateRuns, pragmaRuns).map { $0 / $1 })
        let validate = try bench.whileWriting(server: bigServer, prefix: "V") {
            _ = try BlockingClient(port: port).call("validate")
        }
        rows.append(("validate on \(items) items", "\(fmt(validateAlone)) ms", "quick_check + foreign_key_check alone: \(fmt(pragmas)) ms"
                     + (rounds > 1 ? " (rounds, validate / pragmas: \(zip(validateRuns, pragmaRuns).map { "\(fmt($0)) / \(fmt($1))" }.joined(separator: ", ")))" : "")
                     + "; with writes running: \(fmt(validate.ms)) ms"))
        rows.append(("recordShipment while validate runs", "p99 \(fmt(validate.writes.percentile(0.99), 2)) ms", "\(validate.writes.requests) writes, p50 \(fmt(validate.writes.percentile(0.5), 2)) ms"))
        let reportTimes = Collected<(weekly: Double, lots: Double)>()
        let reports = try bench.whileWriting(server: bigServer, prefix: "R") {
            let c = try BlockingClient(port: port)
            for _ in 0..<10 {
                let a = DispatchTime.now().uptimeNanoseconds
                _ = try c.call("weeklyShipped")
                let b = DispatchTime.now().uptimeNanoseconds
                _ = try c.call("lotInventory")
                let e = DispatchTime.now().uptimeNanoseconds
                reportTimes.add((Double(b - a) / 1e6, Double(e - b) / 1e6))
            }
        }
        let weeklyMs = reportTimes.values.map(\.weekly), lotsMs = reportTimes.values.map(\.lots)
        bigServer.stop()
        rows.append(("weeklyShipped (1 week) on \(items) items, writes running", "median \(fmt(median(weeklyMs), 1)) ms", "max \(fmt(weeklyMs.max() ?? 0, 1)) ms"))
        rows.append(("lotInventory (all SKUs) on \(items) items, writes running", "median \(fmt(median(lotsMs), 1)) ms", "max \(fmt(lotsMs.max() ?? 0, 1)) ms; writes p99 \(fmt(reports.writes.percentile(0.99), 2)) ms"))
        results["validate"] = ["items": .int(items), "ms": .double(validateAlone), "pragmasMs": .double(pragmas),
                               "msWithWrites": .double(validate.ms), "writeP99ms": .double(validate.writes.percentile(0.99)),
                               "rounds": .array(validateRuns.map(JSON.double)), "pragmaRounds": .array(pragmaRuns.map(JSON.double))]
        results["reports"] = ["weeklyMedianMs": .double(median(weeklyMs)), "lotInventoryMedianMs": .double(median(lotsMs))]

        log("orders inbox ...")
        let inbox = try bench.inbox(orders: bench.scaled(20_000))
        rows.append(("importOrder, 64 clients, durable", "\(fmt(inbox.imports.perSecond)) orders/s", "p50 \(fmt(inbox.imports.percentile(0.5), 2)) ms, p99 \(fmt(inbox.imports.percentile(0.99), 2)) ms"))
        rows.append(("allocateOrder, 64 clients, durable", "\(fmt(inbox.allocations.perSecond)) orders/s", "p50 \(fmt(inbox.allocations.percentile(0.5), 2)) ms, p99 \(fmt(inbox.allocations.percentile(0.99), 2)) ms"))
        rows.append(("allocateOrder, 1 client, \(inbox.lots) lots, \(inbox.openAllocations) open allocations", "p50 \(fmt(inbox.lone.percentile(0.5) * 1000)) us",
                     "p99 \(fmt(inbox.lone.percentile(0.99) * 1000)) us"))
        results["inbox"] = ["importPerSecond": .double(inbox.imports.perSecond), "allocatePerSecond": .double(inbox.allocations.perSecond),
                            "loneAllocateP50us": .double(inbox.lone.percentile(0.5) * 1000), "loneAllocateP99us": .double(inbox.lone.percentile(0.99) * 1000)]

        log("TLS ...")
        let tlsRun = try bench.tlsCost(rounds: quick ? 1 : 3)
        rows.append(("parseSku over TLS, 1 client round trip (blocking client)", "p50 \(fmt(tlsRun.tlsP50us)) us",
                     "plaintext through the same client \(fmt(tlsRun.plainP50us)) us: \(fmt(tlsRun.tlsP50us / tlsRun.plainP50us, 2))x"))
        rows.append(("parseSku over TLS, 50 clients (a thread each)", "\(fmt(tlsRun.tlsRps)) req/s",
                     "plaintext through the same clients \(fmt(tlsRun.plainRps)) req/s: \(fmt(tlsRun.tlsRps / tlsRun.plainRps, 2))x"))
        results["tls"] = ["plainP50us": .double(tlsRun.plainP50us), "tlsP50us": .double(tlsRun.tlsP50us), "plainRps": .double(tlsRun.plainRps), "tlsRps": .double(tlsRun.tlsRps)]

        log("memory ...")
        let memory = try bench.memory()
        rows.append(("server RSS, 1000 idle connections", "\(fmt(memory.idle, 1)) MB", ""))
        rows.append(("server RSS, a client sending without reading", "\(fmt(memory.neverReading, 1)) MB", "\(memory.neverReadingAccepted / 1024) KiB accepted before back-pressure"))
        results["memory"] = ["idleMB": .double(memory.idle), "neverReadingMB": .double(memory.neverReading)]

        // Goals.
        var goals: [(String, String, Bool)] = [
            ("P1 64 clients durable >= 0.6x in-process ceiling", "\(fmt(p1, 2))x", p1 >= 0.6),
            ("(P1 with --sync pipelined)", "\(fmt(p1Pipelined, 2))x", p1Pipelined >= 0.6),
            ("P6 1 client durable >= 1.0x Python 1/txn", "\(fmt(p6, 2))x", p6 >= 1.0),
        ]
        if let p2, let p3 {
            goals.append(("P2 parseSku RTT <= 1.5x redis GET -c 1", "\(fmt(p2, 2))x", p2 <= 1.5))
            goals.append(("P3 parseSku 50 clients >= 1.0x redis GET -c 50", "\(fmt(p3, 2))x", p3 >= 1.0))
        }
        goals.append(("P4a validate <= 1.5x quick_check + foreign_key_check", "\(fmt(p4a, 2))x", p4a <= 1.5))
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

/// Values gathered on worker threads (report timings, failures), read once they are done.
final class Collected<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Value] = []

    func add(_ value: Value) {
        lock.lock()
        items.append(value)
        lock.unlock()
    }

    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

