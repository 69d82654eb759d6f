package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"comptoir/data/storage"
)

func waitChange(t *testing.T, ch <-chan []storage.Change, want storage.Change) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case cs := <-ch:
			if slices.Contains(cs, want) {
				return
			}
		case <-deadline:
			t.Fatalf("no change event for %+v", want)
		}
	}
}

// TestWriteRecordsAndPublishesChanges: a committed write names each changed
// record once, in the change log and to every subscriber; a write that
// fails publishes and logs nothing.
func TestWriteRecordsAndPublishesChanges(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	ch := make(chan []storage.Change, 16)
	cancel := db.Subscribe(func(cs []storage.Change) { ch <- cs })
	defer cancel()
	var id int64
	err := db.Write(context.Background(), 0, func(tx *storage.Tx) error {
		if err := tx.QueryRow(`INSERT INTO notes (body) VALUES ('a') RETURNING id`).Scan(&id); err != nil {
			return err
		}
		tx.Changed("note", id)
		tx.Changed("note", id) // once is enough
		tx.Changed("tag", 0)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, storage.Change{Kind: "note", ID: id})
	var n int
	if err := db.Read().QueryRow(`SELECT count(*) FROM changes`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("change log has %d rows (%v), want 2", n, err)
	}
	boom := errors.New("boom")
	err = db.Write(context.Background(), 0, func(tx *storage.Tx) error {
		if _, err := tx.Exec(`INSERT INTO notes (body) VALUES ('b')`); err != nil {
			return err
		}
		tx.Changed("note", 99)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("write: %v", err)
	}
	if err := db.Read().QueryRow(`SELECT count(*) FROM notes`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d notes after a failed write (%v), want 1", n, err)
	}
	if err := db.Read().QueryRow(`SELECT count(*) FROM changes`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("change log has %d rows after a failed write (%v), want 2", n, err)
	}
	select {
	case cs := <-ch:
		t.Fatalf("a failed write published %+v", cs)
	case <-time.After(100 * time.Millisecond):
	}
}

// TestWatchSeesOtherProcess: a second DB on the same file stands for
// another process (the CLI); the first one's Watch picks up its writes, and
// does not publish its own twice.
func TestWatchSeesOtherProcess(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	other := open(t, db.Path())
	ch := make(chan []storage.Change, 16)
	cancel := db.Subscribe(func(cs []storage.Change) { ch <- cs })
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- db.Watch(ctx, 20*time.Millisecond) }()
	// Watch starts from the newest change when it begins; wait until it has
	// (a write of this process shows up once it runs) before the other
	// process writes.
	own := addNote(t, db, "own")
	waitChange(t, ch, storage.Change{Kind: "note", ID: own})
	var id int64
	for range 50 { // retry while the first Watch query may not have run yet
		id = addNote(t, other, "from the CLI")
		select {
		case cs := <-ch:
			if slices.Contains(cs, storage.Change{Kind: "note", ID: id}) {
				stop()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				return
			}
		case <-time.After(2 * time.Second):
		}
	}
	t.Fatalf("Watch never reported note %d written by the other process", id)
}

// TestPruneChangesKeepsTheNewest: pruning keeps the newest rows of the log.
func TestPruneChangesKeepsTheNewest(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	for range 5 {
		addNote(t, db, "n")
	}
	if err := db.PruneChanges(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Read().Query(`SELECT ref FROM changes ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := storage.ScanIDs(rows)
	if err != nil || !slices.Equal(refs, []int64{4, 5}) {
		t.Fatalf("change log after pruning: %v (%v), want the newest two: [4 5]", refs, err)
	}
}
