package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// withMigrations is the embedded migrations plus extra files.
func withMigrations(t *testing.T, upTo int, extra map[string]string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	ms, err := loadMigrations(embeddedMigrations())
	if err != nil {
		t.Fatal(err)
	}
	for _, mg := range ms[:upTo] {
		m[mg.name] = &fstest.MapFile{Data: []byte(mg.sql)}
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
// migration 1 with a build that knows one more: the data survives and the
// new migration is recorded.
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

// TestFailedMigrationLeavesFile: a migration that fails half-way (its first
// statement works, its second does not) rolls back everything, including
// the migrations before it in the same run.
func TestFailedMigrationLeavesFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := Open(ctx, path, OpenOptions{Language: "en", migrations: withMigrations(t, 1, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateFirstAdmin(ctx, "Ada Admin", "ada@comptoir.test"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before := readFile(t, path)

	broken := withMigrations(t, 1, map[string]string{
		"0002_good.sql":   `CREATE TABLE fine (x INTEGER); INSERT INTO fine VALUES (1);`,
		"0003_broken.sql": `ALTER TABLE deals ADD COLUMN y TEXT; CREATE TABLE deals (oops);`,
	})
	_, err = Open(ctx, path, OpenOptions{Language: "en", migrations: broken})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("0003_broken.sql")) {
		t.Fatalf("open with a broken migration: %v, want an error naming it", err)
	}
	if after := readFile(t, path); !bytes.Equal(before, after) {
		t.Fatalf("a failed migration changed the file (%d → %d bytes)", len(before), len(after))
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		if wal := readFile(t, path+"-wal"); len(wal) > 0 {
			// Frames of a rolled-back transaction may sit in the WAL but are
			// never committed; the schema is what counts.
			t.Logf("wal left with %d bytes", len(wal))
		}
	}
	if got := versions(t, path); len(got) != 1 {
		t.Fatalf("versions after failed migration: %v, want [1]", got)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'fine'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("table of the migration before the broken one: %d, %v", n, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM pragma_table_info('deals') WHERE name = 'y'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("column added by the broken migration: %d, %v", n, err)
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
