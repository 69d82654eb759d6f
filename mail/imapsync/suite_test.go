package imapsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/mail/mailtest"

	"github.com/emersion/go-imap/v2"
)

// The suite runs unchanged against the in-process go-imap server and a real
// Dovecot.
var suite = []struct {
	name string
	fn   func(t *testing.T, srv mailtest.IMAP)
}{
	{"NewClientMailMakesOneDeal", testNewClientMail},
	{"SameMessageIDUnderTwoUIDs", testSameMessageIDTwice},
	{"CrashBetweenFetchAndCommit", testCrashBetweenFetchAndCommit},
	{"CancelledBetweenFetchAndCommit", testCancelBetweenFetchAndCommit},
	{"UIDValidityChange", testUIDValidityChange},
	{"SearchAboveCheckpointAnswersLowerUID", testSearchBelowCheckpoint},
	{"RoutingRules", testRoutingRules},
	{"MessyMail", testMessyMail},
	{"IdleDeliversNewMail", testIdle},
}

func TestMemServer(t *testing.T) {
	for _, tc := range suite {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, mailtest.NewIMAPMemServer(t, "seller", "pass-word"))
		})
	}
}

func testNewClientMail(t *testing.T, srv mailtest.IMAP) {
	f := newFixture(t, srv, data.AccountInput{})
	srv.Append(t, "INBOX", client("n1@client.test", "buyer@client.test", "Quote for desks").bytes())
	st := f.syncOnce(t)
	if st.NewDeals != 1 || st.Stored != 1 || f.deals(t) != 1 {
		t.Fatalf("stats %+v, deals %d", st, f.deals(t))
	}
	if n := f.count(t, `SELECT count(*) FROM timeline WHERE kind = 'email_in'`); n != 1 {
		t.Fatalf("%d email_in entries", n)
	}
	acc, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
	if acc.Status != data.AccountOK || acc.LastSyncAt.IsZero() {
		t.Fatalf("status after a good sync: %q %q", acc.Status, acc.StatusMessage)
	}
	// Nothing new: nothing fetched, nothing written.
	if st := f.syncOnce(t); st.Fetched != 0 || st.Stored != 0 {
		t.Fatalf("second sync: %+v", st)
	}
	if f.deals(t) != 1 {
		t.Fatal("second sync made a deal")
	}
	// EXAMINE and BODY.PEEK[]: the client's mail is still unread.
	c := srv.Login(t)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{Flags: true}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch flags: %v %d", err, len(msgs))
	}
	if slices.Contains(msgs[0].Flags, imap.FlagSeen) {
		t.Fatal("the sync marked the client's mail as read")
	}
}

func testSameMessageIDTwice(t *testing.T, srv mailtest.IMAP) {
	f := newFixture(t, srv, data.AccountInput{})
	raw := client("twice@client.test", "buyer@client.test", "Twice").bytes()
	srv.Append(t, "INBOX", raw)
	srv.Append(t, "INBOX", raw)
	st := f.syncOnce(t)
	if st.Fetched != 2 || st.Stored != 1 || st.Duplicates != 1 || f.deals(t) != 1 {
		t.Fatalf("stats %+v, deals %d", st, f.deals(t))
	}
	// Once more in a later sync.
	srv.Append(t, "INBOX", raw)
	if st := f.syncOnce(t); st.Duplicates != 1 || f.deals(t) != 1 {
		t.Fatalf("third copy: %+v deals %d", st, f.deals(t))
	}
}

func testCrashBetweenFetchAndCommit(t *testing.T, srv mailtest.IMAP) {
	f := newFixture(t, srv, data.AccountInput{})
	for i := range 5 {
		srv.Append(t, "INBOX", client(fmt.Sprintf("c%d@client.test", i), fmt.Sprintf("b%d@client%d.test", i, i), "Crash").bytes())
	}
	crash := errors.New("simulated crash")
	batches := 0
	f.sync.opt.BeforeCommit = func(ctx context.Context, acc data.Account, folder string, uids []uint32) error {
		batches++
		if batches == 2 { // the first batch of 3 is committed, the second dies
			return crash
		}
		return nil
	}
	acc, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
	if _, err := f.sync.SyncAccount(context.Background(), acc); !errors.Is(err, crash) {
		t.Fatalf("sync error %v", err)
	}
	if f.deals(t) != 3 {
		t.Fatalf("%d deals after the crash, want the first batch's 3", f.deals(t))
	}
	cp, _, _ := f.db.FolderState(context.Background(), f.acc.ID, "INBOX")
	if cp.LastUID != 3 {
		t.Fatalf("checkpoint %d after the crash, want 3", cp.LastUID)
	}
	f.sync.opt.BeforeCommit = nil
	f.syncOnce(t)
	if f.deals(t) != 5 || f.count(t, `SELECT count(*) FROM messages`) != 5 {
		t.Fatalf("after the rerun: %d deals, %d messages", f.deals(t), f.count(t, `SELECT count(*) FROM messages`))
	}
}

