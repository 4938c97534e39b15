// What the power-loss tests' clients sent and what the server answered: the yardstick each crash
// image is judged by.

import CSQLite
import Foundation
import ORAJSON
import ORAProtocol

final class SentOrders: @unchecked Sendable {
    /// One content an order was recorded with: its lines and units.
    struct Version: Equatable {
        let lines: Int
        let units: Int
    }

    struct Answer {
        let version: Int
        /// true: acknowledged; false: refused, nothing written; nil: unknown (sync_failed).
        let ok: Bool?
        /// The crash log's size, and the clock, when the client had the answer.
        let logEnd: Int
        let time: UInt64
    }

    private let lock = NSLock()
    private var versions: [String: [Version]] = [:]
    private var answers: [String: [Answer]] = [:]

    func sent(_ order: String, version: Int, _ content: Version) {
        lock.lock(); defer { lock.unlock() }
        var list = versions[order, default: []]
        if list.count == version { list.append(content) }
        versions[order] = list
    }

    func answered(_ order: String, version: Int, reply: JSON, logEnd: Int) {
        let ok: Bool? = reply["result"] != nil ? true : (reply["error"]?["data"]?["reason"] == "sync_failed" ? nil : false)
        lock.lock(); defer { lock.unlock() }
        answers[order, default: []].append(Answer(version: version, ok: ok, logEnd: logEnd, time: monotonicNanos()))
    }

    var acknowledged: Int { lock.lock(); defer { lock.unlock() }; return answers.values.joined().filter { $0.ok == true }.count }
    var allAnswers: [Answer] { lock.lock(); defer { lock.unlock() }; return Array(answers.values.joined()) }

    /// What is wrong with `found` (order -> its lines and units in a crash image) for a crash at
    /// log position `logEnd`, when the last completed sync of the WAL began at `walSyncBegan`.
    /// `durableAtAck`: the sync mode promises that a write is durable when acknowledged (full,
    /// pipelined, and every mode when nothing unsynced was lost: kill -9); otherwise (normal) once
    /// a sync of the WAL began after it.
    func problems(in found: [String: Version], logEnd: Int, walSyncBegan: UInt64, durableAtAck: Bool) -> [String] {
        lock.lock(); defer { lock.unlock() }
        var problems: [String] = []
        for (order, content) in found {
            guard let list = versions[order] else { problems.append("\(order): never sent, yet there"); continue }
            guard let version = list.firstIndex(of: content) else {
                problems.append("\(order): half there (\(content.lines) lines, \(content.units) units)"); continue
            }
            if answers[order, default: []].contains(where: { $0.version == version && $0.ok == false }) {
                problems.append("\(order): answered 'nothing written', yet version \(version) is there")
            }
        }
        for (order, list) in answers {
            // Durable: acknowledged before this point of the log (a sync made it so before the
            // reply left), or before a sync of the WAL that completed began.
            let required = list.filter { $0.ok == true && ((durableAtAck && $0.logEnd <= logEnd) || $0.time < walSyncBegan) }.map(\.version).max()
            guard let required else { continue }
            guard let content = found[order] else { problems.append("\(order): acknowledged, lost"); continue }
            if let version = versions[order]?.firstIndex(of: content), version < required {
                problems.append("\(order): acknowledged version \(required) lost, \(version) is there")
            }
        }
        return problems.sorted()
    }
}

/// A crash image opened with SQLite itself (which recovers its WAL): integrity_check, and every
/// order's lines and units.
func readImage(_ path: String) throws -> (integrity: String, orders: [String: SentOrders.Version]) {
    var db: OpaquePointer?
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db else {
        throw TestError.failed("cannot open image \(path): \(db.map { String(cString: sqlite3_errmsg($0)) } ?? "")")
    }
    defer { sqlite3_close_v2(db) }
    func rows(_ sql: String, _ each: (OpaquePointer) -> Void) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw TestError.failed("\(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw TestError.failed("\(sql): \(String(cString: sqlite3_errmsg(db)))") }
            each(statement)
        }
    }
    var integrity: [String] = []
    try rows("PRAGMA integrity_check") { integrity.append(String(cString: sqlite3_column_text($0, 0))) }
    var orders: [String: SentOrders.Version] = [:]
    var tables = 0
    try rows("SELECT count(*) FROM sqlite_schema WHERE name = 'shipped_orders'") { tables = Int(sqlite3_column_int64($0, 0)) }
    guard tables == 1 else { return (integrity.joined(separator: "; "), orders) }  // lost before the schema was synced
    try rows("""
        SELECT o.order_number, count(i.order_id), coalesce(sum(i.quantity), 0)
        FROM shipped_orders o LEFT JOIN shipped_items i ON i.order_id = o.order_id GROUP BY o.order_id
        """) {
        orders[String(cString: sqlite3_column_text($0, 0))] = .init(lines: Int(sqlite3_column_int64($0, 1)), units: Int(sqlite3_column_int64($0, 2)))
    }
    return (integrity.joined(separator: "; "), orders)
}
