package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"comptoir/data/storage"
)

// TestWriterKeepsItsStatements: a query a committed transaction used is
// kept prepared for the next ones, which read and write through it as
// before — also after the schema changed under it; a rolled-back
// transaction keeps nothing; at most MaxKeptStatements queries are kept,
// the others are prepared per transaction and still work.
func TestWriterKeepsItsStatements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	const ins = `INSERT INTO notes (body) VALUES (?) RETURNING id`
	const all = `SELECT * FROM notes ORDER BY id`
	const bad = `DELETE FROM notes WHERE id = ?`
	addNote(t, db, "one")
	if !storage.KeptStatements(db)[ins] {
		t.Fatalf("the insert was not kept: %v", storage.KeptStatements(db))
	}
	_ = db.Write(ctx, 0, func(tx *storage.Tx) error {
		if _, err := tx.Exec(bad, 1); err != nil {
			return err
		}
		return fmt.Errorf("changed my mind")
	})
	if storage.KeptStatements(db)[bad] {
		t.Error("a rolled-back transaction's query was kept")
	}
	cols := func() int {
		var n int
		err := db.Write(ctx, 0, func(tx *storage.Tx) error {
			rows, err := tx.Query(all)
			if err != nil {
				return err
			}
			defer rows.Close()
			cs, err := rows.Columns()
			n = len(cs)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := cols(); n != 2 {
		t.Fatalf("%d columns", n)
	}
	if !storage.KeptStatements(db)[all] {
		t.Fatal("the select was not kept")
	}
	if err := db.Write(ctx, 0, func(tx *storage.Tx) error {
		_, err := tx.Exec(`ALTER TABLE notes ADD COLUMN tag TEXT NOT NULL DEFAULT ''`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n := cols(); n != 3 {
		t.Fatalf("after the schema changed, the kept select reads %d columns, want 3", n)
	}
	if id := addNote(t, db, "two"); id != 2 {
		t.Fatalf("second note has id %d", id)
	}
	// Queries built on the fly: the cache stops growing at its bound.
	for i := range storage.MaxKeptStatements + 20 {
		if err := db.Write(ctx, 0, func(tx *storage.Tx) error {
			_, err := tx.Exec(fmt.Sprintf(`UPDATE notes SET tag = 'x%d' WHERE id = ?`, i), 2)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(storage.KeptStatements(db)); n != storage.MaxKeptStatements {
		t.Fatalf("%d statements kept, want the bound %d", n, storage.MaxKeptStatements)
	}
	var tag string
	if err := db.Read().QueryRow(`SELECT tag FROM notes WHERE id = 2`).Scan(&tag); err != nil || tag != fmt.Sprintf("x%d", storage.MaxKeptStatements+19) {
		t.Fatalf("tag %q (%v): a write past the bound was lost", tag, err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("close with kept statements: %v", err)
	}
}

// TestWriteOne: one statement is a durable transaction of its own, run
// through the writer's kept statement; it waits for another connection's
// write like a transaction does, and an error leaves nothing written.
func TestWriteOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "one.db")
	db := open(t, path)
	id := addNote(t, db, "draft")
	const mark = `UPDATE notes SET body = ? WHERE id = ?`
	res, err := db.WriteOne(ctx, mark, "marked", id)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%d rows", n)
	}
	if !storage.KeptStatements(db)[mark] {
		t.Fatal("the statement was not kept")
	}
	// Another connection holds the write lock for a moment: WriteOne waits.
	other := rawDB(t, path)
	other.SetMaxOpenConns(1)
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE; UPDATE notes SET body = 'theirs' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		_, _ = conn.ExecContext(ctx, `COMMIT`)
	}()
	if _, err := db.WriteOne(ctx, mark, "ours, after theirs", id); err != nil {
		t.Fatalf("while another connection writes: %v", err)
	}
	if _, err := db.WriteOne(ctx, `UPDATE notes SET body = NULL WHERE id = ?`, id); err == nil {
		t.Fatal("a NOT NULL column took NULL")
	}
	db.Close()
	var body string
	if err := rawDB(t, path).QueryRow(`SELECT body FROM notes WHERE id = ?`, id).Scan(&body); err != nil || body != "ours, after theirs" {
		t.Fatalf("after reopening: %q %v", body, err)
	}
}
