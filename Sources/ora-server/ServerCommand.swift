// `ora-server`: serve a database (the default subcommand).

import ArgumentParser
import Foundation
import Logging
import ORAJSON
import ORAProtocol
import ORAServer
import ORAStore

@main
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ora-server",
        abstract: "ORA inventory and shipment service: the single writer of its SQLite database.",
        version: ORAVersion.current,
        subcommands: [Serve.self, Migrate.self, Restore.self],
        defaultSubcommand: Serve.self)
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension SyncMode: ExpressibleByArgument {}

/// `--listen`: parsed once, by ArgumentParser, which names the flag when it does not parse.
extension ListenAddress: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public var defaultValueDescription: String { description }
}

/// `--socket-mode`, in octal.
struct OctalMode: ExpressibleByArgument {
    let value: Int
    init(value: Int) { self.value = value }
    init?(argument: String) {
        guard let value = Int(argument, radix: 8), (0...0o777).contains(value) else { return nil }
        self.value = value
    }
    var defaultValueDescription: String { String(value, radix: 8) }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve newline-delimited JSON-RPC 2.0 on a TCP or Unix socket.")

    @Option(help: "The SQLite database; created when absent.")
    var database = "./ora.db"

    @Option(help: "HOST:PORT, [IPv6]:PORT or unix:PATH.")
    var listen = ListenAddress.tcp(host: "127.0.0.1", port: 7420)

    @Option(help: "Ship dates older than this many days need backfill:true.")
    var freshnessDays = 60

    @Option(help: "IANA time zone that decides \"today\" for the date guard (default: the system's).")
    var timezone: String?

    @Option(help: "Longest request line in bytes.")
    var maxLineBytes = 1 << 20

    @Option(help: "full: every acknowledged write is on disk (SQLite FULL); pipelined: the same, synced beside the next group (a read's reply also waits until what it saw is on disk); normal: a power loss may take back the writes acknowledged in the last --sync-interval-ms.")
    var sync = SyncMode.full

    @Option(help: "With --sync normal: milliseconds between two syncs of the WAL while writes arrive.")
    var syncIntervalMs = 100

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = Logger.Level.info

    @Option(help: "Most client connections at once; further ones get one error line and are closed.")
    var maxConnections = 1024

    @Option(help: "Unsent reply bytes per connection before the server stops reading from it.")
    var maxOutputBytes = 4 << 20

    @Option(help: "Unanswered requests per connection before the server stops reading from it.")
    var maxInFlight = 1024

    @Option(help: "Writes queued for the writer before new ones get -32011 overloaded.")
    var writeQueueDepth = 16_384

    @Option(help: "Most requests in one JSON-RPC batch.")
    var maxBatch = 1000

    @Option(help: "Reader threads for validate, reports and lists.")
    var readers = 2

    @Option(help: "WAL size in MiB at which the writer checkpoints between two groups even under a steady stream of writes (so the WAL starts over); its file is cut back to this size.")
    var walLimitMb = 64

    @Option(help: "The writer's page cache in MiB; a transaction dirtying more pages spills them to the WAL before COMMIT.")
    var cacheMb = Store.defaultWriterCacheMiB

    @Option(help: "Seconds SIGTERM waits for clients to take their last replies.")
    var shutdownGrace = 10.0

    @Option(help: "Permissions of a Unix socket, in octal.")
    var socketMode = OctalMode(value: 0o600)

    @Option(help: "Replicate the database continuously with Litestream to this URL (file:///path, s3://bucket/path, sftp://host/path; credentials from Litestream's environment variables).")
    var replicate: String?

    @Option(help: "The litestream binary for --replicate (default: litestream on PATH).")
    var litestreamBin = "litestream"

    @Option(help: "File holding the token clients must send with auth first (required off loopback; mode 600 or stricter).")
    var tokenFile: String?

    @Option(help: "TLS certificate chain (PEM); with --tls-key every connection speaks TLS 1.2 or 1.3 (required off loopback).")
    var tlsCert: String?

    @Option(help: "TLS private key (PEM; mode 600 or stricter).")
    var tlsKey: String?

    @Option(help: "CA certificates (PEM) that clients' certificates must chain to: clients must then present one.")
    var tlsCa: String?

    @Option(help: "Seconds an unauthenticated connection may stay open (with --token-file).")
    var authTimeout = 10.0

    @Option(help: "Seconds a connection with nothing in flight may stay silent before it is closed (0: never).")
    var idleTimeout = 0.0

    @Option(help: "MiB of buffered input, unsent replies and unanswered requests across all connections before reading pauses.")
    var maxMemoryMb = 256

    @Option(help: "The only folder `backup` may write into (default: the database's folder).")
    var backupDir: String?

