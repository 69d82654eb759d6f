package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Every string the products files pass to lang.L or lang.X has an English
// and a French entry in products.en.json / products.fr.json.
func TestProductsTranslationsComplete(t *testing.T) {
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
	en, fr := load("products.en.json"), load("products.fr.json")
	files, _ := filepath.Glob("products_*.go")
	re := regexp.MustCompile(`lang\.[LX]\("((?:[^"\\]|\\.)*)"`)
	n := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			if v, ok := en[m[1]]; !ok || v == "" {
				t.Errorf("%s: %q has no English entry", f, m[1])
			}
			if v, ok := fr[m[1]]; !ok || v == "" {
				t.Errorf("%s: %q has no French translation", f, m[1])
			}
		}
	}
	// Labels given to the registries are translated where they are shown.
	for _, k := range []string{"Products", "Company & documents"} {
		if fr[k] == "" || en[k] == "" {
			t.Errorf("registry label %q is not translated", k)
		}
	}
	if n < 60 {
		t.Fatalf("found only %d strings: the pattern is broken", n)
	}
}
