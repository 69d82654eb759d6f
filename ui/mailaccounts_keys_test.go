package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/mail/secret"
)

// accountWithPassword adds a mail account whose password is in the file
// store beside db before the account becomes active, as `comptoir account
// add` does: the window's sync never sees it without its password.
func accountWithPassword(t testing.TB, db *datatest.DB, in data.AccountInput, password string) data.Account {
	t.Helper()
	ctx := context.Background()
	active := !in.Inactive
	in.Inactive = true
	acc, err := db.CreateAccount(ctx, db.Admin.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := secret.NewFile(filepath.Dir(db.Path)).Set(acc.IMAPSecretKey(), password); err != nil {
		t.Fatal(err)
	}
	if active {
		in.Inactive = false
		if acc, err = db.UpdateAccount(ctx, db.Admin.ID, acc.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	return acc
}

// Two accounts with the same login keep their own passwords, and removing
// one keeps the other's.
func TestAccountsWithTheSameLoginKeepTheirPasswords(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	sec := secret.NewFile(t.TempDir())
	in := data.AccountInput{Username: "shared", IMAPHost: "127.0.0.1", IMAPPort: 1143, IMAPSecurity: data.SecurityNone,
		SMTPHost: "127.0.0.1", SMTPPort: 1587, SMTPSecurity: data.SecurityNone}
	in.Email = "one@ourshop.test"
	one, err := db.CreateAccount(ctx, db.Admin.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	in.Email = "two@ourshop.test"
	two, err := db.CreateAccount(ctx, db.Admin.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := savePasswords(sec, data.Account{}, one, "pw-one", "smtp-one"); err != nil {
		t.Fatal(err)
	}
	if err := savePasswords(sec, data.Account{}, two, "pw-two", ""); err != nil {
		t.Fatal(err)
	}
	if p, _ := sec.Get(one.IMAPSecretKey()); p != "pw-one" {
		t.Fatalf("the first account's password became %q", p)
	}
	if p, _ := sec.Get(one.SMTPSecretKey()); p != "smtp-one" {
		t.Fatalf("the first account's SMTP password became %q", p)
	}
	if err := db.DeleteAccount(ctx, db.Admin.ID, two.ID); err != nil {
		t.Fatal(err)
	}
	if err := deletePasswords(sec, two); err != nil {
		t.Fatal(err)
	}
	if _, err := sec.Get(two.IMAPSecretKey()); !errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("the removed account's password is still there (%v)", err)
	}
	if p, _ := sec.Get(one.IMAPSecretKey()); p != "pw-one" {
		t.Fatalf("removing the second account left the first with %q", p)
	}
}

// A password that cannot be saved or deleted is reported, in words the
// person's language has (TestMailTranslationsComplete checks the French).
func TestPasswordStoreFailuresAreReported(t *testing.T) {
	setupLanguage("en")
	db := datatest.Open(t)
	blocker := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	broken := secret.NewFile(filepath.Join(blocker, "sub")) // its folder cannot be created
	acc, err := db.CreateAccount(context.Background(), db.Admin.ID, data.AccountInput{Email: "one@ourshop.test",
		IMAPHost: "127.0.0.1", IMAPPort: 1143, IMAPSecurity: data.SecurityNone})
	if err != nil {
		t.Fatal(err)
	}
	err = savePasswords(broken, data.Account{}, acc, "pw", "")
	if err == nil || !strings.HasPrefix(err.Error(), lang.L("The password could not be saved")+": ") {
		t.Fatalf("a failed save reported %v", err)
	}
	// A store that cannot be read (its file is a folder): Delete must say so.
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, secret.FileName), 0o700); err != nil {
		t.Fatal(err)
	}
	err = deletePasswords(secret.NewFile(dir), acc)
	if err == nil || !strings.HasPrefix(err.Error(), lang.L("The account is removed but its password could not be deleted")+": ") {
		t.Fatalf("a failed delete reported %v", err)
	}
}
