package data

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ImportKind says what an import creates: contacts or companies.
type ImportKind string

// Import kinds.
const (
	ImportContacts  ImportKind = "contact"
	ImportCompanies ImportKind = "company"
)

// ImportRecord is one contact or company read from a file, before it is
// written.
type ImportRecord struct {
	// Line is where the record starts in the file (1-based).
	Line int
	// Contact is filled when importing contacts.
	Contact ContactInput
	// CompanyName is a contact's company: found by name, else created.
	CompanyName string
	// Company is filled when importing companies.
	Company CompanyInput
	// Column gives, for a field key of a validation error ("emails[1]",
	// "custom.size"), the file column it came from; nil for vCards.
	Column map[string]int
}

// ImportOptions tune Import.
type ImportOptions struct {
	// DryRun checks every record and counts what would be created or
	// updated, then writes nothing: the preview.
	DryRun bool
}

// LineOutcome is what happened (or would happen) to one record.
type LineOutcome struct {
	Line    int
	ID      int64 // the contact or company written; 0 on error
	Updated bool  // an existing record was updated rather than created
	Errors  []FieldError
}

// ImportResult counts what an import wrote (or, dry, would write).
type ImportResult struct {
	Created          int
	Updated          int
	CompaniesCreated int // companies created for contacts' company names
	Lines            []LineOutcome
}

// LineError is the validation error of one record of a file.
type LineError struct {
	Line   int
	Fields []FieldError
}

// ImportError lists every record that failed; nothing was written.
type ImportError struct {
	Lines []LineError
}

func (e *ImportError) Error() string {
	var parts []string
	for _, l := range e.Lines {
		for _, f := range l.Fields {
			parts = append(parts, fmt.Sprintf("line %d: %s", l.Line, f.Error()))
		}
	}
	return "import refused, nothing written: " + strings.Join(parts, "; ")
}

var errDryRun = errors.New("dry run")

