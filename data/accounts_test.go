package data_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// mailAccount creates a loopback test account for db.
func mailAccount(t testing.TB, db *datatest.DB, in data.AccountInput) data.Account {
	t.Helper()
	if in.Email == "" {
		in.Email = "sales@ourshop.test"
	}
	if in.IMAPHost == "" {
		in.IMAPHost, in.IMAPPort, in.IMAPSecurity = "127.0.0.1", 1143, data.SecurityNone
	}
	a, err := db.CreateAccount(context.Background(), db.Admin.ID, in)
	if err != nil {
		t.Fatalf("create account: %v", err)
	}
	return a
}

func TestAccountDefaultsAndRoundTrip(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	var changes data.Changes
	got := make(chan data.Changes, 4)
	defer db.Subscribe(func(cs data.Changes) { got <- cs })()
	a, err := db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{
		Email: "Ventes@OurShop.test", Addresses: []string{"contact@ourshop.test"},
		IMAPHost: "imap.ourshop.test", IMAPSecurity: data.SecurityTLS,
		SMTPHost: "smtp.ourshop.test", ServerSavesSent: true,
		Exclusions: []string{"@Supplier.test", "noreply@bank.test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	changes = <-got
	if !changes.Has(data.KindAccount, a.ID) {
		t.Fatalf("no account change event: %v", changes)
	}
	if a.IMAPPort != 993 || a.Username != "Ventes@OurShop.test" || len(a.Folders) != 1 || a.Folders[0] != "INBOX" {
		t.Fatalf("IMAP defaults: %+v", a)
	}
	if a.SMTPPort != 587 || a.SMTPSecurity != data.SecurityStartTLS || !a.ServerSavesSent {
		t.Fatalf("SMTP defaults: %+v", a)
	}
	if a.Policy != data.PolicyDeal || a.ImportDays != 30 || a.MaxSize != 25<<20 || !a.Active {
		t.Fatalf("policy defaults: %+v", a)
	}
	if len(a.Addresses) != 2 || !a.Owns("contact@OURSHOP.test") || !a.Owns("ventes@ourshop.test") {
		t.Fatalf("addresses: %v", a.Addresses)
	}
	if len(a.Exclusions) != 2 || a.Exclusions[0] != "supplier.test" {
		t.Fatalf("exclusions: %v", a.Exclusions)
	}
	dbid, err := db.DatabaseID(ctx)
	if err != nil || len(dbid) != 32 {
		t.Fatalf("database id %q, %v", dbid, err)
	}
	prefix := fmt.Sprintf("comptoir/%s/account/%d/", dbid, a.ID)
	if a.IMAPSecretKey() != prefix+"imap" || a.SMTPSecretKey() != prefix+"smtp" {
		t.Fatalf("secret keys: %s %s", a.IMAPSecretKey(), a.SMTPSecretKey())
	}

	in := a.Input()
	in.Policy = data.PolicyInbox
	in.Folders = []string{"INBOX", "Clients"}
	b, err := db.UpdateAccount(ctx, db.Admin.ID, a.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if b.Policy != data.PolicyInbox || len(b.Folders) != 2 {
		t.Fatalf("update: %+v", b)
	}
	if _, err := db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "ventes@ourshop.test", IMAPHost: "x.test"}); data.FieldErrors(err).Field("email") == nil {
		t.Fatalf("duplicate address: %v", err)
	}
	if _, err := db.CreateAccount(ctx, db.Sales.ID, data.AccountInput{Email: "x@ourshop.test", IMAPHost: "x.test"}); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("sales creating an account: %v", err)
	}
	if err := db.DeleteAccount(ctx, db.Admin.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Account(ctx, db.Admin.ID, a.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestAccountRefusesPlaintextToRemoteHost(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	_, err := db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "a@ourshop.test", IMAPHost: "imap.example.com", IMAPSecurity: data.SecurityNone})
	fe := data.FieldErrors(err)
	if fe == nil || fe.Field("imap_security") == nil || fe.Field("imap_security").Code != "insecure" {
		t.Fatalf("want imap_security insecure, got %v", err)
	}
	_, err = db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "a@ourshop.test", IMAPHost: "imap.example.com",
		SMTPHost: "smtp.example.com", SMTPSecurity: data.SecurityNone})
	if fe := data.FieldErrors(err); fe == nil || fe.Field("smtp_security") == nil {
		t.Fatalf("want smtp_security error, got %v", err)
	}
	_, err = db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "a@ourshop.test", IMAPHost: "imap.example.com", IMAPSecurity: "ssl"})
	if fe := data.FieldErrors(err); fe == nil || fe.Field("imap_security") == nil || fe.Field("imap_security").Code != "invalid_security" {
		t.Fatalf("want invalid_security, got %v", err)
	}
	for _, h := range []string{"localhost", "127.0.0.1", "::1", "[::1]"} {
		if _, err := db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "x" + h[:1] + "@ourshop.test", IMAPHost: h, IMAPSecurity: data.SecurityNone}); err != nil && data.FieldErrors(err).Field("imap_security") != nil {
			t.Fatalf("loopback %s refused: %v", h, err)
		}
	}
}

func TestAccountStatusAndCheckpoint(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	a := mailAccount(t, db, data.AccountInput{})
	got := make(chan data.Changes, 8)
	defer db.Subscribe(func(cs data.Changes) { got <- cs })()
	if err := db.SetAccountStatus(ctx, a.ID, data.AccountError, "The server refused the user name or password."); err != nil {
		t.Fatal(err)
	}
	if cs := <-got; !cs.Has(data.KindAccount, a.ID) {
		t.Fatalf("no event for a status change: %v", cs)
	}
	b, _ := db.Account(ctx, db.Admin.ID, a.ID)
	if b.Status != data.AccountError || b.StatusMessage == "" || b.StatusAt.IsZero() {
		t.Fatalf("status: %+v", b)
	}
	if _, ok, err := db.FolderState(ctx, a.ID, "INBOX"); ok || err != nil {
		t.Fatalf("fresh folder: %v %v", ok, err)
	}
	if err := db.SetFolderState(ctx, a.ID, "INBOX", 7, 42); err != nil {
		t.Fatal(err)
	}
	st, ok, err := db.FolderState(ctx, a.ID, "INBOX")
	if !ok || err != nil || st.UIDValidity != 7 || st.LastUID != 42 {
		t.Fatalf("folder state: %+v %v %v", st, ok, err)
	}
}
