// How the writer opens and ends a group's transaction. The server uses SQLite's statements; a
// test puts a COMMIT that fails here (WriterGroupTests), to see what the writer answers then.

import ORAStore

protocol TransactionControl: Sendable {
    func begin(_ db: Database) throws
    func commit(_ db: Database) throws
}

struct SQLiteTransactions: TransactionControl {
    func begin(_ db: Database) throws { try db.run("BEGIN IMMEDIATE") }
    func commit(_ db: Database) throws { try db.run("COMMIT") }
}
