package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"comptoir/data/storage"
)

// writeTx runs fn in one write transaction of the storage, which publishes
// the changes it recorded once the transaction has committed.
func (s *Store) writeTx(ctx context.Context, fn func(tx *wtx) error) error {
	return s.writeTxSized(ctx, 0, fn)
}

// writeTxSized is writeTx for a transaction that writes about size bytes,
// which the checkpointer counts (0: small).
func (s *Store) writeTxSized(ctx context.Context, size int64, fn func(tx *wtx) error) error {
	return s.db.Write(ctx, size, func(stx *storage.Tx) error {
		tx := &wtx{Tx: stx, s: s, ctx: ctx}
		if err := fn(tx); err != nil {
			return err
		}
		return tx.flushIndex()
	})
}

// wtx is the domain's write transaction: the storage's (which prepares each
// query once and records the changed records for the change log) plus, for
// the batches of mail that create many records at once, the custom field
// definitions it read and the new records whose search rows it writes once
// at the end (see batchMode).
type wtx struct {
	*storage.Tx
	s   *Store
	ctx context.Context

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
func (tx *wtx) changed(kind Kind, id int64) { tx.Changed(string(kind), id) }

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
