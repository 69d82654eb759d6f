package ui

import (
	"strings"
	"time"

	"comptoir/data"
	"comptoir/data/locale"
)

// Money, numbers, dates and sizes on the screens: data/locale writes them
// all, in the person's language and time zone (the device's), the same way
// the printed documents do. These helpers name its uses in the screens'
// terms; forms read amounts back through data.ParseAmount.

// loc is the locale of a language in the device's zone.
func loc(language string) locale.Locale { return locale.New(language, nil) }

// locale is how the App writes for its person: their language, their zone
// (Zone, or the device's).
func (a *App) locale() locale.Locale { return locale.New(a.Lang, a.Zone) }

// formatMoney writes an amount for the language: "1 234,50 €" in French,
// "€1,234.50" in English. No currency is the default one.
func formatMoney(minor int64, code, language string) string {
	if code == "" {
		code = data.DefaultCurrency
	}
	return loc(language).Money(minor, code)
}

// formatMoneyShort is a compact amount for column headers: no minor units.
func formatMoneyShort(minor int64, code, language string) string {
	if code == "" {
		code = data.DefaultCurrency
	}
	return loc(language).MoneyWhole(minor, code)
}

// formatInt groups an integer: "12 345" / "12,345".
func formatInt(n int64, language string) string { return loc(language).Int(n) }

// rateText writes a tax rate for the language: "5,5 %" / "5.5%".
func rateText(bp int64, language string) string { return loc(language).Percent(bp) }

// currencySymbol is the sign of a currency, as amounts show it.
func currencySymbol(code string) string { return locale.Symbol(code) }

// sizeText is a size in bytes, KB or MB, in the interface's language.
func sizeText(n int64) string { return loc(langChosen).Size(n) }

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

// formatDate writes the day of a moment: "28 nov. 2026" / "Nov 28, 2026".
func formatDate(t time.Time, language string) string { return loc(language).Date(t) }

// formatDay formats a stored YYYY-MM-DD.
func formatDay(day, language string) string { return loc(language).Day(day) }

// formatShortDate is a date for a badge: "28 nov." / "Nov 28", with the
// year only when it is not the current one.
func formatShortDate(t, now time.Time, language string) string {
	return loc(language).ShortDate(t, now)
}

// formatDateTime writes a moment: "28 nov. 2026 09:30".
func formatDateTime(t time.Time, language string) string { return loc(language).DateTime(t) }

// formatClock is a time of day.
func formatClock(t time.Time) string { return loc(langChosen).Clock(t) }
