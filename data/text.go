package data

import (
	"path"
	"strings"
	"unicode/utf8"
)

// What comes from outside (a form, a file, an email) is cleaned here, once,
// as it enters: CleanName for every name, title and one-line value
// (people, deals, contacts, companies, products and product lines, stages,
// pipelines, custom fields, subjects), SafeFileName for file names (email
// attachments in and out) and CleanText for free text (comments, notes,
// bodies). None of them refuses anything: a name made only of such
// characters comes out empty, which the validators then refuse as missing.

// hidden reports the characters no name, title or text keeps: controls (C0,
// DEL, C1), the bidirectional formatting characters (the Unicode
// Bidi_Control set: U+061C, U+200E–200F, U+202A–202E, U+2066–2069), which
// can make "Invoice\u202EFDP.exe" read as "InvoiceEXE.PDF", and the
// invisible ones that split or hide words (U+200B zero-width space, U+2060
// word joiner, U+FEFF byte-order mark). Zero-width joiners (U+200C, U+200D)
// stay: scripts and emoji need them.
func hidden(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200b, r == 0x200e, r == 0x200f, r == 0x2060, r == 0xfeff:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// lineBreak reports the characters that end or separate lines (and the
// tabs that separate cells).
func lineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\t', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// CleanName returns s as a one-line name or title: every run of line
// breaks and tabs becomes one space (an employee named "Eve\r\nBcc: x" is
// "Eve Bcc: x"), the other controls, bidirectional formatting characters
// and invisible characters are dropped, invalid UTF-8 is dropped, and the
// result is trimmed.
func CleanName(s string) string {
	if cleanName(s) {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // the last rune written is a space a line break made
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n <= 1:
		case lineBreak(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
		case hidden(r):
		default:
			b.WriteRune(r)
			space = false
		}
	}
	return strings.TrimSpace(b.String())
}

// cleanName reports whether s is already clean, the common case, so that
// cleaning it allocates nothing.
func cleanName(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || hidden(r) || lineBreak(r) {
			return false
		}
	}
	return true
}

// CleanText returns s as free text (a comment, a note, a body): line breaks
// are kept as "\n" (CRLF, CR, U+2028 and U+2029 become "\n"), a tab becomes
// a space, and the other controls, bidirectional formatting characters,
// invisible characters and invalid UTF-8 are dropped. It does not trim.
func CleanText(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || (hidden(r) && r != '\n') || r == 0x2028 || r == 0x2029 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n <= 1:
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			b.WriteByte('\n')
		case r == '\n', r == 0x2028, r == 0x2029:
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case hidden(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxFileName is the longest name SafeFileName returns, in bytes.
const maxFileName = 200

// SafeFileName makes a name safe to save a file under, on any system, and
// to show: its base name only (no folders, "/" or "\"), cleaned as
// CleanName cleans names, without the characters Windows refuses
// (<>:"|?*, made "_"), without leading dots (no hidden files, no "..") or
// trailing dots and spaces, not a device name Windows reserves (CON,
// CONIN$, COM1, LPT¹…, made "_CON"), and at most 200 bytes (cut on a rune
// boundary, keeping the extension). Nothing usable left is "".
func SafeFileName(name string) string {
	name = strings.ReplaceAll(CleanName(name), `\`, "/")
	name = strings.TrimRight(name, "/ ")
	name = path.Base("/" + name) // the leading "/" makes "" and ".." end as "/"
	if name == "/" {
		return ""
	}
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"|?*/`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(name, ". ")
	name = strings.TrimRight(name, ". ")
	if name == "" {
		return ""
	}
	if reservedFileName(name) {
		name = "_" + name
	}
	if len(name) > maxFileName {
		ext := path.Ext(name)
		if len(ext) > 20 || ext == name {
			ext = ""
		}
		name = cutBytes(strings.TrimSuffix(name, ext), maxFileName-len(ext)) + ext
	}
	return name
}

// cutBytes shortens s to at most n bytes without splitting a rune.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// reservedFileName reports the device names Windows will not open as files,
// whatever the extension and case: CON, PRN, AUX, NUL, CONIN$, CONOUT$,
// COM0–9 and LPT0–9, with the superscript digits ¹²³ as well.
func reservedFileName(name string) bool {
	stem := strings.ToUpper(name)
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	stem = strings.TrimRight(stem, " ")
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT") {
		switch stem[3:] {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}
