// SKU and lot ids this connection has already looked up, so the writer asks SQLite once per SKU
// and lot rather than once per shipped line.
//
// (1) Only ids that exist are kept. SKUs and lots are never deleted or renumbered, so a kept id
//     stays true, unless a rollback undoes the insert that created it: every rollback (the
//     connection's rollback hook, and Store.rollback(toSavepoint:)) forgets them all.
// (2) A miss is never kept: the row may be created by the next request.
// (3) One Store per connection: the memo owns the connection's only rollback hook.

import CSQLite

final class IDMemo {
    struct LotKey: Hashable {
        let skuID: Int64
        let lotNumber: String
    }

    var skus: [String: Int64] = [:]
    var lots: [LotKey: Int64] = [:]

    func forget() {
        skus.removeAll(keepingCapacity: true)
        lots.removeAll(keepingCapacity: true)
    }

    /// Forgets everything whenever a transaction on `db` rolls back, however it happened.
    func watchRollbacks(of db: Database) {
        sqlite3_rollback_hook(db.handle, { context in
            Unmanaged<IDMemo>.fromOpaque(context!).takeUnretainedValue().forget()
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    func stopWatching(_ db: Database) {
        sqlite3_rollback_hook(db.handle, nil, nil)
    }
}
