// SQLite's own page cache (pcache1), minus one walk over the whole cache at every commit.
//
// When a b-tree balance puts new pages in ascending order it swaps their numbers through a
// temporary one, PENDING_BYTE / page size + 1 (page 1048577 with 1 KiB pages). pcache1 then
// remembers that number as its largest key, so the truncate SQLite makes at the end of every
// write transaction (down to the database's size) finds a key beyond the end and walks every
// slot and page of its hash table, however few pages are really past the end: O(cache) per
// commit, 7% of the writer's time under 64 clients with an 8 MiB cache.
//
// This wraps the default methods and keeps the largest key exactly, with the temporary number
// counted apart, so a truncate with nothing past the end is skipped. Every other call passes
// straight to pcache1, which still holds every page.
#ifndef ORA_PAGE_CACHE_H
#define ORA_PAGE_CACHE_H

#include <sqlite3.h>

/// Installs the wrapper. Call before SQLite initializes (sqlite3_config rules); returns
/// SQLITE_OK, or SQLite's error if it was already initialized.
int ora_page_cache_install(void);

/// The wrapper's methods (for tests that drive a cache directly).
const sqlite3_pcache_methods2 *ora_page_cache_methods(void);

/// Truncates skipped so far, process-wide and by one cache of the wrapper (for tests).
unsigned long ora_page_cache_skipped_truncates(void);
unsigned long ora_page_cache_skips(sqlite3_pcache *cache);

#endif
