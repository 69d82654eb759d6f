package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"comptoir/cli/cmdline"
)

func TestSeedThenExportEveryDeal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "seeded.db")
	code, out, errOut := run(t, "seed", "--deals", "200", "--seed", "7", "--db", db)
	if code != 0 {
		t.Fatalf("seed: exit %d: %s", code, errOut)
	}
	if strings.Count(out, "\n") != 1 || !regexp.MustCompile(`^seeded .*: 200 deals, \d+ companies, \d+ contacts`).MatchString(out) {
		t.Errorf("summary %q", out)
	}
	deals := exportJSON(t, "export", "deals", "--db", db)
	if len(deals) != 200 {
		t.Fatalf("exported %d deals, want 200", len(deals))
	}
	seen := map[float64]bool{}
	for _, d := range deals {
		seen[d["id"].(float64)] = true
		if tl, _ := d["timeline"].([]any); len(tl) == 0 {
			t.Errorf("deal %v has no timeline", d["id"])
		}
	}
	if len(seen) != 200 {
		t.Errorf("%d distinct ids among 200 deals", len(seen))
	}
	code, out, _ = run(t, "export", "deals", "--format", "csv", "--db", db)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 201 {
		t.Errorf("CSV: exit %d, %v, %d rows, want 201", code, err, len(rows))
	}
	var contacts []map[string]any
	code, out, _ = run(t, "export", "contacts", "--db", db)
	if code != 0 || json.Unmarshal([]byte(out), &contacts) != nil || len(contacts) == 0 {
		t.Errorf("contacts: exit %d, %d", code, len(contacts))
	}
}

func TestSeedRights(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errOut := run(t, "init", "--name", "Ada Admin", "--email", "ada@example.test", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := run(t, "employee", "add", "--name", "Sam Sales", "--email", "sam@example.test", "--role", "sales", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := run(t, "seed", "--deals", "5", "--db", db, "--as", "sam@example.test")
	if code != 1 || out != "" || !strings.Contains(errOut, "only an admin seeds") {
		t.Errorf("a sales employee seeds: exit %d, %q, %q", code, out, errOut)
	}
	if got := exportJSON(t, "export", "deals", "--db", db); len(got) != 0 {
		t.Errorf("a refused seed wrote %d deals", len(got))
	}
	if code, _, errOut := run(t, "seed", "--deals", "5", "--db", db, "--as", "ada@example.test"); code != 0 {
		t.Errorf("the admin seeds: exit %d: %s", code, errOut)
	}
	if code, _, _ := run(t, "seed", "--db", db); code != 2 {
		t.Errorf("seed without --deals: exit %d, want 2", code)
	}
}

// TestSeedRefusesAnOversizedCount: a count past the bound is refused at
// once, in words, before the database is even opened (given 5 s, a seed
// that started writing is cut short and fails the test).
func TestSeedRefusesAnOversizedCount(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "big.db")
	args := []string{"seed", "--deals", "9999999999999", "--db", db}
	g, rest, err := cmdline.Parse(args)
	if err != nil {
		t.Fatal(err)
	}
	name, rest, _ := cmdline.Command(rest)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code := Run(ctx, name, rest, g, testOpener(t, g), strings.NewReader(""), &out, &errOut)
	if code != 2 || out.String() != "" || !strings.Contains(errOut.String(), "--deals 9999999999999 is too many: at most 1000000") {
		t.Errorf("seed --deals 9999999999999: exit %d, %q, %q", code, out.String(), errOut.String())
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the database was created: %v", err)
	}
}
