package data

// SetIngestBatchMode chooses, for tests, whether Ingest's transactions run in
// batch mode (true, the default: definitions read once, search rows written
// at the end) or write everything as each record is created. It returns the
// way back.
func SetIngestBatchMode(on bool) (restore func()) {
	old := ingestBatchMode
	ingestBatchMode = on
	return func() { ingestBatchMode = old }
}
