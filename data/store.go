package data

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"
	"time"

	"comptoir/data/storage"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is the Comptoir database: the domain's rules over one SQLite file
// (see data/storage for the machinery: its writer, readers, change log and
// checkpointer).
type Store struct {
	db *storage.DB
	r  *sql.DB // the storage's readers

	// Now is the clock; tests pin it.
	Now func() time.Time
}

// OpenOptions tune Open.
type OpenOptions struct {
	// Language of the person creating a fresh database: "fr" or "en". It names
	// the default pipeline's stages.
	Language string
	// Now overrides the clock (tests).
	Now func() time.Time

	// migrations replaces the embedded migrations (tests): *.sql files at
	// the root of the file system.
	migrations fs.FS
}

// Open opens (creating if needed) the database at path, migrates it to the
// current schema and makes sure it has a default pipeline. A file that is not
// a SQLite database, one made by a newer Comptoir, a read-only file or one
// locked by another program is refused with a plain message; the file is
// never overwritten.
func Open(ctx context.Context, path string, opt OpenOptions) (*Store, error) {
	fsys := opt.migrations
	if fsys == nil {
		fsys = embeddedMigrations()
	}
	s := &Store{Now: time.Now}
	if opt.Now != nil {
		s.Now = opt.Now
	}
	db, err := storage.Open(ctx, path, storage.Options{Migrations: fsys, App: "Comptoir", Now: func() time.Time { return s.Now() }})
	if err != nil {
		return nil, err
	}
	s.db, s.r = db, db.Read()
	if err := s.ensureDefaults(ctx, opt.Language); err != nil {
		s.Close()
		return nil, db.ExplainOpen(err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file's path.
func (s *Store) Path() string { return s.db.Path() }

// Storage is the store's storage handle. It is for the store's own
// sub-rooms alone (data/mailq, the mail queues that only mail/send
// receives), which write through it in transactions of their own with the
// outbox's exported steps (OutboxMove, ShowOutState…); every other package
// reads and writes through the Store's methods, which check the actor.
func (s *Store) Storage() *storage.DB { return s.db }

func embeddedMigrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // embedded files: a broken build
	}
	return sub
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int {
	n, err := storage.SchemaVersion(embeddedMigrations())
	if err != nil {
		panic(err) // embedded files: a broken build
	}
	return n
}

// now is the clock's time as stored text.
func (s *Store) now() string { return fmtTime(s.Now()) }

// The storage's stored-time and error helpers, under the short names the
// domain's code uses.
func fmtTime(t time.Time) string              { return storage.FormatTime(t) }
func parseTime(v string) time.Time            { return storage.ParseTime(v) }
func nullTime(v sql.NullString) time.Time     { return storage.NullTime(v) }
func timeOrNull(t time.Time) any              { return storage.TimeOrNull(t) }
func isUnique(err error) bool                 { return storage.IsUnique(err) }
func scanIDs(rows *sql.Rows) ([]int64, error) { return storage.ScanIDs(rows) }

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if storage.IsNoRows(err) {
		return ErrNotFound
	}
	return err
}
