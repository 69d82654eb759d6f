// Package locale is the one home of how Comptoir writes money, numbers,
// dates and sizes for people, in French or in English: the screens (ui)
// and the printed quotes and invoices (data/document) both write through
// it, so an amount reads the same on the screen and on the paper.
//
// Money comes as an integer count of minor units and an ISO 4217 code and
// stays integer: the digits are placed by string work, never through a
// float. A currency's digits and symbol come from golang.org/x/text/currency.
//
// It is a leaf: the standard library and golang.org/x/text only.
package locale

import (
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The spaces French typography puts in numbers.
const (
	// NBSP (U+00A0) separates an amount from its currency symbol in French.
	NBSP = "\u00a0"
	// NNBSP (U+202F, narrow no-break space) groups thousands in French and
	// comes before the percent sign.
	NNBSP = "\u202f"
)

// Locale writes for one language in one time zone. The zero Locale writes
// English in the machine's zone (time.Local).
type Locale struct {
	lang string
	zone *time.Location
}

// New returns the Locale of language ("fr" or "en"; anything else writes
// English) in zone, the person's time zone (nil: time.Local).
func New(language string, zone *time.Location) Locale {
	if language != "fr" {
		language = "en"
	}
	return Locale{lang: language, zone: zone}
}

// Language is "fr" or "en".
func (l Locale) Language() string {
	if l.lang == "fr" {
		return "fr"
	}
	return "en"
}

// Zone is the time zone dates and times are written in.
func (l Locale) Zone() *time.Location {
	if l.zone == nil {
		return time.Local
	}
	return l.zone
}

func (l Locale) fr() bool { return l.lang == "fr" }

// separators are the thousands and decimal marks of the language.
func (l Locale) separators() (group, decimal string) {
	if l.fr() {
		return NNBSP, ","
	}
	return ",", "."
}

// Digits is the number of minor-unit digits of an ISO 4217 currency (2 for
// EUR, 0 for JPY, 3 for KWD); ok is false for a code that is not one
// (upper case, three letters).
func Digits(code string) (digits int, ok bool) {
	u, err := currency.ParseISO(code)
	if err != nil || strings.ToUpper(code) != code {
		return 0, false
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, true
}

var symbols sync.Map // code → symbol

// Symbol is the sign written for a currency, the same in every language so
// that an amount reads the same whatever the screen's or the document's
// language: CLDR's English symbol (golang.org/x/text/currency), which
// tells the dollars and the yens apart: € $ £ ¥ CA$ A$ CN¥ CHF. A code that
// is no ISO 4217 currency, or has no symbol, is written as it is.
func Symbol(code string) string {
	if s, ok := symbols.Load(code); ok {
		return s.(string)
	}
	sym := code
	if _, ok := Digits(code); ok {
		sym = message.NewPrinter(language.English).Sprint(currency.Symbol(currency.MustParseISO(code)))
	}
	symbols.Store(code, sym)
	return sym
}

// digitsOr2 is the currency's digits, 2 for an unknown code.
func digitsOr2(code string) int {
	if d, ok := Digits(code); ok {
		return d
	}
	return 2
}

// split cuts |v| scaled by 10^digits into its whole and fractional digits.
func split(v int64, digits int) (neg bool, whole, frac string) {
	u := uint64(v)
	if v < 0 {
		neg, u = true, -u
	}
	s := strconv.FormatUint(u, 10)
	if digits <= 0 {
		return neg, s, ""
	}
	for len(s) <= digits {
		s = "0" + s
	}
	return neg, s[:len(s)-digits], s[len(s)-digits:]
}

// group puts sep between groups of three digits of a run of digits.
func group(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	lead := len(digits) % 3
	if lead > 0 {
		b.WriteString(digits[:lead])
	}
	for i := lead; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Decimal writes v scaled by 10^digits with exactly digits decimals,
// grouped: 123450, 2 → "1 234,50" (fr, narrow no-break spaces) or
// "1,234.50" (en).
func (l Locale) Decimal(v int64, digits int) string {
	g, dec := l.separators()
	neg, whole, frac := split(v, digits)
	s := group(whole, g)
	if frac != "" {
		s += dec + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Int writes a whole number, grouped: "12 345" / "12,345".
func (l Locale) Int(n int64) string { return l.Decimal(n, 0) }

// trimmed is Decimal without trailing zeros after the decimal mark.
func (l Locale) trimmed(v int64, digits int) string {
	s := l.Decimal(v, digits)
	if _, dec := l.separators(); strings.Contains(s, dec) {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), dec)
	}
	return s
}

// Quantity writes thousandths as short as it goes: 1500 → "1,5" / "1.5".
func (l Locale) Quantity(milli int64) string { return l.trimmed(milli, 3) }

// Percent writes hundredths of a percent: 550 → "5,5 %" (fr, with a narrow
// no-break space) or "5.5%" (en).
func (l Locale) Percent(bp int64) string {
	if l.fr() {
		return l.trimmed(bp, 2) + NNBSP + "%"
	}
	return l.trimmed(bp, 2) + "%"
}

// Money writes an amount of minor units of a currency with the currency's
// digits and symbol: "1 234,50 €" in French (the symbol after, a no-break
// space between), "€1,234.50" in English (the symbol before, a no-break
// space only after a symbol ending in a letter: "CHF 1,234.50"). An unknown
// code gets two digits and is written as it is.
func (l Locale) Money(minor int64, code string) string {
	return l.money(minor, digitsOr2(code), code)
}

// MoneyWhole writes an amount without its minor units (cut toward zero),
// for totals where cents are noise: "1 234 €" / "€1,234".
func (l Locale) MoneyWhole(minor int64, code string) string {
	d := digitsOr2(code)
	p := int64(1)
	for range d {
		p *= 10
	}
	return l.money(minor/p, 0, code)
}

func (l Locale) money(v int64, digits int, code string) string {
	n := l.Decimal(v, digits)
	sym := Symbol(code)
	if l.fr() {
		return n + NBSP + sym
	}
	sign := ""
	if strings.HasPrefix(n, "-") {
		sign, n = "-", n[1:]
	}
	if r := []rune(sym); len(r) > 0 && unicode.IsLetter(r[len(r)-1]) {
		sym += NBSP
	}
	return sign + sym + n
}

var (
	monthsShortFR = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}
	monthsLongEN  = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September",
		"October", "November", "December"}
)

// in is t in the Locale's zone.
func (l Locale) in(t time.Time) time.Time { return t.In(l.Zone()) }

// date writes a calendar date as it is (no zone change).
func (l Locale) date(t time.Time) string {
	if l.fr() {
		return strconv.Itoa(t.Day()) + " " + monthsShortFR[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	return t.Format("Jan 2, 2006")
}

// Date writes the day of a moment in the Locale's zone: "28 nov. 2026" /
// "Nov 28, 2026"; "" for the zero time.
func (l Locale) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.date(l.in(t))
}

// Day writes a calendar date stored as YYYY-MM-DD as Date does (a stored
// day is in no zone); anything else is written as it is.
func (l Locale) Day(ymd string) string {
	t, err := time.Parse(time.DateOnly, ymd)
	if err != nil {
		return ymd
	}
	return l.date(t)
}

// FormalDate writes a calendar date stored as YYYY-MM-DD as a business
// paper prints it: "12/11/2026" in French, "12 November 2026" in English.
func (l Locale) FormalDate(ymd string) string {
	t, err := time.Parse(time.DateOnly, ymd)
	if err != nil {
		return ymd
	}
	if l.fr() {
		return t.Format("02/01/2006")
	}
	return strconv.Itoa(t.Day()) + " " + monthsLongEN[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// ShortDate writes a date for a badge, in the Locale's zone: "28 nov." /
// "Nov 28", with the year only when it is not now's.
func (l Locale) ShortDate(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = l.in(t)
	if t.Year() != l.in(now).Year() {
		return l.date(t)
	}
	if l.fr() {
		return strconv.Itoa(t.Day()) + " " + monthsShortFR[t.Month()-1]
	}
	return t.Format("Jan 2")
}

// Clock writes the time of day of a moment in the Locale's zone: "09:30".
func (l Locale) Clock(t time.Time) string { return l.in(t).Format("15:04") }

// DateTime writes a moment in the Locale's zone: "28 nov. 2026 09:30" /
// "Nov 28, 2026 09:30"; "" for the zero time.
func (l Locale) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.Date(t) + " " + l.Clock(t)
}

// Size writes a number of bytes: "512 bytes", "12 KB" (kibibytes, rounded
// up), "1.5 MB" (mebibytes, one decimal); in French "512 octets", "12 Ko",
// "1,5 Mo". A no-break space holds the number to its unit.
func (l Locale) Size(n int64) string {
	const kib, mib, gib = 1 << 10, 1 << 20, 1 << 30
	unit := func(en, fr string) string {
		if l.fr() {
			return NBSP + fr
		}
		return NBSP + en
	}
	switch {
	case n >= gib:
		return l.Decimal((n*10+gib/2)/gib, 1) + unit("GB", "Go")
	case n >= mib:
		return l.Decimal((n*10+mib/2)/mib, 1) + unit("MB", "Mo")
	case n >= kib:
		return l.Int((n+kib-1)/kib) + unit("KB", "Ko")
	case n == 1:
		return "1" + unit("byte", "octet")
	}
	return l.Int(n) + unit("bytes", "octets")
}
