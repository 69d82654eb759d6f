package data_test

import (
	"testing"
	"time"

	"comptoir/data"
)

func TestParseDay(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, lang, want string }{
		{"2026-11-01", "fr", "2026-11-01"},
		{"2026-11-01", "en", "2026-11-01"},
		{" 01/11/2026 ", "fr", "2026-11-01"},
		{"1/11/2026", "fr", "2026-11-01"},
		{"01.11.2026", "fr", "2026-11-01"},
		{"1 nov. 2026", "fr", "2026-11-01"},
		{"1 novembre 2026", "fr", "2026-11-01"},
		{"29 février 2028", "fr", "2028-02-29"},
		{"Nov 1, 2026", "en", "2026-11-01"},
		{"November 1, 2026", "en", "2026-11-01"},
		{"1 November 2026", "en", "2026-11-01"},
		{"31 déc. 2026", "fr", "2026-12-31"},
	} {
		got, err := data.ParseDay(c.in, c.lang)
		if err != nil || got != c.want {
			t.Errorf("ParseDay(%q, %s) = %q, %v; want %q", c.in, c.lang, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, lang string }{
		{"11/01/2026", "en"}, // British or American?
		{"31/02/2026", "fr"},
		{"01/13/2026", "fr"},
		{"1/11/26", "fr"},
		{"", "fr"},
		{"tomorrow", "en"},
		{"2026-02-30", "en"},
		{"Novembre 1, 2026", "fr"},
	} {
		if got, err := data.ParseDay(c.in, c.lang); err == nil {
			t.Errorf("ParseDay(%q, %s) = %q, want an error", c.in, c.lang, got)
		}
	}
}

func TestPresetPeriod(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC)
	for p, want := range map[data.PeriodPreset]data.Period{
		data.ThisMonth:   {From: "2026-11-01", To: "2026-11-30"},
		data.ThisQuarter: {From: "2026-10-01", To: "2026-12-31"},
		data.ThisYear:    {From: "2026-01-01", To: "2026-12-31"},
	} {
		if got, err := data.PresetPeriod(p, today); err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", p, got, err, want)
		}
	}
	if got, _ := data.PresetPeriod(data.ThisQuarter, time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)); got.From != "2026-01-01" || got.To != "2026-03-31" {
		t.Errorf("first quarter: %+v", got)
	}
	if _, err := data.PresetPeriod("week", today); err == nil {
		t.Error("an unknown preset")
	}
}
