package formats

import (
	"bytes"
	"fmt"
	"io"
	"mime/quotedprintable"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-vcard"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"

	"comptoir/data"
)

// ReadVCards reads a .vcf file holding one or many cards, as phones and
// address books export them, into contact records: FN (else N, else ORG)
// gives the name, every EMAIL and TEL is kept, ORG names the company, the
// first ADR is the address and NOTE the notes. vCard 2.1 quirks from older
// phones are undone before parsing: bare type parameters (TEL;CELL:…),
// quoted-printable values with soft line breaks, CHARSET parameters and
// files in Windows-1252. Photos and other binary values are skipped. A card
// that cannot be read is reported with its line; the others are returned.
func ReadVCards(r io.Reader) ([]data.ImportRecord, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read vcard: %w", err)
	}
	if len(raw) > maxImportBytes {
		return nil, fmt.Errorf("read vcard: file larger than %d MB", maxImportBytes>>20)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
	var out []data.ImportRecord
	var bad []data.LineError
	for _, c := range splitCards(raw) {
		card, err := vcard.NewDecoder(strings.NewReader(c.text)).Decode()
		if err != nil {
			bad = append(bad, data.LineError{Line: c.line, Fields: []data.FieldError{{Field: "card", Code: "invalid_vcard", Message: err.Error()}}})
			continue
		}
		out = append(out, data.ImportRecord{Line: c.line, Contact: cardContact(card), CompanyName: cardCompany(card)})
	}
	if len(out) == 0 && len(bad) == 0 {
		return nil, fmt.Errorf("read vcard: no card in the file")
	}
	if len(bad) > 0 {
		return out, &data.ImportError{Lines: bad}
	}
	return out, nil
}

type rawCard struct {
	line int // the BEGIN:VCARD line
	text string
}

// splitCards unfolds the file's lines, cleans each property into the form
// go-vcard reads (UTF-8, escaped, vCard 3.0 parameters) and groups them by
// card.
func splitCards(raw []byte) []rawCard {
	phys := strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n")
	var cards []rawCard
	var cur *strings.Builder
	start := 0
	var buf []byte // a folded line, joined in place: linear however many folds
	for i := 0; i < len(phys); i++ {
		line, lineNo := phys[i], i+1
		// RFC folding: a line starting with a space or tab continues the
		// previous one.
		if folded(phys, i) {
			buf = append(buf[:0], line...)
			for folded(phys, i) {
				i++
				buf = append(buf, phys[i][1:]...)
			}
			line = string(buf)
		}
		// Quoted-printable soft line breaks: a value ending with "="
		// continues on the next line, as is.
		if isQuotedPrintable(line) && strings.HasSuffix(line, "=") && i+1 < len(phys) {
			buf = append(buf[:0], line...)
			for bytes.HasSuffix(buf, []byte("=")) && i+1 < len(phys) {
				i++
				buf = append(buf[:len(buf)-1], strings.TrimLeft(phys[i], " \t")...)
			}
			line = string(buf)
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		head, _, _ := strings.Cut(line, ":")
		switch strings.ToUpper(strings.TrimSpace(head)) {
		case "BEGIN":
			cur, start = &strings.Builder{}, lineNo
			cur.WriteString("BEGIN:VCARD\r\n")
			continue
		case "END":
			if cur != nil {
				cur.WriteString("END:VCARD\r\n")
				cards = append(cards, rawCard{line: start, text: cur.String()})
				cur = nil
			}
			continue
		}
		if cur == nil {
			continue
		}
		if clean, ok := cleanVCardLine(line); ok {
			cur.WriteString(clean)
			cur.WriteString("\r\n")
		}
	}
	if cur != nil { // a card without END: keep what it has
		cur.WriteString("END:VCARD\r\n")
		cards = append(cards, rawCard{line: start, text: cur.String()})
	}
	return cards
}

// folded reports whether the line after phys[i] continues it (RFC 6350
// folding: it starts with a space or a tab).
func folded(phys []string, i int) bool {
	return i+1 < len(phys) && len(phys[i+1]) > 0 && (phys[i+1][0] == ' ' || phys[i+1][0] == '\t')
}

func isQuotedPrintable(line string) bool {
	head, _, ok := strings.Cut(line, ":")
	return ok && strings.Contains(strings.ToUpper(head), "QUOTED-PRINTABLE")
}

// skippedProps are binary or irrelevant properties, dropped before parsing.
var skippedProps = map[string]bool{"PHOTO": true, "LOGO": true, "SOUND": true, "KEY": true}

// cleanVCardLine rewrites one unfolded property line: bare 2.1 parameters
// become TYPE=…, a quoted-printable and/or CHARSET value is decoded to UTF-8,
// and raw line breaks in the value are escaped.
func cleanVCardLine(line string) (string, bool) {
	head, value, ok := cutOutsideQuotes(line, ':')
	if !ok {
		return "", false
	}
	parts := strings.Split(head, ";")
	name := parts[0]
	prop := strings.ToUpper(name)
	if i := strings.LastIndexByte(prop, '.'); i >= 0 {
		prop = prop[i+1:]
	}
	if skippedProps[prop] {
		return "", false
	}
	params := []string{name}
	qp, charset := false, ""
	for _, p := range parts[1:] {
		k, v, hasValue := strings.Cut(p, "=")
		K := strings.ToUpper(strings.TrimSpace(k))
		switch {
		case !hasValue && K == "QUOTED-PRINTABLE", K == "ENCODING" && strings.EqualFold(v, "QUOTED-PRINTABLE"):
			qp = true
		case !hasValue && (K == "BASE64" || K == "B"), K == "ENCODING":
			return "", false // binary data
		case K == "CHARSET":
			charset = strings.Trim(v, `"`)
		case !hasValue:
			if K != "" {
				params = append(params, "TYPE="+K)
			}
		default:
			params = append(params, p)
		}
	}
	b := []byte(value)
	if qp {
		if dec, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(value))); err == nil {
			b = dec
		}
	}
	value = toUTF8(b, charset)
	value = strings.ReplaceAll(strings.ReplaceAll(value, "\r\n", "\n"), "\n", `\n`)
	return strings.Join(params, ";") + ":" + value, true
}

