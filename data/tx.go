package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// writeTx runs fn in one write transaction and publishes the changes it
// recorded once the transaction has committed.
func (s *Store) writeTx(ctx context.Context, fn func(tx *wtx) error) error {
	return s.writeTxSized(ctx, 0, fn)
}

// writeTxSized is writeTx for a transaction that writes about size bytes,
// which the checkpointer counts (0: small).
func (s *Store) writeTxSized(ctx context.Context, size int64, fn func(tx *wtx) error) error {
	s.ckpt.catchUp(ctx, s.w)
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer sqlTx.Rollback()
	tx := &wtx{Tx: sqlTx, s: s, ctx: ctx}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.flushIndex(); err != nil {
		return err
	}
	seqs, err := tx.flushChanges()
	if err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	s.events.publish(tx.changes, seqs)
	s.ckpt.committed(size)
	return nil
}

// wtx is a write transaction. It remembers which records it changed (their
// change events are written and published with the commit), prepares each
// query once, and, for the batches of mail that create many records at
// once, may remember the custom field definitions it read and write the new
// records' search rows once at the end (see batchMode).
type wtx struct {
	*sql.Tx
	s         *Store
	ctx       context.Context
	changes   []Change
	changeSet map[Change]bool
	stmts     map[string]*sql.Stmt

	batch   bool                  // see batchMode
	defs    map[Entity][]FieldDef // batch mode: definitions read once
	toIndex [4][]int64            // batch mode: new records whose search row flushIndex writes
}

// batchMode makes the transaction read custom field definitions once and
// write new records' search rows in one statement per kind before the
// commit (nothing reads them before). A transaction that changes field
// definitions must not use it.
func (tx *wtx) batchMode() { tx.batch = true }

// changed records that a record was written in this transaction.
func (tx *wtx) changed(kind Kind, id int64) {
	c := Change{Kind: kind, ID: id}
	if tx.changeSet[c] {
		return
	}
	if tx.changeSet == nil {
		tx.changeSet = map[Change]bool{}
	}
	tx.changeSet[c] = true
	tx.changes = append(tx.changes, c)
}

// flushChanges writes the transaction's change events to the change log,
// in one statement, and returns their sequence numbers.
func (tx *wtx) flushChanges() ([]int64, error) {
	if len(tx.changes) == 0 {
		return nil, nil
	}
	rows := make([][2]any, len(tx.changes))
	for i, c := range tx.changes {
		rows[i] = [2]any{string(c.Kind), c.ID}
	}
	js, _ := json.Marshal(rows)
	r, err := tx.QueryContext(tx.ctx, `INSERT INTO changes (kind, ref)
		SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?) ORDER BY key RETURNING seq`, string(js))
	if err != nil {
		return nil, fmt.Errorf("record changes: %w", err)
	}
	seqs, err := scanIDs(r)
	if err != nil {
		return nil, fmt.Errorf("record changes: %w", err)
	}
	return seqs, nil
}

// stmt prepares a query once per transaction; the statements end with it.
func (tx *wtx) stmt(query string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	st, err := tx.PrepareContext(tx.ctx, query)
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st
	return st, nil
}

// ExecContext, QueryContext and QueryRowContext run a query through its
// prepared statement, so that the helpers given the transaction as a
// querier (loadStage, loadFieldDefs…) prepare theirs once too.
func (tx *wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (tx *wtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (tx *wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := tx.stmt(query)
	if err != nil {
		return tx.Tx.QueryRowContext(ctx, query, args...) // reports the same error at Scan
	}
	return st.QueryRowContext(ctx, args...)
}

func (tx *wtx) exec(query string, args ...any) (sql.Result, error) {
	return tx.ExecContext(tx.ctx, query, args...)
}

func (tx *wtx) queryRow(query string, args ...any) *sql.Row {
	return tx.QueryRowContext(tx.ctx, query, args...)
}

func (tx *wtx) query(query string, args ...any) (*sql.Rows, error) {
	return tx.QueryContext(tx.ctx, query, args...)
}

// fieldDefs reads an entity's custom field definitions (once per
// transaction in batch mode).
func (tx *wtx) fieldDefs(entity Entity) ([]FieldDef, error) {
	if defs, ok := tx.defs[entity]; ok {
		return defs, nil
	}
	defs, err := loadFieldDefs(tx.ctx, tx, entity)
	if err != nil {
		return nil, err
	}
	if tx.batch {
		if tx.defs == nil {
			tx.defs = map[Entity][]FieldDef{}
		}
		tx.defs[entity] = defs
	}
	return defs, nil
}

// index replaces one search row, or in batch mode leaves it to flushIndex.
func (tx *wtx) index(insertSQL string, id, kind int64) error {
	if tx.batch {
		tx.toIndex[kind] = append(tx.toIndex[kind], id)
		return nil
	}
	if _, err := tx.exec(`DELETE FROM search WHERE rowid = ?`, id*4+kind); err != nil {
		return err
	}
	_, err := tx.exec(insertSQL+oneID, id)
	return err
}

// flushIndex writes the search rows batch mode left, one statement per kind.
func (tx *wtx) flushIndex() error {
	for _, k := range []struct {
		kind int64
		sql  string
	}{{searchCompany, indexCompanySQL}, {searchContact, indexContactSQL}, {searchDeal, indexDealSQL}} {
		ids := tx.toIndex[k.kind]
		if len(ids) == 0 {
			continue
		}
		js, _ := json.Marshal(ids)
		if _, err := tx.exec(`DELETE FROM search WHERE rowid IN (SELECT value * 4 + ? FROM json_each(?))`, k.kind, string(js)); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if _, err := tx.exec(k.sql+manyIDs, string(js)); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		tx.toIndex[k.kind] = nil
	}
	return nil
}
