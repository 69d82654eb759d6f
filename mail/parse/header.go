package parse

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"comptoir/data"
	"github.com/emersion/go-message/textproto"
)

// splitMessage separates the header block from the body and parses the
// header fields leniently: an mbox "From " line is skipped, a line that is
// neither a field nor a continuation ends the header (and is reported), and
// LF-only line endings are accepted.
func splitMessage(raw []byte) (h textproto.Header, body []byte, err error) {
	rest := raw
	first := true
	var cur []byte // current field, unfolded
	var fields [][2]string
	flush := func() {
		if cur == nil {
			return
		}
		i := bytes.IndexByte(cur, ':')
		key := strings.TrimSpace(string(cur[:i]))
		val := strings.TrimSpace(string(cur[i+1:]))
		fields = append(fields, [2]string{key, val})
		cur = nil
	}
	// textproto.Header.Add prepends: add bottom-up so that Get returns
	// the first field in the message and Values keeps message order.
	defer func() {
		for i := len(fields) - 1; i >= 0; i-- {
			h.Add(fields[i][0], fields[i][1])
		}
		if len(fields) == 0 && err == nil {
			err = fmt.Errorf("header: no header fields")
		}
	}()
	for len(rest) > 0 {
		line, next := cutLine(rest)
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 { // blank line: end of header
			flush()
			return h, next, err
		}
		if first && bytes.HasPrefix(trimmed, []byte("From ")) && !isFieldLine(trimmed) {
			first = false
			rest = next
			continue
		}
		first = false
		if trimmed[0] == ' ' || trimmed[0] == '\t' {
			if cur != nil {
				cur = append(cur, ' ')
				cur = append(cur, bytes.TrimLeft(trimmed, " \t")...)
				rest = next
				continue
			}
			// A continuation with nothing to continue: ignore it.
			err = fmt.Errorf("header: continuation line without field")
			rest = next
			continue
		}
		if !isFieldLine(trimmed) {
			flush()
			if len(fields) == 0 {
				return h, raw, fmt.Errorf("header: no header fields")
			}
			return h, rest, fmt.Errorf("header: malformed line %q", truncateForError(trimmed))
		}
		flush()
		cur = append([]byte(nil), trimmed...)
		rest = next
	}
	flush()
	return h, nil, err
}

// cutLine returns the first line of b including its line ending, and the rest.
func cutLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1], b[i+1:]
	}
	return b, nil
}

