package storage

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// The machinery's own tables. schema_migrations records the migrations
// applied; changes is the change log (events.go). Both are created when
// missing, after the caller's migrations and in their transaction: a schema
// whose first migration created changes itself (Comptoir's 0001 did, before
// the machinery had a room of its own, and shipped migrations are never
// edited) keeps that table, and a new schema gets it from here.
const (
	migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`
	changesTable = `CREATE TABLE IF NOT EXISTS changes (
		seq  INTEGER PRIMARY KEY AUTOINCREMENT,
		kind TEXT NOT NULL,
		ref  INTEGER NOT NULL)`
)

type migration struct {
	version int
	name    string
	sql     string
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

// SchemaVersion is the version a database has once the migrations of fsys
// are applied: how many there are.
func SchemaVersion(fsys fs.FS) (int, error) {
	ms, err := loadMigrations(fsys)
	if err != nil {
		return 0, err
	}
	return len(ms), nil
}

// migrate applies every pending migration in one transaction, together with
// their rows in schema_migrations and the machinery's tables: a failed
// migration leaves the file as it was before Open, never half-way. It first
// reads the schema's version, which needs no lock: a file that is up to date
// opens while another connection holds a long write transaction (an import,
// a sync), and only a file that has a migration due waits for the writer.
func (db *DB) migrate(ctx context.Context, ms []migration) error {
	if ok, err := db.upToDate(ctx, len(ms)); err != nil || ok {
		return err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, migrationsTable); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("schema version %d, this build knows %d: %w", current, len(ms), ErrNewerSchema)
	}
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, FormatTime(db.now())); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, changesTable); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// upToDate reads, without a transaction of the writer, whether the file has
// every migration of this build and the machinery's tables. A newer file is
// refused (ErrNewerSchema).
func (db *DB) upToDate(ctx context.Context, known int) (bool, error) {
	var tables int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('schema_migrations', 'changes')`).
		Scan(&tables); err != nil {
		return false, fmt.Errorf("read the schema: %w", err)
	}
	if tables < 2 {
		return false, nil
	}
	var current int
	if err := db.w.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return false, fmt.Errorf("read the schema version: %w", err)
	}
	if current > known {
		return false, fmt.Errorf("schema version %d, this build knows %d: %w", current, known, ErrNewerSchema)
	}
	return current == known, nil
}