// cutOutsideQuotes cuts s at the first sep not inside double quotes.
func cutOutsideQuotes(s string, sep byte) (before, after string, found bool) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case sep:
			if !quoted {
				return s[:i], s[i+1:], true
			}
		}
	}
	return s, "", false
}

// toUTF8 decodes b from the named charset; without one, invalid UTF-8 is
// read as Windows-1252.
func toUTF8(b []byte, charset string) string {
	if charset != "" && !strings.EqualFold(charset, "UTF-8") {
		if enc, err := ianaindex.IANA.Encoding(charset); err == nil && enc != nil {
			if out, err := enc.NewDecoder().Bytes(b); err == nil {
				return string(out)
			}
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	if out, err := charmap.Windows1252.NewDecoder().Bytes(b); err == nil {
		return string(out)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// unescapeComponent undoes the escapes go-vcard leaves in structured values.
func unescapeComponent(s string) string {
	s = strings.ReplaceAll(s, `\;`, ";")
	return strings.TrimSpace(strings.TrimSuffix(s, `\`))
}

func cardContact(c vcard.Card) data.ContactInput {
	in := data.ContactInput{}
	in.Name = strings.TrimSpace(c.PreferredValue(vcard.FieldFormattedName))
	if in.Name == "" {
		if n := c.Name(); n != nil {
			var parts []string
			for _, p := range []string{n.HonorificPrefix, n.GivenName, n.AdditionalName, n.FamilyName, n.HonorificSuffix} {
				if p = unescapeComponent(p); p != "" {
					parts = append(parts, p)
				}
			}
			in.Name = strings.Join(parts, " ")
		}
	}
	if in.Name == "" {
		in.Name = cardCompany(c)
	}
	for _, e := range c.Values(vcard.FieldEmail) {
		if e = strings.TrimSpace(strings.TrimPrefix(e, "mailto:")); e != "" {
			in.Emails = append(in.Emails, e)
		}
	}
	for _, t := range c.Values(vcard.FieldTelephone) {
		if t = strings.TrimSpace(strings.TrimPrefix(t, "tel:")); t != "" {
			in.Phones = append(in.Phones, t)
		}
	}
	if a := c.Address(); a != nil {
		in.Address = vcardAddress(a)
	}
	in.Notes = strings.TrimSpace(strings.Join(c.Values(vcard.FieldNote), "\n"))
	return in
}

// vcardAddress writes an ADR on one line: "street, postcode city, region,
// country".
func vcardAddress(a *vcard.Address) string {
	var parts []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	add(unescapeComponent(a.PostOfficeBox))
	add(unescapeComponent(a.StreetAddress))
	add(unescapeComponent(a.ExtendedAddress))
	add(strings.TrimSpace(unescapeComponent(a.PostalCode) + " " + unescapeComponent(a.Locality)))
	add(unescapeComponent(a.Region))
	add(unescapeComponent(a.Country))
	return strings.ReplaceAll(strings.Join(parts, ", "), "\n", ", ")
}

func cardCompany(c vcard.Card) string {
	org := c.PreferredValue(vcard.FieldOrganization)
	name, _, _ := strings.Cut(org, ";")
	return unescapeComponent(name)
}
