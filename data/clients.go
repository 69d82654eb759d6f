package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Company is a client organisation.
type Company struct {
	ID           int64             `json:"id"`
	Name         string            `json:"name"`
	Address      string            `json:"address,omitempty"`
	VATNumber    string            `json:"vat_number,omitempty"`
	Registration string            `json:"registration,omitempty"`
	Emails       []string          `json:"emails"`
	Phones       []string          `json:"phones"`
	Notes        string            `json:"notes,omitempty"`
	Custom       map[string]string `json:"custom,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// Contact is a client person.
type Contact struct {
	ID          int64             `json:"id"`
	Name        string            `json:"name"`
	CompanyID   int64             `json:"company_id,omitempty"`
	CompanyName string            `json:"company,omitempty"`
	Emails      []string          `json:"emails"`
	Phones      []string          `json:"phones"`
	Address     string            `json:"address,omitempty"`
	Notes       string            `json:"notes,omitempty"`
	Custom      map[string]string `json:"custom,omitempty"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

// ContactInput is what a form, an import or the mail gateway gives to create
// or edit a contact.
type ContactInput struct {
	Name      string
	CompanyID int64
	Emails    []string
	Phones    []string
	Address   string
	Notes     string
	Custom    map[string]string
}

// CompanyInput is what a form or an import gives to create or edit a company.
type CompanyInput struct {
	Name         string
	Address      string
	VATNumber    string
	Registration string
	Emails       []string
	Phones       []string
	Notes        string
	Custom       map[string]string
}

// PhoneDigits keeps the digits of a phone number, with a leading + kept as
// the international prefix, so "+33 6 12-34-56-78" and "+33612345678" match.
// A French national number 06… is matched with +336… as well.
func PhoneDigits(phone string) string {
	var b strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if strings.HasPrefix(strings.TrimSpace(phone), "00") {
		d = strings.TrimPrefix(d, "00")
	}
	return d
}

// phoneKey is the form stored for matching: the last nine digits identify a
// subscriber in most European numbering plans, whatever prefix was typed.
func phoneKey(phone string) string {
	d := PhoneDigits(phone)
	if len(d) > 9 {
		d = d[len(d)-9:]
	}
	return d
}

func cleanList(items []string) []string {
	out := make([]string, 0, len(items))
	seen := map[string]bool{}
	for _, it := range items {
		it = CleanName(it)
		if it == "" || seen[strings.ToLower(it)] {
			continue
		}
		seen[strings.ToLower(it)] = true
		out = append(out, it)
	}
	return out
}

func validateEmails(v *validator, emails []string) {
	for i, e := range emails {
		a, err := mail.ParseAddress(e)
		if err != nil || !strings.EqualFold(a.Address, e) {
			v.add(fmt.Sprintf("emails[%d]", i), "invalid_email", "%q is not an email address", e)
		}
	}
}

func validatePhones(v *validator, phones []string) {
	for i, p := range phones {
		if len(PhoneDigits(p)) < 3 {
			v.add(fmt.Sprintf("phones[%d]", i), "invalid_phone", "%q is not a phone number", p)
		}
	}
}

func (in *ContactInput) normalize() {
	in.Name = CleanName(in.Name)
	in.Emails = cleanList(in.Emails)
	in.Phones = cleanList(in.Phones)
	in.Address = strings.TrimSpace(CleanText(in.Address))
	in.Notes = strings.TrimSpace(CleanText(in.Notes))
}

func (in *CompanyInput) normalize() {
	in.Name = CleanName(in.Name)
	in.Emails = cleanList(in.Emails)
	in.Phones = cleanList(in.Phones)
	in.Address = strings.TrimSpace(CleanText(in.Address))
	in.VATNumber = CleanName(in.VATNumber)
	in.Registration = CleanName(in.Registration)
	in.Notes = strings.TrimSpace(CleanText(in.Notes))
}

func (tx *wtx) validateContact(in *ContactInput) error {
	defs, err := tx.fieldDefs(EntityContact)
	if err != nil {
		return err
	}
	return checkContact(in, defs, func(id int64) bool {
		var x int
		return tx.queryRow(`SELECT 1 FROM companies WHERE id = ?`, id).Scan(&x) == nil
	})
}

// checkContact normalises and checks a contact against the custom field
// definitions; companyExists tells whether its company is there.
func checkContact(in *ContactInput, defs []FieldDef, companyExists func(id int64) bool) error {
	in.normalize()
	var v validator
	if in.Name == "" {
		v.add("name", "required", "name is required")
	}
	validateEmails(&v, in.Emails)
	validatePhones(&v, in.Phones)
	if in.CompanyID != 0 && !companyExists(in.CompanyID) {
		v.add("company", "unknown_company", "company %d does not exist", in.CompanyID)
	}
	checkCustom(&v, defs, in.Custom)
	return v.err()
}

func (tx *wtx) validateCompany(in *CompanyInput) error {
	defs, err := tx.fieldDefs(EntityCompany)
	if err != nil {
		return err
	}
	return checkCompany(in, defs)
}

// checkCompany normalises and checks a company against the custom field
// definitions.
func checkCompany(in *CompanyInput, defs []FieldDef) error {
	in.normalize()
	var v validator
	if in.Name == "" {
		v.add("name", "required", "name is required")
	}
	validateEmails(&v, in.Emails)
	validatePhones(&v, in.Phones)
	checkCustom(&v, defs, in.Custom)
	return v.err()
}

// CreateContact adds a contact. Any active employee may.
func (s *Store) CreateContact(ctx context.Context, actor int64, in ContactInput) (Contact, error) {
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		if _, err := tx.actor(actor); err != nil {
			return err
		}
		var err error
		id, err = tx.createContact(in)
		return err
	})
	if err != nil {
		return Contact{}, fmt.Errorf("create contact: %w", err)
	}
	return s.contact(ctx, id)
}

