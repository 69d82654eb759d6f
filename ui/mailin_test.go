package ui

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/mail/imapsync"
	"comptoir/mail/mailtest"
	"comptoir/mail/secret"
)

// mailDB opens a test database for the mail screens: the password store is
// the file one beside the database, and the store runs on the real clock
// (the sync's import window is measured from now).
func mailDB(t testing.TB) *datatest.DB {
	t.Helper()
	t.Setenv("COMPTOIR_SECRETS", "file")
	db := datatest.Open(t)
	db.Store.Now = time.Now
	return db
}

// keepCreatedClosed makes a deal made from an email not open its form.
func keepCreatedClosed(a *App) { a.keepClosed = true }

// openMailTab shows Settings → Mail accounts and returns its section.
func openMailTab(t *testing.T, a *App) *accountsSection {
	t.Helper()
	onUI(a, func() { openMailSettings(a) })
	var s *accountsSection
	waitFor(t, a, "the mail accounts section", func() bool {
		if a.main.settings != nil && a.main.settings.tabs.Selected() == a.main.settings.mailTab {
			s = a.main.settings.mail
		}
		return s != nil
	})
	return s
}

// fileContains reports whether any of the database's files holds b.
func dbFilesContain(t *testing.T, path string, b []byte) bool {
	t.Helper()
	for _, p := range []string{path, path + "-wal"} {
		raw, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(raw, b) {
			return true
		}
	}
	return false
}

func TestAccountFormStoresPasswordInSecretStore(t *testing.T) {
	db := mailDB(t)
	srv := mailtest.NewIMAPMemServer(t, "sales@ourshop.test", "s3cret-Pa55word")
	a := startTest(t, db, db.Admin)
	s := openMailTab(t, a)

	onUI(a, func() { test.Tap(s.add) })
	f := s.form
	// An unencrypted connection to another machine is refused by data/,
	// and the message stands next to the security field.
	onUI(a, func() {
		test.Type(f.email, "sales@ourshop.test")
		test.Type(f.imapHost, "imap.example.com")
		f.imapSec.SetSelectedIndex(indexOf(securities, data.SecurityNone))
		test.Type(f.password, "s3cret-Pa55word")
		test.Tap(f.save)
	})
	waitFor(t, a, "the security error", func() bool { return f.errs["imap_security"].Visible() })
	if got := f.errs["imap_security"].Text; !strings.Contains(got, "localhost") {
		t.Fatalf("security error = %q", got)
	}

	// A wrong password: "Test connection" says so in plain words.
	onUI(a, func() {
		f.imapHost.SetText(srv.Host())
		f.imapPort.SetText(fmt.Sprint(srv.Port()))
		f.password.SetText("wrong")
		test.Tap(f.test)
	})
	waitFor(t, a, "the test result", func() bool { return !f.testing && f.testResult.Text != "" })
	if got := f.testResult.Text; !strings.Contains(got, "The server refused the user name or password.") {
		t.Fatalf("test result = %q", got)
	}
	// The right one: the server accepts it.
	onUI(a, func() {
		f.password.SetText("s3cret-Pa55word")
		test.Tap(f.test)
	})
	waitFor(t, a, "the test result", func() bool { return !f.testing && strings.Contains(f.testResult.Text, "accepted") })

	onUI(a, func() { test.Tap(f.save) })
	waitFor(t, a, "the saved account", func() bool { return f.saved })
	accs, err := db.Accounts(context.Background(), db.Admin.ID)
	if err != nil || len(accs) != 1 {
		t.Fatalf("accounts = %v, %v", accs, err)
	}
	acc := accs[0]
	if acc.IMAPSecurity != data.SecurityNone || acc.IMAPPort != srv.Port() || acc.Username != "sales@ourshop.test" {
		t.Fatalf("account = %+v", acc)
	}
	sec := secret.NewFile(filepath.Dir(db.Path))
	if p, err := sec.Get(acc.IMAPSecretKey()); err != nil || p != "s3cret-Pa55word" {
		t.Fatalf("secret store has %q, %v", p, err)
	}
	if fi, err := os.Stat(sec.Path()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", fi, err)
	}
	if dbFilesContain(t, db.Path, []byte("s3cret-Pa55word")) {
		t.Fatal("the password is in the database file")
	}
	// The window's sync logs in with it: the account turns up to date.
	sync := a.main.sync
	waitFor(t, a, "the account synced", func() bool { return sync.state == "ok" })
	if first, _ := db.Account(context.Background(), db.Admin.ID, acc.ID); first.Status != data.AccountOK {
		t.Fatalf("status = %q %q", first.Status, first.StatusMessage)
	}

	// "Sync now" shows the sync running until the account has synced again.
	// (Without the kick the connection would idle for minutes.)
	tapped := time.Now()
	onUI(a, func() { test.Tap(sync.now) })
	waitFor(t, a, "a sync after the tap", func() bool {
		again, _ := db.Account(context.Background(), db.Admin.ID, acc.ID)
		return again.LastSyncAt.After(tapped) && sync.state == "ok"
	})

	// A new password typed on edit replaces the saved one and the sync
	// logs in again with it (here: refused, shown in the top bar).
	waitFor(t, a, "the account row", func() bool { return s.rows[acc.ID] != nil && s.rows[acc.ID].edit != nil })
	onUI(a, func() { test.Tap(s.rows[acc.ID].edit) })
	f = s.form
	onUI(a, func() {
		test.Type(f.password, "changed")
		test.Tap(f.save)
	})
	waitFor(t, a, "the edit saved", func() bool { return f.saved })
	if p, _ := sec.Get(acc.IMAPSecretKey()); p != "changed" {
		t.Fatalf("secret store has %q", p)
	}
	waitFor(t, a, "the error state", func() bool { return sync.state == "error" })
}

