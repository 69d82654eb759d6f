package data

import (
	"context"
	"database/sql"
	"maps"
	"slices"
)

// The two importers of Import: txImporter writes, dryImporter checks.

// txImporter is the write transaction of one chunk of an import.
type txImporter struct {
	*wtx
	// companyEmails maps every company email (ASCII case folded, as SQLite's
	// NOCASE compares) to the smallest id of a company holding it, read once
	// per chunk: looking each record's emails up in the companies' JSON
	// columns would read every company for every record.
	companyEmails map[string]int64
}

func (im *txImporter) readContact(id int64) (Contact, error) { return loadContact(im.ctx, im.wtx, id) }
func (im *txImporter) readCompany(id int64) (Company, error) { return loadCompany(im.ctx, im.wtx, id) }

// companyMatching finds the company that has one of the input's emails (the
// smallest id for the first email some company has), else the one with its
// name.
func (im *txImporter) companyMatching(in CompanyInput) (int64, error) {
	if len(in.Emails) > 0 && im.companyEmails == nil {
		var err error
		if im.companyEmails, err = loadCompanyEmails(im.ctx, im.wtx); err != nil {
			return 0, err
		}
	}
	for _, e := range in.Emails {
		if id := im.companyEmails[foldASCII(e)]; id != 0 {
			return id, nil
		}
	}
	return companyNamedMin(im.ctx, im.wtx, in.Name)
}

func (im *txImporter) createCompany(in CompanyInput) (int64, error) {
	id, err := im.wtx.createCompany(in)
	if err == nil {
		noteEmails(im.companyEmails, id, in.Emails)
	}
	return id, err
}

func (im *txImporter) updateCompany(id int64, in CompanyInput) error {
	err := im.wtx.updateCompany(id, in)
	if err == nil {
		noteEmails(im.companyEmails, id, in.Emails)
	}
	return err
}

// loadCompanyEmails reads every company email: folded email → smallest id.
func loadCompanyEmails(ctx context.Context, q querier) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, j.value FROM companies c, json_each(c.emails) j`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var id int64
		var e string
		if err := rows.Scan(&id, &e); err != nil {
			return nil, err
		}
		noteEmails(m, id, []string{e})
	}
	return m, rows.Err()
}

// noteEmails records that record id holds the emails, keeping the smallest
// id for each (a nil map records nothing).
func noteEmails(m map[string]int64, id int64, emails []string) {
	if m == nil {
		return
	}
	for _, e := range emails {
		k := foldASCII(e)
		if old := m[k]; old == 0 || id < old {
			m[k] = id
		}
	}
}

// companyNamedMin is the smallest id of a company with the name (any ASCII
// case), or 0.
func companyNamedMin(ctx context.Context, q querier, name string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT min(id) FROM companies WHERE name = ? COLLATE NOCASE`, name).Scan(&nullInt{&id})
	return id, err
}

// foldASCII lowers the ASCII letters only, as SQLite's NOCASE collation
// compares.
func foldASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// dryImporter runs an import in a read snapshot, writing nothing: what the
// file's records would create or change is kept in memory, so that each
// record meets the database as the records before it would leave it (a
// contact twice in the file is created once, then updated).
type dryImporter struct {
	ctx  context.Context
	q    querier
	defs map[Entity][]FieldDef

	nextContact, nextCompany int64 // ids for new records: after every stored one, as SQLite gives them
	contacts                 map[int64]ContactInput
	companies                map[int64]CompanyInput
	contactEmails            map[string]int64 // the file's contacts' emails, folded
	companyEmails            map[string]int64 // every company's emails, folded (read when first needed)
	companyNames             map[string]int64 // the file's companies' names, folded
}