// isFieldLine reports whether line starts with a header field name and a
// colon. Trailing spaces between the name and the colon are tolerated.
func isFieldLine(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	name := bytes.TrimRight(line[:i], " \t")
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// truncateForError shortens a byte string for an error message.
func truncateForError(b []byte) string {
	if len(b) > 60 {
		b = b[:60]
	}
	return fixUTF8(b)
}

// westernWordRE finds the charset of RFC 2047 encoded words whose label must
// be read differently from what the standard library does.
var westernWordRE = regexp.MustCompile(`(?i)=\?(iso-8859-1|us-ascii|utf-8)((?:\*[a-z0-9-]*)?\?[bq]\?)`)

// headerText decodes a header value: raw 8-bit bytes (charset hint, else
// UTF-8, else windows-1252), then RFC 2047 encoded words. Western labels in
// encoded words are read as windows-1252, so "=?iso-8859-1?q?=80?=" is "€".
func (d *decoder) headerText(v, hint string) string {
	v = d.rawHeader(v, hint)
	if !strings.Contains(v, "=?") {
		return v
	}
	v = westernWordRE.ReplaceAllStringFunc(v, func(m string) string {
		sub := westernWordRE.FindStringSubmatch(m)
		label := "windows-1252"
		if strings.EqualFold(sub[1], "utf-8") {
			label = "utf8" // routed through the CharsetReader, which repairs bad bytes
		}
		return "=?" + label + sub[2]
	})
	wd := mime.WordDecoder{CharsetReader: d.charsetReader}
	out, err := wd.DecodeHeader(v)
	if err != nil {
		return v
	}
	return strings.ToValidUTF8(out, "\uFFFD")
}

// rawHeader converts a header value carrying raw 8-bit (or ISO-2022-JP
// escape) bytes to UTF-8, using the body charset as a hint.
func (d *decoder) rawHeader(v, hint string) string {
	if strings.Contains(v, "\x1b$") || strings.Contains(v, "\x1b(") {
		return d.decode([]byte(v), "iso-2022-jp")
	}
	if utf8.ValidString(v) {
		return v
	}
	if hint != "" && !isWestern(normCharset(hint)) && normCharset(hint) != "utf-8" {
		sub := &decoder{}
		out := sub.decode([]byte(v), hint)
		if len(sub.unknown) == 0 {
			return out
		}
	}
	return fixUTF8([]byte(v))
}

// angleRE matches one <id> token.
var angleRE = regexp.MustCompile(`<([^<>]*)>`)

// msgIDs returns the message identifiers in a header value, without angle
// brackets. Values without brackets are split on whitespace and commas.
// Only what RFC 5322's grammar allows is kept (data.ValidMessageID): an ID
// holding a line break, a space or thousands of characters is dropped, so
// that it is never stored, matched nor written back into a reply's headers.
func msgIDs(v string) []string {
	var ids []string
	if ms := angleRE.FindAllStringSubmatch(v, -1); len(ms) > 0 {
		for _, m := range ms {
			if id := strings.TrimSpace(m[1]); data.ValidMessageID(id) {
				ids = append(ids, id)
			}
		}
		return ids
	}
	for _, f := range strings.FieldsFunc(v, func(r rune) bool {
		return r == ' ' || r == '\t' || r == ',' || r == '\r' || r == '\n'
	}) {
		if f = strings.Trim(f, "<>"); data.ValidMessageID(f) {
			ids = append(ids, f)
		}
	}
	return ids
}

// firstID returns the first valid message identifier of a header value.
func firstID(v string) string {
	if ids := msgIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// emailRE finds something that looks like an address in malformed lists.
var emailRE = regexp.MustCompile(`[^\s<>,;:"'()\[\]]+@[^\s<>,;:"'()\[\]]+`)

// addresses parses an address list leniently. When the list does not parse,
// every anything@thing is extracted, with the text around it as the name.
func (d *decoder) addresses(v, hint string) []data.Address {
	v = strings.TrimSpace(d.rawHeader(v, hint))
	if v == "" {
		return nil
	}
	p := mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: d.charsetReader}}
	if list, err := p.ParseList(v); err == nil {
		out := make([]data.Address, 0, len(list))
		for _, a := range list {
			name := strings.TrimSpace(a.Name)
			if strings.Contains(name, "=?") {
				name = d.headerText(name, hint)
			}
			out = append(out, data.Address{Name: name, Email: strings.TrimSpace(a.Address)})
		}
		return out
	}
	var out []data.Address
	for _, chunk := range splitAddressList(v) {
		m := emailRE.FindStringIndex(chunk)
		if m == nil {
			continue
		}
		email := strings.Trim(chunk[m[0]:m[1]], ".")
		name := chunk[:m[0]] + " " + chunk[m[1]:]
		name = strings.NewReplacer("<", " ", ">", " ").Replace(name)
		name = strings.Trim(strings.Join(strings.Fields(name), " "), `"' `)
		if name != "" {
			name = d.headerText(name, hint)
		}
		out = append(out, data.Address{Name: name, Email: email})
	}
	return out
}

// splitAddressList splits an address list on commas and semicolons outside
// quoted strings and angle brackets.
func splitAddressList(v string) []string {
	var parts []string
	var quoted bool
	depth := 0
	start := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == '<' && !quoted:
			depth++
		case c == '>' && !quoted && depth > 0:
			depth--
		case (c == ',' || c == ';') && !quoted && depth == 0:
			parts = append(parts, v[start:i])
			start = i + 1
		}
	}
	return append(parts, v[start:])
}

// commentRE matches parenthesised comments in dates.
var commentRE = regexp.MustCompile(`\([^()]*\)`)

