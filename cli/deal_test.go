package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// dealJSON runs a deal command that must succeed and reads the deal it
// prints.
func dealJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, out, errOut := run(t, args...)
	if code != 0 {
		t.Fatalf("%q: exit %d: %s", args, code, errOut)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%q printed %q: %v", args, out, err)
	}
	return m
}

// refused runs a command that must fail (exit 1) without printing to stdout,
// and returns its message.
func refused(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := run(t, args...)
	if code != 1 || out != "" {
		t.Fatalf("%q: exit %d, stdout %q, stderr %q; want a refusal", args, code, out, errOut)
	}
	return errOut
}

func dealFixture(t *testing.T) (*datatest.DB, string) {
	t.Helper()
	db := datatest.Open(t)
	if _, err := db.SaveFieldDef(context.Background(), db.Admin.ID, data.FieldDef{Entity: data.EntityDeal, Key: "region",
		Label: "Region", Type: data.FieldList, Options: []string{"Nord", "Sud"}}); err != nil {
		t.Fatal(err)
	}
	return db, db.Path
}

// TestDealCommandCreatesChangesMovesAndCloses: every field from flags, a
// client found or created, the deal printed as the export writes it.
func TestDealCommandCreatesChangesMovesAndCloses(t *testing.T) {
	t.Parallel()
	db, path := dealFixture(t)
	p := db.Pipeline(t)
	d := dealJSON(t, "deal", "create", "--db", path, "--title", "Terrace heaters", "--contact-email", "lea@bistro.test",
		"--contact-name", "Léa Roux", "--company", "Bistro du Port", "--amount", "12500.50", "--currency", "eur",
		"--stage", strings.ToUpper(p.Stages[1].Name), "--responsible", db.Sales.Email, "--observer", db.Sales2.Email,
		"--field", "region=sud", "--close-date", "2026-12-15", "--probability", "40", "--source", "call")
	id := strconv.FormatInt(int64(d["id"].(float64)), 10)
	client := d["client"].(map[string]any)
	if d["title"] != "Terrace heaters" || d["amount"] != "12500.50" || d["currency"] != "EUR" || d["stage"] != p.Stages[1].Name ||
		d["probability"] != 40.0 || d["source"] != "call" || d["close_date"] != "2026-12-15" ||
		d["responsible"].(map[string]any)["email"] != db.Sales.Email || len(d["observers"].([]any)) != 1 ||
		d["custom"].(map[string]any)["region"] != "Sud" ||
		client["contact"].(map[string]any)["name"] != "Léa Roux" || client["company"].(map[string]any)["name"] != "Bistro du Port" {
		t.Errorf("created %v", d)
	}
	// the same address and company are found again, not created twice
	d2 := dealJSON(t, "deal", "create", "--db", path, "--title", "Second order", "--contact-email", "LEA@bistro.test")
	if d2["client"].(map[string]any)["contact"].(map[string]any)["id"] != client["contact"].(map[string]any)["id"] ||
		d2["client"].(map[string]any)["company"].(map[string]any)["id"] != client["company"].(map[string]any)["id"] {
		t.Errorf("second deal's client %v, want the first's", d2["client"])
	}

	// update changes only what is given
	u := dealJSON(t, "deal", "update", "--deal", id, "--db", path, "--as", db.Sales.Email, "--title", "Terrace heaters ×4", "--field", "region=")
	if u["title"] != "Terrace heaters ×4" || u["amount"] != "12500.50" || len(u["custom"].(map[string]any)) != 0 || u["stage"] != p.Stages[1].Name {
		t.Errorf("updated %v", u)
	}
	// a bad value names its field, as the window does, and writes nothing
	for flag, want := range map[string][]string{
		"amount":      {"--amount", "lots", "amount:"},
		"stage":       {"--stage", "Nowhere", "stage:"},
		"field":       {"--field", "region=Ouest", "custom.region:"},
		"close":       {"--close-date", "15/12/2026", "close_date:"},
		"responsible": {"--responsible", "nobody@example.test", "responsible:"},
		"currency":    {"--currency", "ZZZ", "currency:"},
		"contact":     {"--contact-email", "not an address", "contact:"},
	} {
		msg := refused(t, "deal", "update", "--deal", id, "--db", path, want[0], want[1])
		if !strings.Contains(msg, want[2]) {
			t.Errorf("%s: %q does not name %s", flag, msg, want[2])
		}
	}
	if got, _ := db.Store.Deal(context.Background(), db.Admin.ID, int64(d["id"].(float64))); got.Title != "Terrace heaters ×4" {
		t.Errorf("a refused update wrote %q", got.Title)
	}

	// move: a lost stage needs a reason
	lost := ""
	for _, st := range p.Stages {
		if st.Semantics == data.StatusLost {
			lost = st.Name
		}
	}
	if msg := refused(t, "deal", "move", "--deal", id, "--db", path, "--stage", lost); !strings.Contains(msg, "lost_reason:") {
		t.Errorf("lost without a reason: %q", msg)
	}
	m := dealJSON(t, "deal", "move", "--deal", id, "--db", path, "--stage", lost, "--lost-reason", "Too dear")
	if m["status"] != "lost" || m["lost_reason"] != "Too dear" {
		t.Errorf("moved %v", m)
	}
	c := dealJSON(t, "deal", "close", "--deal", id, "--db", path, "--outcome", "won")
	if c["status"] != "won" || c["closed_at"] == nil {
		t.Errorf("closed %v", c)
	}
}

