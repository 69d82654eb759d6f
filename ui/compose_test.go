package ui

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/mail/mailtest"
	"comptoir/mail/send"
)

// fakeSender counts the window's kicks and sends nothing.
type fakeSender struct{ kicks atomic.Int32 }

func (f *fakeSender) Kick() { f.kicks.Add(1) }

func (f *fakeSender) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// withSender wires a fake sender into the window instead of a real one.
func withSender(fs *fakeSender) func(*App) {
	return func(a *App) { a.deps.Sender = fs }
}

// mailDeal makes a sending account, a client with an address, a deal of the
// sales employee, and gives the employee a signature.
func mailDeal(t *testing.T, db *datatest.DB) data.Deal {
	t.Helper()
	ctx := context.Background()
	if _, err := db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "sales@ourshop.test", IMAPHost: "127.0.0.1",
		IMAPSecurity: data.SecurityNone, SMTPHost: "127.0.0.1", SMTPPort: 2525, SMTPSecurity: data.SecurityNone}); err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Claire Client", Emails: []string{"claire@client.test"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSignature(ctx, db.Sales.ID, "Sophie Vente\nOur Shop"); err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Forty chairs", ContactID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func openEmailTab(t *testing.T, a *App, dealID int64) *emailTab {
	t.Helper()
	onUI(a, func() { a.openDeal(dealID) })
	var tab *emailTab
	waitFor(t, a, "the Emails tab", func() bool {
		if f := a.dealForm(dealID); f != nil {
			tab = f.email
		}
		return tab != nil
	})
	return tab
}

func TestComposeFromDealRefusesBadInputThenQueues(t *testing.T) {
	fs := &fakeSender{}
	db := datatest.Open(t)
	deal := mailDeal(t, db)
	a := startTest(t, db, db.Sales, withSender(fs))
	tab := openEmailTab(t, a, deal.ID)
	onUI(a, func() { test.Tap(tab.write) })
	var c *composeForm
	waitFor(t, a, "the compose dialog", func() bool { c = tab.f.compose; return c != nil })
	if c.to.Text != "Claire Client <claire@client.test>" {
		t.Fatalf("To prefilled with %q", c.to.Text)
	}
	if !strings.Contains(c.body.Text, "-- \nSophie Vente\nOur Shop") {
		e, _ := db.Employee(context.Background(), db.Sales.ID)
		t.Fatalf("no signature in %q (me %+v, stored %q)", c.body.Text, a.Me, e.Signature)
	}
	// An address that does not parse: refused next to To, nothing queued.
	onUI(a, func() {
		c.to.SetText("claire at client")
		test.Tap(c.fd.save)
	})
	waitFor(t, a, "the To error", func() bool { return c.fd.errs["to"].Visible() })
	// A file that cannot be read: refused next to the attachments.
	dir := t.TempDir()
	onUI(a, func() {
		c.to.SetText("Claire Client <claire@client.test>")
		c.attach = []data.FileInput{{Path: filepath.Join(dir, "gone.pdf")}}
		c.showFiles()
		test.Tap(c.fd.save)
	})
	waitFor(t, a, "the attachment error", func() bool { return c.filesErr.Visible() })
	if !strings.Contains(c.filesErr.Text, "gone.pdf") || c.fd.errs["to"].Visible() {
		t.Fatalf("files error %q", c.filesErr.Text)
	}
	if n, _ := db.OutboxCount(context.Background(), db.Admin.ID); n.Waiting != 0 {
		t.Fatal("bad input was queued")
	}
	plan := filepath.Join(dir, "plan.txt")
	os.WriteFile(plan, []byte("the plan"), 0o600)
	onUI(a, func() {
		c.attach = []data.FileInput{{Path: plan}}
		c.showFiles()
		c.subject.SetText("Your chairs")
		c.body.SetText("Hello Claire,\n" + c.body.Text)
		test.Tap(c.fd.save)
	})
	waitFor(t, a, "the dialog to close", func() bool { return c.fd.closed })
	items, err := db.Outbox(context.Background(), db.Sales.ID, 10)
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox %v %v", items, err)
	}
	raw, _ := db.EmailRaw(context.Background(), db.Admin.ID, items[0].EmailID)
	if !strings.Contains(string(raw), "plan.txt") || !strings.Contains(string(raw), "Subject: Your chairs") {
		t.Fatalf("queued bytes:\n%s", raw)
	}
	if fs.kicks.Load() == 0 {
		t.Fatal("the sender was not woken")
	}
	waitFor(t, a, "the outbox counter", func() bool {
		return a.main.outbox.btn.Visible() && a.main.outbox.btn.Text == "Outbox: 1"
	})
}

