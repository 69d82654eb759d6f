package data

import (
	"fmt"
	"math/big"
	"strings"

	"golang.org/x/text/currency"
)

// DefaultCurrency is the currency of a new deal or product.
const DefaultCurrency = "EUR"

// CurrencyDigits is the number of minor-unit digits of an ISO 4217 currency
// (2 for EUR, 0 for JPY, 3 for KWD). ok is false for an unknown code.
func CurrencyDigits(code string) (digits int, ok bool) {
	u, err := currency.ParseISO(code)
	if err != nil || strings.ToUpper(code) != code {
		return 0, false
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, true
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
