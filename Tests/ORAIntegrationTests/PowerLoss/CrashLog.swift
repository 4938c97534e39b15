// What crashlog.so (Tests/PowerLossHarness/crashlog.c) recorded: every write, sync, truncate and
// unlink of one database and its WAL, in the order they took effect.

import Foundation

struct CrashLog {
    enum Op: UInt8 { case write = 1, sync = 2, truncate = 3, unlink = 4, syncFailed = 5, syncBegan = 6 }

    struct Record {
        let op: Op
        /// 0 the database, 1 its WAL.
        let file: Int
        let thread: UInt32
        /// CLOCK_MONOTONIC nanoseconds when the call began and returned.
        let began: UInt64
        let ended: UInt64
        /// A write's offset, or a truncate's new size.
        let offset: Int
        /// A write's bytes, in `CrashLog.bytes`.
        let data: Range<Int>
        /// How far into the log file this record reaches.
        let end: Int
    }

    static let headerSize = 34

    let bytes: [UInt8]
    let records: [Record]

    init(path: String) throws {
        bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var records: [Record] = []
        var at = 0
        bytes.withUnsafeBytes { raw in
            func load<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T { T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self)) }
            while at + Self.headerSize <= raw.count {
                let length = Int(load(at + 30, UInt32.self))
                let end = at + Self.headerSize + length
                guard end <= raw.count, let op = Op(rawValue: raw[at]) else { break }
                records.append(Record(op: op, file: Int(raw[at + 1]), thread: load(at + 2, UInt32.self),
                                      began: load(at + 6, UInt64.self), ended: load(at + 14, UInt64.self),
                                      offset: Int(load(at + 22, Int64.self)), data: (at + Self.headerSize)..<end, end: end))
                at = end
            }
        }
        self.records = records
    }

    /// The environment that makes a spawned server record into `log` (and fail its next sync once
    /// `failTrigger` exists).
    static func environment(database: String, log: String, failTrigger: String? = nil) throws -> [String: String] {
        var env = ["LD_PRELOAD": try library(), "ORA_CRASHLOG_DB": database, "ORA_CRASHLOG": log]
        if let failTrigger { env["ORA_CRASHLOG_FAIL_SYNC"] = failTrigger }
        return env
    }

    /// The harness library, compiled once per test process from its source beside the tests.
    static func library() throws -> String {
        try compiled.get()
    }

    private static let compiled: Result<String, TestError> = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../PowerLossHarness/crashlog.c").standardized.path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("ora-crashlog-\(getpid()).so").path
        guard let (status, _, err) = try? runCommand("/usr/bin/cc", ["-shared", "-fPIC", "-O2", "-o", output, source, "-ldl", "-lpthread"]),
              status == 0 else { return .failure(.failed("cannot compile \(source)")) }
        _ = err
        return .success(output)
    }()
}

/// CLOCK_MONOTONIC in nanoseconds: the clock crashlog.so stamps its records with.
func monotonicNanos() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}
