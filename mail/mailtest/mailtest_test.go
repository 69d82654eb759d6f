package mailtest_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"comptoir/mail/mailtest"
)

func message(subject string) []byte {
	return []byte("From: Client <client@example.com>\r\n" +
		"To: Sales <sales@example.com>\r\n" +
		"Subject: " + subject + "\r\n" +
		"Message-ID: <" + strings.ReplaceAll(subject, " ", "-") + "@example.com>\r\n" +
		"Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n" +
		"\r\n" +
		"Hello, about " + subject + ".\r\n")
}

// fetchAll selects mailbox and returns every message body by UID.
func fetchAll(t *testing.T, c *imapclient.Client, mailbox string) map[imap.UID][]byte {
	t.Helper()
	if _, err := c.Select(mailbox, nil).Wait(); err != nil {
		t.Fatalf("select %s: %v", mailbox, err)
	}
	msgs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil {
		t.Fatalf("fetch %s: %v", mailbox, err)
	}
	out := make(map[imap.UID][]byte)
	for _, m := range msgs {
		if len(m.BodySection) != 1 {
			t.Fatalf("fetch %s: UID %d has %d body sections", mailbox, m.UID, len(m.BodySection))
		}
		out[m.UID] = m.BodySection[0].Bytes
	}
	return out
}

