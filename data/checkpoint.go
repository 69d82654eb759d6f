package data

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// The write-ahead log is copied into the database file (a checkpoint) by a
// goroutine of its own, on its own connection, rather than by the writer at
// the end of a commit as SQLite does by default (the writer runs with
// wal_autocheckpoint 0). The writer then never waits for a checkpoint: a
// mail sync stores its next batch while the previous one is being copied,
// and a person's edit never waits behind a copy of megabytes.
//
// A checkpoint runs once checkpointBytes were committed since the last one,
// or once the writer has been quiet for checkpointQuiet. Copying less often
// than SQLite's 4 MB default copies less in all: the pages that every batch
// of mail touches (indexes, interior pages) are copied once per checkpoint,
// not once per batch. Checkpoints are PASSIVE: they never block readers or
// the writer, and what they could not copy is copied by the next one. When
// the last connection closes, SQLite copies the rest and removes the log.
const (
	checkpointBytes = 32 << 20
	checkpointQuiet = 500 * time.Millisecond
	// walSizeLimit is the size the log file is cut back to when it starts
	// over, so that one large sync does not leave a large file behind.
	walSizeLimit = 64 << 20
)

type checkpointer struct {
	db   *sql.DB
	kick chan int64    // bytes committed (estimated; 0 for a small commit)
	stop chan struct{} // closed by close; kick never is, so a late commit never panics
	done chan struct{}
	once sync.Once
}

func startCheckpointer(path string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", fileURI(path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, kick: make(chan int64, 64), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	var pending int64
	dirty := false
	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	for {
		select {
		case <-c.stop:
			return
		case n := <-c.kick:
			pending += n
			dirty = true
			if pending < checkpointBytes {
				quiet.Reset(checkpointQuiet)
				continue
			}
		case <-quiet.C:
			if !dirty {
				continue
			}
		}
		quiet.Stop()
		pending, dirty = 0, false
		// A failure (the file went away, the disk is full) leaves the log
		// as it is: the data is safe in it, and the next call tries again.
		_, _ = c.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
	}
}

// committed tells the checkpointer that the writer committed about n bytes
// (0 when small or unknown). It never blocks.
func (c *checkpointer) committed(n int64) {
	if c == nil {
		return
	}
	select {
	case c.kick <- n:
	default:
		// The channel is full of kicks not yet read: the checkpointer is
		// busy and will see those.
	}
}

// close stops the goroutine and closes its connection.
func (c *checkpointer) close() error {
	c.once.Do(func() { close(c.stop) })
	<-c.done
	return c.db.Close()
}
