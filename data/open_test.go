package data_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"comptoir/data"
)

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newFile(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "comptoir.db")
	s, err := data.Open(ctx, path, data.OpenOptions{Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenFreshFileRecordsMigrations(t *testing.T) {
	path := newFile(t)
	db := rawDB(t, path)
	var n, max int
	if err := db.QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &max); err != nil {
		t.Fatal(err)
	}
	if n != data.SchemaVersion() || max != data.SchemaVersion() {
		t.Fatalf("schema_migrations has %d rows up to %d, want %d", n, max, data.SchemaVersion())
	}
	var stages int
	if err := db.QueryRow(`SELECT count(*) FROM stages`).Scan(&stages); err != nil || stages != 7 {
		t.Fatalf("default pipeline has %d stages (%v), want 7", stages, err)
	}
	// Reopening is a no-op: no second set of rows, no second pipeline.
	s, err := data.Open(context.Background(), path, data.OpenOptions{Language: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != data.SchemaVersion() {
		t.Fatalf("after reopen: %d rows, %v", n, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM pipelines`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after reopen: %d pipelines, %v", n, err)
	}
}

func TestOpenNewerSchemaRefused(t *testing.T) {
	path := newFile(t)
	db := rawDB(t, path)
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future.sql', '2030-01-01')`,
		data.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := readFile(t, path)
	_, err := data.Open(context.Background(), path, data.OpenOptions{})
	if !errors.Is(err, data.ErrNewerSchema) {
		t.Fatalf("open newer file: %v, want ErrNewerSchema", err)
	}
	if !strings.Contains(err.Error(), "update Comptoir") {
		t.Errorf("message %q does not say what to do", err)
	}
	if after := readFile(t, path); !bytes.Equal(before, after) {
		t.Fatal("the newer file was modified")
	}
}

func TestOpenNotSQLiteRefused(t *testing.T) {
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
			_, err := data.Open(context.Background(), path, data.OpenOptions{})
			if err == nil || !strings.Contains(err.Error(), "not a Comptoir database") {
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
	path := filepath.Join(t.TempDir(), "other.db")
	db := rawDB(t, path)
	if _, err := db.Exec(`CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('crêpes')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := readFile(t, path)
	_, err := data.Open(context.Background(), path, data.OpenOptions{})
	if err == nil || !strings.Contains(err.Error(), "another program") {
		t.Fatalf("open: %v, want a refusal", err)
	}
	if !bytes.Equal(before, readFile(t, path)) {
		t.Fatal("the other program's database was modified")
	}
}

func TestOpenEmptyFileBecomesDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := data.Open(context.Background(), path, data.OpenOptions{})
	if err != nil {
		t.Fatalf("open empty file: %v", err)
	}
	s.Close()
}

// TestOpenLocked: another program holds an exclusive lock; Open gives up
// after the busy timeout (5 s) with a message that says so.
func TestOpenLocked(t *testing.T) {
	path := newFile(t)
	db := rawDB(t, path)
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), `ROLLBACK`)
	_, err = data.Open(context.Background(), path, data.OpenOptions{})
	if err == nil || !strings.Contains(err.Error(), "locked by another program") {
		t.Fatalf("open locked file: %v, want 'locked by another program'", err)
	}
}

// TestOpenReadOnly: a file the user cannot write is refused with a clear
// message. root ignores file modes, so as root the check runs in a child
// process with the rights of "nobody".
func TestOpenReadOnly(t *testing.T) {
	if os.Getenv("COMPTOIR_READONLY_CHILD") != "" {
		path := os.Getenv("COMPTOIR_READONLY_CHILD")
		_, err := data.Open(context.Background(), path, data.OpenOptions{})
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
		_, err := data.Open(context.Background(), path, data.OpenOptions{})
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

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOpenOddFileName: URI characters and accents in the path open the
// file named, not another one.
func TestOpenOddFileName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Comptoir données #1 ?50%.db")
	s, err := data.Open(context.Background(), path, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateFirstAdmin(context.Background(), "Ada", "ada@comptoir.test"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != filepath.Base(path) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("files in the folder: %q", names)
	}
	s, err = data.Open(context.Background(), path, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.FirstAdmin(context.Background()); err != nil {
		t.Fatalf("reopened file has no admin: %v", err)
	}
}
