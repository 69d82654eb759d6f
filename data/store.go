package data

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// timeLayout is fixed-width so that stored times sort as text.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Store is the Comptoir database: one SQLite file with one writer connection
// and a pool of readers.
type Store struct {
	w    *sql.DB // the single writer; transactions start IMMEDIATE
	r    *sql.DB // readers
	path string

	// Now is the clock; tests pin it.
	Now func() time.Time

	events *bus
	ckpt   *checkpointer
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

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Statement journals (a write that fires a trigger keeps one) and
	// temporary sorts stay in memory rather than in temporary files.
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		// Readers map the file and keep a larger cache: the board, lists and
		// search hit the same index pages over and over.
		q.Add("_pragma", "mmap_size(268435456)")
		q.Add("_pragma", "cache_size(-16384)")
	} else {
		q.Add("_txlock", "immediate")
		// A batch of mail writes megabytes: with SQLite's default 2 MB page
		// cache, the writer would spill pages to the log in the middle of
		// the transaction and write them again at the commit. Pages are
		// only allocated as they are used.
		q.Add("_pragma", fmt.Sprintf("cache_size(%d)", writerCacheSize))
		// Checkpoints are the checkpointer's (checkpoint.go).
		q.Add("_pragma", "wal_autocheckpoint(0)")
		q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walSizeLimit))
	}
	return fileURI(path) + "?" + q.Encode()
}

// fileURI makes path a SQLite URI filename: the characters a URI gives a
// meaning to (%, ? and #) are escaped, so any file name opens.
func fileURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
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
	ms, err := loadMigrations(fsys)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := checkFile(ctx, path, len(ms)); err != nil {
		return nil, err
	}
	if err := createFile(ctx, path); err != nil {
		return nil, explainOpenError(path, err)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	s := &Store{w: w, path: path, Now: time.Now, events: newBus()}
	if opt.Now != nil {
		s.Now = opt.Now
	}
	if err := s.migrate(ctx, ms); err != nil {
		w.Close()
		return nil, explainOpenError(path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	s.r = r
	if s.ckpt, err = startCheckpointer(path); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.ensureDefaults(ctx, opt.Language); err != nil {
		s.Close()
		return nil, explainOpenError(path, err)
	}
	// What a migration wrote is copied into the file soon, not at the
	// first write.
	s.ckpt.committed(0)
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.events.close()
	var errs []error
	if s.ckpt != nil {
		errs = append(errs, s.ckpt.close())
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	return errors.Join(errs...)
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// checkFile looks at an existing file before anything may write to it: it
// must be a SQLite database that is empty or made by Comptoir, with a schema
// no newer than this build's. It reads through a read-only connection without
// the WAL pragma, so a refused file is left byte for byte as it was.
func checkFile(ctx context.Context, path string, known int) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the database file %s: %w", path, err)
	}
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	f.Close()
	if n == 0 {
		return nil // an empty file becomes a new database
	}
	if n < 16 || !bytes.Equal(head, []byte("SQLite format 3\x00")) {
		return fmt.Errorf("%s is not a Comptoir database (not a SQLite file); it was left untouched", path)
	}
	db, err := sql.Open("sqlite", fileURI(path)+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	var tables, ours int
	err = db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = 'schema_migrations')
		FROM sqlite_schema WHERE type = 'table'`).Scan(&tables, &ours)
	if err != nil {
		return explainOpenError(path, err)
	}
	if tables == 0 {
		return nil
	}
	if ours == 0 {
		return fmt.Errorf("%s is a SQLite database of another program, not a Comptoir database; it was left untouched", path)
	}
	var current int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return explainOpenError(path, err)
	}
	if current > known {
		return explainOpenError(path, fmt.Errorf("schema version %d, this build knows %d: %w", current, known, ErrNewerSchema))
	}
	return nil
}

func explainOpenError(path string, err error) error {
	if errors.Is(err, ErrNewerSchema) {
		return fmt.Errorf("%s: %w; update Comptoir to open it", path, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("%s is locked by another program; close it and try again: %w", path, err)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			return fmt.Errorf("%s cannot be written (read-only file or folder?): %w", path, err)
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%s is not a valid Comptoir database; it was left untouched: %w", path, err)
		}
	}
	return fmt.Errorf("open %s: %w", path, err)
}

type migration struct {
	version int
	name    string
	sql     string
}

func embeddedMigrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // embedded files: a broken build
	}
	return sub
}

// loadMigrations reads the numbered *.sql files at the root of fsys.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %q: name must start with a number", e.Name())
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int {
	ms, err := loadMigrations(embeddedMigrations())
	if err != nil {
		panic(err) // embedded files: a broken build
	}
	return len(ms)
}

// migrate applies every pending migration in one transaction, together with
// their rows in schema_migrations: a failed migration leaves the file as it
// was before Open, never half-way.
func (s *Store) migrate(ctx context.Context, ms []migration) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("schema version %d, this build knows %d: %w", current, len(ms), ErrNewerSchema)
	}
	if current == len(ms) {
		return nil
	}
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, s.now()); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// now is the clock's time as stored text.
func (s *Store) now() string { return fmtTime(s.Now()) }

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(v string) time.Time {
	t, err := time.Parse(timeLayout, v)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, v)
	}
	return t.UTC()
}

func nullTime(v sql.NullString) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return parseTime(v.String)
}

func timeOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return fmtTime(t)
}

// isUnique reports whether err is a uniqueness violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// writerCacheSize is the writer's page cache (cache_size: negative is KB).
const writerCacheSize = -32768

// pageSize is the page size of a new database. Mail makes most of a
// database's bytes: larger pages than SQLite's 4 KB default make a stored
// message a few pages rather than a chain of many, and let the log be
// written and copied in fewer, larger writes.
const pageSize = 16384

// createFile creates a new, empty database file with its page size (which
// only an empty database can still choose) in WAL mode. An existing file is
// left alone.
func createFile(ctx context.Context, path string) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return nil
	}
	db, err := sql.Open("sqlite", fileURI(path))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d; PRAGMA journal_mode = WAL", pageSize))
	return err
}
