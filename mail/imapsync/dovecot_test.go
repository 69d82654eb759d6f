package imapsync

import (
	"context"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/mail/mailtest"
)

// TestDovecot runs the suite against a real Dovecot started on loopback.
// Without Dovecot installed it is skipped, except under CI where
// mailtest.StartDovecot fails instead.
func TestDovecot(t *testing.T) {
	for _, tc := range suite {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, mailtest.StartDovecot(t))
		})
	}
	t.Run("DroppedConnectionIsSurvived", testDroppedConnection)
}

// testDroppedConnection stops the server under a running sync, starts it
// again, and expects the next mail to arrive without any help.
func testDroppedConnection(t *testing.T) {
	dc := mailtest.StartDovecot(t)
	f := newFixture(t, dc, data.AccountInput{})
	f.sync.opt.PollInterval = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.sync.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	dc.Append(t, "INBOX", client("d1@client.test", "d1@client.test", "Before").bytes())
	waitFor(t, 15*time.Second, "the first deal", func() bool { return f.deals(t) == 1 })

	dc.Stop(t)
	waitFor(t, 15*time.Second, "the error on the account", func() bool {
		a, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
		return a.Status == data.AccountError && a.StatusMessage != ""
	})
	a, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
	t.Logf("status while down: %s", a.StatusMessage)
	dc.Restart(t)
	dc.Append(t, "INBOX", client("d2@client2.test", "d2@client2.test", "After").bytes())
	waitFor(t, 30*time.Second, "the deal after the restart", func() bool { return f.deals(t) == 2 })
	waitFor(t, 15*time.Second, "the account back to ok", func() bool {
		a, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
		return a.Status == data.AccountOK
	})
}
