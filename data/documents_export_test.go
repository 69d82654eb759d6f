package data

import "comptoir/data/document"

// SetDocumentRenderer replaces how documents are drawn, for a test that
// makes drawing fail; restore puts the renderer back. Tests that call it
// must not run in parallel.
func SetDocumentRenderer(fn func(DocumentSnapshot, document.Options) ([]byte, error)) (restore func()) {
	old := documentRenderer
	documentRenderer = fn
	return func() { documentRenderer = old }
}
