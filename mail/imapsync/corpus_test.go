package imapsync

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/mail/parse"
)

// corpusDir holds the public mikel/mail torture messages, checked out beside
// the repository.
const corpusDir = "../../../shared/corpus/mikel-mail"

// TestCorpusClassification parses and routes every message of the corpus
// through the same Ingest the sync uses: no panic, nothing dropped (each
// message is stored, or is a copy of a stored message: the corpus holds
// variants of one message under one Message-ID, which are kept apart when
// their sender, date, subject or text differ), and the five
// multipart/report files are bounces that create no deal.
func TestCorpusClassification(t *testing.T) {
	if _, err := os.Stat(corpusDir); os.IsNotExist(err) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus %s is absent", corpusDir)
		}
		t.Skipf("corpus %s is absent", corpusDir)
	}
	var names []string
	files := map[string][]byte{}
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(strings.ToUpper(d.Name()), "LICENSE") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(corpusDir, path)
		names = append(names, filepath.ToSlash(rel))
		files[filepath.ToSlash(rel)] = raw
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	if len(names) < 100 {
		t.Fatalf("only %d corpus files", len(names))
	}

	db := datatest.Open(t)
	db.Store.Now = time.Now
	ctx := context.Background()
	acc, err := db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "sales@ourshop.test", IMAPHost: "localhost", IMAPSecurity: data.SecurityNone})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{} // file → dedupe key
	decisions := map[string]data.Decision{}
	for i, name := range names {
		e := parse.Parse(files[name], parse.Options{})
		res, err := db.Ingest(ctx, acc.ID, "INBOX", 1, uint32(i+1), []data.Incoming{{UID: uint32(i + 1), Email: e}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		decisions[name] = res.Decisions[0]
		keys[name] = res.Decisions[0].MessageID // the key it is stored under, or that of the message it copies
	}
	stored := map[string]bool{}
	for _, name := range names {
		if _, err := db.EmailByMessageID(ctx, db.Admin.ID, keys[name]); err != nil {
			t.Errorf("%s (key %q) was dropped: %v", name, keys[name], err)
		}
		stored[keys[name]] = true
	}
	var n int
	for _, name := range names {
		if decisions[name].Reason != data.ReasonDuplicate {
			n++
		}
	}
	if n != len(stored) {
		t.Errorf("%d stored decisions for %d distinct keys", n, len(stored))
	}
	reports := 0
	for _, name := range names {
		if !strings.HasPrefix(name, "multipart_report_emails/") {
			continue
		}
		reports++
		d := decisions[name]
		if d.Reason == data.ReasonDuplicate {
			m, _ := db.EmailByMessageID(ctx, db.Admin.ID, keys[name])
			d.Reason, d.DealID = m.Reason, m.DealID
		}
		if d.Reason != data.ReasonBounce || d.NewDeal || d.DealID != 0 {
			t.Errorf("%s: %s (%s), deal %d; want a bounce without deal", name, d.Reason, d.Because, d.DealID)
		}
	}
	if reports != 5 {
		t.Errorf("%d multipart/report files, want 5", reports)
	}
	counts := map[data.Reason]int{}
	for _, d := range decisions {
		counts[d.Reason]++
	}
	t.Logf("%d files, %d distinct messages, reasons %v", len(names), len(stored), counts)
}