func testCancelBetweenFetchAndCommit(t *testing.T, srv mailtest.IMAP) {
	f := newFixture(t, srv, data.AccountInput{})
	srv.Append(t, "INBOX", client("k1@client.test", "buyer@client.test", "Killed").bytes())
	ctx, cancel := context.WithCancel(context.Background())
	f.sync.opt.BeforeCommit = func(context.Context, data.Account, string, []uint32) error {
		cancel() // the process is killed after the fetch
		return nil
	}
	acc, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
	if _, err := f.sync.SyncAccount(ctx, acc); err == nil {
		t.Fatal("sync survived its cancellation")
	}
	if f.deals(t) != 0 {
		t.Fatal("a deal was stored by a killed sync")
	}
	f.sync.opt.BeforeCommit = nil
	f.syncOnce(t)
	f.syncOnce(t)
	if f.deals(t) != 1 {
		t.Fatalf("%d deals after the rerun", f.deals(t))
	}
}

func testUIDValidityChange(t *testing.T, srv mailtest.IMAP) {
	srv.CreateMailbox(t, "Clients")
	f := newFixture(t, srv, data.AccountInput{Folders: []string{"Clients"}})
	a := client("u1@client.test", "u1@client.test", "One").bytes()
	b := client("u2@client2.test", "u2@client2.test", "Two").bytes()
	srv.Append(t, "Clients", a)
	srv.Append(t, "Clients", b)
	f.syncOnce(t)
	before, _, _ := f.db.FolderState(context.Background(), f.acc.ID, "Clients")
	if f.deals(t) != 2 {
		t.Fatalf("%d deals", f.deals(t))
	}
	// The server renumbers the folder: delete and re-create it.
	c := srv.Login(t)
	if err := c.Delete("Clients").Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Clients", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	srv.Append(t, "Clients", b)
	srv.Append(t, "Clients", a)
	st := f.syncOnce(t)
	after, _, _ := f.db.FolderState(context.Background(), f.acc.ID, "Clients")
	if after.UIDValidity == before.UIDValidity {
		t.Fatalf("UIDVALIDITY did not change (%d)", after.UIDValidity)
	}
	if st.Fetched != 2 || st.Duplicates != 2 || f.deals(t) != 2 {
		t.Fatalf("after renumbering: %+v, %d deals", st, f.deals(t))
	}
}

