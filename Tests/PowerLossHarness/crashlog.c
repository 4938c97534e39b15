// crashlog: an LD_PRELOAD library for the power-loss tests. It records, in order, every write,
// sync, truncate and unlink a process makes to one SQLite database and its WAL, with the bytes
// written, so that a test can rebuild the two files as a power loss at any chosen moment would
// have left them (see PowerLoss.swift). It changes nothing the process sees, except that it can
// make one sync fail, as a dying disk does.
//
//   ORA_CRASHLOG_DB=/abs/path/ora.db   the database whose file and "-wal" are followed
//   ORA_CRASHLOG=/abs/path/log         where records are appended
//   ORA_CRASHLOG_FAIL_SYNC=/abs/path   (optional) once this file exists, the next sync of either
//                                      file fails with EIO and the file is removed; like Linux,
//                                      the writes that sync should have made durable are lost
//                                      (a SYNCFAIL record tells the replay), and, as Linux reports
//                                      a writeback error once to each open file, the next sync
//                                      through every other descriptor of that file fails too
//
// A record is a fixed header and, for a write, its bytes. A write's record is appended under one
// lock with the call itself, so the log's order is the order the writes took effect in. A sync
// leaves two records by its thread: SYNC_BEGIN (what was written before it, it covers) and, when
// it returns, SYNC or SYNCFAIL; other threads may write in between.
//
// Build: cc -shared -fPIC -O2 -o crashlog.so crashlog.c -ldl -lpthread

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

enum { OP_WRITE = 1, OP_SYNC = 2, OP_TRUNCATE = 3, OP_UNLINK = 4, OP_SYNCFAIL = 5, OP_SYNC_BEGIN = 6 };
enum { MAX_FD = 65536 };

struct __attribute__((packed)) record {
    uint8_t op;
    uint8_t file;        // 0 the database, 1 its WAL
    uint32_t tid;
    uint64_t began_ns;   // CLOCK_MONOTONIC when the call began
    uint64_t ended_ns;   // and when it returned
    int64_t offset;      // write: where; truncate: the new size
    uint32_t length;     // write: bytes that follow
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int log_fd = -1;
static char paths[2][4096];
static signed char tracked[MAX_FD];   // file index + 1, or 0
static char fail_trigger[4096];
static unsigned char error_pending[MAX_FD];   // Linux's errseq: each open file sees a writeback error once

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_close)(int);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off64_t);
static int (*real_unlink)(const char *);

static void setup(void) {
    real_open = dlsym(RTLD_NEXT, "open");
    real_open64 = dlsym(RTLD_NEXT, "open64");
    real_close = dlsym(RTLD_NEXT, "close");
    real_pwrite = dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    real_write = dlsym(RTLD_NEXT, "write");
    real_fsync = dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    real_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
    real_ftruncate64 = dlsym(RTLD_NEXT, "ftruncate64");
    real_unlink = dlsym(RTLD_NEXT, "unlink");
    const char *db = getenv("ORA_CRASHLOG_DB"), *log = getenv("ORA_CRASHLOG"), *fail = getenv("ORA_CRASHLOG_FAIL_SYNC");
    if (!db || !log) return;
    snprintf(paths[0], sizeof paths[0], "%s", db);
    snprintf(paths[1], sizeof paths[1], "%s-wal", db);
    if (fail) snprintf(fail_trigger, sizeof fail_trigger, "%s", fail);
    log_fd = real_open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int file_of(int fd) {
    pthread_once(&once, setup);
    if (log_fd < 0 || fd < 0 || fd >= MAX_FD) return -1;
    return tracked[fd] - 1;
}

static void emit(uint8_t op, int file, uint64_t began, int64_t offset, const void *data, uint32_t length) {
    struct record r = { op, (uint8_t)file, (uint32_t)syscall(SYS_gettid), began, now_ns(), offset, length };
    real_write(log_fd, &r, sizeof r);
    if (length) real_write(log_fd, data, length);
}

static void track(const char *path, int fd) {
    pthread_once(&once, setup);
    if (log_fd < 0 || fd < 0 || fd >= MAX_FD || !path) return;
    for (int i = 0; i < 2; i++)
        if (strcmp(path, paths[i]) == 0) tracked[fd] = (signed char)(i + 1);
}

static int opened(const char *path, int flags, int fd) {
    if (fd >= 0) {
        track(path, fd);
        int file = file_of(fd);
        if (file >= 0 && (flags & O_TRUNC)) {
            pthread_mutex_lock(&lock);
            emit(OP_TRUNCATE, file, now_ns(), 0, NULL, 0);
            pthread_mutex_unlock(&lock);
        }
    }
    return fd;
}

int open(const char *path, int flags, ...) {
    pthread_once(&once, setup);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); }
    return opened(path, flags, real_open(path, flags, mode));
}