func TestSyncStatusShowsFailingAccount(t *testing.T) {
	db := mailDB(t)
	srv := mailtest.NewIMAPMemServer(t, "sales@ourshop.test", "right")
	a := startTest(t, db, db.Admin)
	sync := a.main.sync
	if sync == nil || sync.box.Visible() {
		t.Fatal("the sync status shows without any account")
	}
	// The password is saved first, as the form does, so the first attempt
	// already logs in.
	acc := accountWithPassword(t, db, data.AccountInput{Email: "sales@ourshop.test",
		IMAPHost: srv.Host(), IMAPPort: srv.Port(), IMAPSecurity: data.SecurityNone}, "wrong")
	waitFor(t, a, "the error state", func() bool { return sync.state == "error" })
	var text string
	onUI(a, func() { text = sync.btn.Text })
	if !strings.Contains(text, "refused the user name or password") {
		t.Fatalf("status = %q", text)
	}
	// Tapping it opens the accounts, where the account says the same.
	onUI(a, func() { test.Tap(sync.btn) })
	var accounts *accountsSection
	waitFor(t, a, "the accounts", func() bool {
		if st := a.main.settings; st != nil && st.tabs.Selected() == st.mailTab {
			accounts = st.mail
		}
		return accounts != nil && accounts.rows[acc.ID] != nil
	})
	if got := accounts.rows[acc.ID].status.Text; !strings.Contains(got, "refused") {
		t.Fatalf("account row = %q", got)
	}
}

