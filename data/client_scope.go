package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ClientScope says which contacts and companies sales employees read. It
// is one setting for the whole team, which admins change; admins and
// managers always read every client.
type ClientScope string

// Client scopes.
const (
	// ClientScopeAll lets every employee read every client (the default).
	ClientScopeAll ClientScope = "all"
	// ClientScopeOwnDeals limits a sales employee to the clients of the
	// deals they are responsible for or observe: each deal's contact and
	// company, and the company of that contact. It applies to every read of
	// contacts and companies: lists, search, the client pickers, single
	// reads (a hidden client is not found) and exports.
	ClientScopeOwnDeals ClientScope = "own_deals"
)

// Valid reports whether c is a known scope.
func (c ClientScope) Valid() bool { return c == ClientScopeAll || c == ClientScopeOwnDeals }

// clientScopeSetting is the setting's key.
const clientScopeSetting = "client_scope"

// ClientScope returns the team's client scope, to an active employee (a
// screen shows it; every client read applies it by itself).
func (s *Store) ClientScope(ctx context.Context, actor int64) (ClientScope, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return "", fmt.Errorf("client scope: %w", err)
	}
	scope, err := readClientScope(ctx, s.r)
	if err != nil {
		return "", fmt.Errorf("client scope: %w", err)
	}
	return scope, nil
}

// SetClientScope changes which clients sales employees read; admins only.
func (s *Store) SetClientScope(ctx context.Context, actor int64, scope ClientScope) error {
	if !scope.Valid() {
		return &ValidationError{Fields: []FieldError{{Field: "client_scope", Code: "invalid",
			Message: fmt.Sprintf("%q is not a client scope: all or own_deals", scope)}}}
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			clientScopeSetting, string(scope))
		tx.changed(KindSettings, 0)
		return err
	})
	if err != nil {
		return fmt.Errorf("set client scope: %w", err)
	}
	return nil
}

func readClientScope(ctx context.Context, q querier) (ClientScope, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, clientScopeSetting).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || v == "" {
		return ClientScopeAll, nil
	}
	return ClientScope(v), err
}

// clientFilter narrows the reads of contacts and companies to the ones an
// employee may read. The zero value lets every client through.
type clientFilter struct {
	only bool  // only the clients of the employee's deals
	me   int64 // the employee
}

// clientFilterFor is the filter of an employee's client reads, from the
// scope stored in the database q reads.
func clientFilterFor(ctx context.Context, q querier, me Employee) (clientFilter, error) {
	if me.SeesAll() {
		return clientFilter{}, nil
	}
	scope, err := readClientScope(ctx, q)
	if err != nil {
		return clientFilter{}, err
	}
	return clientFilter{only: scope == ClientScopeOwnDeals, me: me.ID}, nil
}

// clientReader is reader for the reads of contacts and companies: the
// employee, and the filter their reads go through.
func (s *Store) clientReader(ctx context.Context, actor int64) (Employee, clientFilter, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return me, clientFilter{}, err
	}
	f, err := clientFilterFor(ctx, s.r, me)
	return me, f, err
}

// ownDeals selects the employee's live deals (responsible or observer).
const ownDeals = `SELECT id, contact_id, company_id FROM deals WHERE deleted_at IS NULL AND responsible_id = ?
	UNION SELECT d.id, d.contact_id, d.company_id FROM deal_observers o JOIN deals d ON d.id = o.deal_id
	WHERE o.employee_id = ? AND d.deleted_at IS NULL`

// contactSet is the query of the ids of the contacts the employee may read
// (when f.only), with its arguments.
func (f clientFilter) contactSet() (string, []any) {
	return `SELECT contact_id FROM (` + ownDeals + `) WHERE contact_id IS NOT NULL`, []any{f.me, f.me}
}

// companySet is the query of the ids of the companies the employee may
// read (when f.only): those of their deals and of their deals' contacts.
func (f clientFilter) companySet() (string, []any) {
	return `SELECT company_id FROM (` + ownDeals + `) WHERE company_id IS NOT NULL
		UNION SELECT c.company_id FROM contacts c WHERE c.company_id IS NOT NULL AND c.id IN (SELECT contact_id FROM (` + ownDeals + `))`,
		[]any{f.me, f.me, f.me, f.me}
}

// contacts is the condition " AND col IN (…)" that keeps the contacts the
// employee may read, with its arguments ("" when every contact may be).
func (f clientFilter) contacts(col string) (string, []any) {
	if !f.only {
		return "", nil
	}
	set, args := f.contactSet()
	return ` AND ` + col + ` IN (` + set + `)`, args
}

// companies is the condition " AND col IN (…)" that keeps the companies
// the employee may read, with its arguments ("" when every company may be).
func (f clientFilter) companies(col string) (string, []any) {
	if !f.only {
		return "", nil
	}
	set, args := f.companySet()
	return ` AND ` + col + ` IN (` + set + `)`, args
}

// sees tells whether the employee may read one contact (kind KindContact)
// or company (KindCompany).
func (f clientFilter) sees(ctx context.Context, q querier, kind Kind, id int64) (bool, error) {
	if !f.only {
		return true, nil
	}
	var cond string
	var args []any
	switch kind {
	case KindContact:
		cond, args = f.contacts("?")
	case KindCompany:
		cond, args = f.companies("?")
	default:
		return false, fmt.Errorf("kind %q is not a client", kind)
	}
	var ok bool
	err := q.QueryRowContext(ctx, `SELECT 1 WHERE 1`+cond, append([]any{id}, args...)...).Scan(&ok)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
