// Everything a server is started with; the executable fills it from its flags.

import Foundation
import ORAProtocol
import ORAStore

public struct ServerConfig: Sendable {
    public var databasePath = "./ora.db"
    public var listen = ListenAddress.tcp(host: "127.0.0.1", port: 7420)
    public var freshnessDays = 60
    public var maxLineBytes = 1 << 20
    public var sync = SyncMode.full
    public var timeZone = TimeZone.current
    public var maxConnections = 1024
    /// Unsent reply bytes past which a connection is no longer read until it drains.
    public var maxOutputBytes = 4 << 20
    /// Requests read but not yet answered, per connection, past which it is no longer read.
    public var maxInFlight = 1024
    /// Writes queued for the writer thread; past this, -32011 overloaded.
    public var writeQueueDepth = 16_384
    public var maxBatch = 1000
    public var maxDepth = 64
    public var readers = 2
    /// Most requests the writer puts into one transaction.
    public var maxGroup = 1024
    /// How long SIGTERM waits for clients to take their last replies.
    public var shutdownGraceSeconds = 10.0
    /// With nothing queued, the writer checkpoints at most this often (milliseconds).
    public var checkpointIntervalMillis = 500
    /// WAL size at which the writer checkpoints between two groups even under a steady stream of
    /// writes (so the WAL starts over), and that its file is cut back to (journal_size_limit).
    public var walLimitBytes: Int64 = Store.defaultWALLimit
    /// The writer connection's page cache, in MiB.
    public var writerCacheMiB = Store.defaultWriterCacheMiB
    /// With --sync normal, how often the WAL is fdatasynced while writes arrive (milliseconds).
    public var syncIntervalMillis = 100
    /// `--replicate URL`: Litestream replicates the database there (Replicator).
    public var replicateURL: String?
    public var litestreamBinary = "litestream"
    public var token: String?
    public var socketMode: Int = 0o600

    public init() {}
}
