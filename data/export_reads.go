package data

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// Snapshot is a consistent, read-only view of the database as one employee
// sees it, for exports and other long reads: every page read through it comes
// from the same moment, however long the reading takes and whatever is
// written meanwhile. Close it when done.
type Snapshot struct {
	ctx context.Context
	tx  *sql.Tx
	q   *stmtCache
	me  Employee
	cf  clientFilter // the clients the employee may read (ClientScope)
}

// stmtCache is a querier that prepares each distinct query once per
// snapshot: an export runs the same few queries for every record, and
// parsing SQL would otherwise cost more than running it.
type stmtCache struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	st, err := c.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = st
	return st, nil
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return c.tx.QueryRowContext(ctx, query, args...) // reports the same error
	}
	return st.QueryRowContext(ctx, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// Snapshot opens a read snapshot for the acting employee, who must be
// active.
func (s *Store) Snapshot(ctx context.Context, actor int64) (*Snapshot, error) {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	me, err := scanEmployee(tx.QueryRowContext(ctx, `SELECT `+employeeCols+` FROM employees WHERE id = ?`, actor))
	if err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("read snapshot: employee %d: %w", actor, notFound(err))
	}
	if !me.Active {
		tx.Rollback()
		return nil, fmt.Errorf("read snapshot: employee %s is inactive: %w", me.Email, ErrForbidden)
	}
	cf, err := clientFilterFor(ctx, tx, me)
	if err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	return &Snapshot{ctx: ctx, tx: tx, q: &stmtCache{tx: tx, stmts: map[string]*sql.Stmt{}}, me: me, cf: cf}, nil
}

// Close ends the snapshot.
func (sn *Snapshot) Close() error {
	for _, st := range sn.q.stmts {
		st.Close()
	}
	return sn.tx.Rollback()
}

// Actor is the employee the snapshot reads as.
func (sn *Snapshot) Actor() Employee { return sn.me }

// DealIDs returns up to limit ids of the deals the actor may see, ascending,
// greater than after: a keyset page.
func (sn *Snapshot) DealIDs(after int64, limit int) ([]int64, error) {
	vis, args := visibility(sn.me, false)
	rows, err := sn.q.QueryContext(sn.ctx, `SELECT d.id FROM deals d WHERE d.id > ? AND d.deleted_at IS NULL`+vis+`
		ORDER BY d.id LIMIT ?`, append(append([]any{after}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("deal ids: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return nil, fmt.Errorf("deal ids: %w", err)
	}
	return ids, nil
}

// Deal returns one deal the actor may see (ErrNotFound otherwise, as for a
// deal that does not exist).
func (sn *Snapshot) Deal(id int64) (Deal, error) {
	d, err := loadDeal(sn.ctx, sn.q, id)
	if err != nil {
		return Deal{}, fmt.Errorf("deal %d: %w", id, err)
	}
	if dealAccess(sn.me, d.ResponsibleID, d.Observers) == NoAccess {
		return Deal{}, fmt.Errorf("deal %d: %w", id, ErrNotFound)
	}
	return d, nil
}

// Lines returns a deal's product lines with their totals. The caller has
// read the deal through Deal, which checked the actor may see it.
func (sn *Snapshot) Lines(dealID int64) ([]Line, error) {
	return loadLines(sn.ctx, sn.q, dealID)
}

// Timeline returns a deal's whole timeline, oldest first. The caller has
// read the deal through Deal, which checked the actor may see it.
func (sn *Snapshot) Timeline(dealID int64) ([]Entry, error) {
	var all []Entry
	var cur TimelineCursor
	for {
		page, err := loadTimeline(sn.ctx, sn.q, dealID, cur, 500)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < 500 {
			break
		}
		last := page[len(page)-1]
		cur = TimelineCursor{At: last.At, ID: last.ID}
	}
	slices.Reverse(all)
	return all, nil
}

// Employee returns one employee.
func (sn *Snapshot) Employee(id int64) (Employee, error) {
	e, err := scanEmployee(sn.q.QueryRowContext(sn.ctx, `SELECT `+employeeCols+` FROM employees WHERE id = ?`, id))
	if err != nil {
		return e, fmt.Errorf("employee %d: %w", id, notFound(err))
	}
	return e, nil
}

// Contact returns one contact with its emails, phones and custom fields, if
// the actor may read it (ErrNotFound otherwise).
func (sn *Snapshot) Contact(id int64) (Contact, error) {
	if ok, err := sn.cf.sees(sn.ctx, sn.q, KindContact, id); err != nil || !ok {
		return Contact{}, fmt.Errorf("contact %d: %w", id, cmpErr(err, ErrNotFound))
	}
	c, err := loadContact(sn.ctx, sn.q, id)
	if err != nil {
		return c, fmt.Errorf("contact %d: %w", id, err)
	}
	return c, nil
}

// Company returns one company, if the actor may read it (ErrNotFound
// otherwise).
func (sn *Snapshot) Company(id int64) (Company, error) {
	if ok, err := sn.cf.sees(sn.ctx, sn.q, KindCompany, id); err != nil || !ok {
		return Company{}, fmt.Errorf("company %d: %w", id, cmpErr(err, ErrNotFound))
	}
	c, err := loadCompany(sn.ctx, sn.q, id)
	if err != nil {
		return c, fmt.Errorf("company %d: %w", id, err)
	}
	return c, nil
}

// ContactIDs returns up to limit ids of the contacts the actor may read
// (see ClientScope), greater than after, ascending.
func (sn *Snapshot) ContactIDs(after int64, limit int) ([]int64, error) {
	cond, args := sn.cf.contacts("id")
	rows, err := sn.q.QueryContext(sn.ctx, `SELECT id FROM contacts WHERE id > ?`+cond+` ORDER BY id LIMIT ?`,
		append(append([]any{after}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("contact ids: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return nil, fmt.Errorf("contact ids: %w", err)
	}
	return ids, nil
}

// CompanyIDs returns up to limit ids of the companies the actor may read,
// greater than after, ascending.
func (sn *Snapshot) CompanyIDs(after int64, limit int) ([]int64, error) {
	cond, args := sn.cf.companies("id")
	rows, err := sn.q.QueryContext(sn.ctx, `SELECT id FROM companies WHERE id > ?`+cond+` ORDER BY id LIMIT ?`,
		append(append([]any{after}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("company ids: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return nil, fmt.Errorf("company ids: %w", err)
	}
	return ids, nil
}

// Documents returns a deal's quotes and invoices, oldest first. The caller
// has read the deal through Deal, which checked the actor may see it.
func (sn *Snapshot) Documents(dealID int64) ([]Document, error) {
	return loadDealDocuments(sn.ctx, sn.q, dealID)
}