func (tx *wtx) createContact(in ContactInput) (int64, error) {
	if err := tx.validateContact(&in); err != nil {
		return 0, err
	}
	now := tx.s.now()
	res, err := tx.exec(`INSERT INTO contacts (name, company_id, address, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		in.Name, nullID(in.CompanyID), in.Address, in.Notes, now, now)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	if err := tx.writeContactDetails(id, in); err != nil {
		return 0, err
	}
	return id, nil
}

// UpdateContact replaces a contact's fields.
func (s *Store) UpdateContact(ctx context.Context, actor, id int64, in ContactInput) (Contact, error) {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if _, err := tx.actor(actor); err != nil {
			return err
		}
		if err := tx.validateContact(&in); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE contacts SET name = ?, company_id = ?, address = ?, notes = ?, updated_at = ? WHERE id = ?`,
			in.Name, nullID(in.CompanyID), in.Address, in.Notes, tx.s.now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.exec(`DELETE FROM contact_emails WHERE contact_id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM contact_phones WHERE contact_id = ?`, id); err != nil {
			return err
		}
		if err := tx.writeContactDetails(id, in); err != nil {
			return err
		}
		return tx.reindexDealsOf("contact_id", id)
	})
	if err != nil {
		return Contact{}, fmt.Errorf("update contact %d: %w", id, err)
	}
	return s.contact(ctx, id)
}

func (tx *wtx) writeContactDetails(id int64, in ContactInput) error {
	for i, e := range in.Emails {
		if _, err := tx.exec(`INSERT INTO contact_emails (contact_id, position, email) VALUES (?, ?, ?)`, id, i, e); err != nil {
			return err
		}
	}
	for i, p := range in.Phones {
		if _, err := tx.exec(`INSERT INTO contact_phones (contact_id, position, phone, digits) VALUES (?, ?, ?, ?)`, id, i, p, phoneKey(p)); err != nil {
			return err
		}
	}
	if err := tx.writeCustom(EntityContact, id, in.Custom); err != nil {
		return err
	}
	tx.changed(KindContact, id)
	return tx.indexContact(id)
}

// CreateCompany adds a company. Any active employee may.
func (s *Store) CreateCompany(ctx context.Context, actor int64, in CompanyInput) (Company, error) {
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		if _, err := tx.actor(actor); err != nil {
			return err
		}
		var err error
		id, err = tx.createCompany(in)
		return err
	})
	if err != nil {
		return Company{}, fmt.Errorf("create company: %w", err)
	}
	return s.company(ctx, id)
}