    func validate() throws {
        if let timezone, TimeZone(identifier: timezone) == nil { throw ValidationError("--timezone \(timezone) is not an IANA time zone") }
        // Every number within a range the server can do arithmetic and allocations with: a value
        // out of it is refused here, never trapped on later (an overflow, a 34 GB allocation).
        let ranges: [(String, Int, ClosedRange<Int>)] = [
            ("--freshness-days", freshnessDays, 0...36_500),
            ("--max-line-bytes", maxLineBytes, 1024...(1 << 30)),
            ("--max-connections", maxConnections, 1...1_000_000),
            ("--max-in-flight", maxInFlight, 2...10_000_000),
            ("--max-output-bytes", maxOutputBytes, 65_536...(1 << 34)),
            ("--write-queue-depth", writeQueueDepth, 1...10_000_000),
            ("--max-batch", maxBatch, 1...1_000_000),
            ("--readers", readers, 1...64),
            ("--wal-limit-mb", walLimitMb, 1...(1 << 20)),
            ("--sync-interval-ms", syncIntervalMs, 1...60_000),
            ("--cache-mb", cacheMb, 1...(1 << 20)),
            ("--max-memory-mb", maxMemoryMb, 1...(1 << 24)),
        ]
        for (flag, value, range) in ranges where !range.contains(value) {
            throw ValidationError("\(flag) must be from \(range.lowerBound) to \(range.upperBound), got \(value)")
        }
        if let replicate, replicate.range(of: "^[a-z][a-z0-9+.-]*://", options: .regularExpression) == nil {
            throw ValidationError("--replicate must be a URL such as file:///var/backups/ora or s3://bucket/ora, got \(replicate)")
        }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if tlsCa != nil && tlsCert == nil { throw ValidationError("--tls-ca needs --tls-cert and --tls-key") }
        if !listen.isLocalOnly {
            var missing: [String] = []
            if tlsCert == nil { missing.append("TLS (--tls-cert and --tls-key)") }
            if tokenFile == nil { missing.append("--token-file (every client must then auth first)") }
            if !missing.isEmpty {
                throw ValidationError("listening on \(listen), beyond this machine, needs \(missing.joined(separator: " and "))")
            }
        }
        try Self.checkSeconds(shutdownGrace, "--shutdown-grace", zeroAllowed: true)
        try Self.checkSeconds(authTimeout, "--auth-timeout", zeroAllowed: false)
        try Self.checkSeconds(idleTimeout, "--idle-timeout", zeroAllowed: true)
    }

    /// A duration the loop turns into a libuv timer (whole milliseconds in a UInt64): finite, not
    /// negative, at most a day. `inf`, `nan` or `1e20` would trap at the conversion.
    static let longestSeconds = 86_400.0

    static func checkSeconds(_ value: Double, _ flag: String, zeroAllowed: Bool) throws {
        guard value.isFinite, zeroAllowed ? value >= 0 : value > 0, value <= longestSeconds else {
            throw ValidationError("\(flag) must be a number of seconds from \(zeroAllowed ? "0" : "more than 0") to \(Int(longestSeconds)), got \(value)")
        }
    }

    func run() throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ora-server")
        var config = ServerConfig()
        config.databasePath = database
        config.listen = listen
        config.freshnessDays = freshnessDays
        config.timeZone = timezone.flatMap(TimeZone.init(identifier:)) ?? .current
        config.maxLineBytes = maxLineBytes
        config.sync = sync
        config.maxConnections = maxConnections
        config.maxOutputBytes = maxOutputBytes
        config.maxInFlight = maxInFlight
        config.writeQueueDepth = writeQueueDepth
        config.maxBatch = maxBatch
        config.readers = readers
        config.walLimitBytes = Int64(walLimitMb) << 20
        config.syncIntervalMillis = syncIntervalMs
        config.writerCacheMiB = cacheMb
        config.shutdownGraceSeconds = shutdownGrace
        config.socketMode = socketMode.value
        config.replicateURL = replicate
        config.litestreamBinary = litestreamBin
        config.authTimeoutSeconds = authTimeout
        config.idleTimeoutSeconds = idleTimeout
        config.maxMemoryBytes = maxMemoryMb << 20
        config.backupDirectory = backupDir
        let status: Int32
        do {
            if let tlsCert, let tlsKey {
                try TLSContext.checkKeyFile(tlsKey)
                config.tls = try TLSContext(certificate: tlsCert, key: tlsKey, clientCA: tlsCa)
            }
            if let tokenFile { config.token = try TokenCheck.load(path: tokenFile) }
            let server = try Server(config: config, logger: logger)
            status = try server.run()
        } catch {
            logger.critical("cannot serve: \(error)")
            throw ExitCode(1)
        }
        throw ExitCode(status)
    }
}
