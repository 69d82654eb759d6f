package data_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"comptoir/data"
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

// TestNewDatabasePageSize proves a new database gets the larger page size,
// in WAL mode.
func TestNewDatabasePageSize(t *testing.T) {
	db := datatest.Open(t)
	conn := rawConn(t, db.Path)
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
	path := t.TempDir() + "/old.db"
	conn, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE x (y); DROP TABLE x`); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	st, err := data.Open(context.Background(), path, data.OpenOptions{Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Pipelines(context.Background()); err != nil {
		t.Fatal(err)
	}
	var size int
	if err := rawConn(t, path).QueryRow(`PRAGMA page_size`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	if size != 4096 {
		t.Fatalf("page size %d, want the file's own 4096", size)
	}
}

// TestCheckpointerCopiesTheLog proves that committed writes reach the
// database file without the writer checkpointing: once the writer is
// quiet, the log is copied, so that a reader of the bare file (no -wal)
// sees them.
func TestCheckpointerCopiesTheLog(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	c, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "Checkpointed SARL"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !companyInFileAlone(t, db.Path, c.ID) {
		if time.Now().After(deadline) {
			t.Fatal("the database file alone still lacks the committed company after 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// companyInFileAlone copies the database file without its log, as a backup
// tool that ignores the log would, and says whether the company is in it.
func companyInFileAlone(t *testing.T, path string, id int64) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := t.TempDir() + "/copy.db"
	if err := os.WriteFile(copyPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var n int
	err = rawConn(t, copyPath).QueryRow(`SELECT count(*) FROM companies WHERE id = ?`, id).Scan(&n)
	return err == nil && n == 1
}

// walSize is the size of the store's write-ahead log file.
func walSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		return 0
	}
	return fi.Size()
}

// TestLogStaysBoundedDuringLongSync proves that batches of mail stored back
// to back, while the checkpointer copies the log behind them, do not make the
// log grow with everything written: once it is over its limit, the log
// starts over, and is cut back to its size limit. (With the limits scaled
// down: 256 KB per checkpoint, a restart over 1 MB, a 1 MB file limit, for
// about 40 MB of log.)
func TestLogStaysBoundedDuringLongSync(t *testing.T) {
	defer data.SetCheckpointing(256<<10, 1<<20, 1<<20, 50*time.Millisecond, time.Second)()
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{ResponsibleID: db.Sales.ID})
	body := strings.Repeat("Bonjour, voici notre commande de chaises et de tables. ", 2000) // ~110 KB
	var biggest int64
	uid := uint32(0)
	for b := range 30 {
		var in []data.Incoming
		for i := range 4 {
			uid++
			e := clientMail(fmt.Sprintf("long%d.%d@client.test", b, i), fmt.Sprintf("c%d@client%d.test", uid, uid), "Client", "Commande")
			e.Text, e.VisibleText = body, body
			e.Raw = []byte("Subject: Commande\r\n\r\n" + body)
			in = append(in, data.Incoming{UID: uid, Email: e})
		}
		if _, err := db.Ingest(ctx, acc.ID, "INBOX", 1, uid, in); err != nil {
			t.Fatal(err)
		}
		biggest = max(biggest, walSize(t, db.Path))
	}
	// About 40 MB went through the log (raw, text and timeline entry of 120
	// messages of 110 KB, in 16 KB pages); a log that never started over
	// would hold it all.
	if biggest > 8<<20 {
		t.Fatalf("the log grew to %d bytes: it never started over", biggest)
	}
}

// TestSteadyCommitsAreCheckpointed proves that a stream of small commits,
// never quiet for long, still has its log copied into the database file.
func TestSteadyCommitsAreCheckpointed(t *testing.T) {
	defer data.SetCheckpointing(32<<20, 128<<20, 64<<20, 300*time.Millisecond, 600*time.Millisecond)()
	db := datatest.Open(t)
	ctx := context.Background()
	first, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "Premier SARL"})
	if err != nil {
		t.Fatal(err)
	}
	// A commit every 100 ms (never 300 ms of quiet) for 2.5 s.
	deadline := time.Now().Add(2500 * time.Millisecond)
	for i := 0; time.Now().Before(deadline); i++ {
		if _, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: fmt.Sprint("Suivante ", i)}); err != nil {
			t.Fatal(err)
		}
		if companyInFileAlone(t, db.Path, first.ID) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("2.5 s of steady commits and the database file alone still lacks the first one")
}