// dateLayouts are tried, in order, after net/mail's own parser gave up.
var dateLayouts = []string{
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700 MST",
	"2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04",
	"2 Jan 06 15:04:05 -0700",
	"2 Jan 06 15:04:05 MST",
	"2 Jan 06 15:04:05",
	"2 January 2006 15:04:05 -0700",
	"2 January 2006 15:04:05",
	"Jan 2 15:04:05 2006",
	"Jan 2 15:04:05 MST 2006",
	"Jan 2 15:04:05 -0700 2006",
	"Jan 2 2006 15:04:05 -0700",
	"Jan 2 2006 15:04:05",
	"January 2, 2006 15:04:05 -0700",
	"January 2, 2006 3:04 PM",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02",
	"02.01.2006 15:04:05 -0700",
	"2 Jan 2006",
}

// weekdayRE matches a leading day name, with or without a comma.
var weekdayRE = regexp.MustCompile(`(?i)^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*`)

// parseDate reads a Date header leniently and returns it in UTC; zero when
// unreadable or absurd.
func parseDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(v); err == nil {
		return saneDate(t)
	}
	s := commentRE.ReplaceAllString(v, " ")
	s = weekdayRE.ReplaceAllString(strings.TrimSpace(s), "")
	s = strings.NewReplacer(",", " ", "  ", " ").Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	// "+0100 CET" and "GMT+0100": keep the numeric offset.
	s = strings.Replace(s, "GMT+", "+", 1)
	s = strings.Replace(s, "UTC+", "+", 1)
	s = strings.Replace(s, "GMT-", "-", 1)
	s = strings.Replace(s, "UT ", "UTC ", 1)
	if t, err := mail.ParseDate(s); err == nil {
		return saneDate(t)
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return saneDate(t)
		}
	}
	// Drop a trailing zone name after a numeric offset or a time.
	if f := strings.Fields(s); len(f) > 1 {
		s2 := strings.Join(f[:len(f)-1], " ")
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, s2); err == nil {
				return saneDate(t)
			}
		}
	}
	return time.Time{}
}

// saneDate converts to UTC and rejects years no mail was ever sent in.
func saneDate(t time.Time) time.Time {
	t = t.UTC()
	if t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}
	}
	return t
}

// parseParams parses a Content-Type or Content-Disposition value leniently:
// the lower-cased value before the first ';', and its parameters with RFC
// 2231 continuations and charsets, and RFC 2047 words (a common violation)
// decoded.
func (d *decoder) parseParams(v, hint string) (string, map[string]string) {
	value, rest, _ := strings.Cut(v, ";")
	value = strings.ToLower(strings.Trim(strings.TrimSpace(value), `"`))
	params := map[string]string{}
	type piece struct {
		n       int
		val     string
		encoded bool
	}
	pieces := map[string][]piece{}
	for _, kv := range splitParams(rest) {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = unquote(val[1 : len(val)-1])
		} else if val != "" && val[0] == '"' {
			val = unquote(val[1:])
		}
		if k == "" {
			continue
		}
		encoded := strings.HasSuffix(k, "*")
		k = strings.TrimSuffix(k, "*")
		n := -1
		if base, num, ok := strings.Cut(k, "*"); ok {
			if i, err := strconv.Atoi(num); err == nil && i >= 0 && i < 1000 {
				k, n = base, i
			}
		}
		if n < 0 {
			if encoded {
				pieces[k] = []piece{{0, val, true}}
			} else if _, seen := params[k]; !seen {
				params[k] = val
			}
			continue
		}
		pieces[k] = append(pieces[k], piece{n, val, encoded})
	}
	for k, ps := range pieces {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].n < ps[j].n })
		var cs string
		var buf []byte
		for i, p := range ps {
			val := p.val
			if p.encoded && i == 0 {
				if parts := strings.SplitN(val, "'", 3); len(parts) == 3 {
					cs, val = parts[0], parts[2]
				}
			}
			if p.encoded {
				buf = append(buf, percentDecode(val)...)
			} else {
				buf = append(buf, val...)
			}
		}
		if cs == "" {
			cs = hint
		}
		params[k] = d.decode(buf, cs)
	}
	for k, val := range params {
		params[k] = d.headerText(val, hint)
	}
	return value, params
}

// splitParams splits a parameter list on ';' outside quoted strings.
func splitParams(s string) []string {
	var out []string
	quoted := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// unquote removes backslash escapes from a quoted-string body.
func unquote(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// percentDecode decodes RFC 2231 %XX escapes, keeping malformed ones.
func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
