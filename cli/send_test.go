package cli

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/mail/mailtest"
)

func TestSendQueuesAndSyncSends(t *testing.T) {
	t.Setenv("COMPTOIR_SECRETS", "file")
	imapSrv := mailtest.NewIMAPMemServer(t, "seller", "imap-pass-123")
	smtpSrv := mailtest.NewSMTPServer(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	if code, _, errOut := run(t, "init", "--name", "Ada Admin", "--email", "ada@example.test", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	t.Setenv("COMPTOIR_PASSWORD", "imap-pass-123")
	if code, _, errOut := run(t, "account", "add", "--email", "sales@ourshop.test", "--imap-host", "127.0.0.1", "--imap-port",
		strconv.Itoa(imapSrv.Port()), "--imap-security", "none", "--username", "seller", "--smtp-host", "127.0.0.1",
		"--smtp-port", strconv.Itoa(smtpSrv.Port()), "--smtp-security", "none", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	ctx := context.Background()
	st, err := data.Open(ctx, db, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := st.FirstAdmin(ctx)
	deal, err := st.CreateDeal(ctx, admin.ID, data.DealInput{Title: "Chairs"})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	body := filepath.Join(dir, "body.txt")
	att := filepath.Join(dir, "plan.txt")
	os.WriteFile(body, []byte("Hello,\nhere is the plan.\n"), 0o600)
	os.WriteFile(att, []byte("the plan"), 0o600)
	id := strconv.FormatInt(deal.ID, 10)

	// Bad input: refused with the reason, nothing queued.
	code, _, errOut := run(t, "send", "--deal", id, "--to", "not an address", "--subject", "S", "--body-file", body, "--db", db)
	if code != 1 || !strings.Contains(errOut, "--to") {
		t.Fatalf("bad address: exit %d %q", code, errOut)
	}
	code, _, errOut = run(t, "send", "--deal", id, "--to", "claire@client.test", "--subject", "S", "--body-file", body,
		"--attach", filepath.Join(dir, "missing.pdf"), "--db", db)
	if code != 1 || !strings.Contains(errOut, "--attach") || !strings.Contains(errOut, "missing.pdf") {
		t.Fatalf("missing attachment: exit %d %q", code, errOut)
	}

	code, out, errOut := run(t, "send", "--deal", id, "--to", "claire@client.test", "--subject", "Your plan", "--body-file", body,
		"--attach", att, "--db", db)
	if code != 0 || !strings.Contains(out, "queued <deal-"+id+".") {
		t.Fatalf("send: exit %d %q %q", code, out, errOut)
	}
	msgID := strings.TrimSuffix(strings.SplitN(strings.SplitN(out, "<", 2)[1], ">", 2)[0], ">")
	if len(smtpSrv.Messages()) != 0 {
		t.Fatal("send sent at once; it should only queue")
	}
	if code, out, errOut := run(t, "sync", "--once", "--db", db); code != 0 {
		t.Fatalf("sync: exit %d %q %q", code, out, errOut)
	}
	got := smtpSrv.WaitMessages(t, 1, 5*time.Second)
	if !strings.Contains(string(got[0].Data), "Message-ID: <"+msgID+">") || !strings.Contains(string(got[0].Data), "plan.txt") {
		t.Fatalf("delivered:\n%s", got[0].Data)
	}
	// A second sync sends nothing again.
	run(t, "sync", "--once", "--db", db)
	if n := smtpSrv.Transactions(); n != 1 {
		t.Fatalf("%d transactions", n)
	}
}

func TestOutboxCommand(t *testing.T) {
	t.Setenv("COMPTOIR_SECRETS", "file")
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	if code, _, errOut := run(t, "init", "--name", "Ada Admin", "--email", "ada@example.test", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	t.Setenv("COMPTOIR_PASSWORD", "x")
	if code, _, errOut := run(t, "account", "add", "--email", "sales@ourshop.test", "--imap-host", "127.0.0.1", "--imap-port", "1",
		"--imap-security", "none", "--smtp-host", "127.0.0.1", "--smtp-port", "1", "--smtp-security", "none", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	ctx := context.Background()
	st, err := data.Open(ctx, db, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := st.FirstAdmin(ctx)
	deal, _ := st.CreateDeal(ctx, admin.ID, data.DealInput{Title: "Chairs"})
	st.Close()
	body := filepath.Join(dir, "b.txt")
	os.WriteFile(body, []byte("hi"), 0o600)
	if code, _, errOut := run(t, "send", "--deal", strconv.FormatInt(deal.ID, 10), "--to", "c@client.test", "--subject", "Quote",
		"--body-file", body, "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	code, out, _ := run(t, "outbox", "--db", db)
	if code != 0 || !strings.Contains(out, "queued") || !strings.Contains(out, "Quote") {
		t.Fatalf("outbox list: %d %q", code, out)
	}
	if code, out, errOut := run(t, "outbox", "cancel", "1", "--db", db); code != 0 || !strings.Contains(out, "cancelled") {
		t.Fatalf("cancel: %d %q %q", code, out, errOut)
	}
	if code, out, _ := run(t, "outbox", "--db", db); code != 0 || strings.Contains(out, "Quote") {
		t.Fatalf("after cancel: %q", out)
	}
}
