package send

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/mailq"
	"comptoir/mail/mailtest"
	"comptoir/mail/secret"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fixture is a test database with one account on a real SMTP server and a
// real IMAP server, a client and her deal.
type fixture struct {
	db      *datatest.DB
	q       *mailq.Queue // the worker side, to set up claims of other senders
	smtp    *mailtest.SMTPServer
	imap    mailtest.IMAP
	sec     secret.Store
	acc     data.Account
	contact data.Contact
	deal    data.Deal
	offset  atomic.Int64 // added to the real time: tests jump over backoffs
}

func (f *fixture) now() time.Time { return time.Now().UTC().Add(time.Duration(f.offset.Load())) }

// advance moves the store's clock forward.
func (f *fixture) advance(d time.Duration) { f.offset.Add(int64(d)) }

func newFixture(t testing.TB, srv mailtest.IMAP, serverSavesSent bool) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: datatest.Open(t), smtp: mailtest.NewSMTPServer(t), imap: srv}
	f.q = mailq.New(f.db.Store)
	// Real time (the sync's import window and IMAP dates use it), movable.
	f.db.Store.Now = f.now
	f.sec = secret.NewFile(t.TempDir())
	acc, err := f.db.CreateAccount(ctx, f.db.Admin.ID, data.AccountInput{Email: "sales@ourshop.test", IMAPHost: srv.Host(),
		IMAPPort: srv.Port(), IMAPSecurity: data.SecurityNone, Username: srv.User(), SMTPHost: f.smtp.Host(), SMTPPort: f.smtp.Port(),
		SMTPSecurity: data.SecurityNone, ServerSavesSent: serverSavesSent, ResponsibleID: f.db.Sales.ID})
	if err != nil {
		t.Fatal(err)
	}
	f.acc = acc
	if err := f.sec.Set(acc.IMAPSecretKey(), srv.Password()); err != nil {
		t.Fatal(err)
	}
	srv.CreateMailbox(t, "Sent")
	f.contact, err = f.db.CreateContact(ctx, f.db.Admin.ID, data.ContactInput{Name: "Claire Client", Emails: []string{"claire@client.test"}})
	if err != nil {
		t.Fatal(err)
	}
	f.deal, err = f.db.CreateDeal(ctx, f.db.Sales.ID, data.DealInput{Title: "Forty chairs", ContactID: f.contact.ID, Amount: 120000, Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) sender(opt Options) *Sender {
	opt.Secrets = f.sec
	if opt.Logger == nil {
		opt.Logger = quietLogger()
	}
	opt.Timeout = 10 * time.Second
	return New(f.db.Store, opt)
}

func (f *fixture) queue(t testing.TB, in data.ComposeInput) data.OutboxItem {
	t.Helper()
	if in.DealID == 0 {
		in.DealID = f.deal.ID
	}
	if in.To == "" {
		in.To = "Claire Client <claire@client.test>"
	}
	it, err := Queue(context.Background(), f.db.Store, f.db.Sales.ID, in)
	if err != nil {
		t.Fatalf("queue: %v", err)
	}
	return it
}

func (f *fixture) drain(t testing.TB, s *Sender) Stats {
	t.Helper()
	st, err := s.DrainOnce(context.Background())
	if err != nil {
		t.Fatalf("drain: %v", err)
	}
	return st
}

func (f *fixture) item(t testing.TB, id int64) data.OutboxItem {
	t.Helper()
	it, err := f.db.OutboxItem(context.Background(), f.db.Admin.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// sentCopies counts the messages in the Sent folder carrying a Message-ID.
func (f *fixture) sentCopies(t testing.TB, messageID string) int {
	t.Helper()
	c := f.imap.Login(t)
	defer c.Close()
	if _, err := c.Select("Sent", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	res, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: messageID}}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return len(res.AllUIDs())
}

// header returns the value of a header line in raw bytes ("" if absent).
func header(raw []byte, name string) string {
	head := raw
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		head = raw[:i+2]
	}
	for _, l := range bytes.Split(head, []byte("\r\n")) {
		if k, v, ok := bytes.Cut(l, []byte(":")); ok && bytes.EqualFold(k, []byte(name)) {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}
