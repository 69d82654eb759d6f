package formats

import (
	"strings"
	"unicode/utf8"
)

// Formula injection: a spreadsheet opening a CSV file reads a cell that
// starts with "=", "+", "-" or "@" (or a tab, a line break or NUL, which
// some skip first) as a formula, so a deal titled
// =HYPERLINK("http://evil.example/x","Click me") from an email's subject
// would become a live link, or worse. As OWASP recommends, every CSV file
// Comptoir writes puts a "'" before such a cell, which spreadsheets read as
// "this is text" and do not show; numbers stay numbers ("-12.50"). Reading
// a CSV file takes that "'" off again, so an export imports back as it was.

// formulaStart reports the first characters that make a cell a formula,
// with their full-width forms (＝＋－＠), which some spreadsheets accept.
func formulaStart(r rune) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\n', 0, '＝', '＋', '－', '＠':
		return true
	}
	return false
}

// SafeCell returns a cell as it is safe to write in a CSV file: with a
// leading "'" when it would start a formula, unless it is a plain number
// such as "-12.50" or "+5".
func SafeCell(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if s == "" || !formulaStart(r) || plainNumber(s) {
		return s
	}
	return "'" + s
}

// safeRow applies SafeCell to every cell of a row, in place.
func safeRow(row []string) []string {
	for i, c := range row {
		row[i] = SafeCell(c)
	}
	return row
}

// plainNumber reports a decimal number and nothing else: an optional sign,
// digits, and a point or comma followed by digits.
func plainNumber(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	whole, frac, found := strings.Cut(s, ".")
	if !found {
		whole, frac, found = strings.Cut(s, ",")
	}
	return digits(whole) && (!found || digits(frac))
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// unsafeCell undoes SafeCell for a cell read from a CSV file: a "'" before
// a character that starts a formula is taken off.
func unsafeCell(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && rest != "" {
		if r, _ := utf8.DecodeRuneInString(rest); formulaStart(r) {
			return rest
		}
	}
	return s
}