func testIMAP(t *testing.T, srv mailtest.IMAP) {
	a, b := message("first deal"), message("second deal")
	uidA := srv.Append(t, "INBOX", a)
	uidB := srv.Append(t, "INBOX", b)
	if uidA == 0 || uidB <= uidA {
		t.Fatalf("UIDs = %d, %d; want increasing and non-zero", uidA, uidB)
	}
	srv.CreateMailbox(t, "Archive/2026")
	uidC := srv.Append(t, "Archive/2026", message("archived"))

	c := srv.Login(t)
	got := fetchAll(t, c, "INBOX")
	if len(got) != 2 || !bytes.Equal(got[imap.UID(uidA)], a) || !bytes.Equal(got[imap.UID(uidB)], b) {
		t.Fatalf("INBOX has %d messages %v, want UID %d and %d with the appended bytes", len(got), got, uidA, uidB)
	}
	arch := fetchAll(t, c, "Archive/2026")
	if !bytes.Contains(arch[imap.UID(uidC)], []byte("Subject: archived")) {
		t.Fatalf("Archive/2026 = %v, want UID %d", arch, uidC)
	}

	// Wrong password is refused.
	bad, err := imapclient.DialInsecure(srv.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if err := bad.Login(srv.User(), "wrong").Wait(); err == nil {
		t.Fatal("login with a wrong password succeeded")
	}

	if srv.Host() != "127.0.0.1" || srv.Addr() != net.JoinHostPort(srv.Host(), fmt.Sprint(srv.Port())) {
		t.Fatalf("Addr %q, Host %q, Port %d disagree", srv.Addr(), srv.Host(), srv.Port())
	}
}

func TestIMAPMemServer(t *testing.T) {
	testIMAP(t, mailtest.NewIMAPMemServer(t, "alice", "secret"))
}

func TestIMAPMemServerIdle(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "alice", "secret")
	exists := make(chan uint32, 10)
	c, err := imapclient.DialInsecure(srv.Addr(), &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					exists <- *data.NumMessages
				}
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("alice", "secret").Wait(); err != nil {
		t.Fatal(err)
	}
	if !c.Caps().Has(imap.CapIdle) {
		t.Fatalf("IDLE not advertised: %v", c.Caps())
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	srv.Append(t, "INBOX", message("pushed"))
	select {
	case n := <-exists:
		if n != 1 {
			t.Errorf("EXISTS %d, want 1", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no EXISTS while idling after Append")
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestDovecot(t *testing.T) {
	d := mailtest.StartDovecot(t)
	testIMAP(t, d)
}

func TestDovecotDeliverMaildirAndRestart(t *testing.T) {
	d := mailtest.StartDovecot(t)
	for i := range 20 {
		d.DeliverMaildir(t, "INBOX", message(fmt.Sprintf("bulk %d", i)))
	}
	d.DeliverMaildir(t, "Clients/Acme", message("acme"))

	c := d.Login(t)
	if got := fetchAll(t, c, "INBOX"); len(got) != 20 {
		t.Fatalf("INBOX has %d messages, want 20", len(got))
	}
	acme := fetchAll(t, c, "Clients/Acme")
	if len(acme) != 1 {
		t.Fatalf("Clients/Acme has %d messages, want 1", len(acme))
	}
	for _, body := range acme {
		if !bytes.Equal(body, message("acme")) {
			t.Fatalf("Clients/Acme body = %q", body)
		}
	}

	// A stopped server drops the connection; a restarted one keeps the mail.
	d.Stop(t)
	if err := c.Noop().Wait(); err == nil {
		t.Fatal("NOOP succeeded on a stopped server")
	}
	d.Restart(t)
	c2 := d.Login(t)
	if got := fetchAll(t, c2, "INBOX"); len(got) != 20 {
		t.Fatalf("after restart INBOX has %d messages, want 20", len(got))
	}
}

func sendNetSMTP(addr, user, pass string, msg []byte) error {
	host, _, _ := net.SplitHostPort(addr)
	// net/smtp only sends PLAIN over TLS or to localhost; 127.0.0.1 counts.
	auth := smtp.PlainAuth("", user, pass, host)
	return smtp.SendMail(addr, auth, "sales@example.com", []string{"client@example.com", "boss@example.com"}, msg)
}

func smtpCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		t.Fatal("send succeeded, want an error")
	}
	var tpErr *textproto.Error
	if !errors.As(err, &tpErr) {
		t.Fatalf("error %v (%T) is not an SMTP reply", err, err)
	}
	return tpErr.Code
}

func TestSMTPServer(t *testing.T) {
	srv := mailtest.NewSMTPServer(t)
	msg := message("quote")
	if err := sendNetSMTP(srv.Addr(), "anyone", "anything", msg); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("got %d messages, want 1", len(got))
	}
	m := got[0]
	if m.From != "sales@example.com" || strings.Join(m.To, ",") != "client@example.com,boss@example.com" || m.Auth != "anyone" || m.Dropped {
		t.Fatalf("received %+v", m)
	}
	if !bytes.Equal(m.Data, msg) {
		t.Fatalf("data = %q, want %q", m.Data, msg)
	}

	// The next two fail temporarily, then one permanently, then it works again.
	srv.FailNext(451, 2)
	for range 2 {
		if code := smtpCode(t, sendNetSMTP(srv.Addr(), "u", "p", msg)); code != 451 {
			t.Fatalf("code %d, want 451", code)
		}
	}
	srv.FailNext(550, 1)
	if code := smtpCode(t, sendNetSMTP(srv.Addr(), "u", "p", msg)); code != 550 {
		t.Fatalf("code %d, want 550", code)
	}
	if err := sendNetSMTP(srv.Addr(), "u", "p", msg); err != nil {
		t.Fatalf("send after failures: %v", err)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("got %d messages, want 2 (failed ones are not recorded)", n)
	}
	if n := srv.Transactions(); n != 5 {
		t.Fatalf("Transactions() = %d, want 5", n)
	}
}

func TestSMTPServerAuth(t *testing.T) {
	srv := mailtest.NewSMTPServer(t)
	srv.SetAuth("sales", "pw")
	if err := sendNetSMTP(srv.Addr(), "sales", "bad", message("x")); err == nil || !strings.Contains(err.Error(), "535") {
		t.Fatalf("wrong password: err = %v, want 535", err)
	}
	// Without AUTH, MAIL FROM is refused.
	err := smtp.SendMail(srv.Addr(), nil, "sales@example.com", []string{"client@example.com"}, message("x"))
	if err == nil || !strings.Contains(err.Error(), "530") {
		t.Fatalf("no auth: err = %v, want 530", err)
	}
	if err := sendNetSMTP(srv.Addr(), "sales", "pw", message("x")); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if got := srv.WaitMessages(t, 1, time.Second); got[0].Auth != "sales" {
		t.Fatalf("Auth = %q", got[0].Auth)
	}
}

func TestSMTPServerDropAfterData(t *testing.T) {
	srv := mailtest.NewSMTPServer(t)
	srv.DropAfterData(1)

	c, err := smtp.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("sales@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("client@example.com"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(message("crash")); err != nil {
		t.Fatal(err)
	}
	err = w.Close()
	if err == nil {
		t.Fatal("DATA got a reply, want the connection dropped")
	}
	var tpErr *textproto.Error
	if errors.As(err, &tpErr) {
		t.Fatalf("DATA got SMTP reply %v, want the connection dropped", err)
	}

	got := srv.WaitMessages(t, 1, 5*time.Second)
	if !got[0].Dropped || !bytes.Equal(got[0].Data, message("crash")) {
		t.Fatalf("received %+v, want the message marked Dropped", got[0])
	}

	// The next connection works normally.
	if err := sendNetSMTP(srv.Addr(), "u", "p", message("retry")); err != nil {
		t.Fatalf("send after drop: %v", err)
	}
	if got := srv.Messages(); len(got) != 2 || got[1].Dropped {
		t.Fatalf("messages %+v", got)
	}
}

func TestSMTPServerClose(t *testing.T) {
	srv := mailtest.NewSMTPServer(t)
	addr := srv.Addr()
	srv.Close()
	srv.Close() // idempotent
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Fatal("dial succeeded after Close")
	}
}
