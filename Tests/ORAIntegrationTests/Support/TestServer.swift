// Spawns the real, built `ora-server` as a child process on a free port and a temp database.

import Foundation
import ORAProtocol

/// The directory holding the built executables (next to the test bundle), or $ORA_BIN_DIR.
let productsDirectory: URL = {
    if let dir = ProcessInfo.processInfo.environment["ORA_BIN_DIR"] { return URL(fileURLWithPath: dir) }
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("ora-server").path) { return url }
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../.build/debug").standardized
}()

/// A scratch directory removed when the test ends.
final class TempDir: @unchecked Sendable {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ora-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Collects a child's stderr continuously so the child can never block on a full pipe.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    init(_ pipe: Pipe) {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self else { return }
            if chunk.isEmpty { handle.readabilityHandler = nil; return }
            lock.lock(); data.append(chunk); lock.unlock()
        }
    }

    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
}

enum TestError: Error, CustomStringConvertible {
    case failed(String)
    var description: String { if case .failed(let s) = self { return s }; return "" }
}

final class TestServer: @unchecked Sendable {
    let dir: TempDir
    let databasePath: String
    let extraArguments: [String]
    /// Variables added to the server's environment.
    let environment: [String: String]
    private(set) var process: Process!
    private(set) var stderr: OutputCollector!
    private(set) var port: Int = 0

    /// Starts a server on a new temp database (or on `database` if given).
    init(arguments: [String] = [], database: String? = nil, dir: TempDir = TempDir(), environment: [String: String] = [:]) throws {
        self.dir = dir
        databasePath = database ?? dir.path("ora.db")
        extraArguments = arguments
        self.environment = environment
        try start()
    }

    static func launch(_ arguments: [String]) -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("ora-server")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        return (process, out, err)
    }

    func start() throws {
        let (process, _, err) = Self.launch(["--database", databasePath, "--listen", "127.0.0.1:0", "--timezone", "UTC"] + extraArguments)
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        stderr = OutputCollector(err)
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let range = stderr.text.range(of: "listen=127.0.0.1:") {
                let digits = stderr.text[range.upperBound...].prefix(while: \.isNumber)
                if let p = Int(digits) { port = p; return }
            }
            if !process.isRunning { throw TestError.failed("ora-server exited at start: \(stderr.text)") }
            usleep(10_000)
        }
        throw TestError.failed("ora-server did not report its port: \(stderr.text)")
    }

    func connect() throws -> RPCClient { try RPCClient(port: port) }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    func restart() throws {
        stop()
        try start()
    }

    deinit {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Runs a short-lived command to completion; returns (status, stdout, stderr), each read to its end.
@discardableResult
func runCommand(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
    try process.run()
    final class Box: @unchecked Sendable { var data = Data() }
    let outData = Box(), errData = Box()
    let readers = DispatchGroup()
    for (pipe, box) in [(out, outData), (err, errData)] {
        readers.enter()
        Thread.detachNewThread {
            box.data = pipe.fileHandleForReading.readDataToEndOfFile()
            readers.leave()
        }
    }
    if let input {
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
    }
    process.waitUntilExit()
    readers.wait()
    return (process.terminationStatus, String(decoding: outData.data, as: UTF8.self), String(decoding: errData.data, as: UTF8.self))
}

func sqlite(_ database: String, _ sql: String) throws -> String {
    let (status, out, err) = try runCommand("/usr/bin/sqlite3", [database, sql])
    guard status == 0 else { throw TestError.failed("sqlite3 failed: \(err)") }
    return out.trimmingCharacters(in: .whitespacesAndNewlines)
}
