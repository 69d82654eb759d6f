package cli

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"comptoir/cli/cmdline"
	"comptoir/data"
	"comptoir/mail/imapsync"
	"comptoir/mail/secret"
	"comptoir/mail/send"
)

// run runs a command line in-process, as main does, and returns the exit
// code and what was written to stdout and stderr.
func run(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runWith(t, "", args...)
}

// runWith is run with stdin.
func runWith(t testing.TB, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	g, rest, err := cmdline.Parse(args)
	if err != nil {
		return 2, "", err.Error()
	}
	name, rest, ok := cmdline.Command(rest)
	if !ok {
		t.Fatalf("%q is not a headless command", args)
	}
	code = Run(context.Background(), name, rest, g, testOpener(t, g), strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// testOpener wires the services the way main does, over the database --db
// names (a test never opens the app's own), with the password file beside
// it and a log on the test's output.
func testOpener(t testing.TB, g cmdline.Global) Opener {
	return func(ctx context.Context, lang string) (*Services, error) {
		if g.DB == "" {
			t.Fatal("a test command must name its database with --db")
		}
		st, err := data.Open(ctx, g.DB, data.OpenOptions{Language: lang})
		if err != nil {
			return nil, err
		}
		sec := secret.NewFile(filepath.Dir(g.DB))
		level := new(slog.LevelVar)
		log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: level}))
		return &Services{
			Store:   st,
			Secrets: sec,
			Syncer:  imapsync.New(st, imapsync.Options{Secrets: sec, Logger: log}),
			Sender:  send.New(st, send.Options{Secrets: sec, Logger: log}),
			Level:   level,
		}, nil
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := run(t, "help")
	if code != 0 {
		t.Fatalf("help exit %d", code)
	}
	for _, want := range []string{"seed", "export", "employee", "init"} {
		if _, ok := commands[want]; !ok && want != "seed" {
			t.Errorf("command %s is not registered", want)
		}
	}
	for name, c := range commands {
		if strings.TrimSpace(c.usage) == "" || strings.TrimSpace(c.summary) == "" {
			t.Errorf("command %s has no usage or summary", name)
		}
		if !strings.Contains(out, "comptoir "+name) || !strings.Contains(out, c.summary) {
			t.Errorf("help does not list %s with its summary:\n%s", name, out)
		}
		code, one, _ := run(t, "help", name)
		if code != 0 || !strings.Contains(one, "usage: comptoir "+name+" "+c.usage) || !strings.Contains(one, "-db") {
			t.Errorf("help %s: exit %d\n%s", name, code, one)
		}
	}
	if code, out2, _ := run(t, "--help"); code != 0 || out2 != out {
		t.Errorf("--help differs from help (exit %d)", code)
	}
}

func TestHelpOfOneCommandShowsItsFlags(t *testing.T) {
	code, out, _ := run(t, "help", "export")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"-id", "-format", "-as", "deals|contacts|companies"} {
		if !strings.Contains(out, want) {
			t.Errorf("help export lacks %q:\n%s", want, out)
		}
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	cases := [][]string{
		{"export"},
		{"export", "widgets", "--db", db},
		{"export", "deals", "--format", "xml", "--db", db},
		{"export", "deals", "--no-such-flag"},
		{"employee", "fire", "--db", db},
		{"employee", "add", "--name", "X", "--db", db},
		{"employee", "add", "--name", "X", "--email", "x@example.test", "--role", "boss", "--db", db},
		{"init", "--db", db},
		{"init", "--name", "A", "--email", "a@example.test", "--lang", "de", "--db", db},
		{"no-such-command"},
		{"help", "no-such-command"},
	}
	for _, args := range cases {
		code, out, errOut := run(t, args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2 (stderr %q)", args, code, errOut)
		}
		if out != "" {
			t.Errorf("%q wrote to stdout: %q", args, out)
		}
		if errOut == "" {
			t.Errorf("%q: no message on stderr", args)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("a usage error created the database file")
	}
}

func TestFlagsBeforeAndAfterTheCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errOut := run(t, "--db", db, "init", "--name", "Ada Admin", "--email", "ada@example.test"); code != 0 {
		t.Fatalf("init with --db first: exit %d: %s", code, errOut)
	}
	code, out, errOut := run(t, "employee", "--db", db, "list")
	if code != 0 || !strings.Contains(out, "ada@example.test") {
		t.Fatalf("employee --db F list: exit %d\n%s%s", code, out, errOut)
	}
}

func TestBadDatabaseFileIsLeftUntouched(t *testing.T) {
	dir := t.TempDir()
	notSQLite := filepath.Join(dir, "notes.db")
	content := []byte("these are my notes, not a database\n")
	if err := os.WriteFile(notSQLite, content, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"export", "deals", "--db", notSQLite},
		{"employee", "list", "--db", notSQLite},
		{"init", "--name", "A", "--email", "a@example.test", "--db", notSQLite},
		{"employee", "add", "--name", "B", "--email", "b@example.test", "--db", notSQLite},
	} {
		code, out, errOut := run(t, args...)
		if code != 1 {
			t.Errorf("%q: exit %d, want 1", args, code)
		}
		if out != "" {
			t.Errorf("%q wrote to stdout: %q", args, out)
		}
		if !strings.Contains(errOut, "not a Comptoir database") || strings.Contains(errOut, "panic") {
			t.Errorf("%q: stderr %q", args, errOut)
		}
		got, err := os.ReadFile(notSQLite)
		if err != nil || !bytes.Equal(got, content) {
			t.Fatalf("%q changed the file: %q, %v", args, got, err)
		}
		if _, err := os.Stat(notSQLite + "-wal"); err == nil {
			t.Errorf("%q left a -wal file beside it", args)
		}
	}
}

func TestNoEmployeeYetSaysHowToStart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	code, _, errOut := run(t, "export", "deals", "--db", db)
	if code != 1 || !strings.Contains(errOut, "comptoir init") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestUnknownAsEmployee(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errOut := run(t, "init", "--name", "Ada Admin", "--email", "ada@example.test", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	code, _, errOut := run(t, "export", "deals", "--db", db, "--as", "nobody@example.test")
	if code != 1 || !strings.Contains(errOut, "--as nobody@example.test: no such employee") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestNewerDatabaseIsRefusedUntouched(t *testing.T) {
	db := filepath.Join(t.TempDir(), "future.db")
	if code, _, errOut := run(t, "init", "--name", "Ada Admin", "--email", "ada@example.test", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	sqldb, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', '2030-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	sqldb.Close()
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"export", "deals", "--db", db}, {"seed", "--deals", "3", "--db", db}, {"employee", "list", "--db", db}} {
		code, out, errOut := run(t, args...)
		if code != 1 || out != "" || !strings.Contains(errOut, "newer version of Comptoir") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		after, err := os.ReadFile(db)
		if err != nil || !bytes.Equal(before, after) {
			t.Fatalf("%q changed the file", args)
		}
	}
}
