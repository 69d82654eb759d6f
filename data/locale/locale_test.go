package locale

import (
	"testing"
	"time"
)

func TestMoney(t *testing.T) {
	t.Parallel()
	fr, en := New("fr", time.UTC), New("en", time.UTC)
	for _, c := range []struct {
		l     Locale
		minor int64
		code  string
		want  string
	}{
		{fr, 123450, "EUR", "1\u202f234,50\u00a0€"},
		{en, 123450, "EUR", "€1,234.50"},
		{fr, -5, "EUR", "-0,05\u00a0€"},
		{en, -5, "EUR", "-€0.05"},
		{en, 100000000, "USD", "$1,000,000.00"},
		{fr, 100000000, "USD", "1\u202f000\u202f000,00\u00a0$"},
		{fr, 1234, "JPY", "1\u202f234\u00a0¥"},
		{en, 1234, "JPY", "¥1,234"},
		{fr, 123405, "CHF", "1\u202f234,05\u00a0CHF"},
		{en, 123405, "CHF", "CHF\u00a01,234.05"},
		{en, -123405, "CHF", "-CHF\u00a01,234.05"},
		{fr, 99, "GBP", "0,99\u00a0£"},
		{en, 99, "GBP", "£0.99"},
		{en, 1500, "KWD", "KWD\u00a01.500"},
		{en, 1000, "CAD", "CA$10.00"},
		{en, 1000, "CNY", "CN¥10.00"},
		{fr, 0, "EUR", "0,00\u00a0€"},
		{en, 999, "XYZ", "XYZ\u00a09.99"},
		{en, -9223372036854775808, "EUR", "-€92,233,720,368,547,758.08"},
	} {
		if got := c.l.Money(c.minor, c.code); got != c.want {
			t.Errorf("%s Money(%d, %s) = %q, want %q", c.l.Language(), c.minor, c.code, got, c.want)
		}
	}
	if got := en.MoneyWhole(123456, "EUR"); got != "€1,234" {
		t.Errorf("MoneyWhole en = %q", got)
	}
	if got := fr.MoneyWhole(123456, "EUR"); got != "1\u202f234\u00a0€" {
		t.Errorf("MoneyWhole fr = %q", got)
	}
	if got := fr.MoneyWhole(-123456, "JPY"); got != "-123\u202f456\u00a0¥" {
		t.Errorf("MoneyWhole JPY = %q", got)
	}
}

// TestSymbolSameInEveryLanguage: the symbol is the currency's, not the
// language's, so that a French quote and an English screen agree.
func TestSymbolSameInEveryLanguage(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]string{"EUR": "€", "USD": "$", "JPY": "¥", "GBP": "£", "CHF": "CHF", "AUD": "A$", "INR": "₹", "eur": "eur", "": ""} {
		if got := Symbol(code); got != want {
			t.Errorf("Symbol(%q) = %q, want %q", code, got, want)
		}
	}
	for _, code := range []string{"JPY", "KWD", "EUR"} {
		d, _ := Digits(code)
		fr, en := New("fr", nil).Money(1, code), New("en", nil).Money(1, code)
		if d == 0 && (fr != "1\u00a0"+Symbol(code) || en != Symbol(code)+"1") {
			t.Errorf("%s: %q / %q", code, fr, en)
		}
	}
	if d, ok := Digits("JPY"); !ok || d != 0 {
		t.Errorf("JPY digits %d %v", d, ok)
	}
	if d, ok := Digits("KWD"); !ok || d != 3 {
		t.Errorf("KWD digits %d %v", d, ok)
	}
	if _, ok := Digits("usd"); ok {
		t.Error("a lower-case code is no ISO 4217 code")
	}
}

func TestNumbers(t *testing.T) {
	t.Parallel()
	fr, en := New("fr", nil), New("en", nil)
	for _, c := range []struct{ got, want string }{
		{fr.Int(1234567), "1\u202f234\u202f567"},
		{en.Int(-1234567), "-1,234,567"},
		{en.Int(999), "999"},
		{fr.Quantity(2125), "2,125"},
		{fr.Quantity(1500), "1,5"},
		{en.Quantity(3000), "3"},
		{en.Percent(550), "5.5%"},
		{fr.Percent(2000), "20\u202f%"},
		{fr.Percent(550), "5,5\u202f%"},
		{en.Decimal(5, 2), "0.05"},
		{fr.Decimal(123456789, 3), "123\u202f456,789"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestDatesInThePersonsZone(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC on 31 December is already New Year's Day in Paris.
	at := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)
	fr, en := New("fr", paris), New("en", time.UTC)
	for _, c := range []struct{ got, want string }{
		{fr.Date(at), "1 janv. 2027"},
		{en.Date(at), "Dec 31, 2026"},
		{fr.DateTime(at), "1 janv. 2027 00:30"},
		{en.DateTime(at), "Dec 31, 2026 23:30"},
		{fr.Clock(at), "00:30"},
		{fr.ShortDate(at, at), "1 janv."},
		{en.ShortDate(at, at), "Dec 31"},
		{en.ShortDate(at, at.AddDate(1, 0, 0)), "Dec 31, 2026"},
		{fr.Day("2026-11-28"), "28 nov. 2026"},
		{en.Day("2026-11-28"), "Nov 28, 2026"},
		{en.Day("not a day"), "not a day"},
		{fr.FormalDate("2026-11-12"), "12/11/2026"},
		{en.FormalDate("2026-11-12"), "12 November 2026"},
		{fr.Date(time.Time{}), ""},
		{fr.DateTime(time.Time{}), ""},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if New("de", nil).Language() != "en" || (Locale{}).Zone() != time.Local || New("fr", nil).Zone() != time.Local {
		t.Error("defaults: English, the machine's zone")
	}
}

func TestSize(t *testing.T) {
	t.Parallel()
	fr, en := New("fr", nil), New("en", nil)
	for _, c := range []struct{ got, want string }{
		{en.Size(0), "0\u00a0bytes"},
		{en.Size(1), "1\u00a0byte"},
		{fr.Size(1023), "1\u202f023\u00a0octets"},
		{en.Size(1024), "1\u00a0KB"},
		{en.Size(1025), "2\u00a0KB"},
		{fr.Size(1536 << 10), "1,5\u00a0Mo"},
		{en.Size(20 << 20), "20.0\u00a0MB"},
		{en.Size(3 << 30), "3.0\u00a0GB"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