func newDryImporter(ctx context.Context, q querier) (*dryImporter, error) {
	d := &dryImporter{ctx: ctx, q: q, defs: map[Entity][]FieldDef{},
		contacts: map[int64]ContactInput{}, companies: map[int64]CompanyInput{},
		contactEmails: map[string]int64{}, companyNames: map[string]int64{}}
	for _, e := range []Entity{EntityContact, EntityCompany} {
		defs, err := loadFieldDefs(ctx, q, e)
		if err != nil {
			return nil, err
		}
		d.defs[e] = defs
	}
	for _, n := range []struct {
		table string
		next  *int64
	}{{"contacts", &d.nextContact}, {"companies", &d.nextCompany}} {
		if err := q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM `+n.table).Scan(n.next); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// minID is the smaller of two ids, 0 meaning none.
func minID(a, b int64) int64 {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}

func (d *dryImporter) companyNamed(name string) (int64, bool, error) {
	var id int64
	err := d.q.QueryRowContext(d.ctx, `SELECT id FROM companies WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1`, name).Scan(&id)
	if err != nil && err != sql.ErrNoRows {
		return 0, false, err
	}
	if id = minID(id, d.companyNames[foldASCII(name)]); id != 0 {
		return id, false, nil
	}
	id, err = d.createCompany(CompanyInput{Name: name})
	return id, err == nil, err
}

func (d *dryImporter) companyExists(id int64) bool {
	if _, ok := d.companies[id]; ok {
		return true
	}
	var x int
	return d.q.QueryRowContext(d.ctx, `SELECT 1 FROM companies WHERE id = ?`, id).Scan(&x) == nil
}

func (d *dryImporter) validateContact(in *ContactInput) error {
	return checkContact(in, d.defs[EntityContact], d.companyExists)
}

func (d *dryImporter) contactWithEmail(emails []string) (int64, error) {
	var found int64
	for _, e := range emails {
		var id int64
		err := d.q.QueryRowContext(d.ctx, `SELECT min(contact_id) FROM contact_emails WHERE email = ? COLLATE NOCASE`, e).Scan(&nullInt{&id})
		if err != nil {
			return 0, err
		}
		found = minID(minID(found, id), d.contactEmails[foldASCII(e)])
	}
	return found, nil
}

func (d *dryImporter) createContact(in ContactInput) (int64, error) {
	id := d.nextContact
	if err := d.updateContact(id, in); err != nil {
		return 0, err
	}
	d.nextContact++
	return id, nil
}

func (d *dryImporter) updateContact(id int64, in ContactInput) error {
	if err := d.validateContact(&in); err != nil {
		return err
	}
	d.contacts[id] = in
	noteEmails(d.contactEmails, id, in.Emails)
	return nil
}

func (d *dryImporter) readContact(id int64) (Contact, error) {
	in, ok := d.contacts[id]
	if !ok {
		return loadContact(d.ctx, d.q, id)
	}
	return Contact{ID: id, Name: in.Name, CompanyID: in.CompanyID, Emails: slices.Clone(in.Emails), Phones: slices.Clone(in.Phones),
		Address: in.Address, Notes: in.Notes, Custom: maps.Clone(in.Custom)}, nil
}

func (d *dryImporter) validateCompany(in *CompanyInput) error {
	return checkCompany(in, d.defs[EntityCompany])
}

func (d *dryImporter) companyMatching(in CompanyInput) (int64, error) {
	if len(in.Emails) > 0 && d.companyEmails == nil {
		var err error
		if d.companyEmails, err = loadCompanyEmails(d.ctx, d.q); err != nil {
			return 0, err
		}
	}
	for _, e := range in.Emails {
		if id := d.companyEmails[foldASCII(e)]; id != 0 {
			return id, nil
		}
	}
	id, err := companyNamedMin(d.ctx, d.q, in.Name)
	return minID(id, d.companyNames[foldASCII(in.Name)]), err
}

func (d *dryImporter) createCompany(in CompanyInput) (int64, error) {
	id := d.nextCompany
	if err := d.updateCompany(id, in); err != nil {
		return 0, err
	}
	d.nextCompany++
	return id, nil
}

func (d *dryImporter) updateCompany(id int64, in CompanyInput) error {
	if err := d.validateCompany(&in); err != nil {
		return err
	}
	d.companies[id] = in
	noteEmails(d.companyEmails, id, in.Emails)
	noteEmails(d.companyNames, id, []string{in.Name})
	return nil
}

func (d *dryImporter) readCompany(id int64) (Company, error) {
	in, ok := d.companies[id]
	if !ok {
		return loadCompany(d.ctx, d.q, id)
	}
	return Company{ID: id, Name: in.Name, Address: in.Address, VATNumber: in.VATNumber, Registration: in.Registration,
		Emails: slices.Clone(in.Emails), Phones: slices.Clone(in.Phones), Notes: in.Notes, Custom: maps.Clone(in.Custom)}, nil
}
