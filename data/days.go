package data

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ParseDay reads a calendar day as a person types it and returns it as
// YYYY-MM-DD. ISO (2026-11-01) is read in every language; French also reads
// its own order, 01/11/2026 (or 1/11/2026, 01.11.2026, 01-11-2026) and
// "1 nov. 2026" or "1 novembre 2026"; English reads "Nov 1, 2026",
// "November 1, 2026" and "1 November 2026". English numbers with slashes are
// refused: 11/01/2026 is the 11th of January in Britain and the 1st of
// November in America.
func ParseDay(s, language string) (string, error) {
	t := strings.TrimSpace(s)
	if d, err := time.Parse(time.DateOnly, t); err == nil {
		return d.Format(time.DateOnly), nil
	}
	fr := language == "fr"
	if parts := strings.FieldsFunc(t, func(r rune) bool { return r == '/' || r == '.' || r == '-' }); len(parts) == 3 && allDigitParts(parts) {
		if !fr {
			return "", fmt.Errorf("%q could be read two ways: type the day as 2026-11-01 or Nov 1, 2026", s)
		}
		return dayOf(s, parts[2], parts[1], parts[0])
	}
	words := strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return unicode.IsSpace(r) || r == ',' })
	if len(words) == 3 {
		if m := monthNumber(words[1]); m != 0 && allDigitParts([]string{words[0], words[2]}) {
			return dayOf(s, words[2], strconv.Itoa(m), words[0]) // 1 November 2026, 1 nov. 2026
		}
		if m := monthNumber(words[0]); m != 0 && !fr && allDigitParts([]string{words[1], words[2]}) {
			return dayOf(s, words[2], strconv.Itoa(m), words[1]) // November 1, 2026
		}
	}
	if fr {
		return "", fmt.Errorf("%q is not a date: type it as 01/11/2026 or 2026-11-01", s)
	}
	return "", fmt.Errorf("%q is not a date: type it as Nov 1, 2026 or 2026-11-01", s)
}

func allDigitParts(parts []string) bool {
	for _, p := range parts {
		if p == "" || !allDigits(p) {
			return false
		}
	}
	return true
}

// dayOf checks a day given as year, month and day numbers.
func dayOf(s, year, month, day string) (string, error) {
	y, _ := strconv.Atoi(year)
	m, _ := strconv.Atoi(month)
	d, _ := strconv.Atoi(day)
	if len(year) != 4 {
		return "", fmt.Errorf("%q is not a date: write the year with four digits", s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || d < 1 || t.Day() != d {
		return "", fmt.Errorf("%q is not a day of the calendar", s)
	}
	return t.Format(time.DateOnly), nil
}

// monthNumber reads a month's name or abbreviation, French or English,
// with or without accents and a final dot; 0 when it is none.
func monthNumber(w string) int {
	w = strings.TrimSuffix(w, ".")
	w = strings.NewReplacer("é", "e", "è", "e", "û", "u", "ô", "o").Replace(w)
	names := [][]string{
		{"january", "jan", "janvier", "janv"},
		{"february", "feb", "fevrier", "fevr", "fev"},
		{"march", "mar", "mars"},
		{"april", "apr", "avril", "avr"},
		{"may", "mai"},
		{"june", "jun", "juin"},
		{"july", "jul", "juillet", "juil"},
		{"august", "aug", "aout"},
		{"september", "sep", "sept", "septembre"},
		{"october", "oct", "octobre"},
		{"november", "nov", "novembre"},
		{"december", "dec", "decembre"},
	}
	for i, ns := range names {
		for _, n := range ns {
			if w == n {
				return i + 1
			}
		}
	}
	return 0
}
