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
    /// With --replicate, the WAL's hard limit is this many times --wal-limit-mb: past it, while
    /// Litestream is not syncing, ORA stops Litestream and checkpoints the WAL itself.
    public static let walHardLimitFactor = 4
    public var litestreamBinary = "litestream"
    public var token: String?
    /// TLS (--tls-cert, --tls-key, optional --tls-ca): every connection speaks TLS 1.2 or 1.3.
    public var tls: TLSContext?
    /// An unauthenticated connection is closed after this long (seconds), or after 3 wrong tokens.
    public var authTimeoutSeconds = 10.0
    /// A connection with nothing in flight and no byte received for this long is closed (0: never).
    public var idleTimeoutSeconds = 0.0
    /// Buffered input, unsent output and unanswered requests of all connections together, past
    /// which no connection is read until it falls back to half.
    public var maxMemoryBytes = 256 << 20
    /// Where `backup` may write (nil: the database's folder).
    public var backupDirectory: String?
    public var socketMode: Int = 0o600

    public init() {}
}
