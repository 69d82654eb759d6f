package data

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// withMigrations is the embedded migrations plus extra files.
func withMigrations(t *testing.T, upTo int, extra map[string]string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	names, err := fs.Glob(embeddedMigrations(), "*.sql")
	if err != nil || len(names) < upTo {
		t.Fatalf("embedded migrations: %v, %d files", err, len(names))
	}
	for _, name := range names[:upTo] { // Glob sorts: 0001_… first
		b, err := fs.ReadFile(embeddedMigrations(), name)
		if err != nil {
			t.Fatal(err)
		}
		m[name] = &fstest.MapFile{Data: b}
	}
	for name, body := range extra {
		m[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return m
}

func versions(t *testing.T, path string) []int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

// TestOpenOldFileMigrates opens a file made by a build that knew only
// migration 1 (whose 0001 made the change log itself) with a build that
// knows one more: the data survives, the new migration is recorded, and the
// change log written by the old build goes on.
func TestOpenOldFileMigrates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := Open(ctx, path, OpenOptions{Language: "en", migrations: withMigrations(t, 1, nil)})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := old.CreateFirstAdmin(ctx, "Ada Admin", "ada@comptoir.test")
	if err != nil {
		t.Fatal(err)
	}
	d, err := old.CreateDeal(ctx, admin.ID, DealInput{Title: "Kept across upgrades", Amount: 1234})
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	if got := versions(t, path); len(got) != 1 || got[0] != 1 {
		t.Fatalf("old build recorded versions %v, want [1]", got)
	}

	next := withMigrations(t, 1, map[string]string{"0002_note.sql": `ALTER TABLE deals ADD COLUMN note TEXT NOT NULL DEFAULT ''`})
	s, err := Open(ctx, path, OpenOptions{Language: "en", migrations: next})
	if err != nil {
		t.Fatalf("open old file with newer build: %v", err)
	}
	got, err := s.Deal(ctx, admin.ID, d.ID)
	if err != nil || got.Title != "Kept across upgrades" || got.Amount != 1234 {
		t.Fatalf("deal after upgrade = %+v, %v", got, err)
	}
	var note string
	if err := s.r.QueryRow(`SELECT note FROM deals WHERE id = ?`, d.ID).Scan(&note); err != nil {
		t.Fatalf("migration 2 not applied: %v", err)
	}
	var before int64
	if err := s.r.QueryRow(`SELECT max(seq) FROM changes`).Scan(&before); err != nil || before == 0 {
		t.Fatalf("the old build's change log: %d, %v", before, err)
	}
	moved, err := s.CreateDeal(ctx, admin.ID, DealInput{Title: "After the upgrade"})
	if err != nil {
		t.Fatal(err)
	}
	var kind string
	var ref int64
	if err := s.r.QueryRow(`SELECT kind, ref FROM changes WHERE seq > ? ORDER BY seq LIMIT 1`, before).Scan(&kind, &ref); err != nil ||
		Kind(kind) != KindDeal || ref != moved.ID {
		t.Fatalf("change after the upgrade: %q %d (%v), want deal %d", kind, ref, err, moved.ID)
	}
	s.Close()
	if got := versions(t, path); len(got) != 2 || got[1] != 2 {
		t.Fatalf("versions after upgrade %v, want [1 2]", got)
	}
	// And the real build opens it as well (it knows at least as many).
	if SchemaVersion() >= 2 {
		return
	}
	if _, err := Open(ctx, path, OpenOptions{}); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("a file at version 2 opened by a version-1 build: %v, want ErrNewerSchema", err)
	}
}
