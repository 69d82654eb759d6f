package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/mail/mailtest"
	"comptoir/mail/secret"
)

func TestAccountAddAndSyncOnce(t *testing.T) {
	t.Setenv("COMPTOIR_SECRETS", "file")
	srv := mailtest.NewIMAPMemServer(t, "seller", "imap-pass-123")
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errOut := run(t, "init", "--name", "Ada Admin", "--email", "ada@example.test", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	port := strconv.Itoa(srv.Port())

	// No password given: a usage error, nothing stored.
	t.Setenv("COMPTOIR_PASSWORD", "")
	code, _, errOut := run(t, "account", "add", "--email", "sales@ourshop.test", "--imap-host", "127.0.0.1", "--imap-port", port,
		"--imap-security", "none", "--username", "seller", "--db", db)
	if code != 2 || !strings.Contains(errOut, "COMPTOIR_PASSWORD") {
		t.Fatalf("no password: exit %d %q", code, errOut)
	}
	// Plaintext to a remote host: refused, naming the field.
	t.Setenv("COMPTOIR_PASSWORD", "imap-pass-123")
	code, _, errOut = run(t, "account", "add", "--email", "sales@ourshop.test", "--imap-host", "imap.example.com",
		"--imap-security", "none", "--db", db)
	if code != 1 || !strings.Contains(errOut, "imap_security") {
		t.Fatalf("plaintext remote: exit %d %q", code, errOut)
	}
	code, out, errOut := run(t, "account", "add", "--email", "sales@ourshop.test", "--imap-host", "127.0.0.1", "--imap-port", port,
		"--imap-security", "none", "--username", "seller", "--smtp-host", "localhost", "--smtp-port", "2525", "--smtp-security", "none", "--db", db)
	if code != 0 || !strings.Contains(out, "added mail account") || !strings.Contains(out, "password in the file") {
		t.Fatalf("add: exit %d %q %q", code, out, errOut)
	}
	// The password is in the private file, never in the database.
	secrets := filepath.Join(filepath.Dir(db), "secrets.json")
	fi, err := os.Stat(secrets)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", fi, err)
	}
	for _, p := range []string{db, db + "-wal"} {
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte("imap-pass-123")) {
			t.Fatalf("the password is in %s", filepath.Base(p))
		}
	}

	srv.Append(t, "INBOX", []byte("From: Jeanne <jeanne@acme.test>\r\nTo: sales@ourshop.test\r\nSubject: Quote please\r\n"+
		"Message-ID: <q1@acme.test>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nHello, 40 chairs please.\r\n"))
	code, out, errOut = run(t, "sync", "--once", "--db", db)
	if code != 0 || !strings.Contains(out, "1 new deal(s)") {
		t.Fatalf("sync --once: exit %d %q %q", code, out, errOut)
	}
	code, out, _ = run(t, "export", "deals", "--db", db)
	var deals []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &deals) != nil || len(deals) != 1 {
		t.Fatalf("export: %d %s", code, out)
	}
	if !strings.Contains(out, "email_in") || !strings.Contains(out, "linked_because") || !strings.Contains(out, "40 chairs") {
		t.Errorf("export lacks the email entry:\n%s", out)
	}
	code, out, _ = run(t, "account", "list", "--db", db)
	if code != 0 || !strings.Contains(out, "sales@ourshop.test") || !strings.Contains(out, "ok") {
		t.Fatalf("list: %d %s", code, out)
	}

	// A wrong password: exit 1, in plain words, recorded on the account.
	key := accountKeys(t, db)[0]
	if err := os.WriteFile(secrets, []byte(`{"`+key+`": "wrong"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "sync", "--once", "--db", db)
	if code != 1 || !strings.Contains(errOut, "refused the user name or password") {
		t.Fatalf("wrong password: exit %d %q", code, errOut)
	}
	st, err := data.Open(context.Background(), db, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	accs, _ := st.WorkerAccounts(context.Background())
	st.Close()
	if len(accs) != 1 || accs[0].Status != data.AccountError {
		t.Fatalf("status not recorded: %+v", accs)
	}
	code, out, _ = run(t, "account", "remove", "--email", "SALES@ourshop.test", "--db", db)
	if code != 0 || !strings.Contains(out, "removed") {
		t.Fatalf("remove: %d %s", code, out)
	}
	if b, _ := os.ReadFile(secrets); bytes.Contains(b, []byte(key)) {
		t.Fatalf("password left after remove: %s", b)
	}
}

func TestAccountAddPasswordFromStdin(t *testing.T) {
	t.Setenv("COMPTOIR_SECRETS", "file")
	t.Setenv("COMPTOIR_PASSWORD", "")
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errOut := run(t, "init", "--name", "Ada Admin", "--email", "ada@example.test", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	args := []string{"account", "add", "--email", "a@ourshop.test", "--imap-host", "imap.ourshop.test", "--password-stdin", "--db", db}
	if code, _, errOut := runWith(t, "from-stdin\n", args...); code != 0 {
		t.Fatalf("exit %d %q", code, errOut)
	}
	b, _ := os.ReadFile(filepath.Join(filepath.Dir(db), "secrets.json"))
	if !bytes.Contains(b, []byte(`"`+accountKeys(t, db)[0]+`": "from-stdin"`)) {
		t.Fatalf("secrets: %s", b)
	}
}

// accountKeys returns the IMAP secret keys of the accounts of the database
// file db.
func accountKeys(t *testing.T, db string) []string {
	t.Helper()
	st, err := data.Open(context.Background(), db, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	accs, err := st.WorkerAccounts(context.Background())
	if err != nil || len(accs) == 0 {
		t.Fatalf("accounts: %v %v", accs, err)
	}
	var keys []string
	for _, a := range accs {
		keys = append(keys, a.IMAPSecretKey())
	}
	return keys
}

// A password that cannot be stored leaves no account behind: `account add`
// does all or nothing.
func TestAccountAddWithoutPasswordStoreAddsNothing(t *testing.T) {
	t.Setenv("COMPTOIR_SECRETS", "file")
	t.Setenv("COMPTOIR_PASSWORD", "imap-pass-123")
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errOut := run(t, "init", "--name", "Ada Admin", "--email", "ada@example.test", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	// The password file cannot be read or written: it is a folder.
	if err := os.Mkdir(filepath.Join(filepath.Dir(db), "secrets.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "account", "add", "--email", "sales@ourshop.test", "--imap-host", "127.0.0.1",
		"--imap-security", "none", "--smtp-host", "localhost", "--smtp-security", "none", "--db", db)
	if code == 0 || !strings.Contains(errOut, "save the password") {
		t.Fatalf("add with a broken password store: exit %d %q %q", code, out, errOut)
	}
	st, err := data.Open(context.Background(), db, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if accs, err := st.WorkerAccounts(context.Background()); err != nil || len(accs) != 0 {
		t.Fatalf("accounts left behind: %+v %v", accs, err)
	}
}

// An added account is active and has its password (the inactive step is not
// visible in the result).
func TestAccountAddIsActiveWithPasswords(t *testing.T) {
	t.Setenv("COMPTOIR_SECRETS", "file")
	t.Setenv("COMPTOIR_PASSWORD", "imap-pass-123")
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errOut := run(t, "init", "--name", "Ada Admin", "--email", "ada@example.test", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	if code, out, errOut := run(t, "account", "add", "--email", "sales@ourshop.test", "--imap-host", "127.0.0.1",
		"--imap-security", "none", "--smtp-host", "localhost", "--smtp-security", "none", "--db", db); code != 0 {
		t.Fatalf("add: exit %d %q %q", code, out, errOut)
	}
	st, err := data.Open(context.Background(), db, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	accs, err := st.WorkerAccounts(context.Background())
	if err != nil || len(accs) != 1 || !accs[0].Active {
		t.Fatalf("accounts: %+v %v", accs, err)
	}
	sec := secret.NewFile(filepath.Dir(db))
	for _, k := range []string{accs[0].IMAPSecretKey(), accs[0].SMTPSecretKey()} {
		if p, err := sec.Get(k); err != nil || p != "imap-pass-123" {
			t.Fatalf("password under %s: %q %v", k, p, err)
		}
	}
}

// watchingStore is a secret store that records, at each Set, whether the
// account already syncs (is active), and fails the SMTP password when told.
type watchingStore struct {
	*secret.File
	st          *data.Store
	activeAtSet []bool
	failSMTP    bool
}

func (w *watchingStore) Set(key, password string) error {
	accs, _ := w.st.WorkerAccounts(context.Background())
	w.activeAtSet = append(w.activeAtSet, len(accs) == 1 && accs[0].Active)
	if w.failSMTP && strings.HasSuffix(key, "/smtp") {
		return errors.New("keyring locked")
	}
	return w.File.Set(key, password)
}

// No sync ever sees the account without its password; a failure on the
// second password removes the account and the first password.
func TestAddAccountIsNeverActiveWithoutPassword(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	in := data.AccountInput{Email: "sales@ourshop.test", IMAPHost: "127.0.0.1", IMAPPort: 1143, IMAPSecurity: data.SecurityNone,
		SMTPHost: "localhost", SMTPPort: 2525, SMTPSecurity: data.SecurityNone}
	env := &Env{Ctx: ctx}
	sec := &watchingStore{File: secret.NewFile(t.TempDir()), st: db.Store}
	acc, err := addAccount(env, db.Store, sec, db.Admin.ID, in, "pw")
	if err != nil {
		t.Fatal(err)
	}
	if !acc.Active || len(sec.activeAtSet) != 2 || sec.activeAtSet[0] || sec.activeAtSet[1] {
		t.Fatalf("active %v; active while the passwords were stored: %v", acc.Active, sec.activeAtSet)
	}

	sec = &watchingStore{File: secret.NewFile(t.TempDir()), st: db.Store, failSMTP: true}
	in.Email = "other@ourshop.test"
	if _, err := addAccount(env, db.Store, sec, db.Admin.ID, in, "pw"); err == nil || !strings.Contains(err.Error(), "keyring locked") {
		t.Fatalf("a failed SMTP password reported %v", err)
	}
	accs, err := db.Accounts(ctx, db.Admin.ID)
	if err != nil || len(accs) != 1 || accs[0].ID != acc.ID {
		t.Fatalf("accounts after the failure: %+v %v", accs, err)
	}
	b, _ := os.ReadFile(sec.Path())
	if bytes.Contains(b, []byte("pw")) {
		t.Fatalf("a password is left after the failure: %s", b)
	}
}
