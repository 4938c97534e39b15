// See include/wal_buffer.h. Every method but the six below passes straight to the wrapped file.

#include "wal_buffer.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

// The unix VFS writes at most 128 KiB - 1 per call (seekAndWriteFd masks the size with 0x1ffff,
// and a longer write comes back short, as SQLITE_FULL), so the buffer stays well under that.
#define WAL_BUFFER_BYTES (64 * 1024)

// A WAL frame header is the only 24-byte write SQLite makes to a WAL (the file header is 32 bytes,
// pages are 512 or more); its bytes 4-7 hold the database size after a commit, zero otherwise.
#define WAL_FRAME_HEADER_BYTES 24

typedef struct BufferedFile {
    sqlite3_file base;
    sqlite3_file *real;          // the wrapped file, allocated right after this struct
    unsigned char *buffer;       // NULL for files other than WALs
    sqlite3_int64 start;         // file offset of buffer[0]
    int used;                    // bytes in buffer
    sqlite3_int64 commit_page;   // offset of the page of the commit frame being written, or -1
} BufferedFile;

static sqlite3_vfs buffered_vfs;
static sqlite3_vfs *real_vfs;

static int flush(BufferedFile *f) {
    if (f->used == 0) return SQLITE_OK;
    int rc = f->real->pMethods->xWrite(f->real, f->buffer, f->used, f->start);
    f->used = 0;
    return rc;
}

static int buffer_write(BufferedFile *f, const void *data, int amount, sqlite3_int64 offset);

// Commit frames end with a flush: SQLite publishes a commit to other connections (the wal-index
// header) right after writing its frames, whether or not it syncs, so they must be in the file.
static int bf_write(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    BufferedFile *f = (BufferedFile *)file;
    if (f->buffer == NULL) return f->real->pMethods->xWrite(f->real, data, amount, offset);
    int rc = buffer_write(f, data, amount, offset);
    if (rc != SQLITE_OK) return rc;
    if (amount == WAL_FRAME_HEADER_BYTES) {
        const unsigned char *h = data;
        f->commit_page = (h[4] | h[5] | h[6] | h[7]) ? offset + WAL_FRAME_HEADER_BYTES : -1;
    } else if (offset == f->commit_page) {
        f->commit_page = -1;
        return flush(f);
    }
    return SQLITE_OK;
}

static int buffer_write(BufferedFile *f, const void *data, int amount, sqlite3_int64 offset) {
    sqlite3_int64 end = f->start + f->used;
    // Inside what is buffered (SQLite rewrites a frame of the open transaction in place).
    if (f->used > 0 && offset >= f->start && offset + amount <= end) {
        memcpy(f->buffer + (offset - f->start), data, (size_t)amount);
        return SQLITE_OK;
    }
    // Anything but an append to the buffer: write what is buffered first, then start again here.
    if (f->used > 0 && (offset != end || f->used + amount > WAL_BUFFER_BYTES)) {
        int rc = flush(f);
        if (rc != SQLITE_OK) return rc;
    }
    if (amount > WAL_BUFFER_BYTES) return f->real->pMethods->xWrite(f->real, data, amount, offset);
    if (f->used == 0) f->start = offset;
    memcpy(f->buffer + f->used, data, (size_t)amount);
    f->used += amount;
    return SQLITE_OK;
}

static int bf_read(sqlite3_file *file, void *data, int amount, sqlite3_int64 offset) {
    BufferedFile *f = (BufferedFile *)file;
    int rc = flush(f);
    if (rc != SQLITE_OK) return rc;
    return f->real->pMethods->xRead(f->real, data, amount, offset);
}

static int bf_sync(sqlite3_file *file, int flags) {
    BufferedFile *f = (BufferedFile *)file;
    int rc = flush(f);
    if (rc != SQLITE_OK) return rc;
    return f->real->pMethods->xSync(f->real, flags);
}

static int bf_truncate(sqlite3_file *file, sqlite3_int64 size) {
    BufferedFile *f = (BufferedFile *)file;
    int rc = flush(f);
    if (rc != SQLITE_OK) return rc;
    return f->real->pMethods->xTruncate(f->real, size);
}

static int bf_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    BufferedFile *f = (BufferedFile *)file;
    int rc = flush(f);
    if (rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFileSize(f->real, size);
}

static int bf_close(sqlite3_file *file) {
    BufferedFile *f = (BufferedFile *)file;
    int rc = flush(f);
    int closed = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
    free(f->buffer);
    f->buffer = NULL;
    return rc != SQLITE_OK ? rc : closed;
}

