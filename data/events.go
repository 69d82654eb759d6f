package data

import (
	"context"
	"time"

	"comptoir/data/storage"
)

// Kind names a kind of record in change events.
type Kind string

// Kinds of records that change events name.
const (
	KindDeal     Kind = "deal"
	KindContact  Kind = "contact"
	KindCompany  Kind = "company"
	KindPipeline Kind = "pipeline" // a pipeline or one of its stages
	KindEmployee Kind = "employee"
	KindField    Kind = "field" // a custom field definition
	KindProduct  Kind = "product"
	KindSettings Kind = "settings"
	KindEmail    Kind = "email"   // a stored email, e.g. in the Inbox
	KindOutbox   Kind = "outbox"  // an outgoing email's state
	KindAccount  Kind = "account" // a mail account or its sync status
)

// Change names one record that was written.
type Change struct {
	Kind Kind
	ID   int64
}

// Changes is what one notification carries: every record written since the
// previous notification to that listener.
type Changes []Change

// Has reports whether the set names a record of the kind (and id, when id is
// not zero). A change with ID 0 stands for many records of its kind (a bulk
// load) and matches every id.
func (cs Changes) Has(kind Kind, id int64) bool {
	for _, c := range cs {
		if c.Kind == kind && (id == 0 || c.ID == id || c.ID == 0) {
			return true
		}
	}
	return false
}

// Subscribe calls fn with the records changed by every committed write, in
// this process or (once Watch runs) in another one. Calls are made from one
// goroutine per listener, never concurrently for one listener, and changes
// that pile up while fn runs are merged into the next call. The returned
// function stops the subscription.
func (s *Store) Subscribe(fn func(Changes)) (cancel func()) {
	return s.db.Subscribe(func(cs []storage.Change) {
		out := make(Changes, len(cs))
		for i, c := range cs {
			out[i] = Change{Kind: Kind(c.Kind), ID: c.ID}
		}
		fn(out)
	})
}

// Watch polls the change log for writes made by other processes (the CLI, a
// sync running elsewhere) and publishes them, until ctx ends.
func (s *Store) Watch(ctx context.Context, every time.Duration) error {
	return s.db.Watch(ctx, every)
}

// PruneChanges drops change-log rows older than the newest keep rows.
func (s *Store) PruneChanges(ctx context.Context, keep int) error {
	return s.db.PruneChanges(ctx, keep)
}
