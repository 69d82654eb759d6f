package data

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// ImportKind says what an import creates: contacts or companies.
type ImportKind string

// Import kinds.
const (
	ImportContacts  ImportKind = "contact"
	ImportCompanies ImportKind = "company"
)

// Import targets: what a column of a CSV file can fill. A custom field is
// "custom." followed by its key; "" ignores the column. Several columns may
// fill the same target: emails and phones add up, the others are joined.
const (
	TargetIgnore       = ""
	TargetName         = "name"
	TargetFirstName    = "first_name"
	TargetLastName     = "last_name"
	TargetEmail        = "email"
	TargetPhone        = "phone"
	TargetCompany      = "company" // contacts: the company's name, found or created
	TargetAddress      = "address"
	TargetNotes        = "notes"
	TargetVAT          = "vat_number"   // companies
	TargetRegistration = "registration" // companies
	TargetCustomPrefix = "custom."
)

// maxImportBytes bounds the size of a file read for import.
const maxImportBytes = 64 << 20

// ImportTargets lists the targets a column can be mapped to for the kind,
// TargetIgnore first, then the built-in fields, then the custom fields.
func ImportTargets(kind ImportKind, defs []FieldDef) []string {
	out := []string{TargetIgnore, TargetName}
	if kind == ImportContacts {
		out = append(out, TargetFirstName, TargetLastName)
	}
	out = append(out, TargetEmail, TargetPhone)
	if kind == ImportContacts {
		out = append(out, TargetCompany)
	}
	out = append(out, TargetAddress, TargetNotes)
	if kind == ImportCompanies {
		out = append(out, TargetVAT, TargetRegistration)
	}
	for _, d := range defs {
		out = append(out, TargetCustomPrefix+d.Key)
	}
	return out
}

// Table is a CSV file read for import: its header and data rows, each with
// the line of the file it starts on (the header is line 1).
type Table struct {
	Header []string
	Rows   [][]string
	Lines  []int
	Comma  rune // the separator found: ',', ';' or '\t'
}

// ReadCSV reads a CSV file as spreadsheets write it: UTF-8 with or without a
// byte-order mark, UTF-16 with one, or Windows-1252 (Excel's default in
// Western Europe); comma, semicolon (French Excel) or tab separated; quoted
// cells may span lines. Blank rows are skipped.
func ReadCSV(r io.Reader) (*Table, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	if len(raw) > maxImportBytes {
		return nil, fmt.Errorf("read csv: file larger than %d MB", maxImportBytes>>20)
	}
	text := decodeText(raw)
	t := &Table{Comma: guessComma(text)}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = t.Comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if t.Header == nil {
			t.Header = make([]string, len(rec))
			for i, h := range rec {
				t.Header[i] = strings.TrimSpace(h)
			}
			continue
		}
		if blankRow(rec) {
			continue
		}
		t.Rows = append(t.Rows, rec)
		t.Lines = append(t.Lines, line)
	}
	if t.Header == nil {
		return nil, errors.New("read csv: the file is empty")
	}
	return t, nil
}