func testRoutingRules(t *testing.T, srv mailtest.IMAP) {
	f := newFixture(t, srv, data.AccountInput{Addresses: []string{"contact@ourshop.test"}, Exclusions: []string{"supplier.test"},
		SMTPHost: "127.0.0.1", SMTPPort: 2525, SMTPSecurity: data.SecurityNone})
	ctx := context.Background()
	reason := func(id string) data.StoredEmail {
		t.Helper()
		m, err := f.db.EmailByMessageID(ctx, f.db.Admin.ID, id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return m
	}
	first := client("r1@client.test", "buyer@client.test", "Desks")
	srv.Append(t, "INBOX", first.bytes())
	f.syncOnce(t)
	deal := reason("r1@client.test").DealID

	// Our reply, written from the deal: stored in the outbox.
	dr, err := f.db.PrepareEmail(ctx, f.db.Sales.ID, data.ComposeInput{DealID: deal, To: "buyer@client.test", Subject: "Re: Desks",
		Text: "Here is our quote.", ReplyTo: reason("r1@client.test").ID})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := f.db.QueueEmail(ctx, dr, []byte("Subject: Re: Desks\r\n\r\nHere is our quote.\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	// A colleague's mail from the account's other address, threading, not
	// sent by Comptoir: on the deal, as an incoming email.
	ours := msg{id: "colleague@ourshop.test", from: "contact@ourshop.test", to: "buyer@client.test", subject: "Re: Desks",
		headers: []string{"In-Reply-To: <r1@client.test>", "References: <r1@client.test>"}, body: "Here is our quote."}
	// A bounce of our reply: multipart/report delivery-status.
	bounce := msg{raw: `From: Mail Delivery System <MAILER-DAEMON@mx.client.test>
To: contact@ourshop.test
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce1@mx.client.test>
Date: ` + time.Now().Format(time.RFC1123Z) + `
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BB"

--BB
Content-Type: text/plain

I could not deliver your message to buyer@client.test.

--BB
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.client.test

Final-Recipient: rfc822; buyer@client.test
Action: failed
Status: 5.1.1

--BB
Content-Type: text/rfc822-headers

From: sales@ourshop.test
To: buyer@client.test
Subject: Re: Desks
Message-ID: <` + sent.MessageID + `>

--BB--
`}
	auto := msg{id: "ooo@client.test", from: "buyer@client.test", subject: "Absent: Re: Desks",
		headers: []string{"Auto-Submitted: auto-replied", "In-Reply-To: <" + sent.MessageID + ">"}, body: "I am away."}
	news := msg{id: "news1@shop.test", from: "news@shop.test", subject: "Our summer sale",
		headers: []string{"List-Unsubscribe: <mailto:unsubscribe@shop.test>"}, body: "Sale!"}
	reply := msg{id: "r2@client.test", from: "buyer@client.test", subject: "Re: Re: Desks",
		headers: []string{"References: <r1@client.test> <" + sent.MessageID + ">"}, body: "Thanks!\n\nOn Monday, Us wrote:\n> Here is our quote."}
	excluded := client("x1@supplier.test", "invoices@supplier.test", "Invoice 42")
	newcomer := client("n1@newco.test", "ceo@newco.test", "Partnership")
	for _, m := range []msg{ours, bounce, auto, news, reply, excluded, newcomer} {
		srv.Append(t, "INBOX", m.bytes())
	}
	f.syncOnce(t)

	if m := reason("colleague@ourshop.test"); m.Direction != "in" || m.DealID != deal || m.Reason != data.ReasonOwnAddress {
		t.Fatalf("a colleague's reply: %+v", m)
	}
	if m := reason(sent.MessageID); m.BouncedAt.IsZero() || m.BouncedRecipient != "buyer@client.test" {
		t.Fatalf("our reply not marked bounced: at %v recipient %q", m.BouncedAt, m.BouncedRecipient)
	}
	if m := reason("bounce1@mx.client.test"); m.Reason != data.ReasonBounce {
		t.Fatalf("bounce: %+v", m)
	}
	if m := reason("ooo@client.test"); m.Reason != data.ReasonAutoReply || m.DealID != deal {
		t.Fatalf("auto-reply: %+v", m)
	}
	if m := reason("news1@shop.test"); m.Reason != data.ReasonList || m.DealID != 0 {
		t.Fatalf("newsletter: %+v", m)
	}
	m := reason("r2@client.test")
	if m.Reason != data.ReasonReply || m.DealID != deal || !strings.HasPrefix(m.Because, "reply to your email") {
		t.Fatalf("client reply: %+v", m)
	}
	if strings.Contains(m.VisibleText, "Here is our quote") || !strings.Contains(m.Text, "Here is our quote") {
		t.Fatalf("quoted history: visible %q", m.VisibleText)
	}
	if m := reason("x1@supplier.test"); m.Reason != data.ReasonExcluded || m.DealID != 0 {
		t.Fatalf("excluded: %+v", m)
	}
	if m := reason("n1@newco.test"); m.Reason != data.ReasonNewClient || m.DealID == 0 || m.DealID == deal {
		t.Fatalf("new client: %+v", m)
	}
	if f.deals(t) != 2 {
		t.Fatalf("%d deals, want 2", f.deals(t))
	}
	if n := f.count(t, `SELECT count(*) FROM timeline WHERE deal_id = ? AND kind = 'note'`, deal); n != 2 {
		t.Fatalf("%d quiet notes on the deal, want 2 (bounce, auto-reply)", n)
	}
}

func testMessyMail(t *testing.T, srv mailtest.IMAP) {
	f := newFixture(t, srv, data.AccountInput{})
	ctx := context.Background()
	// windows-1252 bytes labelled ISO-8859-1, in the body and the subject.
	cp1252 := msg{id: "w1@client.test", from: "jean@client-fr.test", subject: "=?iso-8859-1?Q?Devis_=80_l=92unit=E9?=",
		contentType: "text/plain; charset=iso-8859-1", cte: "8bit", body: "Prix : 12 \x80 l\x92unit\xe9.\n"}
	html := msg{id: "h1@client.test", from: "web@client-html.test", subject: "HTML only", contentType: "text/html; charset=utf-8",
		body: "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>Bonjour &amp; merci,</p><p>Nous voulons <b>20</b> tables.</p></body></html>"}
	broken := msg{id: "b1@client.test", from: "broken@client-b.test", subject: "Broken MIME",
		contentType: `multipart/mixed; boundary="NEVER-THERE"`, body: "--WRONG\r\nContent-Type: text/plain\r\n\r\nsome text\r\n"}
	garbage := msg{raw: "\x00\x01 this is not a message at all\n\n\xff\xfe"}
	odd := msg{id: "x1@client.test", from: "odd@client-x.test", subject: "Odd charset", contentType: "text/plain; charset=x-klingon-7",
		body: "caf\xe9 ou th\xe9 ?\n"}
	for _, m := range []msg{cp1252, html, broken, garbage, odd} {
		srv.Append(t, "INBOX", m.bytes())
	}
	st := f.syncOnce(t)
	if st.Stored != 5 {
		t.Fatalf("stored %d of 5: %+v", st.Stored, st)
	}
	if m, _ := f.db.EmailByMessageID(ctx, f.db.Admin.ID, "x1@client.test"); !strings.Contains(m.ParseError, "x-klingon-7") || !strings.Contains(m.Text, "caf") || m.DealID == 0 {
		t.Fatalf("unknown charset: flag %q text %q deal %d", m.ParseError, m.Text, m.DealID)
	}
	m, _ := f.db.EmailByMessageID(ctx, f.db.Admin.ID, "w1@client.test")
	if m.Subject != "Devis € l’unité" || !strings.Contains(m.Text, "12 € l’unité") {
		t.Fatalf("windows-1252: subject %q text %q", m.Subject, m.Text)
	}
	m, _ = f.db.EmailByMessageID(ctx, f.db.Admin.ID, "h1@client.test")
	if strings.ContainsAny(m.Text, "<>") || strings.Contains(m.Text, "alert") || strings.Contains(m.Text, "color") ||
		!strings.Contains(m.Text, "Bonjour & merci") || !strings.Contains(m.Text, "20") {
		t.Fatalf("HTML only: %q", m.Text)
	}
	m, _ = f.db.EmailByMessageID(ctx, f.db.Admin.ID, "b1@client.test")
	if m.DealID == 0 {
		t.Fatalf("broken MIME from a client made no deal: %+v", m)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE state = 'inbox' AND reason = 'unreadable' AND raw IS NOT NULL`); n != 1 {
		t.Fatalf("garbage not kept in the Inbox: %d", n)
	}
	cp, _, _ := f.db.FolderState(ctx, f.acc.ID, "INBOX")
	if cp.LastUID != 5 {
		t.Fatalf("checkpoint %d, want 5: the unreadable message must not stop it", cp.LastUID)
	}
}

func testIdle(t *testing.T, srv mailtest.IMAP) {
	f := newFixture(t, srv, data.AccountInput{})
	f.sync.opt.PollInterval = time.Hour // only IDLE can bring the mail in time
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.sync.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	waitFor(t, 10*time.Second, "the first sync", func() bool {
		a, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
		return a.Status == data.AccountOK
	})
	time.Sleep(100 * time.Millisecond) // let the client enter IDLE; correctness does not depend on it
	start := time.Now()
	srv.Append(t, "INBOX", client("idle@client.test", "idle@client.test", "Pushed").bytes())
	// The issue asks for under two seconds; the wait is generous so that a
	// loaded machine does not fail the test; BenchmarkIdleLatency measures.
	waitFor(t, 15*time.Second, "the pushed mail's deal", func() bool { return f.deals(t) == 1 })
	t.Logf("IDLE delivered in %v", time.Since(start))
}

// testSearchBelowCheckpoint: the messages above the checkpoint were expunged,
// so UID SEARCH n:* answers the highest UID, which is below n: nothing must
// be fetched again.
func testSearchBelowCheckpoint(t *testing.T, srv mailtest.IMAP) {
	f := newFixture(t, srv, data.AccountInput{})
	srv.Append(t, "INBOX", client("s1@client.test", "s1@client.test", "One").bytes())
	srv.Append(t, "INBOX", client("s2@client2.test", "s2@client2.test", "Two").bytes())
	f.syncOnce(t)
	srv.Append(t, "INBOX", client("s3@client3.test", "s3@client3.test", "Three").bytes())
	c := srv.Login(t)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.SeqSetNum(3), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
	res, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: 3, Stop: 0}}}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("UID SEARCH UID 3:* answered %v", res.AllUIDs())
	st := f.syncOnce(t)
	if st.Fetched != 0 || f.deals(t) != 2 {
		t.Fatalf("after the expunge: %+v, %d deals", st, f.deals(t))
	}
	cp, _, _ := f.db.FolderState(context.Background(), f.acc.ID, "INBOX")
	if cp.LastUID != 3 {
		t.Fatalf("checkpoint %d, want 3 (the expunged UID is passed)", cp.LastUID)
	}
}
