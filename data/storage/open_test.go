package storage_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"comptoir/data/storage"
)

// newFile makes a database file with the notes schema and closes it.
func newFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := storage.Open(context.Background(), path, storage.Options{Migrations: notes(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	path := newFile(t)
	db := rawDB(t, path)
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (2, 'future.sql', '2030-01-01')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := readFile(t, path)
	_, err := storage.Open(context.Background(), path, storage.Options{Migrations: notes(nil), App: "Test"})
	if !errors.Is(err, storage.ErrNewerSchema) {
		t.Fatalf("open newer file: %v, want ErrNewerSchema", err)
	}
	if !strings.Contains(err.Error(), "update Test") {
		t.Errorf("message %q does not say what to do", err)
	}
	if after := readFile(t, path); !bytes.Equal(before, after) {
		t.Fatal("the newer file was modified")
	}
}

func TestOpenNotSQLiteRefused(t *testing.T) {
	t.Parallel()
	for name, body := range map[string][]byte{
		"text":  []byte("name,amount\nACME,12\n"),
		"short": []byte("SQLite"),
		"png":   {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 1, 2, 3},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "notes.db")
			if err := os.WriteFile(path, body, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := storage.Open(context.Background(), path, storage.Options{Migrations: notes(nil), App: "Test"})
			if err == nil || !strings.Contains(err.Error(), "not a Test database") {
				t.Fatalf("open: %v, want a plain refusal", err)
			}
			if got := readFile(t, path); !bytes.Equal(got, body) {
				t.Fatal("the file was modified")
			}
			if _, err := os.Stat(path + "-wal"); err == nil {
				t.Fatal("a -wal file was created next to it")
			}
		})
	}
}

// TestOpenOtherProgramsDatabaseRefused: a valid SQLite file with tables of
// another program is not taken over.
func TestOpenOtherProgramsDatabaseRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "other.db")
	db := rawDB(t, path)
	if _, err := db.Exec(`CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('crêpes')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := readFile(t, path)
	_, err := storage.Open(context.Background(), path, storage.Options{Migrations: notes(nil), App: "Test"})
	if err == nil || !strings.Contains(err.Error(), "another program") {
		t.Fatalf("open: %v, want a refusal", err)
	}
	if !bytes.Equal(before, readFile(t, path)) {
		t.Fatal("the other program's database was modified")
	}
}

func TestOpenEmptyFileBecomesDatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	db := open(t, path)
	if id := addNote(t, db, "first"); id != 1 {
		t.Fatalf("first note of the new database has id %d", id)
	}
}

// TestOpenLocked: another program holds the file in exclusive locking
// mode (no one else may even read it); Open gives up after the busy
// timeout (5 s) with a message that says so.
func TestOpenLocked(t *testing.T) {
	t.Parallel()
	path := newFile(t)
	db := rawDB(t, path)
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; INSERT INTO notes (body) VALUES ('mine')`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), `ROLLBACK`)
	_, err = storage.Open(context.Background(), path, storage.Options{Migrations: notes(nil)})
	if err == nil || !strings.Contains(err.Error(), "locked by another program") {
		t.Fatalf("open locked file: %v, want 'locked by another program'", err)
	}
}

// TestOpenWhileAnotherWrites: another connection holds a long write
// transaction (an import, a sync in another process). The file opens at
// once, without waiting for the writer, and reads what was committed; a
// write waits for the other one, then goes through.
func TestOpenWhileAnotherWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := newFile(t)
	first := open(t, path)
	addNote(t, first, "committed")
	writer := rawDB(t, path)
	writer.SetMaxOpenConns(1)
	conn, err := writer.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE; INSERT INTO notes (body) VALUES ('not yet')`); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	db, err := storage.Open(ctx, path, storage.Options{Migrations: notes(nil), App: "Test"})
	if err != nil {
		t.Fatalf("open while another connection writes: %v", err)
	}
	defer db.Close()
	var bodies []string
	rows, err := db.Read().QueryContext(ctx, `SELECT body FROM notes ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("open and read took %v: they waited for the writer", took)
	}
	if strings.Join(bodies, ",") != "committed" {
		t.Fatalf("read %q, want the committed note alone", bodies)
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		_, _ = conn.ExecContext(ctx, `COMMIT`)
	}()
	addNote(t, db, "after") // waits for the other writer's commit
	var n int
	if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM notes`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("%d notes (%v), want 3", n, err)
	}
}

// TestOpenReadOnly: a file the user cannot write is refused with a clear
// message. root ignores file modes, so as root the check runs in a child
// process with the rights of "nobody".
func TestOpenReadOnly(t *testing.T) {
	if os.Getenv("COMPTOIR_READONLY_CHILD") != "" {
		path := os.Getenv("COMPTOIR_READONLY_CHILD")
		_, err := storage.Open(context.Background(), path, storage.Options{Migrations: notes(nil)})
		if err == nil || !strings.Contains(err.Error(), "cannot be written") {
			t.Fatalf("open read-only file: %v, want 'cannot be written'", err)
		}
		return
	}
	path := newFile(t)
	dir := filepath.Dir(path)
	before := readFile(t, path)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if os.Geteuid() != 0 {
		_, err := storage.Open(context.Background(), path, storage.Options{Migrations: notes(nil)})
		if err == nil || !strings.Contains(err.Error(), "cannot be written") {
			t.Fatalf("open read-only file: %v, want 'cannot be written'", err)
		}
	} else {
		runAsNobody(t, "TestOpenReadOnly", "COMPTOIR_READONLY_CHILD="+path)
	}
	if !bytes.Equal(before, readFile(t, path)) {
		t.Fatal("the read-only file was modified")
	}
}

// TestOpenOddFileName: URI characters and accents in the path open the
// file named, not another one.
func TestOpenOddFileName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "Comptoir données #1 ?50%.db")
	db, err := storage.Open(context.Background(), path, storage.Options{Migrations: notes(nil)})
	if err != nil {
		t.Fatal(err)
	}
	addNote(t, db, "kept")
	db.Close()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != filepath.Base(path) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("files in the folder: %q", names)
	}
	db = open(t, path)
	var body string
	if err := db.Read().QueryRow(`SELECT body FROM notes`).Scan(&body); err != nil || body != "kept" {
		t.Fatalf("reopened file: %q, %v", body, err)
	}
}

// TestNewDatabasePageSize proves a new database gets the larger page size,
// in WAL mode.
func TestNewDatabasePageSize(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	conn := rawDB(t, db.Path())
	var size int
	var mode string
	if err := conn.QueryRow(`PRAGMA page_size`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if size != 16384 || mode != "wal" {
		t.Fatalf("page size %d, journal mode %q; want 16384 and wal", size, mode)
	}
}

// TestExistingDatabaseKeepsItsPageSize proves that a database created with
// SQLite's default page size opens, migrates and keeps working.
func TestExistingDatabaseKeepsItsPageSize(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/old.db"
	conn := rawDB(t, path)
	if _, err := conn.Exec(`PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE x (y); DROP TABLE x`); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	db := open(t, path)
	addNote(t, db, "works")
	var size int
	if err := rawDB(t, path).QueryRow(`PRAGMA page_size`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	if size != 4096 {
		t.Fatalf("page size %d, want the file's own 4096", size)
	}
}
