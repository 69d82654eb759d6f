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

// ImportStoppedError is the error of an import that stopped after some of
// its records were written: a chunk failed (the disk, a cancelled context,
// a record the database refused after a concurrent change). That chunk was
// rolled back whole; the chunks before it stay written.
type ImportStoppedError struct {
	Written int   // records created or updated, all on lines before Line
	Line    int   // the first line of the file not written
	Err     error // why the chunk failed
}

func (e *ImportStoppedError) Error() string {
	return fmt.Sprintf("import stopped at line %d: %v; the %d records before that line were written, that line and the ones after it were not",
		e.Line, e.Err, e.Written)
}

func (e *ImportStoppedError) Unwrap() error { return e.Err }

// stopped makes the error of a chunk that failed after others were written.
// A validation error is kept as text only: it must not read as the
// *ValidationError or *ImportError of a file of which nothing was written.
func stopped(written, line int, err error) error {
	if FieldErrors(err) != nil {
		err = errors.New(err.Error())
	}
	return &ImportStoppedError{Written: written, Line: line, Err: err}
}

// importChunk is how many records one transaction of an import writes:
// enough that the commit costs little per record, few enough that the one
// write lock is held a fraction of a second, so that mail and people's
// edits go in between the chunks of even a large file.
const importChunk = 500

// Import writes the records. First every record is checked, in a read
// snapshot that holds no lock, against the database and against the
// records before it in the file: if any record is invalid, nothing is
// written and the error is an *ImportError naming each bad line and field
// (the result's Lines still tell every record's outcome). A dry run stops
// there: its result is the preview (the ids it gives new records are the
// ones they would likely get).
//
// Then the records are written in chunks of importChunk, one transaction
// each. If a chunk fails, it is rolled back whole, the chunks before it
// stay, and the error is an *ImportStoppedError telling the first line not
// written; the result counts what was. Importing the file again finishes
// the work: the records already written are found again (by the rules
// below) and updated; only a contact without an email would be created a
// second time.
//
// A contact whose email (any of them, whatever the case) already belongs to
// a contact updates that contact instead of creating a duplicate; a company
// is matched by email, then by name. An update keeps what the file leaves
// empty: the name, address, notes and company are replaced when given,
// emails and phones are added, custom values are merged. Any active
// employee may import.
func (s *Store) Import(ctx context.Context, actor int64, kind ImportKind, recs []ImportRecord, opt ImportOptions) (ImportResult, error) {
	if kind != ImportContacts && kind != ImportCompanies {
		return ImportResult{}, fmt.Errorf("import: unknown import kind %q", kind)
	}
	if _, err := s.reader(ctx, actor); err != nil {
		return ImportResult{}, fmt.Errorf("import %ss: %w", kind, err)
	}
	res, err := s.checkImport(ctx, kind, recs)
	var ie *ImportError
	if errors.As(err, &ie) {
		return res, err
	}
	if err != nil {
		return ImportResult{}, fmt.Errorf("import %ss: %w", kind, err)
	}
	if opt.DryRun {
		return res, nil
	}
	out := ImportResult{Lines: make([]LineOutcome, 0, len(recs))}
	for start := 0; start < len(recs); start += importChunk {
		chunk := recs[start:min(start+importChunk, len(recs))]
		var part ImportResult
		err := s.writeTx(ctx, func(tx *wtx) error {
			tx.batchMode() // custom field definitions read once, search rows written once
			if _, err := tx.actor(actor); err != nil {
				return err
			}
			part = ImportResult{Lines: make([]LineOutcome, 0, len(chunk))}
			im := &txImporter{wtx: tx}
			for _, rec := range chunk {
				o, err := importRecord(im, kind, rec, &part)
				if err != nil {
					return fmt.Errorf("line %d: %w", rec.Line, err)
				}
				part.Lines = append(part.Lines, o)
			}
			return nil
		})
		if err != nil && start == 0 {
			return ImportResult{}, fmt.Errorf("import %ss: %w", kind, err) // nothing written
		}
		if err != nil {
			return out, fmt.Errorf("import %ss: %w", kind, stopped(out.Created+out.Updated, chunk[0].Line, err))
		}
		out.Created += part.Created
		out.Updated += part.Updated
		out.CompaniesCreated += part.CompaniesCreated
		out.Lines = append(out.Lines, part.Lines...)
	}
	return out, nil
}

