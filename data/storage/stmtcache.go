package storage

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the writer's prepared statements from one transaction to
// the next. Preparing is most of the cost of a small transaction (SQLite
// parses and plans the query each time): a sender that records each email
// in a transaction of its own, or a person's edits, would spend more time
// preparing than writing.
//
// A statement is kept once a transaction that prepared it has committed: it
// is prepared again on the writer, outside any transaction (the writer's
// single connection is the transaction's until it ends), in the background.
// Transactions then use it through database/sql's Tx.StmtContext, which
// reuses the connection's statement. At most maxKept queries are kept: a
// program that builds its queries on the fly prepares the others per
// transaction, as before.
type stmtCache struct {
	mu      sync.Mutex
	kept    map[string]*sql.Stmt
	pending map[string]bool // being prepared
	closed  bool
	wg      sync.WaitGroup
}

const maxKept = 256

func newStmtCache() *stmtCache {
	return &stmtCache{kept: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the kept statement of query, or nil.
func (c *stmtCache) get(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.kept[query]
}

// keep prepares the queries on w, in the background, and keeps them.
func (c *stmtCache) keep(w *sql.DB, queries []string) {
	if c == nil || len(queries) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var todo []string
	for _, q := range queries {
		if c.closed || len(c.kept)+len(c.pending) >= maxKept {
			break
		}
		if c.kept[q] != nil || c.pending[q] {
			continue
		}
		c.pending[q] = true
		todo = append(todo, q)
	}
	if len(todo) == 0 {
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for _, q := range todo {
			st, err := w.PrepareContext(context.Background(), q)
			c.mu.Lock()
			delete(c.pending, q)
			if err == nil && !c.closed {
				c.kept[q] = st
				st = nil
			}
			c.mu.Unlock()
			if st != nil {
				st.Close()
			}
		}
	}()
}

// close waits for the statements being prepared and closes them all,
// before the writer closes.
func (c *stmtCache) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	var first error
	for q, st := range c.kept {
		if err := st.Close(); err != nil && first == nil {
			first = err
		}
		delete(c.kept, q)
	}
	return first
}
