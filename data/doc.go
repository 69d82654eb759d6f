// Package data is Comptoir's domain and its persistence: what a deal, a
// client, a pipeline and a timeline are, the rules that govern them (validation,
// permissions, audit trail, e-mail routing) and their storage in one local
// SQLite file, which is the source of truth.
//
// Every exported method of Store that writes owns its transaction: it checks
// the acting employee's rights, validates, writes the change together with its
// timeline entry and change-log row, commits, and then tells subscribers which
// records changed. data imports no UI and no network code.
package data