// TestDealCommandObeysAs: a sales employee who only observes a deal may
// read it but neither change, move, close, delete nor attach to it; one
// who does not see it is told it does not exist.
func TestDealCommandObeysAs(t *testing.T) {
	t.Parallel()
	db, path := dealFixture(t)
	d, err := db.CreateDeal(context.Background(), db.Admin.ID, data.DealInput{Title: "Observed", ResponsibleID: db.Manager.ID,
		Observers: []int64{db.Sales.ID}})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(d.ID, 10)
	file := filepath.Join(t.TempDir(), "note.txt")
	os.WriteFile(file, []byte("hello"), 0o600)
	for _, args := range [][]string{
		{"update", "--title", "Mine now"},
		{"move", "--stage", db.Pipeline(t).Stages[2].Name},
		{"close", "--outcome", "won"},
		{"delete"},
		{"attach", file},
	} {
		cmd := append([]string{"deal", args[0], "--deal", id, "--db", path, "--as", db.Sales.Email}, args[1:]...)
		if msg := refused(t, cmd...); !strings.Contains(msg, "not allowed") || !strings.Contains(msg, "observes") {
			t.Errorf("%s as an observer: %q", args[0], msg)
		}
	}
	if msg := refused(t, "deal", "update", "--deal", id, "--db", path, "--as", db.Sales2.Email, "--title", "x"); !strings.Contains(msg, "no such deal") {
		t.Errorf("a stranger: %q", msg)
	}
	if got, _ := db.Store.Deal(context.Background(), db.Admin.ID, d.ID); got.Title != "Observed" || got.StageID != d.StageID {
		t.Errorf("the observer changed the deal: %+v", got)
	}
}

