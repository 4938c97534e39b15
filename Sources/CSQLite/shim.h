// SQLite for Swift. SQLITE_TRANSIENT is a macro around a cast of -1, which Swift cannot import.
#include <sqlite3.h>

static inline sqlite3_destructor_type ora_sqlite_transient(void) { return SQLITE_TRANSIENT; }
