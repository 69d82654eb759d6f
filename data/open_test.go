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

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