func TestInboxCreateDealFromSyncedMail(t *testing.T) {
	db := mailDB(t)
	ctx := context.Background()
	srv := mailtest.NewIMAPMemServer(t, "sales@ourshop.test", "pw")
	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Claire Client", Emails: []string{"claire@acme-industrie.test"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"Pumps", "Valves"} {
		if _, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: title, ContactID: c.ID}); err != nil {
			t.Fatal(err)
		}
	}
	dealsBefore := countDeals(t, db)
	raw := "From: Claire Client <claire@acme-industrie.test>\r\nTo: sales@ourshop.test\r\nSubject: New order for spare parts\r\n" +
		"Message-ID: <order-1@acme-industrie.test>\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, we need 40 gaskets.\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../order.pdf\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
	srv.Append(t, "INBOX", []byte(raw))

	a := startTest(t, db, db.Sales, keepCreatedClosed)
	onUI(a, func() { a.main.show("inbox") })
	s := a.main.inbox
	accountWithPassword(t, db, data.AccountInput{Email: "sales@ourshop.test",
		IMAPHost: srv.Host(), IMAPPort: srv.Port(), IMAPSecurity: data.SecurityNone}, "pw")
	// The window's sync fetches it; the contact has two open deals: Inbox.
	waitFor(t, a, "the email in the Inbox", func() bool { return len(s.emails) == 1 && s.sel != 0 })
	var subj, reason, text, nav string
	var atts int
	onUI(a, func() {
		subj, reason, text, atts = s.subject.Text, s.reason.Text, s.text.Text, len(s.atts.Objects)
	})
	waitFor(t, a, "the badge", func() bool { nav = a.main.find("inbox").side.Text; return a.main.inboxCount == 1 })
	if subj != "New order for spare parts" || !strings.Contains(reason, "several open deals") ||
		!strings.Contains(text, "40 gaskets") || atts != 2 || nav != "Inbox (1)" {
		t.Fatalf("shown: %q / %q / %q / %d attachment rows / nav %q", subj, reason, text, atts, nav)
	}
	if m := s.emails[0]; len(m.Attachments) != 1 || m.Attachments[0].Name != "order.pdf" {
		t.Fatalf("attachments = %+v", m.Attachments)
	}

	onUI(a, func() { test.Tap(s.create) })
	waitFor(t, a, "the Inbox emptied", func() bool { return len(s.emails) == 0 && !s.detail.Visible() && a.main.inboxCount == 0 })
	if n := countDeals(t, db); n != dealsBefore+1 {
		t.Fatalf("deals: %d, want %d", n, dealsBefore+1)
	}
	m, err := db.EmailByMessageID(ctx, db.Admin.ID, "order-1@acme-industrie.test")
	if err != nil || m.DealID == 0 || m.State != "linked" {
		t.Fatalf("email = %+v, %v", m, err)
	}
	d, err := db.Store.Deal(ctx, db.Sales.ID, m.DealID)
	if err != nil || d.ContactID != c.ID || d.Source != data.SourceEmail {
		t.Fatalf("deal = %+v, %v", d, err)
	}
	if n, _ := db.InboxCount(ctx, db.Admin.ID); n != 0 {
		t.Fatalf("inbox count = %d", n)
	}

	// The deal's Emails tab moves it to a new deal.
	onUI(a, func() { a.openDeal(m.DealID) })
	var moveNew *widget.Button
	waitFor(t, a, "the move buttons", func() bool {
		if f := a.dealForm(m.DealID); f != nil && f.email != nil {
			moveNew = f.email.moves[m.ID][1]
		}
		return moveNew != nil
	})
	onUI(a, func() { test.Tap(moveNew) })
	var moved data.StoredEmail
	waitFor(t, a, "the email moved", func() bool {
		moved, err = db.Email(ctx, db.Admin.ID, m.ID)
		return err == nil && moved.DealID != m.DealID
	})
	if moved.DealID == 0 || moved.Reason != data.ReasonByPerson {
		t.Fatalf("moved email = %+v", moved)
	}

	// The Timeline's entry hook offers the same move on email entries.
	var tl *DealForm
	onUI(a, func() { a.openDeal(moved.DealID) })
	waitFor(t, a, "the new deal's form", func() bool {
		tl = a.dealForm(moved.DealID)
		return tl != nil && tl.Deal.ID == moved.DealID && !tl.ReadOnly()
	})
	onUI(a, func() {
		if o := timelineMoveAction(tl, data.Entry{Kind: data.EntryComment}); o != nil {
			t.Error("a move button on a comment")
		}
		b, ok := timelineMoveAction(tl, data.Entry{Kind: data.EntryEmailIn, Data: data.EmailData{EmailID: moved.ID}}).(*widget.Button)
		if !ok {
			t.Fatal("no move button on an email entry")
		}
		test.Tap(b)
	})
	tapMenuItem(t, tl.Window().Canvas(), 1) // Move to a new deal
	waitFor(t, a, "the email moved again", func() bool {
		again, err := db.Email(ctx, db.Admin.ID, m.ID)
		return err == nil && again.DealID != moved.DealID
	})
	if n := countDeals(t, db); n != dealsBefore+3 {
		t.Fatalf("deals: %d, want %d", n, dealsBefore+3)
	}
}