// Import writes the records in one transaction: if any record is invalid,
// nothing is written and the error is an *ImportError naming each bad line
// and field (the result's Lines still tell every record's outcome). A contact
// whose email (any of them, whatever the case) already belongs to a contact
// updates that contact instead of creating a duplicate; a company is matched
// by email, then by name. An update keeps what the file leaves empty: the
// name, address, notes and company are replaced when given, emails and
// phones are added, custom values are merged. Any active employee may import.
func (s *Store) Import(ctx context.Context, actor int64, kind ImportKind, recs []ImportRecord, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	err := s.writeTx(ctx, func(tx *wtx) error {
		if _, err := tx.actor(actor); err != nil {
			return err
		}
		res = ImportResult{Lines: make([]LineOutcome, 0, len(recs))}
		var bad []LineError
		for _, rec := range recs {
			out := LineOutcome{Line: rec.Line}
			var err error
			switch kind {
			case ImportContacts:
				err = tx.importContact(rec, &out, &res)
			case ImportCompanies:
				err = tx.importCompany(rec, &out)
			default:
				return fmt.Errorf("unknown import kind %q", kind)
			}
			if ve := FieldErrors(err); ve != nil {
				out.ID, out.Updated, out.Errors = 0, false, ve.Fields
				bad = append(bad, LineError{Line: rec.Line, Fields: ve.Fields})
			} else if err != nil {
				return fmt.Errorf("line %d: %w", rec.Line, err)
			} else if out.Updated {
				res.Updated++
			} else {
				res.Created++
			}
			res.Lines = append(res.Lines, out)
		}
		if len(bad) > 0 {
			return &ImportError{Lines: bad}
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	var ie *ImportError
	if errors.As(err, &ie) {
		return res, err
	}
	if err != nil {
		return ImportResult{}, fmt.Errorf("import %ss: %w", kind, err)
	}
	return res, nil
}

func (tx *wtx) importContact(rec ImportRecord, out *LineOutcome, res *ImportResult) error {
	in := rec.Contact
	in.Emails, in.Phones, in.Custom = slices.Clone(in.Emails), slices.Clone(in.Phones), maps.Clone(in.Custom)
	if name := strings.TrimSpace(rec.CompanyName); name != "" {
		id, created, err := tx.companyNamed(name)
		if ve := FieldErrors(err); ve != nil {
			fields := make([]FieldError, len(ve.Fields))
			for i, f := range ve.Fields {
				fields[i] = FieldError{Field: "company", Code: f.Code, Message: "company " + f.Message}
			}
			return &ValidationError{Fields: fields}
		} else if err != nil {
			return err
		}
		if created {
			res.CompaniesCreated++
		}
		in.CompanyID = id
	}
	if err := tx.validateContact(&in); err != nil {
		return err
	}
	existing, err := tx.contactWithEmail(in.Emails)
	if err != nil {
		return err
	}
	if existing == 0 {
		out.ID, err = tx.createContact(in)
		return err
	}
	old, err := loadContact(tx.ctx, tx, existing)
	if err != nil {
		return err
	}
	merged := ContactInput{
		Name:      in.Name,
		CompanyID: cmp.Or(in.CompanyID, old.CompanyID),
		Emails:    append(old.Emails, in.Emails...),
		Phones:    mergePhones(old.Phones, in.Phones),
		Address:   cmp.Or(in.Address, old.Address),
		Notes:     cmp.Or(in.Notes, old.Notes),
		Custom:    old.Custom,
	}
	maps.Copy(merged.Custom, in.Custom)
	out.ID, out.Updated = existing, true
	return tx.updateContact(existing, merged)
}

// mergePhones adds the new numbers that are not already there in another
// spelling ("06 12…" and "+33 6 12…").
func mergePhones(old, add []string) []string {
	out := slices.Clone(old)
	have := map[string]bool{}
	for _, p := range old {
		have[phoneKey(p)] = true
	}
	for _, p := range add {
		if k := phoneKey(p); !have[k] {
			have[k] = true
			out = append(out, p)
		}
	}
	return out
}

// contactWithEmail returns the oldest contact having one of the emails
// (case-insensitively), or 0.
func (tx *wtx) contactWithEmail(emails []string) (int64, error) {
	var found int64
	for _, e := range emails {
		var id int64
		err := tx.queryRow(`SELECT min(contact_id) FROM contact_emails WHERE email = ? COLLATE NOCASE`, e).Scan(&nullInt{&id})
		if err != nil {
			return 0, err
		}
		if id != 0 && (found == 0 || id < found) {
			found = id
		}
	}
	return found, nil
}

// nullInt scans a possibly NULL integer as 0.
type nullInt struct{ p *int64 }

func (n nullInt) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.p = 0
	case int64:
		*n.p = x
	default:
		return fmt.Errorf("scan %T as an integer", v)
	}
	return nil
}

// companyNamed finds a company by name (case-insensitively), creating it when
// there is none.
func (tx *wtx) companyNamed(name string) (id int64, created bool, err error) {
	err = tx.queryRow(`SELECT id FROM companies WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1`, name).Scan(&id)
	if err == nil {
		return id, false, nil
	}
	if !errors.Is(notFound(err), ErrNotFound) {
		return 0, false, err
	}
	id, err = tx.createCompany(CompanyInput{Name: name})
	return id, err == nil, err
}

// updateContact replaces a contact's fields inside the transaction, as
// UpdateContact does.
func (tx *wtx) updateContact(id int64, in ContactInput) error {
	if err := tx.validateContact(&in); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE contacts SET name = ?, company_id = ?, address = ?, notes = ?, updated_at = ? WHERE id = ?`,
		in.Name, nullID(in.CompanyID), in.Address, in.Notes, tx.s.now(), id); err != nil {
		return err
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
}

func (tx *wtx) importCompany(rec ImportRecord, out *LineOutcome) error {
	in := rec.Company
	in.Emails, in.Phones, in.Custom = slices.Clone(in.Emails), slices.Clone(in.Phones), maps.Clone(in.Custom)
	if err := tx.validateCompany(&in); err != nil {
		return err
	}
	existing, err := tx.companyMatching(in)
	if err != nil {
		return err
	}
	if existing == 0 {
		out.ID, err = tx.createCompany(in)
		return err
	}
	old, err := loadCompany(tx.ctx, tx, existing)
	if err != nil {
		return err
	}
	merged := CompanyInput{
		Name:         in.Name,
		Address:      cmp.Or(in.Address, old.Address),
		VATNumber:    cmp.Or(in.VATNumber, old.VATNumber),
		Registration: cmp.Or(in.Registration, old.Registration),
		Emails:       append(old.Emails, in.Emails...),
		Phones:       mergePhones(old.Phones, in.Phones),
		Notes:        cmp.Or(in.Notes, old.Notes),
		Custom:       old.Custom,
	}
	maps.Copy(merged.Custom, in.Custom)
	out.ID, out.Updated = existing, true
	return tx.updateCompany(existing, merged)
}

// companyMatching finds the company that has one of the input's emails, else
// the one with its name.
func (tx *wtx) companyMatching(in CompanyInput) (int64, error) {
	var id int64
	for _, e := range in.Emails {
		err := tx.queryRow(`SELECT min(c.id) FROM companies c, json_each(c.emails) j WHERE j.value = ? COLLATE NOCASE`, e).Scan(&nullInt{&id})
		if err != nil || id != 0 {
			return id, err
		}
	}
	err := tx.queryRow(`SELECT min(id) FROM companies WHERE name = ? COLLATE NOCASE`, in.Name).Scan(&nullInt{&id})
	return id, err
}

// updateCompany replaces a company's fields inside the transaction (for
// UpdateCompany and the import) and refreshes the search rows that show its
// name. An unknown id is ErrNotFound.
func (tx *wtx) updateCompany(id int64, in CompanyInput) error {
	if err := tx.validateCompany(&in); err != nil {
		return err
	}
	emails, _ := json.Marshal(in.Emails)
	phones, _ := json.Marshal(in.Phones)
	res, err := tx.exec(`UPDATE companies SET name = ?, address = ?, vat_number = ?, registration = ?, emails = ?, phones = ?, notes = ?, updated_at = ?
		WHERE id = ?`, in.Name, in.Address, in.VATNumber, in.Registration, string(emails), string(phones), in.Notes, tx.s.now(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if err := tx.writeCustom(EntityCompany, id, in.Custom); err != nil {
		return err
	}
	tx.changed(KindCompany, id)
	if err := tx.indexCompany(id); err != nil {
		return err
	}
	rows, err := tx.QueryContext(tx.ctx, `SELECT id FROM contacts WHERE company_id = ?`, id)
	if err != nil {
		return err
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return err
	}
	for _, cid := range ids {
		if err := tx.indexContact(cid); err != nil {
			return err
		}
	}
	return tx.reindexDealsOf("company_id", id)
}