// checkImport runs the import in a read snapshot, writing nothing: each
// record meets the database as the records before it would leave it.
func (s *Store) checkImport(ctx context.Context, kind ImportKind, recs []ImportRecord) (ImportResult, error) {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return ImportResult{}, err
	}
	defer tx.Rollback()
	dry, err := newDryImporter(ctx, tx)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Lines: make([]LineOutcome, 0, len(recs))}
	var bad []LineError
	for i, rec := range recs {
		if i%1000 == 0 && ctx.Err() != nil {
			return ImportResult{}, ctx.Err()
		}
		o, err := importRecord(dry, kind, rec, &res)
		if ve := FieldErrors(err); ve != nil {
			o.ID, o.Updated, o.Errors = 0, false, ve.Fields
			bad = append(bad, LineError{Line: rec.Line, Fields: ve.Fields})
		} else if err != nil {
			return ImportResult{}, fmt.Errorf("line %d: %w", rec.Line, err)
		}
		res.Lines = append(res.Lines, o)
	}
	if len(bad) > 0 {
		return res, &ImportError{Lines: bad}
	}
	return res, nil
}

// importer is where an import's records go: the write transaction
// (txImporter), or the check that comes first (dryImporter), which reads a
// snapshot and remembers what the file's records would write. Both run the
// same steps (importContact, importCompany), so that the check decides as
// the writing will.
type importer interface {
	companyNamed(name string) (id int64, created bool, err error)
	validateContact(in *ContactInput) error
	contactWithEmail(emails []string) (int64, error)
	createContact(in ContactInput) (int64, error)
	readContact(id int64) (Contact, error)
	updateContact(id int64, in ContactInput) error
	validateCompany(in *CompanyInput) error
	companyMatching(in CompanyInput) (int64, error)
	createCompany(in CompanyInput) (int64, error)
	readCompany(id int64) (Company, error)
	updateCompany(id int64, in CompanyInput) error
}

// importRecord imports one record and counts it.
func importRecord(im importer, kind ImportKind, rec ImportRecord, res *ImportResult) (LineOutcome, error) {
	out := LineOutcome{Line: rec.Line}
	var err error
	if kind == ImportContacts {
		err = importContact(im, rec, &out, res)
	} else {
		err = importCompany(im, rec, &out)
	}
	if err != nil {
		return out, err
	}
	if out.Updated {
		res.Updated++
	} else {
		res.Created++
	}
	return out, nil
}

func importContact(im importer, rec ImportRecord, out *LineOutcome, res *ImportResult) error {
	in := rec.Contact
	in.Emails, in.Phones, in.Custom = slices.Clone(in.Emails), slices.Clone(in.Phones), maps.Clone(in.Custom)
	if name := CleanName(rec.CompanyName); name != "" {
		id, created, err := im.companyNamed(name)
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
	if err := im.validateContact(&in); err != nil {
		return err
	}
	existing, err := im.contactWithEmail(in.Emails)
	if err != nil {
		return err
	}
	if existing == 0 {
		out.ID, err = im.createContact(in)
		return err
	}
	old, err := im.readContact(existing)
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
	if merged.Custom == nil {
		merged.Custom = map[string]string{}
	}
	maps.Copy(merged.Custom, in.Custom)
	out.ID, out.Updated = existing, true
	return im.updateContact(existing, merged)
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

func importCompany(im importer, rec ImportRecord, out *LineOutcome) error {
	in := rec.Company
	in.Emails, in.Phones, in.Custom = slices.Clone(in.Emails), slices.Clone(in.Phones), maps.Clone(in.Custom)
	if err := im.validateCompany(&in); err != nil {
		return err
	}
	existing, err := im.companyMatching(in)
	if err != nil {
		return err
	}
	if existing == 0 {
		out.ID, err = im.createCompany(in)
		return err
	}
	old, err := im.readCompany(existing)
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
	if merged.Custom == nil {
		merged.Custom = map[string]string{}
	}
	maps.Copy(merged.Custom, in.Custom)
	out.ID, out.Updated = existing, true
	return im.updateCompany(existing, merged)
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
