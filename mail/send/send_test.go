package send

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/mail/imapsync"
	"comptoir/mail/mailtest"
)

func memIMAP(t testing.TB) mailtest.IMAP { return mailtest.NewIMAPMemServer(t, "sales", "secret-pass") }

func TestSendTransmitsStoredBytesWithThreading(t *testing.T) {
	f := newFixture(t, memIMAP(t), false)
	ctx := context.Background()
	// A client's email on the deal, to answer.
	parent := &data.Email{MessageID: "q1@client.test", References: []string{"r0@client.test"}, From: data.Address{Name: "Claire Client", Email: "claire@client.test"},
		To: []data.Address{{Email: "sales@ourshop.test"}}, Subject: "Chairs?", Text: "How much for forty?", Date: f.now().Add(-time.Hour), Raw: []byte("x")}
	res, err := f.db.Ingest(ctx, f.acc.ID, "INBOX", 1, 1, []data.Incoming{{UID: 1, Email: parent}})
	if err != nil || res.Decisions[0].DealID != f.deal.ID {
		t.Fatalf("parent not on the deal: %+v %v", res, err)
	}
	pm, _ := f.db.EmailByMessageID(ctx, f.db.Admin.ID, "q1@client.test")
	it := f.queue(t, data.ComposeInput{Bcc: "boss@ourshop.test", Subject: data.ReplySubject(pm.Subject), ReplyTo: pm.ID, HTML: true,
		Text:  "Here is the quote.\n\n" + data.Quote(pm.Text),
		Files: []data.FileInput{{Name: "plan.txt", Data: []byte("a plan")}}})
	stored, _ := f.q.OutgoingRaw(ctx, it.ID)

	st := f.drain(t, f.sender(Options{}))
	if st.Sent != 1 || st.Copied != 1 {
		t.Fatalf("stats %+v", st)
	}
	got := f.smtp.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages delivered", len(got))
	}
	m := got[0]
	if !bytes.Equal(m.Data, stored) {
		t.Fatalf("the bytes sent are not the bytes stored:\n%s\n---\n%s", m.Data, stored)
	}
	if m.From != "sales@ourshop.test" || strings.Join(m.To, ",") != "claire@client.test,boss@ourshop.test" {
		t.Fatalf("envelope %s → %v", m.From, m.To)
	}
	checks := map[string]string{
		"Message-ID":  "<" + it.MessageID + ">",
		"In-Reply-To": "<q1@client.test>",
		"References":  "<r0@client.test> <q1@client.test>",
		"Subject":     "Re: Chairs?",
		"Reply-To":    `"Sophie Vente" <sales@ourshop.test>`,
	}
	for k, want := range checks {
		if v := header(m.Data, k); v != want {
			t.Errorf("%s: %q, want %q", k, v, want)
		}
	}
	for _, absent := range []string{"Bcc", "Auto-Submitted"} {
		if v := header(m.Data, absent); v != "" {
			t.Errorf("%s present: %q", absent, v)
		}
	}
	if bytes.Contains(m.Data, []byte("boss@ourshop.test")) {
		t.Error("the Bcc address is in the message")
	}
	for _, part := range []string{"text/html", "plan.txt", "> How much for forty?"} {
		if !bytes.Contains(m.Data, []byte(part)) {
			t.Errorf("message lacks %q", part)
		}
	}
	if it := f.item(t, it.ID); it.State != data.OutSent || it.SentCopy != "done" {
		t.Fatalf("after sending: %+v", it)
	}
	if n := f.sentCopies(t, it.MessageID); n != 1 {
		t.Fatalf("%d copies in Sent, want 1", n)
	}
	// A second pass sends nothing and files nothing again.
	if st := f.drain(t, f.sender(Options{})); st != (Stats{}) {
		t.Fatalf("second pass did %+v", st)
	}
	if n := f.sentCopies(t, it.MessageID); n != 1 {
		t.Fatalf("%d copies in Sent after a second pass", n)
	}
	es, _ := f.db.Timeline(ctx, f.db.Sales.ID, f.deal.ID, data.TimelineCursor{}, 20)
	for _, e := range es {
		if ed, _ := e.Data.(data.EmailData); e.Kind == data.EntryEmailOut && ed.State != data.OutSent {
			t.Fatalf("timeline entry state %v", ed.State)
		}
	}
}

