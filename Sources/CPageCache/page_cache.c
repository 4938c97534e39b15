// See include/page_cache.h.

#include "page_cache.h"

#include <sqlite3.h>
#include <stddef.h>

// SQLite's PENDING_BYTE (only test builds move it): the page holding it is never a b-tree page,
// which is why balance_nonroot can borrow its number.
#define PENDING_BYTE 0x40000000u

typedef struct Cache {
    sqlite3_pcache *inner;    // pcache1's cache, which holds the pages
    unsigned int temp_key;    // the number balance_nonroot borrows for this page size
    unsigned int max_key;     // no page has a larger key, except pages at temp_key
    int at_temp;              // pages at temp_key; -1: unknown (one was fetched or dropped there)
    unsigned long skipped;    // truncates skipped
} Cache;

static sqlite3_pcache_methods2 inner_methods;
static unsigned long skipped_truncates;

unsigned long ora_page_cache_skipped_truncates(void) { return __atomic_load_n(&skipped_truncates, __ATOMIC_RELAXED); }

unsigned long ora_page_cache_skips(sqlite3_pcache *cache) { return ((Cache *)cache)->skipped; }

static int pc_init(void *unused) { return inner_methods.xInit ? inner_methods.xInit(inner_methods.pArg) : SQLITE_OK; }

static void pc_shutdown(void *unused) {
    if (inner_methods.xShutdown) inner_methods.xShutdown(inner_methods.pArg);
}

static sqlite3_pcache *pc_create(int page_size, int extra_size, int purgeable) {
    Cache *c = sqlite3_malloc(sizeof(Cache));
    if (c == NULL) return NULL;
    c->inner = inner_methods.xCreate(page_size, extra_size, purgeable);
    if (c->inner == NULL) {
        sqlite3_free(c);
        return NULL;
    }
    c->temp_key = PENDING_BYTE / (unsigned int)page_size + 1;
    c->max_key = 0;
    c->at_temp = 0;
    c->skipped = 0;
    return (sqlite3_pcache *)c;
}

static void pc_cachesize(sqlite3_pcache *p, int pages) {
    inner_methods.xCachesize(((Cache *)p)->inner, pages);
}

static int pc_pagecount(sqlite3_pcache *p) { return inner_methods.xPagecount(((Cache *)p)->inner); }

static sqlite3_pcache_page *pc_fetch(sqlite3_pcache *p, unsigned int key, int create) {
    Cache *c = (Cache *)p;
    sqlite3_pcache_page *page = inner_methods.xFetch(c->inner, key, create);
    if (page != NULL) {
        if (key == c->temp_key) c->at_temp = -1;   // found or made there: no longer counted
        else if (key > c->max_key) c->max_key = key;
    }
    return page;
}

static void pc_unpin(sqlite3_pcache *p, sqlite3_pcache_page *page, int discard) {
    Cache *c = (Cache *)p;
    // A discarded page's key is not known here; if it was at temp_key the count would be wrong.
    if (discard && c->at_temp > 0) c->at_temp = -1;
    inner_methods.xUnpin(c->inner, page, discard);
}

static void pc_rekey(sqlite3_pcache *p, sqlite3_pcache_page *page, unsigned int old_key, unsigned int new_key) {
    Cache *c = (Cache *)p;
    inner_methods.xRekey(c->inner, page, old_key, new_key);
    if (c->at_temp >= 0) {
        if (old_key == c->temp_key) c->at_temp--;
        if (new_key == c->temp_key) c->at_temp++;
    }
    if (new_key != c->temp_key && new_key > c->max_key) c->max_key = new_key;
}

static void pc_truncate(sqlite3_pcache *p, unsigned int limit) {
    Cache *c = (Cache *)p;
    // Nothing at or past `limit`: pcache1 would walk its whole hash table to find that out.
    if (limit > c->max_key && c->at_temp == 0) {
        c->skipped++;
        __atomic_add_fetch(&skipped_truncates, 1, __ATOMIC_RELAXED);
        return;
    }
    inner_methods.xTruncate(c->inner, limit);
    if (limit <= c->max_key) c->max_key = limit > 0 ? limit - 1 : 0;
    if (limit <= c->temp_key) c->at_temp = 0;
}

static void pc_destroy(sqlite3_pcache *p) {
    Cache *c = (Cache *)p;
    inner_methods.xDestroy(c->inner);
    sqlite3_free(c);
}

static void pc_shrink(sqlite3_pcache *p) { inner_methods.xShrink(((Cache *)p)->inner); }

static sqlite3_pcache_methods2 methods = {
    .iVersion = 1,
    .pArg = NULL,
    .xInit = pc_init,
    .xShutdown = pc_shutdown,
    .xCreate = pc_create,
    .xCachesize = pc_cachesize,
    .xPagecount = pc_pagecount,
    .xFetch = pc_fetch,
    .xUnpin = pc_unpin,
    .xRekey = pc_rekey,
    .xTruncate = pc_truncate,
    .xDestroy = pc_destroy,
    .xShrink = pc_shrink,
};

const sqlite3_pcache_methods2 *ora_page_cache_methods(void) { return &methods; }

int ora_page_cache_install(void) {
    int rc = sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &inner_methods);
    if (rc != SQLITE_OK) return rc;
    methods.iVersion = inner_methods.iVersion;
    return sqlite3_config(SQLITE_CONFIG_PCACHE2, &methods);
}
