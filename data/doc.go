// Package data is Comptoir's domain: what a deal, a client, a pipeline and a
// timeline are, the rules that govern them (validation, permissions, audit
// trail, e-mail routing) and what of them is kept in one local SQLite file,
// which is the source of truth.
//
// Every exported method of Store that writes owns its transaction: it checks
// the acting employee's rights, validates, writes the change together with its
// timeline entry and change-log row, commits, and then tells subscribers which
// records changed. Every exported read a person reaches takes the acting
// employee too, and refuses an unknown or inactive one and what they may not
// see (reads.go lists the reads made without an actor, and why).
//
// Its rooms, with the arrows pointing one way:
//
//   - data/storage, the SQLite machinery (open, migrations, the writer and
//     its readers, write transactions, the change log, the checkpointer),
//     which knows nothing of deals; the domain's write transaction (tx.go)
//     wraps its transaction.
//   - data/migrations, the schema's numbered .sql files, embedded here and
//     run by the storage.
//   - data/mailq, the outbox's worker side that only mail/send receives; it
//     writes through Store.Storage with the outbox's exported steps
//     (OutboxMove, CopyMove, ShowOutState, NoteOutFailure), so the outbox's
//     states and rules stay written here (outbox_state.go).
//   - data/formats, file formats (CSV, vCard, iCalendar, the export), which
//     imports data; data never imports it.
//   - data/document, the quotes' and invoices' PDF.
//
// data imports no UI, no network code, no file format and none of its
// sub-rooms but storage and document.
package data
