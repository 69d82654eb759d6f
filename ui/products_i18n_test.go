package ui

import (
	"path/filepath"
	"regexp"
	"testing"
)

// Every string the products files pass to lang.L or lang.X has an English
// and a French entry in products.en.json / products.fr.json.
func TestProductsTranslationsComplete(t *testing.T) {
	files, _ := filepath.Glob("products_*.go")
	// Labels given to the registries are translated where they are shown.
	n := checkTranslated(t, regexp.MustCompile(`lang\.[LX]\("((?:[^"\\]|\\.)*)"`), files,
		[]string{"Products", "Company & documents"}, translations(t, "products.en.json"), translations(t, "products.fr.json"))
	if n < 60 {
		t.Fatalf("found only %d strings: the pattern is broken", n)
	}
}
