package parse

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
)

// cp1252High maps the bytes 0x80–0x9F of windows-1252 to runes. Undefined
// positions keep their Latin-1 (C1 control) value, as browsers do.
var cp1252High = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

// cp1252Rune decodes one windows-1252 byte.
func cp1252Rune(b byte) rune {
	if b >= 0x80 && b <= 0x9F {
		return cp1252High[b-0x80]
	}
	return rune(b)
}

// decodeCP1252 decodes windows-1252 bytes (a superset of the printable
// Latin-1 range) to UTF-8.
func decodeCP1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		if c < utf8.RuneSelf {
			sb.WriteByte(c)
		} else {
			sb.WriteRune(cp1252Rune(c))
		}
	}
	return sb.String()
}

// fixUTF8 returns b as a string, decoding every byte that is not part of a
// valid UTF-8 sequence as windows-1252. Mail that mixes UTF-8 with legacy
// 8-bit text is common enough that the mix is worth rescuing.
func fixUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			sb.WriteRune(cp1252Rune(b[0]))
			b = b[1:]
			continue
		}
		sb.Write(b[:size])
		b = b[size:]
	}
	return sb.String()
}

// hasMultiByteUTF8 reports whether b is valid UTF-8 with at least one
// non-ASCII sequence.
func hasMultiByteUTF8(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// normCharset lower-cases a charset label, drops quotes and RFC 2231
// language suffixes, and maps the aliases the charset package misses.
func normCharset(label string) string {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"' `))
	if i := strings.IndexByte(l, '*'); i >= 0 { // RFC 2231 language: utf-8*en
		l = l[:i]
	}
	switch l {
	case "utf8", "utf-8", "x-utf-8", "unicode-1-1-utf-8":
		return "utf-8"
	case "cp932", "ms932", "x-ms-cp932":
		return "windows-31j"
	case "ks_c_5601", "ks_c_5601-1987", "ksc5601", "ks_c_5601_1987", "cp949":
		return "euc-kr"
	case "x-euc-jp":
		return "euc-jp"
	case "x-sjis", "shift-jis", "sjis", "x-shift_jis", "ms_kanji":
		return "shift_jis"
	}
	return l
}

// isWestern reports whether a charset label is one of those that real mail
// abuses for windows-1252 content.
func isWestern(l string) bool {
	switch l {
	case "", "us-ascii", "ascii", "ansi_x3.4-1968", "iso-8859-1", "iso8859-1", "iso_8859-1",
		"iso_8859-1:1987", "latin1", "latin-1", "l1", "cp819", "ibm819", "iso-ir-100",
		"windows-1252", "cp1252", "x-cp1252", "cp-1252":
		return true
	}
	return false
}

// decoder converts text to UTF-8 and remembers unknown charsets.
type decoder struct {
	unknown []string
}

// noteUnknown records an unknown charset label once.
func (d *decoder) noteUnknown(label string) {
	for _, u := range d.unknown {
		if u == label {
			return
		}
	}
	d.unknown = append(d.unknown, label)
}

// decode converts b from the labelled charset to UTF-8. It never fails:
// unknown charsets keep the bytes (UTF-8 when valid, else windows-1252) and
// are recorded.
func (d *decoder) decode(b []byte, label string) string {
	l := normCharset(label)
	switch {
	case l == "utf-8":
		return fixUTF8(b)
	case isWestern(l):
		// Mislabelled UTF-8 is far more common than Latin-1 text that
		// happens to form valid multi-byte UTF-8 sequences.
		if utf8.Valid(b) {
			return string(b)
		}
		return decodeCP1252(b)
	}
	if isASCII(b) && !bytes.Contains(b, []byte{0x1b}) && !strings.Contains(l, "utf-16") &&
		!strings.Contains(l, "utf-32") && !strings.Contains(l, "utf-7") {
		// Plain ASCII reads the same in every ASCII-compatible charset;
		// skipping the decoder is faster and spares unknown labels.
		if _, err := charset.Reader(l, bytes.NewReader(nil)); err != nil {
			d.noteUnknown(l)
		}
		return string(b)
	}
	r, err := charset.Reader(l, bytes.NewReader(b))
	if err != nil {
		d.noteUnknown(l)
		return fixUTF8(b)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		d.noteUnknown(l)
		return fixUTF8(b)
	}
	return fixUTF8(out)
}

// isASCII reports whether b holds only 7-bit bytes.
func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// charsetReader is the CharsetReader given to the RFC 2047 word decoder.
// It reads Western labels as windows-1252 and never returns an error, so an
// encoded word in an unknown charset still yields its bytes.
func (d *decoder) charsetReader(label string, input io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	return strings.NewReader(d.decode(b, label)), nil
}
