package storage_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"comptoir/data/storage"
)

// notes is a small schema of the tests' own: the machinery knows nothing of
// the domain's.
func notes(extra map[string]string) fstest.MapFS {
	m := fstest.MapFS{
		"0001_notes.sql": {Data: []byte(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`)},
	}
	for name, body := range extra {
		m[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return m
}

// open opens path with the notes schema and closes it with the test.
func open(t testing.TB, path string) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), path, storage.Options{Migrations: notes(nil), App: "Test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newDB opens a new database in the test's folder.
func newDB(t testing.TB) *storage.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "test.db"))
}

// addNote writes one note in a transaction of its own and names it changed.
func addNote(t testing.TB, db *storage.DB, body string) int64 {
	t.Helper()
	var id int64
	err := db.Write(context.Background(), int64(len(body)), func(tx *storage.Tx) error {
		if err := tx.QueryRow(`INSERT INTO notes (body) VALUES (?) RETURNING id`, body).Scan(&id); err != nil {
			return err
		}
		tx.Changed("note", id)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// rawDB opens the file on a connection of the test's own.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
