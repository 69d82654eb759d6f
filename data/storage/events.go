package storage

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Change names one record that a write transaction changed: a kind, in
// the caller's words ("deal", "contact"…), and an id (0 for many records of
// the kind).
type Change struct {
	Kind string
	ID   int64
}

// Subscribe calls fn with the records changed by every committed write, in
// this process or (once Watch runs) in another one. Calls are made from one
// goroutine per listener, never concurrently for one listener, and changes
// that pile up while fn runs are merged into the next call. The returned
// function stops the subscription.
func (db *DB) Subscribe(fn func([]Change)) (cancel func()) {
	return db.events.subscribe(fn)
}

// Watch polls the change log for writes made by other processes (the CLI, a
// sync running elsewhere) and publishes them, until ctx ends.
func (db *DB) Watch(ctx context.Context, every time.Duration) error {
	db.events.mu.Lock()
	db.events.watching = true
	db.events.mu.Unlock()
	defer func() {
		db.events.mu.Lock()
		db.events.watching = false
		db.events.own = map[int64]bool{}
		db.events.mu.Unlock()
	}()
	var last int64
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&last); err != nil {
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
		next, err := db.pollChanges(ctx, last)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			continue // a busy database: try again at the next tick
		}
		last = next
	}
}

func (db *DB) pollChanges(ctx context.Context, after int64) (int64, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT seq, kind, ref FROM changes WHERE seq > ? ORDER BY seq LIMIT 10000`, after)
	if err != nil {
		return after, err
	}
	defer rows.Close()
	var cs []Change
	for rows.Next() {
		var seq int64
		var c Change
		if err := rows.Scan(&seq, &c.Kind, &c.ID); err != nil {
			return after, err
		}
		after = seq
		if !db.events.ownSeq(seq) {
			cs = append(cs, c)
		}
	}
	if err := rows.Err(); err != nil {
		return after, err
	}
	if len(cs) > 0 {
		db.events.publish(cs, nil)
	}
	return after, nil
}

// PruneChanges drops change-log rows older than the newest keep rows.
func (db *DB) PruneChanges(ctx context.Context, keep int) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes) - ?`, keep)
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
	pending []Change
	wake    chan struct{}
	done    chan struct{}
}

func newBus() *bus {
	return &bus{subs: map[int]*subscriber{}, own: map[int64]bool{}}
}

func (b *bus) subscribe(fn func([]Change)) func() {
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

func (b *bus) publish(cs []Change, ownSeqs []int64) {
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
