package imapsync

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/mail/mailtest"
)

// TestFirstSyncImportsOnlyTheWindow: a new account imports the last N days,
// and later syncs take everything newer than the checkpoint, old or not.
func TestFirstSyncImportsOnlyTheWindow(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "seller", "pw")
	f := newFixture(t, srv, data.AccountInput{ImportDays: 10})
	old := client("old@client.test", "old@client-old.test", "Last year").bytes()
	srv.AppendWithFlags(t, "INBOX", old, time.Now().AddDate(0, 0, -40))
	srv.AppendWithFlags(t, "INBOX", client("recent@client.test", "recent@client-new.test", "This week").bytes(), time.Now().AddDate(0, 0, -3))
	st := f.syncOnce(t)
	if st.Fetched != 1 || f.deals(t) != 1 {
		t.Fatalf("first sync: %+v, %d deals", st, f.deals(t))
	}
	if _, err := f.db.EmailByMessageID(context.Background(), f.db.Admin.ID, "old@client.test"); err == nil {
		t.Fatal("a message older than the window was imported")
	}
	cp, _, _ := f.db.FolderState(context.Background(), f.acc.ID, "INBOX")
	if cp.LastUID != 2 {
		t.Fatalf("checkpoint %d, want 2", cp.LastUID)
	}
	// After the first sync, an arriving message is taken whatever its date.
	srv.AppendWithFlags(t, "INBOX", client("late@client.test", "late@client-late.test", "Delayed").bytes(), time.Now().AddDate(0, 0, -60))
	if st := f.syncOnce(t); st.Fetched != 1 || f.deals(t) != 2 {
		t.Fatalf("second sync: %+v", st)
	}
}

// TestOverSizeCapKeepsHeadersAndText fetches a message over the account's
// size cap: its text is kept, its attachment bytes are not, and a note says so.
func TestOverSizeCapKeepsHeadersAndText(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "seller", "pw")
	f := newFixture(t, srv, data.AccountInput{MaxSize: 1 << 17})
	blob := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n", 8000) // ~300 KB of base64
	big := msg{id: "big@client.test", from: "big@client-big.test", subject: "Plans attached",
		contentType: `multipart/mixed; boundary="XX"`,
		body: "--XX\nContent-Type: text/plain; charset=utf-8\n\nPlease see the plans.\n--XX\n" +
			"Content-Type: application/pdf; name=plans.pdf\nContent-Disposition: attachment; filename=plans.pdf\n" +
			"Content-Transfer-Encoding: base64\n\n" + blob + "--XX--\n"}
	srv.Append(t, "INBOX", big.bytes())
	f.syncOnce(t)
	m, err := f.db.EmailByMessageID(context.Background(), f.db.Admin.ID, "big@client.test")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := f.db.EmailRaw(context.Background(), f.db.Admin.ID, m.ID)
	if !strings.Contains(m.Text, "Please see the plans") || m.Truncated == "" || len(raw) > 4096 || m.Size < 1<<17 || m.DealID == 0 {
		t.Fatalf("over the cap: text %q truncated %q raw %d size %d deal %d", m.Text, m.Truncated, len(raw), m.Size, m.DealID)
	}
}

// TestPollingWithoutIdle: a server without IDLE is polled.
func TestPollingWithoutIdle(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "seller", "pw")
	f := newFixture(t, srv, data.AccountInput{})
	f.sync.noIdle = true
	f.sync.opt.PollInterval = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.sync.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, 10*time.Second, "the first sync", func() bool {
		a, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
		return a.Status == data.AccountOK
	})
	srv.Append(t, "INBOX", client("poll@client.test", "poll@client.test", "Polled").bytes())
	waitFor(t, 10*time.Second, "the polled mail's deal", func() bool { return f.deals(t) == 1 })
}

// TestKickPollsAtOnce: Kick (the network came back, "sync now") makes a
// waiting account poll without waiting for its interval.
func TestKickPollsAtOnce(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "seller", "pw")
	f := newFixture(t, srv, data.AccountInput{})
	f.sync.noIdle = true
	f.sync.opt.PollInterval = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.sync.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, 10*time.Second, "the first sync", func() bool {
		a, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
		return a.Status == data.AccountOK
	})
	srv.Append(t, "INBOX", client("kick@client2.test", "kick@client2.test", "Kicked").bytes())
	f.sync.Kick()
	waitFor(t, 10*time.Second, "the kicked mail's deal", func() bool { return f.deals(t) == 1 })
}

// TestNetworkBackRetriesAtOnce: an account waiting out a long backoff
// retries as soon as the machine's network changes.
func TestNetworkBackRetriesAtOnce(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "seller", "pw")
	f := newFixture(t, srv, data.AccountInput{})
	var netName atomic.Value
	netName.Store("offline")
	f.sync = New(f.db.Store, Options{Secrets: f.sec, Logger: quietLogger(), MinBackoff: time.Hour, MaxBackoff: time.Hour,
		NetworkCheck: 20 * time.Millisecond})
	f.sync.netState = func() string { return netName.Load().(string) }
	_ = f.sec.Set(f.acc.IMAPSecretKey(), "not yet") // the first attempt fails, then waits an hour
	srv.Append(t, "INBOX", client("net@client.test", "net@client.test", "Back online").bytes())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.sync.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, 10*time.Second, "the failed first attempt", func() bool {
		a, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
		return a.Status == data.AccountError
	})
	_ = f.sec.Set(f.acc.IMAPSecretKey(), "pw")
	netName.Store("wifi=192.0.2.7/24")
	waitFor(t, 10*time.Second, "the deal after the network came back", func() bool { return f.deals(t) == 1 })
}
