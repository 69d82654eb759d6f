package ui

import (
	"regexp"
	"testing"
)

// Every string the compose dialog, the Emails tab and the outbox pass to
// lang.L (and every dealTab label they register) has an English and a
// French entry in mailout.*.json.
func TestMailoutTranslationsComplete(t *testing.T) {
	en, fr := translations(t, "mailout.en.json"), translations(t, "mailout.fr.json")
	re := regexp.MustCompile(`lang\.L\("((?:[^"\\]|\\.)*)"|Label: "([^"]*)"`)
	files := []string{"compose.go", "compose_tab.go", "compose_contact.go", "outbox.go", "compose_templates.go"}
	if n := checkTranslated(t, re, files, nil, en, fr); n < 30 {
		t.Fatalf("found only %d strings: the pattern is broken", n)
	}
	for k := range fr {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is French only", k)
		}
	}
}
