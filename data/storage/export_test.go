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
