package ui

import "testing"

// Every string the screens of a deal's life (files, trash, bulk actions,
// filters, a client's deletion) hand to lang.L has an English and a French
// entry (translation/life.*.json, or another room's file).
func TestLifeTranslationsComplete(t *testing.T) {
	files := []string{"files.go", "dealform_life.go", "timeline_life.go", "trash.go", "dealist_bulk.go", "dealfilter.go",
		"clients_life.go", "compose_files.go"}
	if n := checkTranslated(t, langL, files, nil, allTranslations(t, "en"), allTranslations(t, "fr")); n < 80 {
		t.Fatalf("found only %d strings: the pattern is broken", n)
	}
}
