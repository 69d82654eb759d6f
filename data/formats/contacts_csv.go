package formats

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"comptoir/data"
)

// The contacts and companies CSV reader: a file as spreadsheets and address
// books export it, read into a table, its columns mapped to targets (guessed
// from the headers in English or French), and its rows turned into the
// records data.Store.Import writes.

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
func ImportTargets(kind data.ImportKind, defs []data.FieldDef) []string {
	out := []string{TargetIgnore, TargetName}
	if kind == data.ImportContacts {
		out = append(out, TargetFirstName, TargetLastName)
	}
	out = append(out, TargetEmail, TargetPhone)
	if kind == data.ImportContacts {
		out = append(out, TargetCompany)
	}
	out = append(out, TargetAddress, TargetNotes)
	if kind == data.ImportCompanies {
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
// cells may span lines. Blank rows are skipped. A quote inside a cell
// (Jean "JJ" Dupont) is kept, but a quoted cell that does not close where a
// cell ends (a stray quote, which would swallow the rest of the file into
// one name) refuses the file with a *data.ImportError naming the line the
// quote opened on. A "'" that an export put before a formula character is
// taken off (see SafeCell).
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
	if line, ok := unclosedQuote(text, byte(t.Comma)); ok {
		return nil, &data.ImportError{Lines: []data.LineError{{Line: line, Fields: []data.FieldError{{Field: "file",
			Code: "unclosed_quote", Message: "a quote opens a cell here that does not close where a cell ends; fix the quote and import the file again"}}}}}
	}
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
		for i, c := range rec {
			rec[i] = unsafeCell(c)
		}
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

// unclosedQuote finds a quoted cell that does not end as a quoted cell
// must (a closing quote followed by the separator, a line break or the end
// of the file; "" inside is a quote) and returns the line its opening quote
// is on. Read leniently, such a cell would run on to the next stray quote or
// to the end of the file, taking every line on its way into one value.
// Quotes that do not open a cell (Jean "JJ" Dupont) are left alone.
func unclosedQuote(text string, comma byte) (line int, found bool) {
	line = 1
	start := true // at the start of a cell
	for i := 0; i < len(text); i++ {
		c := text[i]
		if !start || c != '"' {
			switch c {
			case comma:
				start = true
			case '\n':
				line++
				start = true
			default:
				start = false
			}
			continue
		}
		open, closed := line, false
		for i++; i < len(text); i++ {
			switch {
			case text[i] == '\n':
				line++
				continue
			case text[i] != '"':
				continue
			case i+1 < len(text) && text[i+1] == '"': // "" is a quote
				i++
				continue
			}
			// The closing quote: the cell must end right after it.
			if i+1 < len(text) && text[i+1] != comma && text[i+1] != '\n' && text[i+1] != '\r' {
				return open, true
			}
			closed = true
			break
		}
		if !closed {
			return open, true
		}
		start = false
	}
	return 0, false
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
func guessTarget(kind data.ImportKind, h string, defs []data.FieldDef) string {
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
	contacts := kind == data.ImportContacts
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
func GuessMapping(kind data.ImportKind, header []string, defs []data.FieldDef) []string {
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

// Records turns the table's rows into import records with the mapping (one
// target per column). A mapping that fills no name is refused with a
// *data.ValidationError on the field "mapping".
func (t *Table) Records(kind data.ImportKind, mapping []string) ([]data.ImportRecord, error) {
	if len(mapping) != len(t.Header) {
		return nil, fmt.Errorf("import mapping: %d targets for %d columns", len(mapping), len(t.Header))
	}
	var v []data.FieldError
	add := func(field, code, format string, args ...any) {
		v = append(v, data.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	named := false
	for i, target := range mapping {
		switch target {
		case TargetIgnore, TargetEmail, TargetPhone, TargetAddress, TargetNotes:
		case TargetName:
			named = true
		case TargetFirstName, TargetLastName, TargetCompany:
			named = named || target != TargetCompany
			if kind != data.ImportContacts {
				add(fmt.Sprintf("mapping[%d]", i), "invalid_target", "%s is not a company field", target)
			}
		case TargetVAT, TargetRegistration:
			if kind != data.ImportCompanies {
				add(fmt.Sprintf("mapping[%d]", i), "invalid_target", "%s is not a contact field", target)
			}
		default:
			if !strings.HasPrefix(target, TargetCustomPrefix) {
				add(fmt.Sprintf("mapping[%d]", i), "invalid_target", "unknown target %q", target)
			}
		}
	}
	if !named {
		add("mapping", "name_unmapped", "no column gives the name")
	}
	if len(v) > 0 {
		return nil, &data.ValidationError{Fields: v}
	}
	out := make([]data.ImportRecord, 0, len(t.Rows))
	for r, row := range t.Rows {
		out = append(out, t.record(kind, mapping, row, t.Lines[r]))
	}
	return out, nil
}

func (t *Table) record(kind data.ImportKind, mapping []string, row []string, line int) data.ImportRecord {
	rec := data.ImportRecord{Line: line, Column: map[string]int{}}
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
	if kind == data.ImportCompanies {
		rec.Company = data.CompanyInput{Name: full, Address: strings.Join(address, ", "), VATNumber: strings.Join(vat, " "),
			Registration: strings.Join(reg, " "), Emails: emails, Phones: phones, Notes: strings.Join(notes, "\n"), Custom: custom}
		return rec
	}
	rec.Contact = data.ContactInput{Name: full, Emails: emails, Phones: phones, Address: strings.Join(address, ", "),
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
