package data

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
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
	return s.events.subscribe(fn)
}

// Watch polls the change log for writes made by other processes (the CLI, a
// sync running elsewhere) and publishes them, until ctx ends.
func (s *Store) Watch(ctx context.Context, every time.Duration) error {
	s.events.mu.Lock()
	s.events.watching = true
	s.events.mu.Unlock()
	defer func() {
		s.events.mu.Lock()
		s.events.watching = false
		s.events.own = map[int64]bool{}
		s.events.mu.Unlock()
	}()
	var last int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&last); err != nil {
		return fmt.Errorf("watch changes: %w", err)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		next, err := s.pollChanges(ctx, last)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			continue // a busy database: try again at the next tick
		}
		last = next
	}
}

func (s *Store) pollChanges(ctx context.Context, after int64) (int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, kind, ref FROM changes WHERE seq > ? ORDER BY seq LIMIT 10000`, after)
	if err != nil {
		return after, err
	}
	defer rows.Close()
	var cs Changes
	for rows.Next() {
		var seq int64
		var c Change
		if err := rows.Scan(&seq, &c.Kind, &c.ID); err != nil {
			return after, err
		}
		after = seq
		if !s.events.ownSeq(seq) {
			cs = append(cs, c)
		}
	}
	if err := rows.Err(); err != nil {
		return after, err
	}
	if len(cs) > 0 {
		s.events.publish(cs, nil)
	}
	return after, nil
}

// PruneChanges drops change-log rows older than the newest keep rows.
func (s *Store) PruneChanges(ctx context.Context, keep int) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes) - ?`, keep)
	if err != nil {
		return fmt.Errorf("prune changes: %w", err)
	}
	return nil
}

type bus struct {
	mu       sync.Mutex
	subs     map[int]*subscriber
	nextID   int
	own      map[int64]bool // change-log rows this process wrote, while Watch runs
	watching bool
}

type subscriber struct {
	mu      sync.Mutex
	pending Changes
	wake    chan struct{}
	done    chan struct{}
}

func newBus() *bus {
	return &bus{subs: map[int]*subscriber{}, own: map[int64]bool{}}
}

func (b *bus) subscribe(fn func(Changes)) func() {
	sub := &subscriber{wake: make(chan struct{}, 1), done: make(chan struct{})}
	b.mu.Lock()
	id := b.nextID
	b.nextID++
	b.subs[id] = sub
	b.mu.Unlock()
	go func() {
		for {
			select {
			case <-sub.done:
				return
			case <-sub.wake:
			}
			sub.mu.Lock()
			cs := sub.pending
			sub.pending = nil
			sub.mu.Unlock()
			if len(cs) > 0 {
				fn(cs)
			}
		}
	}()
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if _, ok := b.subs[id]; ok {
			delete(b.subs, id)
			close(sub.done)
		}
	}
}

func (b *bus) publish(cs Changes, ownSeqs []int64) {
	if len(cs) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.watching {
		for _, seq := range ownSeqs {
			b.own[seq] = true
		}
	}
	for _, sub := range b.subs {
		sub.mu.Lock()
		for _, c := range cs {
			if !slices.Contains(sub.pending, c) {
				sub.pending = append(sub.pending, c)
			}
		}
		sub.mu.Unlock()
		select {
		case sub.wake <- struct{}{}:
		default:
		}
	}
}

// ownSeq reports (once) whether this process wrote the change-log row.
func (b *bus) ownSeq(seq int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.own[seq] {
		delete(b.own, seq)
		return true
	}
	return false
}

func (b *bus) close() {
	b.mu.Lock()
	subs := b.subs
	b.subs = map[int]*subscriber{}
	b.mu.Unlock()
	for _, sub := range subs {
		close(sub.done)
	}
}
