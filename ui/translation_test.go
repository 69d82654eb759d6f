package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Every string the main window, board, list, deal form and settings pass to
// lang.L has an English and a French translation in en.json / fr.json.
// (The other screens keep their own translation files and tests.)
func TestTranslationsComplete(t *testing.T) {
	mine := []string{"app.go", "board.go", "customfield.go", "dealclient.go", "dealform.go", "dealist.go", "deals.go",
		"fielderr.go", "firststart.go", "format.go", "lang.go", "mainwin.go", "run.go", "sample.go", "screens.go",
		"settings.go", "stagebar.go", "widgets.go"}
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
	files := mine
	re := regexp.MustCompile(`lang\.L\("((?:[^"\\]|\\.)*)"`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
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
