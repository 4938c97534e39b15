// A SQLite VFS that batches the small writes SQLite makes to a WAL file.
//
// SQLite writes each WAL frame as two pwrite calls (a 24-byte header, then the page), so a commit
// of a few hundred frames costs a few hundred system calls. This VFS wraps the default one and
// keeps a connection's consecutive WAL writes in a buffer that goes to the file in one pwrite
// when the commit frame (the last frame of a transaction, marked in its header) has been written,
// when SQLite syncs the WAL, reads it, truncates it, asks its size or closes it, and when the
// buffer is full.
//
// SQLite publishes a commit to other connections (the wal-index header) only after writing its
// commit frame, and with synchronous=NORMAL it does so without syncing, so the commit frame's
// flush is what keeps every published frame in the file. Frames of a transaction still open may
// wait in the buffer: no other connection reads them, and this one's own reads flush first.
#ifndef ORA_WAL_BUFFER_H
#define ORA_WAL_BUFFER_H

/// Registers the VFS (once; later calls do nothing) and returns its name for sqlite3_open_v2,
/// or NULL if it could not be registered.
const char *ora_wal_buffer_vfs(void);

#endif
