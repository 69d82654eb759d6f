package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestInitThenEmployees(t *testing.T) {
	db := filepath.Join(t.TempDir(), "new.db")
	code, out, errOut := run(t, "init", "--name", "Ada Admin", "--email", "ada@example.test", "--lang", "fr", "--db", db)
	if code != 0 || !strings.Contains(out, "Ada Admin <ada@example.test>") {
		t.Fatalf("init: exit %d, %q, %q", code, out, errOut)
	}
	code, _, errOut = run(t, "init", "--name", "Bob", "--email", "bob@example.test", "--db", db)
	if code != 1 || !strings.Contains(errOut, "already has employees") {
		t.Errorf("second init: exit %d, %q", code, errOut)
	}
	code, out, errOut = run(t, "employee", "add", "--name", "Sam Sales", "--email", "sam@example.test", "--role", "sales", "--db", db)
	if code != 0 || !strings.HasPrefix(out, "added employee ") || !strings.Contains(out, "sam@example.test") {
		t.Fatalf("add: exit %d, %q, %q", code, out, errOut)
	}
	// Only an admin adds employees.
	code, out, errOut = run(t, "employee", "add", "--name", "Eve", "--email", "eve@example.test", "--db", db, "--as", "sam@example.test")
	if code != 1 || out != "" || !strings.Contains(errOut, "only an admin adds employees") {
		t.Errorf("sales adds: exit %d, %q, %q", code, out, errOut)
	}
	// A taken address is refused, naming the field.
	code, _, errOut = run(t, "employee", "add", "--name", "Sam Again", "--email", "SAM@example.test", "--db", db)
	if code != 1 || !strings.Contains(errOut, "email") {
		t.Errorf("duplicate: exit %d, %q", code, errOut)
	}
	code, out, _ = run(t, "employee", "list", "--db", db, "--as", "sam@example.test")
	if code != 0 || !strings.Contains(out, "ada@example.test") || !strings.Contains(out, "sam@example.test") ||
		strings.Contains(out, "eve@example.test") || !strings.HasPrefix(out, "ID") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "employee", "list", "--format", "json", "--db", db)
	var es []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &es) != nil || len(es) != 2 || es[0]["role"] != "admin" || es[1]["role"] != "sales" {
		t.Errorf("list json: exit %d\n%s", code, out)
	}
	// The French pipeline of a database made with --lang fr.
	var deals []map[string]any
	if code, _, errOut := run(t, "seed", "--deals", "3", "--lang", "fr", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	code, out, _ = run(t, "export", "deals", "--db", db)
	if code != 0 || json.Unmarshal([]byte(out), &deals) != nil || len(deals) != 3 {
		t.Fatalf("export: %d\n%s", code, out)
	}
	for _, d := range deals {
		if d["pipeline"] != "Ventes" {
			t.Errorf("pipeline %v, want the French default pipeline of a database made with --lang fr", d["pipeline"])
		}
	}
	db2 := filepath.Join(t.TempDir(), "en.db")
	run(t, "init", "--name", "Ada Admin", "--email", "ada@example.test", "--lang", "en", "--db", db2)
	run(t, "seed", "--deals", "1", "--lang", "en", "--db", db2)
	if got := exportJSON(t, "export", "deals", "--db", db2); len(got) != 1 || got[0]["pipeline"] != "Sales" {
		t.Errorf("--lang en: %v", got)
	}
}
