package storage

import "time"

// SetCheckpointing sets, for tests, the checkpointer's thresholds and the
// log's size limit (see checkpoint.go) for the databases opened after it. It
// returns the way back.
func SetCheckpointing(bytes, restartBytes, logLimit int64, quiet, delay time.Duration) (restore func()) {
	b, r, l, q, d := checkpointBytes, walRestartBytes, walSizeLimit, checkpointQuiet, checkpointDelay
	checkpointBytes, walRestartBytes, walSizeLimit, checkpointQuiet, checkpointDelay = bytes, restartBytes, logLimit, quiet, delay
	return func() {
		checkpointBytes, walRestartBytes, walSizeLimit, checkpointQuiet, checkpointDelay = b, r, l, q, d
	}
}

// KeptStatements waits for the writer's statements being prepared and
// returns the queries kept (stmtcache.go).
func KeptStatements(db *DB) map[string]bool {
	db.stmts.wg.Wait()
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	out := map[string]bool{}
	for q := range db.stmts.kept {
		out[q] = true
	}
	return out
}

// MaxKeptStatements is how many queries the writer keeps.
const MaxKeptStatements = maxKept
