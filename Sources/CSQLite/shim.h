// SQLite for Swift. SQLITE_TRANSIENT is a macro around a cast of -1, which Swift cannot import.
#include <sqlite3.h>

static inline sqlite3_destructor_type ora_sqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_config is variadic, which Swift cannot call. It must run before SQLite initializes.
// MEMSTATUS off: no global mutex and counters around every malloc.
static inline void ora_sqlite_configure(void) {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
