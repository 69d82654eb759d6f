package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNewerSchema is returned by Open for a database whose schema is newer
// than the migrations it was given: a file written by a newer build.
var ErrNewerSchema = errors.New("database was created by a newer version")

// Options tune Open.
type Options struct {
	// Migrations are the numbered *.sql files at the root of the file
	// system ("0001_init.sql", …), applied in order (required).
	Migrations fs.FS
	// App names the program in the messages of a refused file: "x is not
	// a <App> database". "" reads "this program's".
	App string
	// Now is the clock of the bookkeeping rows (time.Now by default).
	Now func() time.Time
}

// DB is one SQLite file: a single writer connection, whose transactions
// begin IMMEDIATE, and a pool of read-only connections.
type DB struct {
	w    *sql.DB // the single writer
	r    *sql.DB // readers
	path string
	app  string
	now  func() time.Time

	events *bus
	ckpt   *checkpointer
	stmts  *stmtCache // the writer's statements, kept between transactions
}

// WriterCacheSize is the writer's page cache (cache_size: negative is KB). A
// transaction that raises it for a bulk load sets it back to this.
const WriterCacheSize = -32768

// pageSize is the page size of a new database. Mail makes most of a
// database's bytes: larger pages than SQLite's 4 KB default make a stored
// message a few pages rather than a chain of many, and let the log be
// written and copied in fewer, larger writes.
const pageSize = 16384

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
		q.Add("_pragma", fmt.Sprintf("cache_size(%d)", WriterCacheSize))
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

// Open opens (creating if needed) the database at path and migrates it: the
// pending migrations and the machinery's own tables in one transaction. A
// file that is not a SQLite database, one of another program, one whose
// schema is newer than the migrations, a read-only file or one locked by
// another program is refused with a plain message; the file is never
// overwritten. A new file gets a 16 KB page size and WAL mode.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if opt.Migrations == nil {
		return nil, fmt.Errorf("open %s: no migrations", path)
	}
	ms, err := loadMigrations(opt.Migrations)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{path: path, app: opt.App, now: opt.Now, events: newBus(), stmts: newStmtCache()}
	if db.now == nil {
		db.now = time.Now
	}
	if err := db.checkFile(ctx, len(ms)); err != nil {
		return nil, err
	}
	if err := createFile(ctx, path); err != nil {
		return nil, db.ExplainOpen(err)
	}
	if db.w, err = sql.Open("sqlite", dsn(path, false)); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.w.SetMaxOpenConns(1)
	db.w.SetConnMaxIdleTime(0)
	if err := db.migrate(ctx, ms); err != nil {
		db.w.Close()
		return nil, db.ExplainOpen(err)
	}
	if db.r, err = sql.Open("sqlite", dsn(path, true)); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.r.SetMaxOpenConns(4)
	db.r.SetMaxIdleConns(4)
	if db.ckpt, err = startCheckpointer(path); err != nil {
		db.Close()
		return nil, err
	}
	// What a migration wrote is copied into the file soon, not at the
	// first write.
	db.ckpt.committed(0)
	return db, nil
}

// Close stops the change bus and the checkpointer and closes the
// connections.
func (db *DB) Close() error {
	db.events.close()
	var errs []error
	if db.ckpt != nil {
		errs = append(errs, db.ckpt.close())
	}
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	errs = append(errs, db.stmts.close(), db.w.Close())
	return errors.Join(errs...)
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Read is the pool of read-only connections (query_only): every read that
// needs no transaction of the writer goes through it.
func (db *DB) Read() *sql.DB { return db.r }

// database is how messages name a database of the program: "a Comptoir
// database" (valid: "a valid Comptoir database").
func (db *DB) database(valid bool) string {
	switch {
	case db.app == "" && valid:
		return "a valid database of this program"
	case db.app == "":
		return "a database of this program"
	case valid:
		return "a valid " + db.app + " database"
	}
	return "a " + db.app + " database"
}

// checkFile looks at an existing file before anything may write to it: it
// must be a SQLite database that is empty or has a migrations table, with a
// schema no newer than known. It reads through a read-only connection
// without the WAL pragma, so a refused file is left byte for byte as it was.
func (db *DB) checkFile(ctx context.Context, known int) error {
	path := db.path
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
		return fmt.Errorf("%s is not %s (not a SQLite file); it was left untouched", path, db.database(false))
	}
	ro, err := sql.Open("sqlite", fileURI(path)+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer ro.Close()
	var tables, ours int
	err = ro.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = 'schema_migrations')
		FROM sqlite_schema WHERE type = 'table'`).Scan(&tables, &ours)
	if err != nil {
		return db.ExplainOpen(err)
	}
	if tables == 0 {
		return nil
	}
	if ours == 0 {
		return fmt.Errorf("%s is a SQLite database of another program, not %s; it was left untouched", path, db.database(false))
	}
	var current int
	if err := ro.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return db.ExplainOpen(err)
	}
	if current > known {
		return db.ExplainOpen(fmt.Errorf("schema version %d, this build knows %d: %w", current, known, ErrNewerSchema))
	}
	return nil
}

// ExplainOpen turns an error met while opening the file (or while a caller
// finishes opening it) into plain words: a newer file, a locked, read-only
// or corrupt one.
func (db *DB) ExplainOpen(err error) error {
	path := db.path
	if errors.Is(err, ErrNewerSchema) {
		app := db.app
		if app == "" {
			app = "the program"
		}
		return fmt.Errorf("%s: %w of %s; update %s to open it", path, err, app, app)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("%s is locked by another program; close it and try again: %w", path, err)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			return fmt.Errorf("%s cannot be written (read-only file or folder?): %w", path, err)
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%s is not %s; it was left untouched: %w", path, db.database(true), err)
		}
	}
	return fmt.Errorf("open %s: %w", path, err)
}

// createFile creates a new, empty database file with its page size (which
// only an empty database can still choose) in WAL mode. A new file can be
// read and written by its owner alone (0600) wherever it is: the app's own
// folder is private (0700), but --db may name any folder, and the database
// holds the customers, their mail and the deals. SQLite gives the -wal and
// -shm files the database file's permissions. An existing file is left
// alone.
func createFile(ctx context.Context, path string) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return err
		}
	case !errors.Is(err, fs.ErrExist):
		return err
	}
	db, err := sql.Open("sqlite", fileURI(path))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d; PRAGMA journal_mode = WAL", pageSize))
	return err
}
