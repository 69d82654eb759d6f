package data

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// SearchClients finds contacts (kind KindContact) or companies (KindCompany)
// matching what is typed, as Search does (every word, the last one as a
// prefix, accents folded), as list rows ordered by name; at most limit. Any
// active employee may, among the clients they may read (see ClientScope).
func (s *Store) SearchClients(ctx context.Context, actor int64, kind Kind, text string, limit int) ([]ClientRow, error) {
	_, f, err := s.clientReader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("search clients: %w", err)
	}
	all, _ := ftsQuery(text)
	if all == "" {
		return nil, nil
	}
	// The filter goes inside the search's LIMIT, so that the clients one
	// may read are found however many others match.
	var q, cond string
	var args []any
	switch kind {
	case KindContact:
		cond, args = f.contacts("rowid / 4")
		q = `SELECT c.id, c.name, coalesce(co.name, ''),
			coalesce((SELECT email FROM contact_emails WHERE contact_id = c.id ORDER BY position LIMIT 1), ''),
			coalesce((SELECT phone FROM contact_phones WHERE contact_id = c.id ORDER BY position LIMIT 1), '')
			FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
			WHERE c.id IN (SELECT rowid / 4 FROM search WHERE search MATCH ? AND rowid % 4 = 2` + cond + ` LIMIT ?)
			ORDER BY c.name COLLATE NOCASE, c.id`
	case KindCompany:
		cond, args = f.companies("rowid / 4")
		q = `SELECT id, name, '', coalesce(emails ->> '$[0]', ''), coalesce(phones ->> '$[0]', '')
			FROM companies
			WHERE id IN (SELECT rowid / 4 FROM search WHERE search MATCH ? AND rowid % 4 = 3` + cond + ` LIMIT ?)
			ORDER BY name COLLATE NOCASE, id`
	default:
		return nil, fmt.Errorf("search clients: kind %q is not a client", kind)
	}
	rows, err := s.r.QueryContext(ctx, q, append(append([]any{all}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("search %ss %q: %w", kind, text, err)
	}
	defer rows.Close()
	var out []ClientRow
	for rows.Next() {
		var r ClientRow
		if err := rows.Scan(&r.ID, &r.Name, &r.Company, &r.Email, &r.Phone); err != nil {
			return nil, fmt.Errorf("search %ss %q: %w", kind, text, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ClientDeals lists the deals of a contact (KindContact) or a company
// (KindCompany) that the employee may see, most recently updated first; at
// most limit. A company's deals include those of its contacts.
func (s *Store) ClientDeals(ctx context.Context, actor int64, kind Kind, id int64, limit int) ([]ListRow, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("deals of %s %d: %w", kind, id, err)
	}
	var cond string
	args := []any{id}
	switch kind {
	case KindContact:
		cond = `d.contact_id = ?`
	case KindCompany:
		cond = `(d.company_id = ? OR d.contact_id IN (SELECT id FROM contacts WHERE company_id = ?))`
		args = append(args, id)
	default:
		return nil, fmt.Errorf("deals of %s %d: not a client", kind, id)
	}
	vis, vargs := visibility(me, false)
	q := `SELECT d.id, d.title, d.stage_id, coalesce(c.name, co.name, ''), d.amount, d.currency, e.name, d.updated_at,
		(SELECT min(a.due_at) FROM activities a WHERE a.deal_id = d.id AND a.done_at IS NULL), s.name
		FROM deals d JOIN employees e ON e.id = d.responsible_id JOIN stages s ON s.id = d.stage_id
		LEFT JOIN contacts c ON c.id = d.contact_id LEFT JOIN companies co ON co.id = d.company_id
		WHERE d.deleted_at IS NULL AND ` + cond + vis + `
		ORDER BY d.updated_at DESC, d.id DESC LIMIT ?`
	rows, err := s.r.QueryContext(ctx, q, append(append(args, vargs...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("deals of %s %d: %w", kind, id, err)
	}
	defer rows.Close()
	var out []ListRow
	for rows.Next() {
		var r ListRow
		var updated string
		var next sql.NullString
		if err := rows.Scan(&r.ID, &r.Title, &r.StageID, &r.Client, &r.Amount, &r.Currency, &r.Responsible, &updated, &next, &r.Stage); err != nil {
			return nil, fmt.Errorf("deals of %s %d: %w", kind, id, err)
		}
		r.UpdatedAt, r.NextActivity = parseTime(updated), nullTime(next)
		out = append(out, r)
	}
	return out, rows.Err()
}

// CompanyNames returns the companies whose name starts with prefix (any
// case), by name; at most limit. It serves pickers that complete a name,
// for an active employee, among the companies they may read.
func (s *Store) CompanyNames(ctx context.Context, actor int64, prefix string, limit int) ([]ClientRow, error) {
	_, f, err := s.clientReader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("company names: %w", err)
	}
	prefix = strings.TrimSpace(prefix)
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(prefix)
	cond, args := f.companies("id")
	rows, err := s.r.QueryContext(ctx, `SELECT id, name FROM companies WHERE name LIKE ? ESCAPE '\'`+cond+`
		ORDER BY name COLLATE NOCASE, id LIMIT ?`, append(append([]any{esc + "%"}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("company names %q: %w", prefix, err)
	}
	defer rows.Close()
	var out []ClientRow
	for rows.Next() {
		var r ClientRow
		if err := rows.Scan(&r.ID, &r.Name); err != nil {
			return nil, fmt.Errorf("company names %q: %w", prefix, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CompanyContacts lists the contacts of a company by name; at most limit;
// to an active employee, among the contacts they may read.
func (s *Store) CompanyContacts(ctx context.Context, actor, companyID int64, limit int) ([]ClientRow, error) {
	_, f, err := s.clientReader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("contacts of company %d: %w", companyID, err)
	}
	cond, args := f.contacts("c.id")
	rows, err := s.r.QueryContext(ctx, `SELECT c.id, c.name, '',
		coalesce((SELECT email FROM contact_emails WHERE contact_id = c.id ORDER BY position LIMIT 1), ''),
		coalesce((SELECT phone FROM contact_phones WHERE contact_id = c.id ORDER BY position LIMIT 1), '')
		FROM contacts c WHERE c.company_id = ?`+cond+` ORDER BY c.name COLLATE NOCASE, c.id LIMIT ?`,
		append(append([]any{companyID}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("contacts of company %d: %w", companyID, err)
	}
	defer rows.Close()
	var out []ClientRow
	for rows.Next() {
		var r ClientRow
		if err := rows.Scan(&r.ID, &r.Name, &r.Company, &r.Email, &r.Phone); err != nil {
			return nil, fmt.Errorf("contacts of company %d: %w", companyID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
