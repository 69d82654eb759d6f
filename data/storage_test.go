package data_test

import (
	"database/sql"
	"testing"

	"comptoir/data/datatest"
)

// rawConn opens the store's file on a connection of the test's own.
func rawConn(t *testing.T, path string) *sql.DB {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestDeletingTimelineEntryDoesNotScanMessages proves that deleting a
// timeline entry finds the messages naming it through an index: the
// program SQLite compiles for the DELETE (foreign key action and triggers
// included) never walks the messages table from its first row.
func TestDeletingTimelineEntryDoesNotScanMessages(t *testing.T) {
	db := datatest.Open(t)
	conn := rawConn(t, db.Path)
	var root int64
	if err := conn.QueryRow(`SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = 'messages'`).Scan(&root); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(`EXPLAIN DELETE FROM timeline WHERE id = 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	onMessages := map[int64]bool{} // cursors opened on the messages table
	opened := false
	for rows.Next() {
		var addr, p1, p2, p3, p5 int64
		var op string
		var p4, comment sql.NullString
		if err := rows.Scan(&addr, &op, &p1, &p2, &p3, &p4, &p5, &comment); err != nil {
			t.Fatal(err)
		}
		switch op {
		case "OpenRead", "OpenWrite":
			onMessages[p1] = p2 == root
			opened = opened || p2 == root
		case "Rewind", "Last":
			if onMessages[p1] {
				t.Fatalf("deleting a timeline entry scans every message (%s on cursor %d at %d)", op, p1, addr)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !opened {
		t.Fatal("the DELETE never looks at messages: the foreign key or the triggers are gone, and this test proves nothing")
	}
}
