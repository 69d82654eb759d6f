package mailtest

import (
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// IMAP is what both IMAPServer and Dovecot offer, so that a test suite can
// run unchanged against the in-memory server and the real one.
type IMAP interface {
	Addr() string
	Host() string
	Port() int
	User() string
	Password() string
	CreateMailbox(t testing.TB, name string)
	Append(t testing.TB, mailbox string, raw []byte) uint32
	Login(t testing.TB) *imapclient.Client
}

var (
	_ IMAP = (*IMAPServer)(nil)
	_ IMAP = (*Dovecot)(nil)
)

// Login dials the server in plaintext and logs in as its user. The client
// is closed when the test ends.
func (s *IMAPServer) Login(t testing.TB) *imapclient.Client {
	t.Helper()
	return login(t, s.Addr(), s.user, s.password)
}

func login(t testing.TB, addr, user, pass string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatalf("mailtest: dial %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Login(user, pass).Wait(); err != nil {
		t.Fatalf("mailtest: login %s as %q: %v", addr, user, err)
	}
	return c
}

// appendIMAP stores raw in mailbox with a real IMAP APPEND and returns the
// UID the server assigned (the server must support UIDPLUS).
func appendIMAP(t testing.TB, c *imapclient.Client, mailbox string, raw []byte) uint32 {
	t.Helper()
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Time: time.Now()})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatalf("mailtest: append to %q: write: %v", mailbox, err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatalf("mailtest: append to %q: close: %v", mailbox, err)
	}
	data, err := cmd.Wait()
	if err != nil {
		t.Fatalf("mailtest: append to %q: %v", mailbox, err)
	}
	if data.UID == 0 {
		t.Fatalf("mailtest: append to %q: server returned no UID (no UIDPLUS?)", mailbox)
	}
	return uint32(data.UID)
}
