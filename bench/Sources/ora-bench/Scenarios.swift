// Each measured variant, one function each. All write the same shipment stream.

import Foundation
import ORAJSON
import ORAProtocol
import ORADomain
import ORAStore
import ORAServer

struct Bench {
    let serverBinary: String
    let python: String
    let baselineScript: String
    let scratch: URL
    let quick: Bool

    func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }

    /// A database path with nothing left from an earlier round (file, WAL and shared memory).
    func freshPath(_ name: String) -> String {
        let file = path(name)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        return file
    }

    func scaled(_ n: Int) -> Int { quick ? max(200, n / 10) : n }

    // MARK: - Writes

    /// The old scripts: Python's sqlite3 writing the legacy schema directly.
    func pythonBaseline(shipments: [JSON], perTransaction: Int) throws -> Double {
        let stream = path("stream-\(perTransaction).jsonl")
        try shipments.map { JSONWriter.string($0) }.joined(separator: "\n").write(toFile: stream, atomically: true, encoding: .utf8)
        let out = try capture("/usr/bin/env", [python, baselineScript, "--database", freshPath("python-\(perTransaction).db"), "--stream", stream,
                                       "--per-transaction", String(perTransaction)])
        let result = try JSONParser.parse(out.trimmingCharacters(in: .whitespacesAndNewlines))
        return Double(result["shipments"]?.int64Value ?? 0) / (result["seconds"]?.doubleValue ?? 1)
    }

    /// ORA's store in-process, 1,000 shipments per transaction with a savepoint each (the writer's
    /// own work without network, JSON framing or the loop): the ceiling.
    func ceiling(shipments: [JSON]) throws -> Double {
        let run = try writeInProcess(shipments, file: freshPath("ceiling.db"), group: 1000, checkpointEachGroup: true)
        return Double(shipments.count) / run.seconds
    }

    /// p50 of one fdatasync after writing `bytes` at a file's end, 300 times (a lone commit's
    /// frames, as a WAL grows): the disk's share of one durable request.
    func fdatasyncFloor(bytes: Int = 6 * 1048) throws -> (p50: Double, bytes: Int) {
        let file = freshPath("fdatasync.bin")
        let fd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchError("cannot open \(file)") }
        defer { close(fd) }
        let block = [UInt8](repeating: 0x5A, count: bytes)
        var times: [Double] = []
        for i in 0..<300 {
            let started = DispatchTime.now().uptimeNanoseconds
            guard block.withUnsafeBytes({ pwrite(fd, $0.baseAddress, bytes, off_t(i * bytes)) }) == bytes, fdatasync(fd) == 0 else {
                throw BenchError("cannot write and sync \(file)")
            }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
        }
        return (times.sorted()[times.count / 2], bytes)
    }

    /// One shipment per transaction, as the writer runs a lone request, with each step timed: the
    /// median microseconds of BEGIN IMMEDIATE, SAVEPOINT, recordShipment (its statements and the
    /// audit row), RELEASE and COMMIT (frames written, then fsynced). Checkpoints run between, untimed.
    func loneWriteSplit(shipments: [JSON]) throws -> [(step: String, micros: Double)] {
        let store = try Store.openWriter(path: freshPath("lone.db"))
        let now = Timestamp.now()
        try store.db.transaction {
            for sku in ShipmentStream.skus { _ = try store.upsertSku(code: sku, productName: "P\(sku)", reorderPoint: 10, palletCount: nil, now: now) }
        }
        let requests = try shipments.map { try RecordShipmentRequest(params: $0) }
        var times = [[Double]](repeating: [], count: 5)
        for (i, request) in requests.enumerated() {
            var t = DispatchTime.now().uptimeNanoseconds
            func lap(_ step: Int) {
                let n = DispatchTime.now().uptimeNanoseconds
                times[step].append(Double(n - t) / 1000)
                t = n
            }
            try store.db.run("BEGIN IMMEDIATE"); lap(0)
            try store.db.run("SAVEPOINT request"); lap(1)
            _ = try store.recordShipment(request, params: shipments[i], now: now); lap(2)
            try store.db.run("RELEASE request"); lap(3)
            try store.db.run("COMMIT"); lap(4)
            if i % 500 == 499 { try store.checkpoint(.passive) }
        }
        let steps = ["BEGIN IMMEDIATE", "SAVEPOINT", "recordShipment", "RELEASE", "COMMIT"]
        return zip(steps, times).map { ($0, $1.sorted()[$1.count / 2]) }
    }

    /// Bytes a shipment adds to the WAL when committed in groups of `group` (what 64 clients get
    /// from group commit), without checkpoints: what every durable commit writes and fsyncs.
    func walBytesPerShipment(shipments: [JSON], group: Int = 32) throws -> Double {
        let run = try writeInProcess(shipments, file: freshPath("wal-bytes.db"), group: group, checkpointEachGroup: false)
        return Double(run.walBytes) / Double(shipments.count)
    }

    /// Records `shipments` on a new file as the writer does, `group` per transaction with a
    /// savepoint each: the seconds it took (setup excluded) and the bytes of WAL frames since the
    /// WAL last started over. Every shipment must be a new order.
    private func writeInProcess(_ shipments: [JSON], file: String, group: Int, checkpointEachGroup: Bool) throws -> (seconds: Double, walBytes: Int) {
        let store = try Store.openWriter(path: file)
        let now = Timestamp.now()
        try store.db.transaction {
            for sku in ShipmentStream.skus { _ = try store.upsertSku(code: sku, productName: "P\(sku)", reorderPoint: 10, palletCount: nil, now: now) }
        }
        try store.checkpoint(.truncate)
        let requests = try shipments.map { try RecordShipmentRequest(params: $0) }
        let started = DispatchTime.now().uptimeNanoseconds
        for first in stride(from: 0, to: requests.count, by: group) {
            try store.db.run("BEGIN IMMEDIATE")
            for i in first..<min(first + group, requests.count) {
                try store.db.run("SAVEPOINT request")
                let result = try store.recordShipment(requests[i], params: shipments[i], now: now)
                guard result.status == .created else { throw BenchError("in-process: \(requests[i].orderNumber) was not a new order") }
                try store.db.run("RELEASE request")
            }
            try store.db.run("COMMIT")
            // As the server's writer does between groups, or the WAL grows without end.
            if checkpointEachGroup { try store.checkpoint(.passive) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        // The frames (a page and a 24-byte header each) behind the 32-byte WAL header.
        let pageSize = try store.db.scalarInt("PRAGMA page_size")
        let walBytes = 32 + Int(Int64(try store.checkpoint(.passive).walFrames) * (pageSize + 24))
        return (seconds, walBytes)
    }

    func seed(_ server: ServerProcess) throws {
        let c = try BlockingClient(port: server.port)
        for sku in ShipmentStream.skus { _ = try c.call("upsertSku", ["skuCode": .string(sku), "productName": .string("P\(sku)"), "reorderPoint": 10]) }
    }

    struct WriteRun {
        let result: LoadGenerator.Result
        let transactions: Int64
        /// The writer thread's milliseconds over the run, from `status`: executing requests, in COMMIT.
        let executingMs: Double
        let committingMs: Double
        var transactionsPerSecond: Double { Double(transactions) / result.seconds }
        /// Microseconds the writer spent executing one shipment, and milliseconds per COMMIT.
        var executeMicrosPerShipment: Double { executingMs * 1000 / Double(result.requests) }
        var commitMillis: Double { committingMs / Double(max(1, transactions)) }
    }

    /// recordShipment over TCP, `clients` connections each with one request in flight, durable.
    func oraWrites(shipments: [JSON], clients: Int, sync: String = "full") throws -> WriteRun {
        let server = try ServerProcess(binary: serverBinary, database: freshPath("ora-\(clients)-\(sync).db"), extra: ["--sync", sync])
        defer { server.stop() }
        try seed(server)
        let status = try BlockingClient(port: server.port)
        let first = try status.call("status")
        let result = LoadGenerator(lines: ShipmentStream.requestLines(shipments), connections: clients, depth: 1).run(port: server.port)
        let final = try status.call("status")
        func delta(_ key: String) -> Double { (final["writerTime"]?[key]?.doubleValue ?? 0) - (first["writerTime"]?[key]?.doubleValue ?? 0) }
        guard result.errors == 0 else { throw BenchError("\(result.errors) recordShipment errors with \(clients) clients") }
        // Every shipment must have been a new order, or the run measured less work than it claims.
        let orders = final["counts"]?["orders"]?.int64Value ?? 0
        guard orders == Int64(shipments.count) else { throw BenchError("\(orders) orders stored for \(shipments.count) shipments with \(clients) clients") }
        let transactions = (final["transactions"]?.int64Value ?? 0) - (first["transactions"]?.int64Value ?? 0)
        return WriteRun(result: result, transactions: transactions, executingMs: delta("executingMs"), committingMs: delta("committingMs"))
    }

    // MARK: - parseSku and the reference peer

    func parseSku(server: ServerProcess, requests: Int, clients: Int, depth: Int) -> LoadGenerator.Result {
        let lines = (0..<requests).map { i in
            Array(#"{"jsonrpc":"2.0","id":\#(i),"method":"parseSku","params":{"sku":"17612 - 2503\#(i % 100)"}}"#.utf8) + [0x0A]
        }
        return LoadGenerator(lines: lines, connections: clients, depth: depth).run(port: server.port)
    }

    struct RedisRun { let rps: Double; let p50: Double; let p99: Double }

    /// redis-benchmark GET against a redis-server started here, or nil when redis is not installed.
    func redis(clients: Int, requests: Int) throws -> RedisRun? {
        guard let server = which("redis-server"), let benchmark = which("redis-benchmark") else { return nil }
        let port = try freePort()
        let redis = Process()
        redis.executableURL = URL(fileURLWithPath: server)
        redis.arguments = ["--port", String(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"]
        redis.standardOutput = FileHandle.nullDevice
        redis.standardError = FileHandle.nullDevice
        try redis.run()
        defer { redis.terminate(); redis.waitUntilExit() }
        // redis-benchmark must not start before the server listens: a first connect that fails
        // leaves it spinning (redis/redis#11366).
        guard waitUntilListening(port: port, timeoutSeconds: 10) else { throw BenchError("redis-server did not listen on port \(port) within 10 s") }
        _ = try capture(benchmark, ["-p", String(port), "-t", "set", "-n", "1000", "-q"], timeoutSeconds: 60)
        let csv = try capture(benchmark, ["-p", String(port), "-t", "get", "-c", String(clients), "-n", String(requests), "--csv"], timeoutSeconds: 300)
        // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        guard let line = csv.split(separator: "\n").first(where: { $0.hasPrefix("\"GET\"") }) else { return nil }
        let fields = line.split(separator: ",").map { Double($0.replacingOccurrences(of: "\"", with: "")) ?? 0 }
        return RedisRun(rps: fields[1], p50: fields[4], p99: fields[6])
    }

    // MARK: - validate and reports on a million items

    /// Fills a new ORA database with `orders` orders of 2 items each, straight through SQL.
    func bigDatabase(orders: Int) throws -> String {
        let file = path("big.db")
        let store = try Store.openWriter(path: file)
        let now = Timestamp.now()
        try store.db.transaction {
            for s in 0..<20 {
                try store.db.run("INSERT INTO skus (sku_code, product_name, reorder_point, created_at, updated_at) VALUES (?, ?, 100, ?, ?)",
                                 [.text(String(17000 + s)), .text("Product \(s)"), .text(now), .text(now)])
                for l in 0..<30 {
                    try store.db.run("""
                        INSERT INTO lots (sku_id, lot_number, received_date, initial_qty, manual_adjustment, status, created_at, updated_at)
                        VALUES (?, ?, ?, 100000, 0, 'active', ?, ?)
                        """, [.int(s + 1), .text(String(250_000 + l)), .text(String(format: "2025-01-%02d", 1 + l % 28)), .text(now), .text(now)])
                }
            }
            try store.db.run("""
                WITH RECURSIVE o(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM o WHERE n < ?1 - 1)
                INSERT INTO shipped_orders (order_id, order_number, ship_date, created_at, updated_at)
                SELECT n + 1, 'BIG' || n, date('now', '-' || (n % 730) || ' days'), ?2, ?2 FROM o
                """, [.int(orders), .text(now)])
            try store.db.run("""
                INSERT INTO shipped_items (order_id, order_number, ship_date, sku_id, lot_id, shipstation_sku_raw, quantity, created_at, updated_at)
                SELECT o.order_id, o.order_number, o.ship_date, x.sku_id, x.lot_id, s.sku_code || ' - ' || l.lot_number, 1 + o.order_id % 3, ?1, ?1
                FROM shipped_orders o
                JOIN (SELECT 0 AS k UNION ALL SELECT 1) k
                JOIN (SELECT order_id AS oid, k2.k AS kk, (order_id * 7 + k2.k) % 20 + 1 AS sku_id,
                             ((order_id * 7 + k2.k) % 20) * 30 + (order_id + k2.k * 13) % 30 + 1 AS lot_id
                      FROM shipped_orders, (SELECT 0 AS k UNION ALL SELECT 1) k2) x ON x.oid = o.order_id AND x.kk = k.k
                JOIN skus s ON s.sku_id = x.sku_id JOIN lots l ON l.lot_id = x.lot_id
                """, [.text(now)])
            // Written behind the store's back, so the totals it keeps are computed here.
            try store.db.run("""
                INSERT INTO shipped_totals (sku_id, lot_key, units)
                SELECT sku_id, ifnull(lot_id, 0), sum(quantity) FROM shipped_items GROUP BY sku_id, ifnull(lot_id, 0)
                """)
        }
        try store.checkpoint(.truncate)
        return file
    }

    /// quick_check + foreign_key_check alone, on their own connection.
    func pragmasAlone(_ file: String) throws -> Double {
        let db = try Database(path: file, mode: .readOnly)
        let started = DispatchTime.now().uptimeNanoseconds
        _ = try db.query("PRAGMA quick_check") { $0.text(0) }
        _ = try db.query("PRAGMA foreign_key_check") { $0.text(0) }
        return Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
    }

    /// Runs `work` on another thread while one client writes in a closed loop; returns its time and the writes' latencies.
    func whileWriting(server: ServerProcess, prefix: String, _ work: @escaping @Sendable () throws -> Void) throws -> (ms: Double, writes: LoadGenerator.Result) {
        final class Flag: @unchecked Sendable { var done = false; var ms = 0.0; var error: Error? }
        let flag = Flag()
        let thread = Thread {
            let started = DispatchTime.now().uptimeNanoseconds
            do { try work() } catch { flag.error = error }
            flag.ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            flag.done = true
        }
        thread.start()
        var latencies: [UInt32] = []
        var requests = 0, errors = 0, seconds = 0.0
        var round = 0
        while !flag.done {
            let batch = ShipmentStream.shipments(count: 100, prefix: "\(prefix)-\(round)-", seed: UInt64(round))
            let r = LoadGenerator(lines: ShipmentStream.requestLines(batch), connections: 1, depth: 1).run(port: server.port)
            latencies += r.latenciesMicros
            requests += r.requests; errors += r.errors; seconds += r.seconds
            round += 1
        }
        if let error = flag.error { throw error }
        return (flag.ms, LoadGenerator.Result(requests: requests, errors: errors, seconds: seconds, latenciesMicros: latencies))
    }

    // MARK: - Memory

    /// Server RSS with 1,000 idle connections, and while one client sends without reading.
    func memory() throws -> (idle: Double, neverReading: Double, neverReadingAccepted: Int) {
        let server = try ServerProcess(binary: serverBinary, database: path("memory.db"))
        defer { server.stop() }
        try seed(server)
        let idle = try (0..<1000).map { _ in try BlockingClient(port: server.port) }
        usleep(300_000)
        let idleRSS = server.residentMegabytes
        let hog = try BlockingClient(port: server.port)
        _ = fcntl(hog.fd, F_SETFL, fcntl(hog.fd, F_GETFL) | O_NONBLOCK)
        let request = Array(#"{"jsonrpc":"2.0","id":1,"method":"listLots","params":{}}"#.utf8) + [0x0A]
        let chunk = Array(repeating: request, count: 1000).flatMap { $0 }
        var accepted = 0
        let deadline = Date().addingTimeInterval(quick ? 1 : 3)
        while Date() < deadline {
            let n = chunk.withUnsafeBytes { send(hog.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { accepted += n } else { usleep(10_000) }
        }
        let hogRSS = server.residentMegabytes
        withExtendedLifetime(idle) {}
        return (idleRSS, hogRSS, accepted)
    }
}