func (tx *wtx) createCompany(in CompanyInput) (int64, error) {
	if err := tx.validateCompany(&in); err != nil {
		return 0, err
	}
	now := tx.s.now()
	emails, _ := json.Marshal(in.Emails)
	phones, _ := json.Marshal(in.Phones)
	res, err := tx.exec(`INSERT INTO companies (name, address, vat_number, registration, emails, phones, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Name, in.Address, in.VATNumber, in.Registration, string(emails), string(phones), in.Notes, now, now)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	if err := tx.writeCustom(EntityCompany, id, in.Custom); err != nil {
		return 0, err
	}
	tx.changed(KindCompany, id)
	return id, tx.indexCompany(id)
}

// UpdateCompany replaces a company's fields.
func (s *Store) UpdateCompany(ctx context.Context, actor, id int64, in CompanyInput) (Company, error) {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if _, err := tx.actor(actor); err != nil {
			return err
		}
		return tx.updateCompany(id, in)
	})
	if err != nil {
		return Company{}, fmt.Errorf("update company %d: %w", id, err)
	}
	return s.company(ctx, id)
}

// Contact returns one contact with its emails, phones and custom fields, to
// an active employee who may read it (see ClientScope; ErrNotFound
// otherwise, as for a contact that does not exist).
func (s *Store) Contact(ctx context.Context, actor, id int64) (Contact, error) {
	_, f, err := s.clientReader(ctx, actor)
	if err != nil {
		return Contact{}, fmt.Errorf("contact %d: %w", id, err)
	}
	if ok, err := f.sees(ctx, s.r, KindContact, id); err != nil || !ok {
		return Contact{}, fmt.Errorf("contact %d: %w", id, cmpErr(err, ErrNotFound))
	}
	return s.contact(ctx, id)
}

func (s *Store) contact(ctx context.Context, id int64) (Contact, error) {
	c, err := loadContact(ctx, s.r, id)
	if err != nil {
		return c, fmt.Errorf("contact %d: %w", id, err)
	}
	return c, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func loadContact(ctx context.Context, q querier, id int64) (Contact, error) {
	var c Contact
	var company sql.NullInt64
	var companyName sql.NullString
	var created, updated string
	err := q.QueryRowContext(ctx, `SELECT c.id, c.name, c.company_id, co.name, c.address, c.notes, c.created_at, c.updated_at
		FROM contacts c LEFT JOIN companies co ON co.id = c.company_id WHERE c.id = ?`, id).
		Scan(&c.ID, &c.Name, &company, &companyName, &c.Address, &c.Notes, &created, &updated)
	if err != nil {
		return c, notFound(err)
	}
	c.CompanyID, c.CompanyName = company.Int64, companyName.String
	c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
	if c.Emails, err = queryStrings(ctx, q, `SELECT email FROM contact_emails WHERE contact_id = ? ORDER BY position`, id); err != nil {
		return c, err
	}
	if c.Phones, err = queryStrings(ctx, q, `SELECT phone FROM contact_phones WHERE contact_id = ? ORDER BY position`, id); err != nil {
		return c, err
	}
	c.Custom, err = loadCustom(ctx, q, EntityContact, id)
	return c, err
}

// Company returns one company, to an active employee who may read it (see
// ClientScope; ErrNotFound otherwise).
func (s *Store) Company(ctx context.Context, actor, id int64) (Company, error) {
	_, f, err := s.clientReader(ctx, actor)
	if err != nil {
		return Company{}, fmt.Errorf("company %d: %w", id, err)
	}
	if ok, err := f.sees(ctx, s.r, KindCompany, id); err != nil || !ok {
		return Company{}, fmt.Errorf("company %d: %w", id, cmpErr(err, ErrNotFound))
	}
	return s.company(ctx, id)
}

func (s *Store) company(ctx context.Context, id int64) (Company, error) {
	c, err := loadCompany(ctx, s.r, id)
	if err != nil {
		return c, fmt.Errorf("company %d: %w", id, err)
	}
	return c, nil
}

func loadCompany(ctx context.Context, q querier, id int64) (Company, error) {
	var c Company
	var emails, phones, created, updated string
	err := q.QueryRowContext(ctx, `SELECT id, name, address, vat_number, registration, emails, phones, notes, created_at, updated_at
		FROM companies WHERE id = ?`, id).
		Scan(&c.ID, &c.Name, &c.Address, &c.VATNumber, &c.Registration, &emails, &phones, &c.Notes, &created, &updated)
	if err != nil {
		return c, notFound(err)
	}
	_ = json.Unmarshal([]byte(emails), &c.Emails)
	_ = json.Unmarshal([]byte(phones), &c.Phones)
	c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
	c.Custom, err = loadCustom(ctx, q, EntityCompany, id)
	return c, err
}

// ContactsByEmail finds the contacts that have the address,
// case-insensitively, among those an active employee may read.
func (s *Store) ContactsByEmail(ctx context.Context, actor int64, email string) ([]Contact, error) {
	_, f, err := s.clientReader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("contacts of %s: %w", email, err)
	}
	cond, args := f.contacts("contact_id")
	return s.contactsWhere(ctx, `SELECT DISTINCT contact_id FROM contact_emails WHERE email = ?`+cond+` ORDER BY contact_id`,
		append([]any{strings.TrimSpace(email)}, args...)...)
}

// ContactsByPhone finds the contacts with a matching phone number, whatever
// its spacing or international prefix, among those an active employee may
// read.
func (s *Store) ContactsByPhone(ctx context.Context, actor int64, phone string) ([]Contact, error) {
	_, f, err := s.clientReader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("contacts of %s: %w", phone, err)
	}
	return s.contactsByPhone(ctx, f, phone)
}

func (s *Store) contactsByPhone(ctx context.Context, f clientFilter, phone string) ([]Contact, error) {
	key := phoneKey(phone)
	if len(key) < 3 {
		return nil, nil
	}
	cond, args := f.contacts("contact_id")
	return s.contactsWhere(ctx, `SELECT DISTINCT contact_id FROM contact_phones WHERE digits = ?`+cond+` ORDER BY contact_id`,
		append([]any{key}, args...)...)
}

func (s *Store) contactsWhere(ctx context.Context, query string, args ...any) ([]Contact, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find contacts: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return nil, fmt.Errorf("find contacts: %w", err)
	}
	out := make([]Contact, 0, len(ids))
	for _, id := range ids {
		c, err := s.contact(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// ListCursor is a keyset position in a list ordered by a text key then id.
type ListCursor struct {
	Key string
	ID  int64
}

// ClientRow is one line of the contact or company list.
type ClientRow struct {
	ID      int64
	Name    string
	Company string // for a contact
	Email   string // first email
	Phone   string // first phone
}

// ContactList returns up to limit contacts after the cursor, by name, of
// those an active employee may read.
func (s *Store) ContactList(ctx context.Context, actor int64, after ListCursor, limit int) ([]ClientRow, error) {
	_, f, err := s.clientReader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("contact list: %w", err)
	}
	cond, args := f.contacts("c.id")
	rows, err := s.r.QueryContext(ctx, `SELECT c.id, c.name, coalesce(co.name, ''),
		coalesce((SELECT email FROM contact_emails WHERE contact_id = c.id ORDER BY position LIMIT 1), ''),
		coalesce((SELECT phone FROM contact_phones WHERE contact_id = c.id ORDER BY position LIMIT 1), '')
		FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
		WHERE (c.name COLLATE NOCASE, c.id) > (? COLLATE NOCASE, ?)`+cond+`
		ORDER BY c.name COLLATE NOCASE, c.id LIMIT ?`, append(append([]any{after.Key, after.ID}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("contact list: %w", err)
	}
	defer rows.Close()
	var out []ClientRow
	for rows.Next() {
		var r ClientRow
		if err := rows.Scan(&r.ID, &r.Name, &r.Company, &r.Email, &r.Phone); err != nil {
			return nil, fmt.Errorf("contact list: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CompanyList returns up to limit companies after the cursor, by name, of
// those an active employee may read.
func (s *Store) CompanyList(ctx context.Context, actor int64, after ListCursor, limit int) ([]ClientRow, error) {
	_, f, err := s.clientReader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("company list: %w", err)
	}
	cond, args := f.companies("id")
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, emails, phones FROM companies
		WHERE (name COLLATE NOCASE, id) > (? COLLATE NOCASE, ?)`+cond+` ORDER BY name COLLATE NOCASE, id LIMIT ?`,
		append(append([]any{after.Key, after.ID}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("company list: %w", err)
	}
	defer rows.Close()
	var out []ClientRow
	for rows.Next() {
		var r ClientRow
		var emails, phones string
		if err := rows.Scan(&r.ID, &r.Name, &emails, &phones); err != nil {
			return nil, fmt.Errorf("company list: %w", err)
		}
		var es, ps []string
		_ = json.Unmarshal([]byte(emails), &es)
		_ = json.Unmarshal([]byte(phones), &ps)
		if len(es) > 0 {
			r.Email = es[0]
		}
		if len(ps) > 0 {
			r.Phone = ps[0]
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
