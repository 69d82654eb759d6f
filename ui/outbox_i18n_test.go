package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Every string the compose dialog, the Emails tab and the outbox pass to
// lang.L (and every dealTab label they register) has an English and a
// French entry in mailout.*.json.
func TestMailoutTranslationsComplete(t *testing.T) {
	load := func(name string) map[string]string {
		b, err := os.ReadFile(filepath.Join("translation", name))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	en, fr := load("mailout.en.json"), load("mailout.fr.json")
	re := regexp.MustCompile(`lang\.L\("((?:[^"\\]|\\.)*)"|Label: "([^"]*)"`)
	n := 0
	for _, f := range []string{"compose.go", "compose_tab.go", "compose_contact.go", "outbox.go", "compose_templates.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			key := m[1] + m[2]
			n++
			if _, ok := en[key]; !ok {
				t.Errorf("%s: %q has no English entry", f, key)
			}
			if v, ok := fr[key]; !ok || v == "" {
				t.Errorf("%s: %q has no French translation", f, key)
			}
		}
	}
	if n < 30 {
		t.Fatalf("found only %d strings: the pattern is broken", n)
	}
	for k := range fr {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is French only", k)
		}
	}
}
