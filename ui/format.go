package ui

import (
	"strconv"
	"strings"
	"time"

	"comptoir/data"
)

// Formatting of money, numbers and dates for the chosen language. Money
// arrives from data/ as integer minor units and stays integer here: the
// digits are placed by string work, never through a float.

const nbsp = "\u00a0"

var currencySymbols = map[string]string{
	"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF", "CAD": "CA$", "AUD": "A$",
}

// groupDigits puts sep between groups of three digits of a run of digits.
func groupDigits(digits, sep string) string {
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

// splitMinor cuts |minor| into its whole and fractional digit strings.
func splitMinor(minor int64, digits int) (neg bool, whole, frac string) {
	u := uint64(minor)
	if minor < 0 {
		neg, u = true, uint64(-minor)
	}
	s := strconv.FormatUint(u, 10)
	if digits == 0 {
		return neg, s, ""
	}
	for len(s) <= digits {
		s = "0" + s
	}
	return neg, s[:len(s)-digits], s[len(s)-digits:]
}

// formatMoney writes an amount for the language: "1 234,50 €" in French,
// "€1,234.50" in English.
func formatMoney(minor int64, code, language string) string {
	if code == "" {
		code = data.DefaultCurrency
	}
	d, ok := data.CurrencyDigits(code)
	if !ok {
		d = 2
	}
	neg, whole, frac := splitMinor(minor, d)
	sym, ok := currencySymbols[code]
	if !ok {
		sym = code
	}
	sign := ""
	if neg {
		sign = "-"
	}
	if language == "fr" {
		n := groupDigits(whole, nbsp)
		if frac != "" {
			n += "," + frac
		}
		return sign + n + nbsp + sym
	}
	n := groupDigits(whole, ",")
	if frac != "" {
		n += "." + frac
	}
	if len(sym) > 1 && sym[len(sym)-1] >= 'A' && sym[len(sym)-1] <= 'Z' {
		sym += nbsp // "CHF 12.00"
	}
	return sign + sym + n
}

// formatMoneyShort is a compact amount for column headers: no minor units.
func formatMoneyShort(minor int64, code, language string) string {
	d, ok := data.CurrencyDigits(code)
	if !ok {
		d = 2
	}
	p := int64(1)
	for i := 0; i < d; i++ {
		p *= 10
	}
	whole := minor / p
	s := formatMoney(whole*p, code, language)
	if d == 0 {
		return s
	}
	// drop the zero minor units: ",00" / ".00"
	zeros := strings.Repeat("0", d)
	if language == "fr" {
		return strings.Replace(s, ","+zeros, "", 1)
	}
	return strings.Replace(s, "."+zeros, "", 1)
}

// formatInt groups an integer: "12 345" / "12,345".
func formatInt(n int64, language string) string {
	neg, whole, _ := splitMinor(n, 0)
	sep := ","
	if language == "fr" {
		sep = nbsp
	}
	s := groupDigits(whole, sep)
	if neg {
		s = "-" + s
	}
	return s
}

// moneyInput is the amount as a person types it in a form ("1234,50" or
// "1234.50"): no grouping, the language's decimal mark.
func moneyInput(minor int64, code, language string) string {
	s := data.FormatMinor(minor, code)
	if language == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// parseMoneyInput reads what a person typed, in the interface's language
// (data.ParseAmount has the rules); empty is zero.
func parseMoneyInput(s, code string) (int64, error) {
	return parseAmountInput(s, code, langChosen)
}

// parseAmountInput reads what a person typed in language; empty is zero.
func parseAmountInput(s, code, language string) (int64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	return data.ParseAmount(s, code, language)
}

var monthsFR = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// formatDate writes a calendar date: "28 nov. 2026" / "Nov 28, 2026".
func formatDate(t time.Time, language string) string {
	if t.IsZero() {
		return ""
	}
	if language == "fr" {
		return strconv.Itoa(t.Day()) + " " + monthsFR[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	return t.Format("Jan 2, 2006")
}

// formatDay parses a stored YYYY-MM-DD and formats it.
func formatDay(day, language string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return formatDate(t, language)
}

// formatShortDate is a date for a badge: "28 nov." / "Nov 28", with the
// year only when it is not the current one.
func formatShortDate(t, now time.Time, language string) string {
	t = t.Local()
	if t.Year() != now.Year() {
		return formatDate(t, language)
	}
	if language == "fr" {
		return strconv.Itoa(t.Day()) + " " + monthsFR[t.Month()-1]
	}
	return t.Format("Jan 2")
}

// formatDateTime writes a moment in local time.
func formatDateTime(t time.Time, language string) string {
	if t.IsZero() {
		return ""
	}
	t = t.Local()
	return formatDate(t, language) + " " + t.Format("15:04")
}
