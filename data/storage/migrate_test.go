package storage_test

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"comptoir/data/storage"
)

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
// new migration is recorded, with the clock's time.
func TestOpenOldFileMigrates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := storage.Open(ctx, path, storage.Options{Migrations: notes(nil)})
	if err != nil {
		t.Fatal(err)
	}
	id := addNote(t, old, "kept across upgrades")
	old.Close()
	if got := versions(t, path); len(got) != 1 || got[0] != 1 {
		t.Fatalf("old build recorded versions %v, want [1]", got)
	}

	at := time.Date(2027, 3, 4, 5, 6, 7, 0, time.UTC)
	next := notes(map[string]string{"0002_tag.sql": `ALTER TABLE notes ADD COLUMN tag TEXT NOT NULL DEFAULT 'none'`})
	db, err := storage.Open(ctx, path, storage.Options{Migrations: next, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatalf("open old file with newer build: %v", err)
	}
	defer db.Close()
	var body, tag, applied string
	if err := db.Read().QueryRow(`SELECT body, tag FROM notes WHERE id = ?`, id).Scan(&body, &tag); err != nil {
		t.Fatalf("migration 2 not applied: %v", err)
	}
	if body != "kept across upgrades" || tag != "none" {
		t.Fatalf("note after upgrade: %q %q", body, tag)
	}
	if got := versions(t, path); len(got) != 2 || got[1] != 2 {
		t.Fatalf("versions after upgrade %v, want [1 2]", got)
	}
	if err := db.Read().QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = 2`).Scan(&applied); err != nil ||
		!storage.ParseTime(applied).Equal(at) {
		t.Fatalf("migration 2 applied at %q (%v), want the clock's %v", applied, err, at)
	}
	if n, err := storage.SchemaVersion(next); err != nil || n != 2 {
		t.Fatalf("SchemaVersion = %d, %v", n, err)
	}
}

// TestFailedMigrationLeavesFile: a migration that fails half-way (its first
// statement works, its second does not) rolls back everything, including
// the migrations before it in the same run.
func TestFailedMigrationLeavesFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := newFile(t)
	before := readFile(t, path)
	broken := notes(map[string]string{
		"0002_good.sql":   `CREATE TABLE fine (x INTEGER); INSERT INTO fine VALUES (1);`,
		"0003_broken.sql": `ALTER TABLE notes ADD COLUMN y TEXT; CREATE TABLE notes (oops);`,
	})
	_, err := storage.Open(ctx, path, storage.Options{Migrations: broken})
	if err == nil || !strings.Contains(err.Error(), "0003_broken.sql") {
		t.Fatalf("open with a broken migration: %v, want an error naming it", err)
	}
	if after := readFile(t, path); !bytes.Equal(before, after) {
		t.Fatalf("a failed migration changed the file (%d → %d bytes)", len(before), len(after))
	}
	if got := versions(t, path); len(got) != 1 {
		t.Fatalf("versions after failed migration: %v, want [1]", got)
	}
	db := rawDB(t, path)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'fine'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("table of the migration before the broken one: %d, %v", n, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM pragma_table_info('notes') WHERE name = 'y'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("column added by the broken migration: %d, %v", n, err)
	}
}

// TestBadMigrationNamesRefused: files that are not numbered in sequence are
// a broken build, said before the file is touched.
func TestBadMigrationNamesRefused(t *testing.T) {
	t.Parallel()
	for name, extra := range map[string]map[string]string{
		"gap":       {"0003_skip.sql": `SELECT 1`},
		"no number": {"init.sql": `SELECT 1`},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.db")
			if _, err := storage.Open(context.Background(), path, storage.Options{Migrations: notes(extra)}); err == nil {
				t.Fatal("opened with misnumbered migrations")
			}
		})
	}
}

// TestChangeLogOfNewAndExistingFiles: the machinery's change log works on a
// new file (created after the caller's migrations) and on a file whose
// first migration made the table itself, as Comptoir's 0001 did: that table
// and its rows are kept, and new changes follow them.
func TestChangeLogOfNewAndExistingFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("new", func(t *testing.T) {
		db := newDB(t)
		id := addNote(t, db, "logged")
		var kind string
		var ref int64
		if err := db.Read().QueryRow(`SELECT kind, ref FROM changes ORDER BY seq DESC LIMIT 1`).Scan(&kind, &ref); err != nil {
			t.Fatal(err)
		}
		if kind != "note" || ref != id {
			t.Fatalf("change log row %q %d, want note %d", kind, ref, id)
		}
	})
	t.Run("made by the first migration", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		// The file as an older build left it: its 0001 made changes, with
		// rows in it.
		first := `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
			CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ref INTEGER NOT NULL);`
		raw := rawDB(t, path)
		if _, err := raw.Exec(first + `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
			INSERT INTO schema_migrations VALUES (1, '0001_init.sql', '2026-01-01T00:00:00.000000Z');
			INSERT INTO changes (kind, ref) VALUES ('note', 41), ('note', 42);`); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		fsys := notes(nil)
		fsys["0001_notes.sql"].Data = []byte(first)
		db, err := storage.Open(ctx, path, storage.Options{Migrations: fsys})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		id := addNote(t, db, "after the upgrade")
		var seqs []int64
		rows, err := db.Read().Query(`SELECT seq FROM changes ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		if seqs, err = storage.ScanIDs(rows); err != nil {
			t.Fatal(err)
		}
		var last int64
		if err := db.Read().QueryRow(`SELECT ref FROM changes WHERE seq = 3`).Scan(&last); err != nil || last != id {
			t.Fatalf("new change %d (%v), want note %d", last, err, id)
		}
		if len(seqs) != 3 || seqs[2] != 3 {
			t.Fatalf("change log %v: the old rows are not kept, or the new one does not follow them", seqs)
		}
		// And a new file made with that same first migration opens too.
		other, err := storage.Open(ctx, filepath.Join(t.TempDir(), "new.db"), storage.Options{Migrations: fsys})
		if err != nil {
			t.Fatalf("a new file whose first migration makes changes: %v", err)
		}
		addNote(t, other, "fine")
		other.Close()
	})
}