func countDeals(t *testing.T, db *datatest.DB) int {
	t.Helper()
	rdb, err := sql.Open("sqlite", "file:"+db.Path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	var n int
	if err := rdb.QueryRow(`SELECT count(*) FROM deals WHERE deleted_at IS NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Every string the mail screens pass to lang.L has an English and a French
// entry in mailin.en.json / mailin.fr.json (or the core's files).
func TestMailTranslationsComplete(t *testing.T) {
	en, fr := translations(t, "en.json", "mailin.en.json"), translations(t, "fr.json", "mailin.fr.json")
	files := []string{"mailsync.go", "mailaccounts.go", "inbox.go", "inbox_phone.go", "mailmove.go"}
	if n := checkTranslated(t, langL, files, nil, en, fr); n < 80 {
		t.Fatalf("found only %d strings: the pattern is broken", n)
	}
}

func TestInboxAttachAndIgnoreSender(t *testing.T) {
	db := mailDB(t)
	ctx := context.Background()
	srv := mailtest.NewIMAPMemServer(t, "sales@ourshop.test", "pw")
	target := db.Deal(t, db.Sales.ID, "Boiler replacement")
	mail := func(n int, from, subject string) []byte {
		return []byte(fmt.Sprintf("From: %s\r\nTo: sales@ourshop.test\r\nSubject: %s\r\nMessage-ID: <m%d@x.test>\r\nDate: %s\r\n\r\nText %d\r\n",
			from, subject, n, time.Now().Format(time.RFC1123Z), n))
	}
	srv.Append(t, "INBOX", mail(1, "Promo <promo@spam.test>", "Big sale"))
	srv.Append(t, "INBOX", mail(2, "Promo <promo@spam.test>", "Bigger sale"))
	srv.Append(t, "INBOX", mail(3, "Bob Buyer <bob@buyer.test>", "About the boiler"))
	accountWithPassword(t, db, data.AccountInput{Email: "sales@ourshop.test", IMAPHost: srv.Host(),
		IMAPPort: srv.Port(), IMAPSecurity: data.SecurityNone, Policy: data.PolicyInbox}, "pw")
	a := startTest(t, db, db.Sales)
	onUI(a, func() { a.main.show("inbox") })
	s := a.main.inbox
	waitFor(t, a, "three emails waiting", func() bool { return len(s.emails) == 3 })
	pick := func(subject string) data.StoredEmail {
		t.Helper()
		for i, m := range s.emails {
			if m.Subject == subject {
				onUI(a, func() { s.list.Select(i) })
				return m
			}
		}
		t.Fatalf("no %q in the Inbox", subject)
		return data.StoredEmail{}
	}

	// Attach to deal…: search the deal, pick it.
	bob := pick("About the boiler")
	onUI(a, func() { test.Tap(s.attach) })
	p := s.picker
	onUI(a, func() { test.Type(p.search, "boiler") })
	waitFor(t, a, "the deal found", func() bool { return len(p.hits) == 1 && p.hits[0].ID == target.ID })
	onUI(a, func() { p.list.Select(0) })
	waitFor(t, a, "two left", func() bool { return len(s.emails) == 2 })
	if m, _ := db.Email(ctx, db.Admin.ID, bob.ID); m.DealID != target.ID || m.State != "linked" {
		t.Fatalf("attached email = %+v", m)
	}

	// Ignore this sender: asks first, then files both of its emails.
	pick("Big sale")
	s.confirm = nil
	onUI(a, func() { test.Tap(s.ignore) })
	if s.confirm == nil {
		t.Fatal("no confirmation asked")
	}
	if got := len(s.emails); got != 2 {
		t.Fatalf("ignored before confirming: %d left", got)
	}
	onUI(a, func() { s.confirm.Confirm() })
	waitFor(t, a, "the Inbox empty", func() bool { return len(s.emails) == 0 && a.main.inboxCount == 0 })
	if st, _ := db.SenderStatus(ctx, db.Admin.ID, "promo@spam.test"); st != "ignored" {
		t.Fatalf("sender status = %q", st)
	}
}

func TestMailAccountsReadOnlyForSales(t *testing.T) {
	db := mailDB(t)
	if _, err := db.CreateAccount(context.Background(), db.Admin.ID, data.AccountInput{Email: "sales@ourshop.test",
		IMAPHost: "127.0.0.1", IMAPPort: 1, IMAPSecurity: data.SecurityNone}); err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales)
	s := openMailTab(t, a)
	waitFor(t, a, "the account listed", func() bool { return len(s.rows) == 1 })
	for _, r := range s.rows {
		if r.edit != nil || r.remove != nil {
			t.Fatal("a sales employee gets edit buttons")
		}
	}
	var shown bool
	onUI(a, func() { shown = s.add.Visible() && test.WidgetRenderer(s.add) != nil && isInTree(s.root, s.add) })
	if shown {
		t.Fatal("a sales employee gets the add button")
	}
}

// isInTree reports whether o is somewhere in the containers under root.
func isInTree(root, o fyne.CanvasObject) bool {
	if root == o {
		return true
	}
	if c, ok := root.(*fyne.Container); ok {
		for _, x := range c.Objects {
			if isInTree(x, o) {
				return true
			}
		}
	}
	return false
}

func TestAccountFormTestsSMTP(t *testing.T) {
	db := mailDB(t)
	imapSrv := mailtest.NewIMAPMemServer(t, "sales@ourshop.test", "pw")
	smtpSrv := mailtest.NewSMTPServer(t)
	smtpSrv.SetAuth("sales@ourshop.test", "smtp-pw")
	a := startTest(t, db, db.Admin)
	s := openMailTab(t, a)
	onUI(a, func() { test.Tap(s.add) })
	f := s.form
	none := indexOf(securities, data.SecurityNone)
	onUI(a, func() {
		test.Type(f.email, "sales@ourshop.test")
		test.Type(f.imapHost, imapSrv.Host())
		test.Type(f.imapPort, fmt.Sprint(imapSrv.Port()))
		f.imapSec.SetSelectedIndex(none)
		test.Type(f.password, "pw")
		test.Type(f.smtpHost, smtpSrv.Host())
		test.Type(f.smtpPort, fmt.Sprint(smtpSrv.Port()))
		f.smtpSec.SetSelectedIndex(none)
		test.Type(f.smtpPass, "wrong")
		test.Tap(f.test)
	})
	waitFor(t, a, "the test result", func() bool { return !f.testing && strings.Contains(f.testResult.Text, "SMTP") })
	if got := f.testResult.Text; !strings.Contains(got, "IMAP: the server accepted") || !strings.Contains(got, "SMTP: The server said") {
		t.Fatalf("test result = %q", got)
	}
	onUI(a, func() {
		f.smtpPass.SetText("smtp-pw")
		test.Tap(f.test)
	})
	waitFor(t, a, "the test result", func() bool { return !f.testing && strings.Contains(f.testResult.Text, "SMTP: the server accepted") })
	if n := len(smtpSrv.Messages()); n != 0 {
		t.Fatalf("the test sent %d messages", n)
	}
	onUI(a, func() { test.Tap(f.save) })
	waitFor(t, a, "the saved account", func() bool { return f.saved })
	accs, _ := db.Accounts(context.Background(), db.Admin.ID)
	if len(accs) != 1 || accs[0].SMTPPort != smtpSrv.Port() {
		t.Fatalf("accounts = %+v", accs)
	}
	if p, err := secret.NewFile(filepath.Dir(db.Path)).Get(accs[0].SMTPSecretKey()); err != nil || p != "smtp-pw" {
		t.Fatalf("SMTP password saved: %q, %v", p, err)
	}
	if dbFilesContain(t, db.Path, []byte("smtp-pw")) {
		t.Fatal("the SMTP password is in the database file")
	}
}

// The plain-words messages mail/ writes for real failures are recognised,
// so they are shown translated with their server names kept; each pattern
// has its English and French entries.
func TestAccountMessagesTranslated(t *testing.T) {
	ctx := context.Background()
	srv := mailtest.NewIMAPMemServer(t, "u@x.test", "pw")
	base := data.Account{Email: "u@x.test", Username: "u@x.test", IMAPHost: srv.Host(), IMAPPort: srv.Port(), IMAPSecurity: data.SecurityNone}
	closed := base
	closed.IMAPPort = 1
	tlsOnPlain := base
	tlsOnPlain.IMAPSecurity = data.SecurityTLS
	folder := base
	folder.Folders = []string{"Nowhere"}
	cases := map[string]struct {
		acc  data.Account
		pass string
	}{"closed port": {closed, "pw"}, "tls on a plain port": {tlsOnPlain, "pw"}, "missing folder": {folder, "pw"}, "wrong password": {base, "no"}}
	for name, c := range cases {
		err := imapsync.Check(ctx, c.acc, c.pass, imapsync.Options{})
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		msg := imapsync.Explain(c.acc, err)
		_, matched := loadMailTranslations(t, "en")[msg] // fixed sentences are keys themselves
		if _, ok := loadMailTranslations(t, "en")[msg]; ok {
			matched = true
		}
		for _, m := range accountMessages {
			if m.re.MatchString(msg) {
				matched = true
			}
		}
		if !matched {
			t.Errorf("%s: %q is not recognised", name, msg)
		}
	}
	en, fr := loadMailTranslations(t, "en"), loadMailTranslations(t, "fr")
	keys := append([]string(nil), certReasons...)
	for _, m := range accountMessages {
		keys = append(keys, m.key)
	}
	for _, k := range keys {
		if _, ok := en[k]; !ok {
			t.Errorf("%q has no English entry", k)
		}
		if fr[k] == "" {
			t.Errorf("%q has no French entry", k)
		}
	}
}

func loadMailTranslations(t *testing.T, language string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("translation", "mailin."+language+".json"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestInboxPhonePages: in a window as narrow as a phone, the waiting emails
// fill the screen; a tap opens one as a page whose back button and actions
// lie within the window; "create deal" from that page makes the deal, the
// email leaves the Inbox and the list comes back. A wide window shows the
// list beside an email again.
func TestInboxPhonePages(t *testing.T) {
	db := mailDB(t)
	ctx := context.Background()
	acc, err := db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "sales@ourshop.test", IMAPHost: "127.0.0.1",
		IMAPPort: 1, IMAPSecurity: data.SecurityNone, Policy: data.PolicyInbox, Inactive: true})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []data.Incoming
	for i, subject := range []string{"Quote for forty gaskets and two pumps, delivered to the Lyon site before the end of the month", "Boiler", "Valves"} {
		msgs = append(msgs, data.Incoming{UID: uint32(i + 1), Email: &data.Email{
			MessageID: fmt.Sprintf("p%d@buyer%d.test", i, i), From: data.Address{Name: fmt.Sprintf("Buyer %d", i), Email: fmt.Sprintf("b%d@buyer%d.test", i, i)},
			To: []data.Address{{Email: "sales@ourshop.test"}}, Subject: subject, Date: time.Now().Add(-time.Duration(i) * time.Hour),
			Text: "Hello,\n\nplease send us a quote.\n", VisibleText: "Hello,\n\nplease send us a quote.\n", Size: 2048}})
	}
	if _, err := db.Ingest(ctx, acc.ID, "INBOX", 1, uint32(len(msgs)), msgs); err != nil {
		t.Fatal(err)
	}
	dealsBefore := countDeals(t, db)
	a := startTest(t, db, db.Sales, keepCreatedClosed)
	onUI(a, func() {
		a.Win.Resize(fyne.NewSize(400, 800))
		a.main.show("inbox")
	})
	s := a.main.inbox
	waitFor(t, a, "three emails waiting", func() bool { return len(s.emails) == 3 })
	width, height := float32(400), float32(800)
	within := func(o fyne.CanvasObject) bool {
		y := fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Y
		return inside(o, width) && y >= 0 && y+o.Size().Height <= height
	}
	onUI(a, func() {
		if !s.narrow || !s.list.Visible() || s.detail.Visible() || s.sel != 0 {
			t.Errorf("at 400 px: narrow %v, list shown %v, email shown %v (id %d)", s.narrow, s.list.Visible(), s.detail.Visible(), s.sel)
		}
		if w := s.list.Size().Width; w < width-10 {
			t.Errorf("the list is %v px wide in a %v px window", w, width)
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	shot(t, a, a.Win, "inbox-phone-list.png")

	// A tap opens the first email as a page; back returns to the list, and
	// the same email opens again.
	first := s.emails[0]
	onUI(a, func() { s.list.Select(0) })
	onUI(a, func() {
		if !s.detail.Visible() || s.listPage.Visible() || s.sel != first.ID || s.subject.Text != first.Subject ||
			!strings.Contains(s.from.Text, first.From.Email) || s.date.Text == "" || !strings.Contains(s.text.Text, "quote") {
			t.Errorf("the email's page: shown %v, list shown %v, subject %q, from %q, date %q", s.detail.Visible(), s.listPage.Visible(),
				s.subject.Text, s.from.Text, s.date.Text)
		}
		for name, o := range map[string]fyne.CanvasObject{"back": s.back, "create deal": s.create, "attach": s.attach,
			"ignore": s.ignore, "subject": s.subject, "text": s.text} {
			if !within(o) {
				t.Errorf("the %s is not within the window (%v at %v)", name, o.Size(), fyne.CurrentApp().Driver().AbsolutePositionForObject(o))
			}
		}
	})
	shot(t, a, a.Win, "inbox-phone-email.png")
	onUI(a, func() { test.Tap(s.back) })
	onUI(a, func() {
		if s.detail.Visible() || !s.listPage.Visible() {
			t.Error("back did not return to the list")
		}
		s.list.Select(0)
	})
	onUI(a, func() {
		if !s.detail.Visible() || s.sel != first.ID {
			t.Error("the same email did not open again")
		}
	})

	// Create deal from the page: the deal exists, the email left, the list is back.
	onUI(a, func() { test.Tap(s.create) })
	waitFor(t, a, "the email out of the Inbox", func() bool { return len(s.emails) == 2 && !s.detail.Visible() && s.listPage.Visible() })
	m, err := db.EmailByMessageID(ctx, db.Admin.ID, first.MessageID)
	if err != nil || m.DealID == 0 || m.State != "linked" {
		t.Fatalf("email = %+v, %v", m, err)
	}
	if n := countDeals(t, db); n != dealsBefore+1 {
		t.Fatalf("deals: %d, want %d", n, dealsBefore+1)
	}

	// A wide window: the list beside the first email, as on the desktop.
	onUI(a, func() { a.Win.Resize(fyne.NewSize(1280, 800)) })
	waitIdle(a)
	onUI(a, func() {
		if s.narrow || !s.detail.Visible() || s.sel != s.emails[0].ID || s.list.Size().Width > 640 {
			t.Errorf("at 1280 px: narrow %v, email shown %v, list %v px wide", s.narrow, s.detail.Visible(), s.list.Size().Width)
		}
	})
	shot(t, a, a.Win, "inbox-wide.png")
}