func TestReplyQuotesAndThreads(t *testing.T) {
	fs := &fakeSender{}
	db := datatest.Open(t)
	deal := mailDeal(t, db)
	ctx := context.Background()
	accs, _ := db.Accounts(ctx, db.Admin.ID)
	in := &data.Email{MessageID: "ask-1@client.test", From: data.Address{Name: "Claire Client", Email: "claire@client.test"},
		Subject: "Chairs in oak?", Text: "Do you have them in oak?", VisibleText: "Do you have them in oak?", Date: datatest.Start, Raw: []byte("x")}
	res, err := db.Ingest(ctx, accs[0].ID, "INBOX", 1, 1, []data.Incoming{{UID: 1, Email: in}})
	if err != nil || res.Decisions[0].DealID != deal.ID {
		t.Fatalf("ingest %+v %v", res, err)
	}
	emailID := res.Decisions[0].EmailID
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales, withSender(fs), func(a *App) { a.Zone = ny })
	tab := openEmailTab(t, a, deal.ID)
	waitFor(t, a, "the email listed", func() bool { return tab.replies[emailID] != nil })
	onUI(a, func() { test.Tap(tab.replies[emailID]) })
	var c *composeForm
	waitFor(t, a, "the reply dialog", func() bool { c = tab.f.compose; return c != nil })
	// The quote's header is the person's: their words, their zone (09:30 UTC
	// is 04:30 in New York).
	if c.subject.Text != "Re: Chairs in oak?" || !strings.Contains(c.body.Text, "On Nov 12, 2026 at 04:30, Claire Client wrote:\n> Do you have them in oak?") ||
		c.to.Text != "Claire Client <claire@client.test>" {
		t.Fatalf("reply prefill: %q %q %q", c.subject.Text, c.to.Text, c.body.Text)
	}
	onUI(a, func() {
		c.body.SetText("Yes we do.\n" + c.body.Text)
		test.Tap(c.fd.save)
	})
	waitFor(t, a, "the dialog to close", func() bool { return c.fd.closed })
	items, _ := db.Outbox(ctx, db.Sales.ID, 10)
	if len(items) != 1 {
		t.Fatalf("%d queued", len(items))
	}
	raw, _ := db.EmailRaw(ctx, db.Admin.ID, items[0].EmailID)
	if !strings.Contains(string(raw), "In-Reply-To: <ask-1@client.test>") {
		t.Fatalf("not threaded:\n%s", raw)
	}
}

func TestOutboxListRetryAndEdit(t *testing.T) {
	fs := &fakeSender{}
	db := datatest.Open(t)
	deal := mailDeal(t, db)
	ctx := context.Background()
	// A real server refuses the first email for good.
	srv := mailtest.NewSMTPServer(t)
	accs, err := db.Accounts(ctx, db.Admin.ID)
	if err != nil || len(accs) != 1 {
		t.Fatalf("accounts %v %v", accs, err)
	}
	in := accs[0].Input()
	in.SMTPHost, in.SMTPPort = srv.Host(), srv.Port()
	if _, err := db.UpdateAccount(ctx, db.Admin.ID, accs[0].ID, in); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(550, 1)
	failed, err := send.Queue(ctx, db.Store, db.Sales.ID, data.ComposeInput{DealID: deal.ID, To: "claire@client.test", Subject: "Refused", Text: "t"})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if st, err := send.New(db.Store, send.Options{Logger: quiet}).DrainOnce(ctx); err != nil || st.Failed != 1 {
		t.Fatalf("drain: %+v %v", st, err)
	}
	queued, err := send.Queue(ctx, db.Store, db.Sales.ID, data.ComposeInput{DealID: deal.ID, To: "claire@client.test", Subject: "Waiting", Text: "t"})
	if err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales, withSender(fs))
	o := a.main.outbox
	waitFor(t, a, "the counter", func() bool {
		return o.btn.Visible() && o.btn.Text == "Outbox: 2, 1 to check"
	})
	onUI(a, func() { test.Tap(o.btn) })
	waitFor(t, a, "the list", func() bool { return o.list != nil && len(o.list.rows) == 2 })
	l := o.list
	r := l.rows[failed.ID]
	if !strings.Contains(r.err.Text, "550") || r.state.Text != "Refused by the server" {
		t.Fatalf("failed row: %q %q", r.state.Text, r.err.Text)
	}
	onUI(a, func() { test.Tap(r.retry) })
	waitFor(t, a, "the retried state", func() bool {
		rr := l.rows[failed.ID]
		return rr != nil && rr.item.State == data.OutQueued
	})
	// Edit the waiting one: same Message-ID, new bytes.
	onUI(a, func() { test.Tap(l.rows[queued.ID].edit) })
	var c *composeForm
	waitFor(t, a, "the edit dialog", func() bool { c = l.compose; return c != nil })
	if c.subject.Text != "Waiting" {
		t.Fatalf("edit prefill %q", c.subject.Text)
	}
	onUI(a, func() {
		c.subject.SetText("Waiting, corrected")
		test.Tap(c.fd.save)
	})
	waitFor(t, a, "the dialog to close", func() bool { return c.fd.closed })
	it, _ := db.OutboxItem(ctx, db.Admin.ID, queued.ID)
	raw, _ := db.EmailRaw(ctx, db.Admin.ID, queued.EmailID)
	if it.MessageID != queued.MessageID || !strings.Contains(string(raw), "Subject: Waiting, corrected") {
		t.Fatalf("edited %+v", it)
	}
}

