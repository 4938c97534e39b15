// Counts the writer's WAL frames from SQLite's own report after each commit (sqlite3_wal_hook),
// so the writer knows when a checkpoint is due without asking SQLite between groups.

import CSQLite

final class WALWatch {
    /// Frames in the WAL after the last commit, and how many of them a checkpoint has copied.
    private(set) var frames = 0
    private(set) var copied = 0
    /// The last checkpoint copied every frame, so the next commit may have started the WAL over
    /// (SQLite does when no reader still uses it). Its report alone cannot tell: a restarted WAL
    /// can hold more frames than the old one did.
    private var mayStartOver = false

    var uncopied: Int { max(0, frames - copied) }

    /// Installs the hook on `db` (which then makes no automatic checkpoints). The hook runs on the
    /// connection's own thread, inside COMMIT, after the commit is in the WAL.
    func watch(_ db: Database) {
        sqlite3_wal_hook(db.handle, { context, _, _, frames in
            Unmanaged<WALWatch>.fromOpaque(context!).takeUnretainedValue().committed(frames: Int(frames))
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    func stopWatching(_ db: Database) { sqlite3_wal_hook(db.handle, nil, nil) }

    private func committed(frames: Int) {
        // Fewer frames than before: the WAL started over. After a complete checkpoint it may have
        // as well: counted as started over, every frame uncopied. Overcounting costs at most one
        // early PASSIVE checkpoint, which reports the truth; undercounting would skip checkpoints
        // and let the WAL grow past its limit.
        if frames < self.frames || mayStartOver { copied = 0 }
        mayStartOver = false
        self.frames = frames
    }

    func checkpointed(frames: Int, copied: Int) {
        self.frames = frames
        self.copied = copied
        mayStartOver = frames > 0 && copied >= frames
    }
}
