package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// translations merges translation files (from ui/translation) as the app
// loads them: later files add to earlier ones.
func translations(t *testing.T, names ...string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join("translation", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return m
}

// checkTranslated reports every key that the source files hand to lang
// (the text matched by re's groups) or that extra names, when it lacks an
// English or a French entry; it returns how many keys the files held, so a
// test can tell a broken pattern from a complete file.
func checkTranslated(t *testing.T, re *regexp.Regexp, files []string, extra []string, en, fr map[string]string) int {
	t.Helper()
	check := func(where, key string) {
		if strings.TrimSpace(en[key]) == "" {
			t.Errorf("%s: %q has no English entry", where, key)
		}
		if strings.TrimSpace(fr[key]) == "" {
			t.Errorf("%s: %q has no French translation", where, key)
		}
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			check(f, strings.Join(m[1:], ""))
		}
	}
	for _, k := range extra {
		check("registry label", k)
	}
	return n
}

// langL matches the key of lang.L("…").
var langL = regexp.MustCompile(`lang\.L\("((?:[^"\\]|\\.)*)"`)

// allTranslations merges every translation file of a language, as the app
// loads them (lang.go).
func allTranslations(t *testing.T, language string) map[string]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("translation", "*"+language+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, n := range names {
		if b := filepath.Base(n); b == language+".json" || strings.HasSuffix(b, "."+language+".json") {
			files = append(files, b)
		}
	}
	return translations(t, files...)
}

// Every string the main window, board, list, deal form and settings pass to
// lang.L has an English and a French translation. Their own strings are in
// en.json / fr.json; the floor plan (screens.go) and the deal form's and
// Settings' lists of tabs name other screens, whose files hold their names.
// (The other screens keep their own translation files and tests.)
func TestTranslationsComplete(t *testing.T) {
	files := []string{"app.go", "board.go", "customfield.go", "dealclient.go", "dealform.go", "dealist.go", "deals.go",
		"fielderr.go", "firststart.go", "format.go", "lang.go", "mainwin.go", "run.go", "sample.go", "screens.go",
		"settings.go", "stagebar.go", "widgets.go"}
	if n := checkTranslated(t, langL, files, nil, allTranslations(t, "en"), allTranslations(t, "fr")); n < 50 {
		t.Fatalf("found only %d strings: the pattern is broken", n)
	}
}
