// libuv for Swift. uv.h is plain C that Swift imports as is; the helpers below exist only where
// a macro or a union member does not import.
#include <uv.h>
#include <sys/file.h>
#include <signal.h>

// uv_handle_t / uv_stream_t "casts" are free in C; in Swift they need a pointer rebind, so keep
// them here, one line each.
static inline uv_handle_t *ora_handle(void *h) { return (uv_handle_t *)h; }
static inline uv_stream_t *ora_stream(void *h) { return (uv_stream_t *)h; }