func TestOfflineQueueThenSend(t *testing.T) {
	f := newFixture(t, memIMAP(t), true)
	ctx := context.Background()
	// The server is down: a port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	downPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	in := f.acc.Input()
	in.SMTPPort = downPort
	if _, err := f.db.UpdateAccount(ctx, f.db.Admin.ID, f.acc.ID, in); err != nil {
		t.Fatal(err)
	}
	it := f.queue(t, data.ComposeInput{Subject: "Offline", Text: "Written in the field"})
	s := f.sender(Options{MinBackoff: time.Minute})
	if st := f.drain(t, s); st.Retried != 1 || st.Sent != 0 {
		t.Fatalf("offline pass %+v", st)
	}
	got := f.item(t, it.ID)
	if got.State != data.OutQueued || got.LastError == "" || !got.NextAttempt.After(f.now()) {
		t.Fatalf("offline item %+v", got)
	}
	// The network comes back.
	in.SMTPPort = f.smtp.Port()
	if _, err := f.db.UpdateAccount(ctx, f.db.Admin.ID, f.acc.ID, in); err != nil {
		t.Fatal(err)
	}
	if st := f.drain(t, s); st.Sent != 0 {
		t.Fatal("sent before its backoff")
	}
	f.advance(2 * time.Minute)
	if st := f.drain(t, s); st.Sent != 1 {
		t.Fatalf("online pass %+v", st)
	}
	if n := len(f.smtp.Messages()); n != 1 {
		t.Fatalf("%d delivered", n)
	}
}

func Test451IsRetried(t *testing.T) {
	f := newFixture(t, memIMAP(t), true)
	it := f.queue(t, data.ComposeInput{Subject: "Busy", Text: "t"})
	f.smtp.FailNext(451, 1)
	s := f.sender(Options{MinBackoff: time.Minute})
	if st := f.drain(t, s); st.Retried != 1 {
		t.Fatalf("stats %+v", st)
	}
	if got := f.item(t, it.ID); got.State != data.OutQueued || !strings.Contains(got.LastError, "451") {
		t.Fatalf("after 451: %+v", got)
	}
	f.advance(2 * time.Minute)
	if st := f.drain(t, s); st.Sent != 1 {
		t.Fatalf("stats %+v", st)
	}
	if f.smtp.Transactions() != 2 || len(f.smtp.Messages()) != 1 {
		t.Fatalf("transactions %d, delivered %d", f.smtp.Transactions(), len(f.smtp.Messages()))
	}
}