func TestTemplatesSignatureAndContactButton(t *testing.T) {
	fs := &fakeSender{}
	db := datatest.Open(t)
	deal := mailDeal(t, db)
	ctx := context.Background()
	a := startTest(t, db, db.Sales, withSender(fs))
	var s *templatesSettings
	onUI(a, func() { s = newTemplatesSettings(a) })
	waitIdle(a)
	// my signature
	onUI(a, func() {
		s.signature.SetText("Sophie\nField sales")
		test.Tap(s.saveSig)
	})
	waitFor(t, a, "the signature saved", func() bool { return s.sigStatus.Visible() })
	if e, _ := db.Employee(ctx, db.Sales.ID); e.Signature != "Sophie\nField sales" {
		t.Fatalf("signature %q (%s)", e.Signature, s.sigStatus.Text)
	}
	// a template
	onUI(a, func() { test.Tap(s.add) })
	fd := s.lastForm
	onUI(a, func() {
		s.form.name.SetText("Follow-up")
		s.form.subject.SetText("About {{deal.title}}")
		s.form.body.SetText("Dear {{client.name}},")
		test.Tap(fd.save)
	})
	waitFor(t, a, "the template saved", func() bool { return fd.closed && len(s.items) == 1 })
	// The contact's email button writes from the client's deal.
	onUI(a, func() { openClient(a, data.KindContact, deal.ContactID) })
	var f *ClientForm
	waitFor(t, a, "the contact's form", func() bool {
		f = a.main.contacts.form
		return f != nil && len(f.emails.rows) == 1 && f.emails.rows[0].entry.Text == "claire@client.test"
	})
	onUI(a, func() { test.Tap(f.emails.rows[0].open) })
	var c *composeForm
	waitFor(t, a, "the compose dialog", func() bool { c = f.compose; return c != nil })
	if c.dealID != deal.ID || c.to.Text != "claire@client.test" || !strings.Contains(c.body.Text, "Field sales") {
		t.Fatalf("compose from contact: deal %d, to %q, body %q", c.dealID, c.to.Text, c.body.Text)
	}
	onUI(a, func() { c.template.SetSelected("Follow-up") })
	if c.subject.Text != "About Forty chairs" || !strings.HasPrefix(c.body.Text, "Dear Claire Client,") || !strings.Contains(c.body.Text, "Field sales") {
		t.Fatalf("template applied: %q %q", c.subject.Text, c.body.Text)
	}
}

func TestTimelineHooksOpenCompose(t *testing.T) {
	fs := &fakeSender{}
	db := datatest.Open(t)
	deal := mailDeal(t, db)
	a := startTest(t, db, db.Sales, withSender(fs))
	tab := openEmailTab(t, a, deal.ID)
	var b *widget.Button
	onUI(a, func() { b = writeEmailButton(tab.f) })
	onUI(a, func() { test.Tap(b) })
	waitFor(t, a, "the compose dialog", func() bool { return tab.f.compose != nil && tab.f.compose.dealID == deal.ID })
	if o := replyButton(tab.f, data.Entry{Kind: data.EntryComment}); o != nil {
		t.Fatal("a reply button on a comment")
	}
	if o := replyButton(tab.f, data.Entry{Kind: data.EntryEmailIn, Data: data.EmailData{EmailID: 3}}); o == nil {
		t.Fatal("no reply button on an email")
	}
}
