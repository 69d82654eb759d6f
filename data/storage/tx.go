package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// Write runs fn in one write transaction of the single writer (IMMEDIATE:
// it holds the write lock from its first statement) and, once it has
// committed, publishes the records it named with Changed. size is about how
// many bytes the transaction writes, which the checkpointer counts (0:
// small). An error from fn, or from the commit, rolls everything back and
// publishes nothing.
func (db *DB) Write(ctx context.Context, size int64, fn func(tx *Tx) error) error {
	db.ckpt.catchUp(ctx, db.w)
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer sqlTx.Rollback()
	tx := &Tx{db: db, tx: sqlTx, ctx: ctx}
	if err := fn(tx); err != nil {
		return err
	}
	seqs, err := tx.flushChanges()
	if err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	db.events.publish(tx.changes, seqs)
	db.ckpt.committed(size)
	db.stmts.keep(db.w, tx.fresh)
	return nil
}

// WriteOne runs one statement that writes as a transaction of its own:
// SQLite's autocommit, where the statement takes the write lock (waiting for
// it as a transaction does) and commits as it ends. It runs through the
// writer's kept statement (stmtcache.go), with no BEGIN and COMMIT to run:
// the cheapest durable write, for a mark made very often (the outbox marks
// each email the server accepted before the next one leaves). It names no
// changes: what it writes is bookkeeping no screen shows; a write that
// must be published goes through Write.
func (db *DB) WriteOne(ctx context.Context, query string, args ...any) (sql.Result, error) {
	db.ckpt.catchUp(ctx, db.w)
	var res sql.Result
	var err error
	if kept := db.stmts.get(query); kept != nil {
		res, err = kept.ExecContext(ctx, args...)
	} else if res, err = db.w.ExecContext(ctx, query, args...); err == nil {
		db.stmts.keep(db.w, []string{query})
	}
	if err != nil {
		return nil, err
	}
	db.ckpt.committed(0)
	return res, nil
}

// Tx is a write transaction. It prepares each query once, or takes the
// writer's statement prepared by an earlier transaction (stmtcache.go), and
// remembers which records it changed: their rows of the change log are
// written in one statement before the commit, and published after it.
type Tx struct {
	db      *DB
	tx      *sql.Tx
	ctx     context.Context
	changes []Change
	seen    map[Change]bool
	stmts   map[string]*sql.Stmt
	fresh   []string // queries prepared for this transaction alone, to keep once it commits
}

// Context is the transaction's context.
func (tx *Tx) Context() context.Context { return tx.ctx }

// Changed records that a record was written in this transaction (once per
// kind and id). Kinds are the caller's words; an id of 0 stands for many
// records of the kind.
func (tx *Tx) Changed(kind string, id int64) {
	c := Change{Kind: kind, ID: id}
	if tx.seen[c] {
		return
	}
	if tx.seen == nil {
		tx.seen = map[Change]bool{}
	}
	tx.seen[c] = true
	tx.changes = append(tx.changes, c)
}

// flushChanges writes the transaction's changes to the change log, in one
// statement, and returns their sequence numbers.
func (tx *Tx) flushChanges() ([]int64, error) {
	if len(tx.changes) == 0 {
		return nil, nil
	}
	rows := make([][2]any, len(tx.changes))
	for i, c := range tx.changes {
		rows[i] = [2]any{c.Kind, c.ID}
	}
	js, _ := json.Marshal(rows)
	r, err := tx.QueryContext(tx.ctx, `INSERT INTO changes (kind, ref)
		SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?) ORDER BY key RETURNING seq`, string(js))
	if err != nil {
		return nil, fmt.Errorf("record changes: %w", err)
	}
	seqs, err := ScanIDs(r)
	if err != nil {
		return nil, fmt.Errorf("record changes: %w", err)
	}
	return seqs, nil
}

// stmt is a query's statement in this transaction: the writer's kept
// statement when there is one, else one prepared once for the transaction
// (database/sql closes it with the transaction, and Write keeps the query
// for the next ones).
func (tx *Tx) stmt(query string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if kept := tx.db.stmts.get(query); kept != nil {
		st = tx.tx.StmtContext(tx.ctx, kept)
	} else {
		var err error
		if st, err = tx.tx.PrepareContext(tx.ctx, query); err != nil {
			return nil, err
		}
		tx.fresh = append(tx.fresh, query)
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st
	return st, nil
}

// ExecContext, QueryContext and QueryRowContext run a query through its
// prepared statement, so that helpers given the transaction as a querier
// prepare theirs once too.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext: see ExecContext.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext: see ExecContext.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := tx.stmt(query)
	if err != nil {
		return tx.tx.QueryRowContext(ctx, query, args...) // reports the same error at Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// PrepareContext prepares a statement the caller keeps and closes (a bulk
// load's inserts); it is not cached.
func (tx *Tx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, query)
}

// Exec, Query and QueryRow are ExecContext, QueryContext and
// QueryRowContext with the transaction's context.
func (tx *Tx) Exec(query string, args ...any) (sql.Result, error) {
	return tx.ExecContext(tx.ctx, query, args...)
}

// Query: see Exec.
func (tx *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	return tx.QueryContext(tx.ctx, query, args...)
}

// QueryRow: see Exec.
func (tx *Tx) QueryRow(query string, args ...any) *sql.Row {
	return tx.QueryRowContext(tx.ctx, query, args...)
}