#define REAL(file) (((BufferedFile *)(file))->real)
static int bf_lock(sqlite3_file *file, int lock) { return REAL(file)->pMethods->xLock(REAL(file), lock); }
static int bf_unlock(sqlite3_file *file, int lock) { return REAL(file)->pMethods->xUnlock(REAL(file), lock); }
static int bf_check_reserved(sqlite3_file *file, int *out) { return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out); }
static int bf_file_control(sqlite3_file *file, int op, void *arg) { return REAL(file)->pMethods->xFileControl(REAL(file), op, arg); }
static int bf_sector_size(sqlite3_file *file) { return REAL(file)->pMethods->xSectorSize(REAL(file)); }
static int bf_device(sqlite3_file *file) { return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file)); }
static int bf_shm_map(sqlite3_file *file, int region, int size, int extend, void volatile **out) {
    return REAL(file)->pMethods->xShmMap(REAL(file), region, size, extend, out);
}
static int bf_shm_lock(sqlite3_file *file, int offset, int n, int flags) { return REAL(file)->pMethods->xShmLock(REAL(file), offset, n, flags); }
static void bf_shm_barrier(sqlite3_file *file) { REAL(file)->pMethods->xShmBarrier(REAL(file)); }
static int bf_shm_unmap(sqlite3_file *file, int del) { return REAL(file)->pMethods->xShmUnmap(REAL(file), del); }
static int bf_fetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **out) {
    return REAL(file)->pMethods->xFetch(REAL(file), offset, amount, out);
}
static int bf_unfetch(sqlite3_file *file, sqlite3_int64 offset, void *page) { return REAL(file)->pMethods->xUnfetch(REAL(file), offset, page); }

static const sqlite3_io_methods buffered_methods = {
    3, bf_close, bf_read, bf_write, bf_truncate, bf_sync, bf_file_size, bf_lock, bf_unlock,
    bf_check_reserved, bf_file_control, bf_sector_size, bf_device, bf_shm_map, bf_shm_lock,
    bf_shm_barrier, bf_shm_unmap, bf_fetch, bf_unfetch,
};

static int bf_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags) {
    (void)vfs;
    BufferedFile *f = (BufferedFile *)file;
    memset(f, 0, sizeof(*f));
    f->real = (sqlite3_file *)&f[1];
    int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        if (f->real->pMethods) f->real->pMethods->xClose(f->real);
        return rc;
    }
    // The wrapped file's methods must all exist for the pass-throughs above (unix files: version 3).
    if (f->real->pMethods->iVersion < 3) {
        f->real->pMethods->xClose(f->real);
        return SQLITE_CANTOPEN;
    }
    f->commit_page = -1;
    if (flags & SQLITE_OPEN_WAL) {
        f->buffer = malloc(WAL_BUFFER_BYTES);
        if (f->buffer == NULL) {
            f->real->pMethods->xClose(f->real);
            return SQLITE_NOMEM;
        }
    }
    file->pMethods = &buffered_methods;
    return SQLITE_OK;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync) { (void)v; return real_vfs->xDelete(real_vfs, name, sync); }
static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out) { (void)v; return real_vfs->xAccess(real_vfs, name, flags, out); }
static int v_full_path(sqlite3_vfs *v, const char *name, int n, char *out) { (void)v; return real_vfs->xFullPathname(real_vfs, name, n, out); }
static void *v_dl_open(sqlite3_vfs *v, const char *name) { (void)v; return real_vfs->xDlOpen(real_vfs, name); }
static void v_dl_error(sqlite3_vfs *v, int n, char *out) { (void)v; real_vfs->xDlError(real_vfs, n, out); }
static void (*v_dl_sym(sqlite3_vfs *v, void *h, const char *sym))(void) { (void)v; return real_vfs->xDlSym(real_vfs, h, sym); }
static void v_dl_close(sqlite3_vfs *v, void *h) { (void)v; real_vfs->xDlClose(real_vfs, h); }
static int v_randomness(sqlite3_vfs *v, int n, char *out) { (void)v; return real_vfs->xRandomness(real_vfs, n, out); }
static int v_sleep(sqlite3_vfs *v, int us) { (void)v; return real_vfs->xSleep(real_vfs, us); }
static int v_current_time(sqlite3_vfs *v, double *out) { (void)v; return real_vfs->xCurrentTime(real_vfs, out); }
static int v_last_error(sqlite3_vfs *v, int n, char *out) { (void)v; return real_vfs->xGetLastError(real_vfs, n, out); }
static int v_current_time64(sqlite3_vfs *v, sqlite3_int64 *out) { (void)v; return real_vfs->xCurrentTimeInt64(real_vfs, out); }

static const char *registered_name = NULL;

static void register_once(void) {
    real_vfs = sqlite3_vfs_find(NULL);
    if (real_vfs == NULL || real_vfs->iVersion < 2) return;
    buffered_vfs.iVersion = 2;
    buffered_vfs.szOsFile = (int)sizeof(BufferedFile) + real_vfs->szOsFile;
    buffered_vfs.mxPathname = real_vfs->mxPathname;
    buffered_vfs.zName = "ora-wal-buffer";
    buffered_vfs.xOpen = bf_open;
    buffered_vfs.xDelete = v_delete;
    buffered_vfs.xAccess = v_access;
    buffered_vfs.xFullPathname = v_full_path;
    buffered_vfs.xDlOpen = v_dl_open;
    buffered_vfs.xDlError = v_dl_error;
    buffered_vfs.xDlSym = v_dl_sym;
    buffered_vfs.xDlClose = v_dl_close;
    buffered_vfs.xRandomness = v_randomness;
    buffered_vfs.xSleep = v_sleep;
    buffered_vfs.xCurrentTime = v_current_time;
    buffered_vfs.xGetLastError = v_last_error;
    buffered_vfs.xCurrentTimeInt64 = v_current_time64;
    if (sqlite3_vfs_register(&buffered_vfs, 0) == SQLITE_OK) registered_name = buffered_vfs.zName;
}

const char *ora_wal_buffer_vfs(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_once);
    return registered_name;
}
