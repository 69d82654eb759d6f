package data

// SetIngestFastPath chooses, for tests, whether Ingest writes new contacts,
// companies and deals through the bulk loader (true, the default) or through
// createContact, createCompany and createDeal. It returns the way back.
func SetIngestFastPath(on bool) (restore func()) {
	old := ingestFastPath
	ingestFastPath = on
	return func() { ingestFastPath = old }
}
