package data

import (
	"fmt"
	"math/big"
	"strings"

	"comptoir/data/locale"
)

// Money here is read, checked and computed: integer minor units and an ISO
// 4217 code, never a float. How an amount is written for a person (symbol,
// grouping, decimal mark) is data/locale's; FormatMinor below is the plain
// decimal of files and records, not for people.

// DefaultCurrency is the currency of a new deal or product.
const DefaultCurrency = "EUR"

// CurrencyDigits is the number of minor-unit digits of an ISO 4217 currency
// (2 for EUR, 0 for JPY, 3 for KWD). ok is false for an unknown code.
func CurrencyDigits(code string) (digits int, ok bool) { return locale.Digits(code) }

// Money is an amount: integer minor units of an ISO 4217 currency.
type Money struct {
	Minor    int64
	Currency string
}

// String is the amount as records hold it: FormatMinor and the code,
// "1234.50 EUR" (a history entry's old and new amounts, a money custom
// field).
func (m Money) String() string { return FormatMinor(m.Minor, m.Currency) + " " + m.Currency }

// ParseMoney reads the record form String writes back ("1234.50 EUR").
func ParseMoney(s string) (Money, error) {
	amount, code, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return Money{}, fmt.Errorf("%q is not an amount and a currency", s)
	}
	minor, err := ParseMinor(amount, code)
	if err != nil {
		return Money{}, err
	}
	return Money{Minor: minor, Currency: code}, nil
}

// MarshalText writes String.
func (m Money) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads what MarshalText writes.
func (m *Money) UnmarshalText(b []byte) error {
	v, err := ParseMoney(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// FormatMinor writes an amount in minor units as a plain decimal string with
// the currency's digits: 123456 EUR → "1234.56". It is the export format.
func FormatMinor(minor int64, code string) string {
	digits, ok := CurrencyDigits(code)
	if !ok {
		digits = 2
	}
	return formatScaled(minor, digits)
}

func formatScaled(v int64, digits int) string {
	neg := v < 0
	s := new(big.Int).Abs(big.NewInt(v)).String()
	if digits > 0 {
		for len(s) <= digits {
			s = "0" + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ParseMinor reads a decimal amount ("1234.5", "1 234,50", "-3") into minor
// units of the currency. More decimals than the currency has is an error, not
// a silent rounding.
func ParseMinor(s, code string) (int64, error) {
	digits, ok := CurrencyDigits(code)
	if !ok {
		return 0, fmt.Errorf("unknown currency %q", code)
	}
	return parseScaled(s, digits)
}

// parseScaled parses a decimal number with at most digits decimals into an
// integer scaled by 10^digits. Both "." and "," are accepted as the decimal
// separator; spaces (also non-breaking) group thousands.
func parseScaled(s string, digits int) (int64, error) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\'':
			return -1
		case ',':
			return '.'
		}
		return r
	}, strings.TrimSpace(s))
	if clean == "" {
		return 0, fmt.Errorf("empty number")
	}
	neg := false
	if clean[0] == '-' || clean[0] == '+' {
		neg = clean[0] == '-'
		clean = clean[1:]
	}
	whole, frac, _ := strings.Cut(clean, ".")
	if whole == "" && frac == "" {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, fmt.Errorf("%q is not a number", s)
			}
		}
	}
	if len(frac) > digits {
		return 0, fmt.Errorf("%q has more than %d decimals", s, digits)
	}
	frac += strings.Repeat("0", digits-len(frac))
	n, ok := new(big.Int).SetString("0"+whole+frac, 10)
	if !ok || !n.IsInt64() || n.BitLen() > 62 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	v := n.Int64()
	if neg {
		v = -v
	}
	return v, nil
}

// ParseQuantity reads a quantity with up to three decimals into thousandths.
func ParseQuantity(s string) (int64, error) { return parseScaled(s, 3) }

// FormatQuantity writes thousandths as a short decimal: 1500 → "1.5".
func FormatQuantity(milli int64) string { return trimZeros(formatScaled(milli, 3)) }

// ParseRate reads a percentage ("20", "5.5", "5,5") into hundredths of a percent.
func ParseRate(s string) (int64, error) {
	return parseScaled(strings.TrimSuffix(strings.TrimSpace(s), "%"), 2)
}

// FormatRate writes hundredths of a percent as a short decimal: 550 → "5.5".
func FormatRate(bp int64) string { return trimZeros(formatScaled(bp, 2)) }

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// divRound divides num by den rounding half away from zero. den > 0.
func divRound(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	// |2r| >= den → round away from zero
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if r2.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// ParseAmount reads an amount as a person types it in language ("fr" or
// "en"; anything else reads as "en") into minor units of the currency.
//
// French groups thousands with spaces (also non-breaking and narrow
// non-breaking) or dots and marks decimals with a comma: "1 234,50",
// "1.234,50". English groups with commas (or spaces) and marks decimals with
// a dot: "1,234.50", "1,234". The other language's decimal mark is accepted
// when it cannot be a grouping, so the plain "1234.5" reads in French and
// "21,10" in English. Groups after the first have three digits. More
// decimals than the currency has is an error, never a rounding.
func ParseAmount(s, currency, language string) (int64, error) {
	digits, ok := CurrencyDigits(currency)
	if !ok {
		return 0, fmt.Errorf("unknown currency %q", currency)
	}
	dec, other := ".", ","
	if language == "fr" {
		dec, other = ",", "."
	}
	t := strings.TrimSpace(s)
	sign := ""
	if t != "" && (t[0] == '-' || t[0] == '+') {
		sign, t = t[:1], strings.TrimSpace(t[1:])
	}
	if t == "" {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	// Spaces group in both languages; so does the other language's decimal
	// mark, unless it appears once where it cannot be a grouping: then it is
	// the decimal mark ("1234.5" in French, "21,10" in English).
	t = strings.NewReplacer(" ", "_", "\u00a0", "_", "\u202f", "_").Replace(t)
	var whole, frac string
	switch n := strings.Count(t, dec); {
	case n > 1:
		return 0, fmt.Errorf("%q has more than one decimal mark %q", s, dec)
	case n == 1:
		whole, frac, _ = strings.Cut(strings.ReplaceAll(t, other, "_"), dec)
	case strings.Count(t, other) == 1 && !grouped(strings.ReplaceAll(t, other, "_")):
		whole, frac, _ = strings.Cut(t, other)
	default:
		whole = strings.ReplaceAll(t, other, "_")
	}
	if strings.Contains(whole, "_") && !grouped(whole) {
		return 0, fmt.Errorf("%q is not an amount: thousands are grouped by three digits", s)
	}
	whole = strings.ReplaceAll(whole, "_", "")
	if whole == "" && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	if len(frac) > digits {
		if digits == 0 {
			return 0, fmt.Errorf("%q has decimals but %s has no minor unit", s, currency)
		}
		return 0, fmt.Errorf("%q has more than %d decimals for %s", s, digits, currency)
	}
	return parseScaled(sign+whole+"."+frac, digits)
}

// grouped reports whether s is digits grouped by three with "_": "1_234_567".
func grouped(s string) bool {
	parts := strings.Split(s, "_")
	if len(parts[0]) < 1 || len(parts[0]) > 3 || !allDigits(parts[0]) {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 || !allDigits(p) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