// decodeText turns file bytes into UTF-8 text without a byte-order mark.
func decodeText(raw []byte) string {
	if bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || bytes.HasPrefix(raw, []byte{0xFE, 0xFF}) {
		dec := xunicode.BOMOverride(xunicode.UTF8.NewDecoder())
		if out, _, err := transform.Bytes(dec, raw); err == nil {
			return string(out)
		}
	}
	raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(raw) {
		return string(raw)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return string(out)
}

// guessComma picks the separator that appears most in the first line,
// outside quotes.
func guessComma(text string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range text {
		if r == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if r == '\n' {
			break
		}
		if r == ',' || r == ';' || r == '\t' {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

func blankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// foldHeader lowers a header, drops accents and turns punctuation into
// spaces: "Téléphone (mobile)" → "telephone mobile".
func foldHeader(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case strings.ContainsRune("àâäá", r):
			r = 'a'
		case strings.ContainsRune("éèêë", r):
			r = 'e'
		case strings.ContainsRune("îïí", r):
			r = 'i'
		case strings.ContainsRune("ôöó", r):
			r = 'o'
		case strings.ContainsRune("ùûüú", r):
			r = 'u'
		case r == 'ç':
			r = 'c'
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			r = ' '
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func hasWord(folded string, words ...string) bool {
	padded := " " + folded + " "
	for _, w := range words {
		if strings.Contains(padded, " "+w+" ") {
			return true
		}
	}
	return false
}

// guessTarget maps one folded header to a target, in English or French.
func guessTarget(kind ImportKind, h string, defs []FieldDef) string {
	if h == "" {
		return TargetIgnore
	}
	for _, d := range defs {
		if h == foldHeader(d.Key) || h == foldHeader(d.Label) {
			return TargetCustomPrefix + d.Key
		}
	}
	// Exports from address books describe each value in a sibling column
	// ("E-mail 1 - Type"); those hold labels, not addresses.
	if hasWord(h, "type", "label", "libelle") {
		return TargetIgnore
	}
	contacts := kind == ImportContacts
	switch {
	case contacts && hasWord(h, "first name", "firstname", "given name", "prenom"):
		return TargetFirstName
	case contacts && hasWord(h, "last name", "lastname", "family name", "surname", "nom de famille"):
		return TargetLastName
	case hasWord(h, "email", "e mail", "mail", "courriel", "adresse electronique"):
		return TargetEmail
	case hasWord(h, "phone", "telephone", "tel", "mobile", "portable", "cell", "gsm", "fax"):
		return TargetPhone
	case hasWord(h, "company", "societe", "entreprise", "organisation", "organization", "org", "employer", "employeur",
		"compagnie", "raison sociale", "account", "compte"):
		if contacts {
			return TargetCompany
		}
		return TargetName
	case !contacts && hasWord(h, "vat", "tva"):
		return TargetVAT
	case !contacts && hasWord(h, "siret", "siren", "registration", "rcs", "company number", "immatriculation"):
		return TargetRegistration
	case hasWord(h, "address", "adresse", "street", "rue", "city", "ville", "zip", "postal", "postcode", "cp",
		"country", "pays", "region", "state"):
		return TargetAddress
	case hasWord(h, "note", "notes", "comment", "comments", "commentaire", "commentaires", "remarque", "remarques", "description"):
		return TargetNotes
	case hasWord(h, "name", "nom", "full name", "nom complet", "display name", "contact", "raison"):
		return TargetName
	}
	return TargetIgnore
}

// GuessMapping proposes a target for each column from its header, in English
// or French ("Nom", "E-mail", "Téléphone", "Société"…). When a first-name
// column exists, a bare "Name"/"Nom" column is read as the last name.
func GuessMapping(kind ImportKind, header []string, defs []FieldDef) []string {
	m := make([]string, len(header))
	hasFirst := false
	for i, h := range header {
		m[i] = guessTarget(kind, foldHeader(h), defs)
		hasFirst = hasFirst || m[i] == TargetFirstName
	}
	if hasFirst && !slices.Contains(m, TargetLastName) {
		for i, h := range header {
			if m[i] == TargetName && (foldHeader(h) == "nom" || foldHeader(h) == "name") {
				m[i] = TargetLastName
			}
		}
	}
	return m
}

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

// Records turns the table's rows into import records with the mapping (one
// target per column). A mapping that fills no name is refused with a
// *ValidationError on the field "mapping".
func (t *Table) Records(kind ImportKind, mapping []string) ([]ImportRecord, error) {
	if len(mapping) != len(t.Header) {
		return nil, fmt.Errorf("import mapping: %d targets for %d columns", len(mapping), len(t.Header))
	}
	var v validator
	named := false
	for i, target := range mapping {
		switch target {
		case TargetIgnore, TargetEmail, TargetPhone, TargetAddress, TargetNotes:
		case TargetName:
			named = true
		case TargetFirstName, TargetLastName, TargetCompany:
			named = named || target != TargetCompany
			if kind != ImportContacts {
				v.add(fmt.Sprintf("mapping[%d]", i), "invalid_target", "%s is not a company field", target)
			}
		case TargetVAT, TargetRegistration:
			if kind != ImportCompanies {
				v.add(fmt.Sprintf("mapping[%d]", i), "invalid_target", "%s is not a contact field", target)
			}
		default:
			if !strings.HasPrefix(target, TargetCustomPrefix) {
				v.add(fmt.Sprintf("mapping[%d]", i), "invalid_target", "unknown target %q", target)
			}
		}
	}
	if !named {
		v.add("mapping", "name_unmapped", "no column gives the name")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	out := make([]ImportRecord, 0, len(t.Rows))
	for r, row := range t.Rows {
		out = append(out, t.record(kind, mapping, row, t.Lines[r]))
	}
	return out, nil
}

func (t *Table) record(kind ImportKind, mapping []string, row []string, line int) ImportRecord {
	rec := ImportRecord{Line: line, Column: map[string]int{}}
	var name, first, last, address, notes, company, vat, reg []string
	var emails, phones []string
	custom := map[string]string{}
	seenEmail, seenPhone := map[string]bool{}, map[string]bool{}
	for i, target := range mapping {
		if i >= len(row) || target == TargetIgnore {
			continue
		}
		cell := strings.TrimSpace(row[i])
		if cell == "" {
			continue
		}
		note := func(key string) {
			if _, ok := rec.Column[key]; !ok {
				rec.Column[key] = i
			}
		}
		switch target {
		case TargetName:
			name = append(name, cell)
			note("name")
		case TargetFirstName:
			first = append(first, cell)
			note("name")
		case TargetLastName:
			last = append(last, cell)
			note("name")
		case TargetEmail:
			for _, e := range splitCell(cell, ",;\n") {
				if !seenEmail[strings.ToLower(e)] {
					seenEmail[strings.ToLower(e)] = true
					rec.Column[fmt.Sprintf("emails[%d]", len(emails))] = i
					emails = append(emails, e)
				}
			}
		case TargetPhone:
			for _, p := range splitCell(cell, ";\n") {
				if !seenPhone[strings.ToLower(p)] {
					seenPhone[strings.ToLower(p)] = true
					rec.Column[fmt.Sprintf("phones[%d]", len(phones))] = i
					phones = append(phones, p)
				}
			}
		case TargetCompany:
			company = append(company, cell)
			note("company")
		case TargetAddress:
			address = append(address, cell)
			note("address")
		case TargetNotes:
			notes = append(notes, cell)
			note("notes")
		case TargetVAT:
			vat = append(vat, cell)
			note("vat_number")
		case TargetRegistration:
			reg = append(reg, cell)
			note("registration")
		default:
			key := strings.TrimPrefix(target, TargetCustomPrefix)
			custom[key] = strings.TrimSpace(custom[key] + " " + cell)
			note("custom." + key)
		}
	}
	full := strings.Join(name, " ")
	if full == "" {
		full = strings.Join(append(first, last...), " ")
	}
	if len(custom) == 0 {
		custom = nil
	}
	if kind == ImportCompanies {
		rec.Company = CompanyInput{Name: full, Address: strings.Join(address, ", "), VATNumber: strings.Join(vat, " "),
			Registration: strings.Join(reg, " "), Emails: emails, Phones: phones, Notes: strings.Join(notes, "\n"), Custom: custom}
		return rec
	}
	rec.Contact = ContactInput{Name: full, Emails: emails, Phones: phones, Address: strings.Join(address, ", "),
		Notes: strings.Join(notes, "\n"), Custom: custom}
	rec.CompanyName = strings.Join(company, " ")
	return rec
}

// splitCell splits a cell holding several values: by the separators, and by
// " ::: " as address-book exports write them.
func splitCell(cell, seps string) []string {
	cell = strings.ReplaceAll(cell, ":::", "\n")
	var out []string
	for _, part := range strings.FieldsFunc(cell, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
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
