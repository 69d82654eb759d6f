// Package storage is the SQLite machinery under Comptoir's domain: it knows
// tables and transactions, never deals. It imports only the standard library
// and modernc.org/sqlite.
//
// What it does:
//
//   - Open: the file checks that refuse, untouched, a file that is not a
//     SQLite database, one of another program or one whose schema is newer;
//     a 16 KB page size, WAL mode and owner-only permissions (0600) for a
//     new file; one writer connection (transactions IMMEDIATE) and a pool of
//     four read-only readers; errors explained in plain words (locked,
//     read-only, corrupt).
//   - The migrations runner: the caller's numbered .sql files (an fs.FS; the
//     files are the domain's), applied in one transaction with their rows
//     in schema_migrations. The version is read first, without a lock: an
//     up-to-date file opens while another connection holds a long write.
//   - Write: one write transaction, whose statements are prepared once and
//     kept for the next transactions (stmtcache.go). WriteOne: one
//     statement as a transaction of its own, for a mark made very often.
//     It records which records changed (kinds are plain strings here),
//     writes their change-log rows in one statement before the commit and
//     publishes them after it.
//   - The change bus (Subscribe), Watch (changes other processes wrote to
//     the log) and PruneChanges.
//   - The checkpointer: the write-ahead log is copied into the file by a
//     goroutine of its own, never by the writer at a commit.
//   - Helpers: stored time as text (FormatTime, ParseTime…), IsUnique,
//     IsNoRows, ScanIDs.
//
// It owns two bookkeeping tables, schema_migrations and changes, and creates
// them when missing (after the caller's migrations, in their transaction), so
// that a schema whose first migration already made changes keeps it.
package storage
