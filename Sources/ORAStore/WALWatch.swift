// Counts the writer's WAL frames from SQLite's own report after each commit (sqlite3_wal_hook),
// so the writer knows when a checkpoint is due without asking SQLite between groups.

import CSQLite

final class WALWatch {
    /// Frames in the WAL after the last commit, and how many of them a checkpoint has copied.
    private(set) var frames = 0
    private(set) var copied = 0

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
        // A commit that started the WAL over reports fewer frames than there were.
        if frames < self.frames { copied = 0 }
        self.frames = frames
    }

    func checkpointed(frames: Int, copied: Int) {
        self.frames = frames
        self.copied = copied
    }
}
