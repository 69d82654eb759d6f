package storage_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"comptoir/data/storage"
)

// noteInFileAlone copies the database file without its log, as a backup
// tool that ignores the log would, and says whether the note is in it.
func noteInFileAlone(t *testing.T, path string, id int64) bool {
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
	err = rawDB(t, copyPath).QueryRow(`SELECT count(*) FROM notes WHERE id = ?`, id).Scan(&n)
	return err == nil && n == 1
}

// walSize is the size of the write-ahead log file.
func walSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		return 0
	}
	return fi.Size()
}

// TestCheckpointerCopiesTheLog proves that committed writes reach the
// database file without the writer checkpointing: once the writer is
// quiet, the log is copied, so that a reader of the bare file (no -wal)
// sees them.
func TestCheckpointerCopiesTheLog(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	id := addNote(t, db, "checkpointed")
	deadline := time.Now().Add(10 * time.Second)
	for !noteInFileAlone(t, db.Path(), id) {
		if time.Now().After(deadline) {
			t.Fatal("the database file alone still lacks the committed note after 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLogStaysBoundedDuringLongSync proves that large transactions written
// back to back (as a mail sync stores its batches), while the checkpointer
// copies the log behind them, do not make the log grow with everything
// written: once it is over its limit, the log starts over, and is cut back
// to its size limit. (With the limits scaled down: 256 KB per checkpoint, a
// restart over 1 MB, a 1 MB file limit, for about 40 MB of log.)
func TestLogStaysBoundedDuringLongSync(t *testing.T) {
	defer storage.SetCheckpointing(256<<10, 1<<20, 1<<20, 50*time.Millisecond, time.Second)()
	db := newDB(t)
	body := strings.Repeat("Bonjour, voici notre commande de chaises et de tables. ", 2000) // ~110 KB
	var biggest int64
	for b := range 30 {
		err := db.Write(context.Background(), int64(12*len(body)), func(tx *storage.Tx) error {
			for i := range 12 {
				var id int64
				if err := tx.QueryRow(`INSERT INTO notes (body) VALUES (?) RETURNING id`, body+string(rune('a'+b+i))).Scan(&id); err != nil {
					return err
				}
				tx.Changed("note", id)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		biggest = max(biggest, walSize(t, db.Path()))
	}
	// About 40 MB went through the log (360 notes of 110 KB, in 16 KB
	// pages); a log that never started over would hold it all.
	if biggest > 8<<20 {
		t.Fatalf("the log grew to %d bytes: it never started over", biggest)
	}
}

// TestSteadyCommitsAreCheckpointed proves that a stream of small commits,
// never quiet for long, still has its log copied into the database file.
func TestSteadyCommitsAreCheckpointed(t *testing.T) {
	defer storage.SetCheckpointing(32<<20, 128<<20, 64<<20, 300*time.Millisecond, 600*time.Millisecond)()
	db := newDB(t)
	first := addNote(t, db, "first")
	// A commit every 100 ms (never 300 ms of quiet) for 2.5 s.
	deadline := time.Now().Add(2500 * time.Millisecond)
	for time.Now().Before(deadline) {
		addNote(t, db, "next")
		if noteInFileAlone(t, db.Path(), first) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("2.5 s of steady commits and the database file alone still lacks the first one")
}
