package storage

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
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
// once the writer has been quiet for checkpointQuiet, and at the latest
// checkpointDelay after the first commit it has not copied (a steady stream
// of small commits never keeps it quiet). A commit whose size is not known
// counts as smallCommit. Copying less often than SQLite's 4 MB default copies
// less in all: the pages that every batch of mail touches (indexes, interior
// pages) are copied once per checkpoint, not once per batch. Checkpoints are
// PASSIVE: they never block readers or the writer, and what they could not
// copy is copied by the next one.
//
// A checkpoint that runs while the writer writes its next batch never lets
// the log start over (SQLite restarts it only when a transaction begins with
// every frame copied and no reader in it), so during a long sync the log
// would grow with all of it. Once it holds more than walRestartBytes, the
// writer itself copies the few frames its last commit added before it
// begins its next transaction, which then starts the log over. That copy is
// PASSIVE too: it never waits for a reader. When the last connection
// closes, SQLite copies the rest and removes the log.
var (
	checkpointBytes int64 = 32 << 20
	checkpointQuiet       = 500 * time.Millisecond
	checkpointDelay       = 5 * time.Second
	smallCommit     int64 = 64 << 10
	walRestartBytes       = 4 * checkpointBytes
	// walSizeLimit is the size the log file is cut back to when it starts
	// over, so that one large sync does not leave a large file behind.
	walSizeLimit int64 = 64 << 20
)

type checkpointer struct {
	// the thresholds above, as they were when it started
	bytes, small, restart int64
	quiet, delay          time.Duration

	sinceRestart atomic.Int64 // bytes committed since the log last started over (see catchUp)
	// running is held during a checkpoint: SQLite lets one run at a time and
	// refuses a second at once, so catchUp waits for the checkpointer's.
	running sync.Mutex

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
	c := &checkpointer{bytes: checkpointBytes, small: smallCommit, restart: walRestartBytes, quiet: checkpointQuiet, delay: checkpointDelay,
		db: db, kick: make(chan int64, 64), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	var pending int64
	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	latest := time.NewTimer(time.Hour)
	latest.Stop()
	for {
		select {
		case <-c.stop:
			return
		case n := <-c.kick:
			if pending == 0 {
				latest.Reset(c.delay)
			}
			pending += max(n, c.small)
			if pending < c.bytes {
				quiet.Reset(c.quiet)
				continue
			}
		case <-quiet.C:
		case <-latest.C:
		}
		quiet.Stop()
		latest.Stop()
		pending = 0
		c.checkpoint()
	}
}

// checkpoint copies the log into the database file. A failure (the file
// went away, the disk is full) leaves the log as it is: the data is safe in
// it, and the next call tries again.
func (c *checkpointer) checkpoint() {
	c.running.Lock()
	defer c.running.Unlock()
	_, _ = c.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
}

// catchUp runs on the writer's connection before a transaction begins: once
// walRestartBytes were committed since the log last started over, it copies
// what the checkpointer has not yet copied and waits for the readers still
// in the log (RESTART), so that the transaction starts the log over. The
// writer waits for it about once per walRestartBytes written.
func (c *checkpointer) catchUp(ctx context.Context, w *sql.DB) {
	if c == nil || c.sinceRestart.Load() < c.restart {
		return
	}
	c.sinceRestart.Store(0)
	c.running.Lock()
	defer c.running.Unlock()
	_, _ = w.ExecContext(ctx, `PRAGMA wal_checkpoint(RESTART)`)
}

// committed tells the checkpointer that the writer committed about n bytes
// (0 when small or unknown). It never blocks.
func (c *checkpointer) committed(n int64) {
	if c == nil {
		return
	}
	c.sinceRestart.Add(max(n, c.small))
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
