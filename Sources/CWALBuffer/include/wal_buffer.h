// A SQLite VFS that batches the small writes SQLite makes to a WAL file.
//
// SQLite writes each WAL frame as two pwrite calls (a 24-byte header, then the page), so a commit
// of a few hundred frames costs a few hundred system calls before its fsync. This VFS wraps the
// default one and keeps a connection's consecutive WAL writes in a buffer that goes to the file
// in one pwrite when SQLite syncs the WAL, reads it, truncates it, asks its size or closes it,
// and when the buffer is full.
//
// Only for connections with synchronous=FULL: there every commit syncs the WAL before it is
// published to other connections, so nothing another connection can read is ever in a buffer.
// With synchronous=NORMAL a commit is published without a sync, so it must not be used.
#ifndef ORA_WAL_BUFFER_H
#define ORA_WAL_BUFFER_H

/// Registers the VFS (once; later calls do nothing) and returns its name for sqlite3_open_v2,
/// or NULL if it could not be registered.
const char *ora_wal_buffer_vfs(void);

#endif
