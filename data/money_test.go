package data_test

import (
	"strings"
	"testing"

	"comptoir/data"
)

func TestParseAmount(t *testing.T) {
	ok := []struct {
		in, cur, lang string
		want          int64
	}{
		// French: spaces (also non-breaking, narrow) or dots group, comma marks decimals.
		{"1234,50", "EUR", "fr", 123450},
		{"1 234,50", "EUR", "fr", 123450},
		{"1\u00a0234,50", "EUR", "fr", 123450},
		{"1\u202f234,5", "EUR", "fr", 123450},
		{"1.234,50", "EUR", "fr", 123450},
		{"1.234.567,8", "EUR", "fr", 123456780},
		{"1.234", "EUR", "fr", 123400},
		{"12 345 678", "EUR", "fr", 1234567800},
		{"1234.5", "EUR", "fr", 123450}, // the plain form
		{"0.5", "EUR", "fr", 50},
		{",5", "EUR", "fr", 50},
		{"-3", "EUR", "fr", -300},
		{"1 234", "JPY", "fr", 1234},
		{"1.234", "JPY", "fr", 1234},
		{"1,234", "KWD", "fr", 1234},
		// English: commas (or spaces) group, dot marks decimals.
		{"1,234.50", "EUR", "en", 123450},
		{"1,234", "EUR", "en", 123400},
		{"1,234,567.89", "USD", "en", 123456789},
		{"1 234.50", "EUR", "en", 123450},
		{"1234.5", "EUR", "en", 123450},
		{"21,10", "EUR", "en", 2110}, // a comma that cannot group is the decimal mark
		{"1,234", "JPY", "en", 1234},
		{"+12", "USD", "en", 1200},
		{"1.234", "KWD", "en", 1234},
		{"  7  ", "EUR", "", 700},
	}
	for _, c := range ok {
		got, err := data.ParseAmount(c.in, c.cur, c.lang)
		if err != nil || got != c.want {
			t.Errorf("ParseAmount(%q, %s, %s) = %d, %v; want %d", c.in, c.cur, c.lang, got, err, c.want)
		}
	}
	bad := []struct {
		in, cur, lang, says string
	}{
		{"1,234.50", "EUR", "fr", "not an amount"}, // English grouping in French
		{"1.234,50", "EUR", "en", "not an amount"}, // French grouping in English
		{"1,234", "EUR", "fr", "more than 2 decimals"},
		{"1.234", "EUR", "en", "more than 2 decimals"},
		{"12,345", "JPY", "fr", "no minor unit"},
		{"1234.5", "JPY", "en", "no minor unit"},
		{"1,5,0", "EUR", "fr", "more than one decimal mark"},
		{"1.2.3", "EUR", "en", "more than one decimal mark"},
		{"12 34,5", "EUR", "fr", "grouped by three"},
		{"1,23,456", "EUR", "en", "grouped by three"},
		{"", "EUR", "fr", "not an amount"},
		{"-", "EUR", "en", "not an amount"},
		{"12a", "EUR", "en", "not an amount"},
		{"1e3", "EUR", "en", "not an amount"},
		{"NaN", "EUR", "fr", "not an amount"},
		{"99999999999999999999", "EUR", "en", "too large"},
		{"5", "XXQ", "en", "unknown currency"},
	}
	for _, c := range bad {
		got, err := data.ParseAmount(c.in, c.cur, c.lang)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("ParseAmount(%q, %s, %s) = %d, %v; want an error saying %q", c.in, c.cur, c.lang, got, err, c.says)
		}
	}
}
