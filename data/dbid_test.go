package data_test

import (
	"context"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// Accounts with the same login, in one database or in two, file their
// passwords under different keys; the database's identifier is stable.
func TestAccountSecretKeysAreTheAccounts(t *testing.T) {
	ctx := context.Background()
	db1, db2 := datatest.Open(t), datatest.Open(t)
	same := data.AccountInput{Username: "shared-login", IMAPHost: "127.0.0.1", IMAPPort: 1143, IMAPSecurity: data.SecurityNone,
		SMTPHost: "127.0.0.1", SMTPPort: 1587, SMTPSecurity: data.SecurityNone}
	in1, in2 := same, same
	in1.Email, in2.Email = "one@ourshop.test", "two@ourshop.test"
	a1 := mailAccount(t, db1, in1)
	a2 := mailAccount(t, db1, in2)
	b1 := mailAccount(t, db2, in1)
	keys := map[string]bool{}
	for _, a := range []data.Account{a1, a2, b1} {
		for _, k := range []string{a.IMAPSecretKey(), a.SMTPSecretKey()} {
			if keys[k] {
				t.Fatalf("key %s is shared", k)
			}
			keys[k] = true
		}
	}
	if a1.ID != b1.ID {
		t.Fatalf("the test wants the same account id in both databases: %d, %d", a1.ID, b1.ID)
	}
	// The key is the same however the account is read.
	accs, err := db1.Accounts(ctx, db1.Admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(accs) != 2 || accs[0].IMAPSecretKey() != a1.IMAPSecretKey() || accs[1].SMTPSecretKey() != a2.SMTPSecretKey() {
		t.Fatalf("listed keys differ: %+v", accs)
	}
	id, err := db1.DatabaseID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := data.Open(ctx, db1.Path, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if id2, err := again.DatabaseID(ctx); err != nil || id2 != id {
		t.Fatalf("database id after reopening %q (%v), want %q", id2, err, id)
	}
	if got, _ := again.WorkerAccount(ctx, a1.ID); got.IMAPSecretKey() != a1.IMAPSecretKey() {
		t.Fatalf("key after reopening %s, want %s", got.IMAPSecretKey(), a1.IMAPSecretKey())
	}
}
