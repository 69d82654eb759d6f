package data

import "time"

// SetIngestBatchMode chooses, for tests, whether Ingest's transactions run in
// batch mode (true, the default: definitions read once, search rows written
// at the end) or write everything as each record is created. It returns the
// way back.
func SetIngestBatchMode(on bool) (restore func()) {
	old := ingestBatchMode
	ingestBatchMode = on
	return func() { ingestBatchMode = old }
}

// SetCheckpointing sets, for tests, the checkpointer's thresholds and the
// log's size limit (see checkpoint.go) for the stores opened after it. It
// returns the way back.
func SetCheckpointing(bytes, restartBytes, logLimit int64, quiet, delay time.Duration) (restore func()) {
	b, r, l, q, d := checkpointBytes, walRestartBytes, walSizeLimit, checkpointQuiet, checkpointDelay
	checkpointBytes, walRestartBytes, walSizeLimit, checkpointQuiet, checkpointDelay = bytes, restartBytes, logLimit, quiet, delay
	return func() {
		checkpointBytes, walRestartBytes, walSizeLimit, checkpointQuiet, checkpointDelay = b, r, l, q, d
	}
}
