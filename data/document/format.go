package document

import (
	"strconv"
	"strings"
	"time"
)

const nbsp = "\u00a0"

// symbol is the sign printed for well-known currencies; others print their code.
func symbol(code string) string {
	switch code {
	case "EUR":
		return "€"
	case "USD":
		return "$"
	case "GBP":
		return "£"
	}
	return code
}

// group writes the integer digits with sep between groups of three.
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

// number writes v scaled by 10^digits in the language's style: French
// "1 234,50" (non-breaking space groups, comma decimals), English "1,234.50".
func number(v int64, digits int, lang string) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	for len(s) <= digits {
		s = "0" + s
	}
	whole, frac := s[:len(s)-digits], s[len(s)-digits:]
	sep, dec := ",", "."
	if lang == "fr" {
		sep, dec = nbsp, ","
	}
	out := group(whole, sep)
	if digits > 0 {
		out += dec + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// Money writes an amount of minor units with its currency: "1 234,50 €" in
// French, "€1,234.50" in English.
func Money(minor int64, digits int, currency, lang string) string {
	n := number(minor, digits, lang)
	sym := symbol(currency)
	if lang == "fr" {
		return n + nbsp + sym
	}
	if sym == currency {
		return n + nbsp + sym
	}
	if strings.HasPrefix(n, "-") {
		return "-" + sym + n[1:]
	}
	return sym + n
}

// trimmed writes v/10^digits without trailing zeros: quantities and rates.
func trimmed(v int64, digits int, lang string) string {
	s := number(v, digits, lang)
	dec := "."
	if lang == "fr" {
		dec = ","
	}
	if strings.Contains(s, dec) {
		s = strings.TrimRight(strings.TrimRight(s, "0"), dec)
	}
	return s
}

// Quantity writes thousandths: 1500 → "1,5" (fr) or "1.5" (en).
func Quantity(milli int64, lang string) string { return trimmed(milli, 3, lang) }

// Rate writes hundredths of a percent: 550 → "5,5 %" (fr) or "5.5%" (en).
func Rate(bp int64, lang string) string {
	if lang == "fr" {
		return trimmed(bp, 2, lang) + nbsp + "%"
	}
	return trimmed(bp, 2, lang) + "%"
}

var monthsEN = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December"}

// Date writes a YYYY-MM-DD date: "12/11/2026" (fr) or "12 November 2026" (en).
func Date(ymd, lang string) string {
	t, err := time.Parse(time.DateOnly, ymd)
	if err != nil {
		return ymd
	}
	if lang == "fr" {
		return t.Format("02/01/2006")
	}
	return strconv.Itoa(t.Day()) + " " + monthsEN[t.Month()-1] + " " + strconv.Itoa(t.Year())
}
