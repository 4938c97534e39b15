// SQLite for Swift. SQLITE_TRANSIENT is a macro around a cast of -1, which Swift cannot import.
#include <sqlite3.h>

static inline sqlite3_destructor_type ora_sqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_config is variadic, which Swift cannot call. It must run before SQLite initializes.
//   MEMSTATUS off: no global mutex and counters around every malloc.
//   STMTJRNL_SPILL: savepoint and statement journals stay in memory, in chunks of this many bytes,
//   until they reach it; only a larger journal spills to a temporary file.
static inline void ora_sqlite_configure(int journal_spill_bytes) {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, journal_spill_bytes);
}
