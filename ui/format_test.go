package ui

import "testing"

func TestFormatMoney(t *testing.T) {
	cases := []struct {
		minor      int64
		code, lang string
		want       string
	}{
		{123450, "EUR", "fr", "1\u00a0234,50\u00a0€"},
		{123450, "EUR", "en", "€1,234.50"},
		{-5, "EUR", "en", "-€0.05"},
		{100000000, "USD", "en", "$1,000,000.00"},
		{1234, "JPY", "fr", "1\u00a0234\u00a0¥"},
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
	if got := formatMoneyShort(123456, "EUR", "fr"); got != "1\u00a0234\u00a0€" {
		t.Errorf("short fr = %q", got)
	}
	for in, want := range map[string]int64{"1 234,50": 123450, "1234.5": 123450, "1,234.50": 123450, "": 0, "12": 1200} {
		got, err := parseMoneyInput(in, "EUR")
		if err != nil || got != want {
			t.Errorf("parseMoneyInput(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}