func Test550FailsAndShowsOnTimeline(t *testing.T) {
	f := newFixture(t, memIMAP(t), true)
	ctx := context.Background()
	it := f.queue(t, data.ComposeInput{Subject: "Nobody", Text: "t"})
	f.smtp.FailNext(550, 1)
	s := f.sender(Options{})
	if st := f.drain(t, s); st.Failed != 1 {
		t.Fatalf("stats %+v", st)
	}
	got := f.item(t, it.ID)
	if got.State != data.OutFailed || !strings.Contains(got.LastError, "550") || !strings.Contains(got.LastError, "injected failure") {
		t.Fatalf("after 550: %+v", got)
	}
	es, _ := f.db.Timeline(ctx, f.db.Sales.ID, f.deal.ID, data.TimelineCursor{}, 20)
	var shown bool
	for _, e := range es {
		if e.Kind == data.EntryNote && strings.Contains(e.Text, "550") && strings.Contains(e.Text, "injected failure") {
			shown = true
		}
	}
	if !shown {
		t.Fatal("the server's words are not on the timeline")
	}
	// Not retried by itself.
	f.advance(48 * time.Hour)
	if st := f.drain(t, s); st.Sent != 0 {
		t.Fatal("a failed email was sent again without a person")
	}
	// Edited and retried by a person: same Message-ID, new bytes.
	edited, err := Edit(ctx, f.db.Store, f.db.Sales.ID, it.ID, data.ComposeInput{To: "claire@client.test", Subject: "Nobody (fixed)", Text: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if edited.MessageID != it.MessageID || edited.State != data.OutQueued {
		t.Fatalf("edited %+v", edited)
	}
	if st := f.drain(t, s); st.Sent != 1 {
		t.Fatalf("stats %+v", st)
	}
	m := f.smtp.Messages()
	if len(m) != 1 || header(m[0].Data, "Subject") != "Nobody (fixed)" || header(m[0].Data, "Message-ID") != "<"+it.MessageID+">" {
		t.Fatalf("delivered %d", len(m))
	}
}

func TestDropAfterDataIsUnknownThenFoundInSent(t *testing.T) {
	f := newFixture(t, memIMAP(t), true) // the server files sent mail itself
	it := f.queue(t, data.ComposeInput{Subject: "Maybe", Text: "t"})
	f.smtp.DropAfterData(1)
	s := f.sender(Options{})
	if st := f.drain(t, s); st.Unknown != 1 {
		t.Fatalf("stats %+v", st)
	}
	if got := f.item(t, it.ID); got.State != data.OutUnknown {
		t.Fatalf("state %s", got.State)
	}
	// The server had taken it and filed it in Sent.
	m := f.smtp.Messages()
	if len(m) != 1 || !m[0].Dropped {
		t.Fatalf("server got %+v", m)
	}
	f.imap.Append(t, "Sent", m[0].Data)
	st := f.drain(t, s)
	if st.FoundInSent != 1 || st.Sent != 0 {
		t.Fatalf("stats %+v", st)
	}
	if got := f.item(t, it.ID); got.State != data.OutSent {
		t.Fatalf("state %s", got.State)
	}
	if f.smtp.Transactions() != 1 {
		t.Fatalf("resent: %d transactions", f.smtp.Transactions())
	}
}

func TestCrashWhileSendingNotFoundAsksThePerson(t *testing.T) {
	f := newFixture(t, memIMAP(t), true)
	ctx := context.Background()
	it := f.queue(t, data.ComposeInput{Subject: "Crash", Text: "t"})
	// A sender claims it and dies.
	if out, err := f.q.ClaimOutgoing(ctx, "dead", []int64{it.ID}); err != nil || len(out) != 1 {
		t.Fatal(out, err)
	}
	s := f.sender(Options{StaleAfter: time.Minute})
	if st := f.drain(t, s); st.Sent != 0 {
		t.Fatal("sent while claimed by another worker")
	}
	f.advance(2 * time.Minute) // the claim is stale now: a crash
	st := f.drain(t, s)
	if st.Sent != 0 || st.FoundInSent != 0 {
		t.Fatalf("stats %+v", st)
	}
	got := f.item(t, it.ID)
	if got.State != data.OutUnknown || !strings.Contains(got.LastError, "Sent") {
		t.Fatalf("after the check: %+v", got)
	}
	if f.smtp.Transactions() != 0 {
		t.Fatal("sent again without asking")
	}
	// The person decides to send it again.
	if err := f.db.RetryEmail(ctx, f.db.Sales.ID, it.ID); err != nil {
		t.Fatal(err)
	}
	if st := f.drain(t, s); st.Sent != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestTwoWorkersRaceOneDeliveryOneCopy(t *testing.T) {
	f := newFixture(t, memIMAP(t), false)
	ctx := context.Background()
	var ids []string
	for i := range 12 {
		ids = append(ids, f.queue(t, data.ComposeInput{Subject: fmt.Sprintf("Race %d", i), Text: "t"}).MessageID)
	}
	// Two workers, each with its own connection to the database, as the
	// window and `comptoir sync` would have.
	other, err := data.Open(ctx, f.db.Path, data.OpenOptions{Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	s1 := f.sender(Options{Worker: "one", BatchSize: 2})
	s2 := New(other, Options{Secrets: f.sec, Logger: quietLogger(), Worker: "two", BatchSize: 2, Timeout: 10 * time.Second})
	var wg sync.WaitGroup
	for _, s := range []*Sender{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.DrainOnce(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got := map[string]int{}
	for _, m := range f.smtp.Messages() {
		got[strings.Trim(header(m.Data, "Message-ID"), "<>")]++
	}
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("%s delivered %d times", id, got[id])
		}
		if n := f.sentCopies(t, id); n != 1 {
			t.Errorf("%s has %d copies in Sent", id, n)
		}
	}
}

func TestSTARTTLSIsRequiredNeverOpportunistic(t *testing.T) {
	f := newFixture(t, memIMAP(t), true)
	ctx := context.Background()
	// The test server offers no STARTTLS: a starttls account must not fall
	// back to plaintext.
	in := f.acc.Input()
	in.SMTPSecurity = data.SecurityStartTLS
	if _, err := f.db.UpdateAccount(ctx, f.db.Admin.ID, f.acc.ID, in); err != nil {
		t.Fatal(err)
	}
	it := f.queue(t, data.ComposeInput{Subject: "Secure", Text: "t"})
	if st := f.drain(t, f.sender(Options{})); st.Retried != 1 {
		t.Fatalf("stats %+v", st)
	}
	if f.smtp.Transactions() != 0 {
		t.Fatal("sent without TLS")
	}
	if got := f.item(t, it.ID); !strings.Contains(got.LastError, "STARTTLS") {
		t.Fatalf("error %q", got.LastError)
	}
}

func TestAuthFromAccount(t *testing.T) {
	f := newFixture(t, memIMAP(t), true)
	f.smtp.SetAuth("sales", "secret-pass") // the IMAP password serves for SMTP when none is saved for it
	f.queue(t, data.ComposeInput{Subject: "Auth", Text: "t"})
	if st := f.drain(t, f.sender(Options{})); st.Sent != 1 {
		t.Fatalf("stats %+v", st)
	}
	if m := f.smtp.Messages(); m[0].Auth != "sales" {
		t.Fatalf("authenticated as %q", m[0].Auth)
	}
}

// End to end: written from the deal, sent, answered by the client, synced:
// the answer lands on the same deal.
func TestReplyToSentEmailLandsOnDeal(t *testing.T) {
	srv := memIMAP(t)
	f := newFixture(t, srv, true)
	ctx := context.Background()
	// The client has another open deal: only threading can route her answer.
	if _, err := f.db.CreateDeal(ctx, f.db.Sales.ID, data.DealInput{Title: "Tables", ContactID: f.contact.ID}); err != nil {
		t.Fatal(err)
	}
	it := f.queue(t, data.ComposeInput{Subject: "Your chairs", Text: "Quote attached"})
	f.drain(t, f.sender(Options{}))
	sent := f.smtp.Messages()[0].Data
	ourID := header(sent, "Message-ID")
	reply := fmt.Sprintf("From: Claire Client <claire@client.test>\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <answer-1@client.test>\r\n"+
		"In-Reply-To: %s\r\nReferences: %s\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAgreed!\r\n",
		header(sent, "Reply-To"), header(sent, "Subject"), ourID, ourID, f.now().Format(time.RFC1123Z))
	srv.Append(t, "INBOX", []byte(reply))
	sy := imapsync.New(f.db.Store, imapsync.Options{Secrets: f.sec, Logger: quietLogger()})
	if _, err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	m, err := f.db.EmailByMessageID(ctx, f.db.Admin.ID, "answer-1@client.test")
	if err != nil {
		t.Fatal(err)
	}
	if m.DealID != f.deal.ID || m.Reason != data.ReasonReply {
		t.Fatalf("the reply went to deal %d (%s), want %d", m.DealID, m.Reason, f.deal.ID)
	}
	_ = it
}

func TestDovecotSentCopyAndCrashRecovery(t *testing.T) {
	dc := mailtest.StartDovecot(t)
	f := newFixture(t, dc, false)
	it := f.queue(t, data.ComposeInput{Subject: "Via Dovecot", Text: "t"})
	s := f.sender(Options{})
	if st := f.drain(t, s); st.Sent != 1 || st.Copied != 1 {
		t.Fatalf("stats %+v", st)
	}
	if n := f.sentCopies(t, it.MessageID); n != 1 {
		t.Fatalf("%d copies in Dovecot's Sent", n)
	}
	// A drop after DATA: unknown, then found in Sent once the copy is there.
	it2 := f.queue(t, data.ComposeInput{Subject: "Dropped", Text: "t"})
	f.smtp.DropAfterData(1)
	if st := f.drain(t, s); st.Unknown != 1 {
		t.Fatalf("stats %+v", st)
	}
	dc.Append(t, "Sent", f.smtp.Messages()[1].Data)
	if st := f.drain(t, s); st.FoundInSent != 1 {
		t.Fatalf("stats %+v", st)
	}
	if got := f.item(t, it2.ID); got.State != data.OutSent {
		t.Fatalf("state %s", got.State)
	}
	if f.smtp.Transactions() != 2 {
		t.Fatalf("%d transactions: resent", f.smtp.Transactions())
	}
}

// A claim left by a process that is gone is taken up at once, without
// waiting for the claim to go stale: unknown, looked for in Sent, found.
func TestClaimOfAStoppedProcessIsCheckedAtOnce(t *testing.T) {
	f := newFixture(t, memIMAP(t), true)
	ctx := context.Background()
	it := f.queue(t, data.ComposeInput{Subject: "Crashed", Text: "t"})
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dead := fmt.Sprintf("pid-%d-abc", gone.Process.Pid)
	if out, err := f.q.ClaimOutgoing(ctx, dead, []int64{it.ID}); err != nil || len(out) != 1 {
		t.Fatal(out, err)
	}
	// The stopped process had sent it; the server filed it in Sent.
	raw, _ := f.q.OutgoingRaw(ctx, it.ID)
	f.imap.Append(t, "Sent", raw)
	// A live worker's claim is left alone.
	it2 := f.queue(t, data.ComposeInput{Subject: "Live", Text: "t"})
	live := fmt.Sprintf("pid-%d-def", os.Getppid())
	if out, err := f.q.ClaimOutgoing(ctx, live, []int64{it2.ID}); err != nil || len(out) != 1 {
		t.Fatal(out, err)
	}
	st := f.drain(t, f.sender(Options{}))
	if st.FoundInSent != 1 || st.Sent != 0 {
		t.Fatalf("stats %+v", st)
	}
	if got := f.item(t, it.ID); got.State != data.OutSent {
		t.Fatalf("state %s", got.State)
	}
	if got := f.item(t, it2.ID); got.State != data.OutSending {
		t.Fatalf("a live claim became %s", got.State)
	}
	if f.smtp.Transactions() != 0 {
		t.Fatal("sent again")
	}
}

// TestCheckDialsWithoutAStore: the Settings screen's "Test connection"
// checks an account's SMTP server with no store behind it; it succeeds on a
// live server and says so when nothing listens.
func TestCheckDialsWithoutAStore(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewSMTPServer(t)
	acc := data.Account{Email: "sales@ourshop.test", SMTPHost: srv.Host(), SMTPPort: srv.Port(), SMTPSecurity: data.SecurityNone}
	opt := Options{Logger: quietLogger(), Timeout: 5 * time.Second}
	if err := Check(context.Background(), acc, "", opt); err != nil {
		t.Fatalf("check a live server: %v", err)
	}
	srv.Close()
	if err := Check(context.Background(), acc, "", opt); err == nil {
		t.Fatal("check of a closed server succeeded")
	}
}