int open64(const char *path, int flags, ...) {
    pthread_once(&once, setup);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); }
    return opened(path, flags, real_open64(path, flags, mode));
}

int close(int fd) {
    pthread_once(&once, setup);
    if (fd >= 0 && fd < MAX_FD) tracked[fd] = error_pending[fd] = 0;
    return real_close(fd);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t offset) {
    int file = file_of(fd);
    if (file < 0) return real_pwrite64(fd, buf, n, offset);
    pthread_mutex_lock(&lock);
    uint64_t began = now_ns();
    ssize_t done = real_pwrite64(fd, buf, n, offset);
    if (done > 0) emit(OP_WRITE, file, began, offset, buf, (uint32_t)done);
    pthread_mutex_unlock(&lock);
    return done;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset) {
    int file = file_of(fd);
    if (file < 0) return real_pwrite(fd, buf, n, offset);
    return pwrite64(fd, buf, n, offset);
}

ssize_t write(int fd, const void *buf, size_t n) {
    int file = file_of(fd);
    if (file < 0) return real_write(fd, buf, n);
    pthread_mutex_lock(&lock);
    uint64_t began = now_ns();
    off_t at = lseek(fd, 0, SEEK_CUR);
    ssize_t done = real_write(fd, buf, n);
    if (done > 0) emit(OP_WRITE, file, began, at, buf, (uint32_t)done);
    pthread_mutex_unlock(&lock);
    return done;
}

// The lock is not held during the sync itself (a sync of the WAL may overlap the next group's
// writes, as --sync pipelined intends): the record goes in when it returns, and the replay makes
// durable only what was written before it began.
static int logged_sync(int fd, int (*call)(int)) {
    int file = file_of(fd);
    if (file < 0) return call(fd);
    pthread_mutex_lock(&lock);
    if (fail_trigger[0] && real_unlink(fail_trigger) == 0)
        for (int other = 0; other < MAX_FD; other++)
            if (tracked[other] == file + 1) error_pending[other] = 1;
    uint64_t began = now_ns();
    emit(OP_SYNC_BEGIN, file, began, 0, NULL, 0);   // what was written before this, the sync covers
    pthread_mutex_unlock(&lock);
    int rc = call(fd);
    int saved = errno;
    pthread_mutex_lock(&lock);
    // The failed writeback is reported once to every descriptor of the file, this one included,
    // whether its sync was under way then or comes later.
    if (error_pending[fd]) { error_pending[fd] = 0; rc = -1; saved = EIO; }
    emit(rc == 0 ? OP_SYNC : OP_SYNCFAIL, file, began, 0, NULL, 0);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return rc;
}

int fsync(int fd) { pthread_once(&once, setup); return logged_sync(fd, real_fsync); }
int fdatasync(int fd) { pthread_once(&once, setup); return logged_sync(fd, real_fdatasync); }

int ftruncate64(int fd, off64_t size) {
    int file = file_of(fd);
    if (file < 0) return real_ftruncate64(fd, size);
    pthread_mutex_lock(&lock);
    uint64_t began = now_ns();
    int rc = real_ftruncate64(fd, size);
    if (rc == 0) emit(OP_TRUNCATE, file, began, size, NULL, 0);
    pthread_mutex_unlock(&lock);
    return rc;
}

int ftruncate(int fd, off_t size) {
    if (file_of(fd) < 0) return real_ftruncate(fd, size);
    return ftruncate64(fd, size);
}

int unlink(const char *path) {
    pthread_once(&once, setup);
    int file = -1;
    if (log_fd >= 0)
        for (int i = 0; i < 2; i++)
            if (strcmp(path, paths[i]) == 0) file = i;
    if (file < 0) return real_unlink(path);
    pthread_mutex_lock(&lock);
    uint64_t began = now_ns();
    int rc = real_unlink(path);
    if (rc == 0) emit(OP_UNLINK, file, began, 0, NULL, 0);
    pthread_mutex_unlock(&lock);
    return rc;
}