// TestDealCommandAttachDeleteRestore: files attached by path (a name that
// climbs folders is stored safely; over the limit refused in words), then
// the deal to the trash and back, and the purge.
func TestDealCommandAttachDeleteRestore(t *testing.T) {
	t.Parallel()
	db, path := dealFixture(t)
	d := dealJSON(t, "deal", "create", "--db", path, "--title", "Shop front", "--as", db.Sales.Email)
	id := strconv.FormatInt(int64(d["id"].(float64)), 10)
	dir := t.TempDir()
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 64, 48)), nil)
	photo := filepath.Join(dir, "front.jpg")
	os.WriteFile(photo, buf.Bytes(), 0o600)
	odd := filepath.Join(dir, "CON")
	os.WriteFile(odd, []byte("device?"), 0o600)
	a := dealJSON(t, "deal", "attach", "--deal", id, "--db", path, "--as", db.Sales.Email, photo, odd)
	files := a["files"].([]any)
	if len(files) != 2 {
		t.Fatalf("files %v", a["files"])
	}
	names := []string{files[0].(map[string]any)["name"].(string), files[1].(map[string]any)["name"].(string)}
	if names[0] != "_CON" || names[1] != "front.jpg" || files[1].(map[string]any)["type"] != "image/jpeg" {
		t.Errorf("attached %v", files)
	}
	big := filepath.Join(dir, "big.bin")
	os.WriteFile(big, bytes.Repeat([]byte{1}, 26<<20), 0o600)
	if msg := refused(t, "deal", "attach", "--deal", id, "--db", path, big); !strings.Contains(msg, "file:") || !strings.Contains(msg, "25.0") || !strings.Contains(msg, "MB") {
		t.Errorf("a file over the limit: %q", msg)
	}

	code, out, errOut := run(t, "deal", "delete", "--deal", id, "--db", path, "--as", db.Sales.Email)
	var item map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &item) != nil || item["kind"] != "deal" || item["title"] != "Shop front" || item["purge_at"] == nil {
		t.Fatalf("delete: exit %d, %q, %q", code, out, errOut)
	}
	if msg := refused(t, "deal", "update", "--deal", id, "--db", path, "--title", "x"); !strings.Contains(msg, "no such deal") {
		t.Errorf("update of a deleted deal: %q", msg)
	}
	code, out, _ = run(t, "deal", "trash", "--db", path)
	var items []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &items) != nil || len(items) != 1 {
		t.Errorf("trash: %q", out)
	}
	r := dealJSON(t, "deal", "restore", "--deal", id, "--db", path, "--as", db.Sales.Email)
	if r["title"] != "Shop front" || len(r["files"].([]any)) != 2 {
		t.Errorf("restored %v", r)
	}
	// a deal deleted 30 days ago (by the test store's clock: the command's
	// is the real one) is purged
	code, out, _ = run(t, "deal", "purge", "--db", path)
	if code != 0 || !strings.Contains(out, `"Deals": 0`) {
		t.Errorf("purge of nothing due: %d %q", code, out)
	}
	if err := db.DeleteDeal(context.Background(), db.Admin.ID, int64(d["id"].(float64))); err != nil {
		t.Fatal(err)
	}
	db.Clock.Advance((data.TrashDays*24 + 1) * time.Hour)
	if res, err := db.PurgeTrash(context.Background()); err != nil || res.Deals != 1 {
		t.Fatalf("purge %+v, %v", res, err)
	}
	if msg := refused(t, "deal", "restore", "--deal", id, "--db", path); !strings.Contains(msg, "no such deal") {
		t.Errorf("restore after purge: %q", msg)
	}
}

func TestDealCommandUsage(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "c.db")
	for _, args := range [][]string{
		{"deal"},
		{"deal", "frobnicate"},
		{"deal", "update", "--title", "x"},
		{"deal", "create", "--deal", "3"},
		{"deal", "attach", "--deal", "3"},
		{"deal", "move", "--deal", "3"},
		{"deal", "close", "--deal", "3", "--outcome", "maybe"},
		{"deal", "restore", "--deal", "3", "extra"},
	} {
		code, out, errOut := run(t, append(args, "--db", path)...)
		if code != 2 || out != "" || errOut == "" {
			t.Errorf("%q: exit %d, %q, %q", args, code, out, errOut)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a usage error created the database")
	}
}

// TestDealAttachIsAllOrNothing: when one file of several cannot be
// attached, none is.
func TestDealAttachIsAllOrNothing(t *testing.T) {
	t.Parallel()
	db, path := dealFixture(t)
	d := db.Deal(t, db.Admin.ID, "Roof")
	good := filepath.Join(t.TempDir(), "good.txt")
	os.WriteFile(good, []byte("fine"), 0o600)
	if msg := refused(t, "deal", "attach", "--deal", strconv.FormatInt(d.ID, 10), "--db", path, good, good+".missing"); !strings.Contains(msg, "file:") {
		t.Errorf("missing file: %q", msg)
	}
	if fs, _ := db.Files(context.Background(), db.Admin.ID, data.FileOwner{Kind: data.KindDeal, ID: d.ID}); len(fs) != 0 {
		t.Errorf("%d files attached by a refused attach", len(fs))
	}
}
