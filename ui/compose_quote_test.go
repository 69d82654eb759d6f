package ui

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/locale"
)

// quoteLangEnv runs TestQuoteHeaderFrench's French half: the app loads one
// language per process, so French gets a process of its own.
const quoteLangEnv = "COMPTOIR_TEST_QUOTE_LANG"

// The line above an email quoted in a reply is in the person's language
// and time zone: French words and Paris time for a French person in
// Europe/Paris — "Le 12 nov. 2026 à 10:30, Jeanne Martin a écrit :" for an
// email sent at 09:30 UTC — and English words for an English one.
func TestQuoteHeaderFrench(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	sent := time.Date(2026, 11, 12, 9, 30, 0, 0, time.UTC)
	from := data.Address{Name: "Jeanne Martin", Email: "jeanne@acme.test"}
	if os.Getenv(quoteLangEnv) == "fr" {
		if setupLanguage("fr") != "fr" {
			t.Fatal("French not loaded")
		}
		fr := locale.New("fr", paris)
		if got := quoteHeader(fr, from, sent); got != "Le 12 nov. 2026 à 10:30, Jeanne Martin a écrit :" {
			t.Errorf("French header %q", got)
		}
		if got := quoteHeader(fr, data.Address{Email: "jeanne@acme.test"}, time.Time{}); got != "jeanne@acme.test a écrit :" {
			t.Errorf("French header without a date %q", got)
		}
		return
	}
	setupLanguage("en")
	if got := quoteHeader(locale.New("en", paris), from, sent); got != "On Nov 12, 2026 at 10:30, Jeanne Martin wrote:" {
		t.Errorf("English header %q", got)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestQuoteHeaderFrench$", "-test.v")
	cmd.Env = append(os.Environ(), quoteLangEnv+"=fr")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestQuoteHeaderFrench") {
		t.Fatalf("the French run failed (%v):\n%s", err, out)
	}
}
