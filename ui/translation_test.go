package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every string this file set passes to lang.L has an English and a French
// translation. (The other screens keep their own translation files.)
func TestTranslationsComplete(t *testing.T) {
	others := []string{"clients", "import", "timeline", "products", "activities", "inbox", "outbox"}
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
	en, fr := load("en.json"), load("fr.json")
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`lang\.L\("((?:[^"\\]|\\.)*)"`)
	n := 0
	for _, f := range files {
		skip := strings.HasSuffix(f, "_test.go")
		for _, o := range others {
			skip = skip || strings.HasPrefix(f, o)
		}
		if skip {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s: %q has no English entry", f, m[1])
			}
			if v, ok := fr[m[1]]; !ok || v == "" {
				t.Errorf("%s: %q has no French translation", f, m[1])
			}
		}
	}
	if n < 50 {
		t.Fatalf("found only %d strings: the pattern is broken", n)
	}
}
