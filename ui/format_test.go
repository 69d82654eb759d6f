package ui

import "testing"

// The screens write money through data/locale (whose tests hold the
// formats); an amount without a currency is in the default one.
func TestFormatMoney(t *testing.T) {
	cases := []struct {
		minor      int64
		code, lang string
		want       string
	}{
		{123450, "EUR", "fr", "1\u202f234,50\u00a0€"},
		{123450, "EUR", "en", "€1,234.50"},
		{123450, "", "en", "€1,234.50"},
		{-5, "EUR", "en", "-€0.05"},
		{100000000, "USD", "en", "$1,000,000.00"},
		{1234, "JPY", "fr", "1\u202f234\u00a0¥"},
		{0, "EUR", "fr", "0,00\u00a0€"},
		{999, "XYZ", "en", "XYZ\u00a09.99"},
	}
	for _, c := range cases {
		if got := formatMoney(c.minor, c.code, c.lang); got != c.want {
			t.Errorf("formatMoney(%d, %s, %s) = %q, want %q", c.minor, c.code, c.lang, got, c.want)
		}
	}
	if got := formatMoneyShort(123456, "EUR", "en"); got != "€1,234" {
		t.Errorf("short = %q", got)
	}
	if got := formatMoneyShort(123456, "EUR", "fr"); got != "1\u202f234\u00a0€" {
		t.Errorf("short fr = %q", got)
	}
	for in, want := range map[string]int64{"1 234,50": 123450, "1234.5": 123450, "1,234.50": 123450, "": 0, "12": 1200} {
		got, err := parseAmountInput(in, "EUR", "en")
		if err != nil || got != want {
			t.Errorf("parseAmountInput(%q, en) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func TestParseAmountInputWithSeparators(t *testing.T) {
	for _, c := range []struct {
		in, code, lang string
		want           int64
	}{
		{"1.234,50", "EUR", "fr", 123450},
		{"1\u202f234,50", "EUR", "fr", 123450},
		{"1234.5", "EUR", "fr", 123450},
		{"1,234.50", "EUR", "en", 123450},
		{"1,234", "EUR", "en", 123400},
		{"1,234", "JPY", "en", 1234},
		{"1 234", "JPY", "fr", 1234},
		{"", "EUR", "fr", 0},
	} {
		got, err := parseAmountInput(c.in, c.code, c.lang)
		if err != nil || got != c.want {
			t.Errorf("parseAmountInput(%q, %s, %s) = %d, %v; want %d", c.in, c.code, c.lang, got, err, c.want)
		}
	}
	if _, err := parseAmountInput("1,234.50", "EUR", "fr"); err == nil {
		t.Error("English grouping accepted in French")
	}
	if _, err := parseAmountInput("12.345", "EUR", "en"); err == nil {
		t.Error("three decimals accepted for EUR")
	}
}
