package data_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// ingest stores one email through the same path the sync uses.
func ingest(t testing.TB, db *datatest.DB, acc data.Account, e *data.Email) data.Decision {
	t.Helper()
	if e.Raw == nil {
		e.Raw = []byte("Subject: " + e.Subject + "\r\n\r\n" + e.Text)
	}
	st, _, _ := db.FolderState(context.Background(), acc.ID, "INBOX")
	res, err := db.Ingest(context.Background(), acc.ID, "INBOX", 1, st.LastUID+1, []data.Incoming{{UID: st.LastUID + 1, Email: e}})
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return res.Decisions[0]
}

func clientMail(id, from, name, subject string) *data.Email {
	return &data.Email{MessageID: id, From: data.Address{Name: name, Email: from},
		To: []data.Address{{Email: "sales@ourshop.test"}}, Subject: subject, Date: datatest.Start.Add(-time.Hour),
		Text: "Bonjour,\nwe need 40 chairs.\n", VisibleText: "Bonjour,\nwe need 40 chairs.",
		Attachments: []data.Attachment{{Name: "plan.pdf", ContentType: "application/pdf", Size: 1234}}}
}

func TestRoutingNewClientCreatesContactCompanyDeal(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{ResponsibleID: db.Sales.ID})
	d := ingest(t, db, acc, clientMail("m1@acme-industrie.fr", "jeanne@acme-industrie.fr", "Jeanne Martin", "RE: Devis chaises"))
	if !d.NewDeal || d.Reason != data.ReasonNewClient || d.Because != "new client" || d.State != data.StateLinked {
		t.Fatalf("decision: %+v", d)
	}
	deal, err := db.Store.Deal(ctx, db.Admin.ID, d.DealID)
	if err != nil {
		t.Fatal(err)
	}
	if deal.Title != "Devis chaises" || deal.Source != data.SourceEmail || deal.ResponsibleID != db.Sales.ID ||
		deal.ContactName != "Jeanne Martin" || deal.CompanyName != "Acme Industrie" {
		t.Fatalf("deal: %+v", deal)
	}
	p := db.Pipeline(t)
	if first, _ := p.FirstOpen(); deal.StageID != first.ID {
		t.Fatalf("stage %d, want first %d", deal.StageID, first.ID)
	}
	tl, err := db.Timeline(ctx, db.Admin.ID, deal.ID, data.TimelineCursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	var in *data.Entry
	for i := range tl {
		if tl[i].Kind == data.EntryEmailIn {
			in = &tl[i]
		}
	}
	if in == nil {
		t.Fatalf("no email_in entry: %+v", tl)
	}
	keys := payloadKeys(t, in.Data)
	for _, k := range []string{"from", "to", "subject", "message_id", "text", "attachments", "linked_because", "linked_reason"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("entry data lacks %q: %v", k, in.Data)
		}
	}
	ed := in.Data.(data.EmailData)
	if ed.MessageID != "m1@acme-industrie.fr" || ed.LinkedReason != data.ReasonNewClient || ed.LinkedBecause != "new client" ||
		!strings.Contains(ed.Text, "40 chairs") || !in.At.Equal(datatest.Start.Add(-time.Hour)) {
		t.Fatalf("entry: %+v", in)
	}
	if atts := ed.Attachments; len(atts) != 1 || atts[0] != (data.EntryAttachment{Name: "plan.pdf", Size: 1234}) {
		t.Fatalf("attachments: %v", atts)
	}
	// A public provider gives no company.
	d2 := ingest(t, db, acc, clientMail("m2@gmail.com", "paul.durand@gmail.com", "", "Question"))
	deal2, _ := db.Store.Deal(ctx, db.Admin.ID, d2.DealID)
	if deal2.CompanyID != 0 || deal2.ContactName != "paul.durand" {
		t.Fatalf("gmail sender: %+v", deal2)
	}
	for _, dom := range []string{"hotmail.fr", "yahoo.co.uk", "orange.fr", "gmx.de", "proton.me", "free.fr"} {
		if !data.PublicProvider(dom) {
			t.Errorf("%s should be a public provider", dom)
		}
	}
	if data.PublicProvider("acme.fr") {
		t.Error("acme.fr is a company")
	}
}

func TestRoutingDedupeAndReplies(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{})
	first := ingest(t, db, acc, clientMail("a1@client.test", "buyer@client.test", "Buyer", "Tables"))
	if dup := ingest(t, db, acc, clientMail("a1@client.test", "buyer@client.test", "Buyer", "Tables")); dup.Reason != data.ReasonDuplicate || dup.EmailID != 0 {
		t.Fatalf("duplicate: %+v", dup)
	}
	// A second deal for the same contact so that rule 7 cannot explain a match.
	second, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Other", ContactID: mustDeal(t, db, first.DealID).ContactID})
	if err != nil {
		t.Fatal(err)
	}
	// In-Reply-To.
	r := clientMail("a2@client.test", "buyer@client.test", "Buyer", "Re: Tables")
	r.InReplyTo = "a1@client.test"
	if d := ingest(t, db, acc, r); d.DealID != first.DealID || d.Reason != data.ReasonReply || !strings.HasPrefix(d.Because, "reply to the email of") {
		t.Fatalf("in-reply-to: %+v", d)
	}
	// References, newest first, from another address.
	r = clientMail("a3@client.test", "colleague@client.test", "", "Re: Tables")
	r.References = []string{"unknown@x", "a2@client.test"}
	if d := ingest(t, db, acc, r); d.DealID != first.DealID || d.Reason != data.ReasonReply {
		t.Fatalf("references: %+v", d)
	}
	// An ID of our own shape that we never stored is no clue: the contact
	// has two open deals, so the Inbox.
	r = clientMail("a4@client.test", "buyer@client.test", "", "Re: quote")
	r.InReplyTo = data.NewMessageID(second.ID, "ourshop.test")
	if d := ingest(t, db, acc, r); d.DealID != 0 || d.Reason != data.ReasonSeveralDeals {
		t.Fatalf("a Message-ID of our shape, never stored: %+v", d)
	}
	// A subject tag from the deal's contact when headers were lost.
	r = clientMail("a5@client.test", "buyer@client.test", "", "Fwd: "+data.SubjectTag(second.ID)+" quote")
	if d := ingest(t, db, acc, r); d.DealID != second.ID || d.Reason != data.ReasonSubjectTag {
		t.Fatalf("subject tag: %+v", d)
	}
	// Several open deals and no thread: the Inbox.
	r = clientMail("a6@client.test", "buyer@client.test", "", "Another thing")
	d := ingest(t, db, acc, r)
	if d.State != data.StateInbox || d.Reason != data.ReasonSeveralDeals || d.DealID != 0 {
		t.Fatalf("several open deals: %+v", d)
	}
	// A reply to a deleted deal does not land on it.
	if err := db.DeleteDeal(ctx, db.Admin.ID, second.ID); err != nil {
		t.Fatal(err)
	}
	r = clientMail("a7@client.test", "buyer@client.test", "", "Re: "+data.SubjectTag(second.ID))
	r.InReplyTo = "a4@client.test"
	if d := ingest(t, db, acc, r); d.DealID == second.ID {
		t.Fatalf("reply to a deleted deal landed on it: %+v", d)
	} else if !d.NewDeal || d.DealID == first.DealID || d.Reason != data.ReasonRepeatDeal {
		t.Fatalf("a reply to a deleted deal must start a new one, not join the other open deal: %+v", d)
	}
}

func countKind(t testing.TB, db *datatest.DB, dealID int64, kind data.EntryKind) int {
	t.Helper()
	tl, err := db.Timeline(context.Background(), db.Admin.ID, dealID, data.TimelineCursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range tl {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func mustDeal(t testing.TB, db *datatest.DB, id int64) data.Deal {
	t.Helper()
	d, err := db.Store.Deal(context.Background(), db.Admin.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRoutingKnownContact(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{})
	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Known", Emails: []string{"Known@Client.test"}})
	if err != nil {
		t.Fatal(err)
	}
	// No deal yet: a new (repeat) deal for the existing contact.
	d := ingest(t, db, acc, clientMail("k1@client.test", "known@client.test", "", "Need a quote"))
	if !d.NewDeal || d.Reason != data.ReasonRepeatDeal || mustDeal(t, db, d.DealID).ContactID != c.ID {
		t.Fatalf("no open deal: %+v", d)
	}
	// Exactly one open deal, case-insensitively.
	d2 := ingest(t, db, acc, clientMail("k2@client.test", "KNOWN@client.TEST", "", "Another question"))
	if d2.DealID != d.DealID || d2.Reason != data.ReasonOnlyOpenDeal || d2.Because != "only open deal of this contact" {
		t.Fatalf("one open deal: %+v", d2)
	}
	// Only a closed deal: a new deal.
	p := db.Pipeline(t)
	won, _ := p.FinalStage(data.StatusWon)
	if _, err := db.MoveDeal(ctx, db.Admin.ID, d.DealID, won.ID, ""); err != nil {
		t.Fatal(err)
	}
	d3 := ingest(t, db, acc, clientMail("k3@client.test", "known@client.test", "", "New order"))
	if !d3.NewDeal || d3.DealID == d.DealID || d3.Reason != data.ReasonRepeatDeal {
		t.Fatalf("closed deal only: %+v", d3)
	}
}

func TestRoutingOwnBounceAutoList(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{Addresses: []string{"contact@ourshop.test"},
		SMTPHost: "127.0.0.1", SMTPPort: 2525, SMTPSecurity: data.SecurityNone})
	deal := ingest(t, db, acc, clientMail("c1@client.test", "buyer@client.test", "", "Chairs"))

	// Mail from one of our addresses that Comptoir did not send, threading
	// nowhere: the Inbox, incoming, and no contact made of our address.
	own := clientMail("o1@ourshop.test", "contact@ourshop.test", "Us", "Newsletter draft")
	if d := ingest(t, db, acc, own); d.State != data.StateInbox || d.Reason != data.ReasonOwnAddress || d.DealID != 0 || d.Direction != "in" {
		t.Fatalf("own address, not sent by Comptoir: %+v", d)
	}
	// A colleague's mail (an employee) threading to the deal: on the deal as
	// an incoming email, never as ours.
	own = clientMail("o2@ourshop.test", "Sales@comptoir.test", "Sophie", "Re: Chairs")
	own.InReplyTo = "c1@client.test"
	d := ingest(t, db, acc, own)
	if d.DealID != deal.DealID || d.Reason != data.ReasonOwnAddress || d.Direction != "in" || !strings.Contains(d.Because, "not sent by Comptoir") {
		t.Fatalf("own address threading: %+v", d)
	}
	if n := countKind(t, db, deal.DealID, data.EntryEmailOut); n != 0 {
		t.Fatalf("mail not sent by Comptoir shown as ours: %d email_out entries", n)
	}
	if n := countKind(t, db, deal.DealID, data.EntryEmailIn); n != 2 {
		t.Fatalf("want two email_in entries, got %d", n)
	}
	if n := countSQL(t, db, `SELECT count(*) FROM contact_emails WHERE email IN ('contact@ourshop.test', 'sales@comptoir.test')`); n != 0 {
		t.Fatalf("%d contacts made of our own addresses", n)
	}

	// What Comptoir sent from the deal.
	dr, err := db.PrepareEmail(ctx, db.Admin.ID, data.ComposeInput{DealID: deal.DealID, To: "buyer@client.test", Subject: "Re: Chairs",
		Text: "Our quote."})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := db.QueueEmail(ctx, dr, []byte("Subject: Re: Chairs\r\n\r\nOur quote.\r\n"))
	if err != nil {
		t.Fatal(err)
	}

	// A bounce reporting our outgoing message: marked, never a deal.
	b := &data.Email{MessageID: "b1@mx.client.test", From: data.Address{Email: "MAILER-DAEMON@mx.client.test"}, Subject: "Undelivered Mail",
		ContentType: "multipart/report", ReportType: "delivery-status", BouncedMessageID: sent.MessageID, BouncedRecipient: "buyer@client.test", ReturnPathNull: true}
	d = ingest(t, db, acc, b)
	if d.Reason != data.ReasonBounce || d.NewDeal || d.DealID != deal.DealID || !d.Quiet {
		t.Fatalf("bounce: %+v", d)
	}
	out, err := db.EmailByMessageID(ctx, db.Admin.ID, "<"+sent.MessageID+">")
	if err != nil || out.BouncedAt.IsZero() || out.BouncedRecipient != "buyer@client.test" {
		t.Fatalf("sent message not marked bounced: %+v %v", out, err)
	}
	// A bounce about nothing of ours.
	b = &data.Email{MessageID: "b2@mx.test", From: data.Address{Email: "postmaster@mx.test"}, Subject: "failure"}
	if d := ingest(t, db, acc, b); d.Reason != data.ReasonBounce || d.DealID != 0 {
		t.Fatalf("stray bounce: %+v", d)
	}

	// Auto-replies: a quiet note if it threads, nothing otherwise.
	ar := clientMail("ar1@client.test", "buyer@client.test", "", "Out of office")
	ar.AutoSubmitted, ar.InReplyTo, ar.ReturnPathNull = "auto-replied", sent.MessageID, true
	if d := ingest(t, db, acc, ar); d.Reason != data.ReasonAutoReply || d.DealID != deal.DealID || !d.Quiet || d.NewDeal {
		t.Fatalf("threaded auto-reply: %+v", d)
	}
	if n := countKind(t, db, deal.DealID, data.EntryNote); n != 2 {
		t.Fatalf("want two notes (bounce, auto-reply), got %d", n)
	}
	for i, mod := range []func(e *data.Email){
		func(e *data.Email) { e.Precedence = "bulk" },
		func(e *data.Email) { e.AutoReplyHeaders = true },
		func(e *data.Email) { e.AutoSubmitted = "auto-generated" },
	} {
		e := clientMail(fmt.Sprintf("ar-x%d@stranger.test", i), "robot@stranger.test", "", "Automatic")
		mod(e)
		if d := ingest(t, db, acc, e); d.Reason != data.ReasonAutoReply || d.DealID != 0 || d.NewDeal {
			t.Fatalf("auto-reply %d: %+v", i, d)
		}
	}
	// Auto-Submitted: no is a person.
	e := clientMail("person@stranger.test", "person@stranger.test", "", "Hello")
	e.AutoSubmitted = "no"
	if d := ingest(t, db, acc, e); !d.NewDeal {
		t.Fatalf("Auto-Submitted: no: %+v", d)
	}
	// Newsletters.
	nl := clientMail("nl1@news.test", "news@news.test", "", "Our offers")
	nl.ListUnsubscribe = "<mailto:unsub@news.test>"
	if d := ingest(t, db, acc, nl); d.Reason != data.ReasonList || d.DealID != 0 {
		t.Fatalf("newsletter: %+v", d)
	}
	nl = clientMail("nl2@news.test", "list@lists.test", "", "[list] topic")
	nl.ListID = "<dev.lists.test>"
	if d := ingest(t, db, acc, nl); d.Reason != data.ReasonList || d.DealID != 0 {
		t.Fatalf("list: %+v", d)
	}
}

func TestRoutingPolicyExclusionsAndLoopGuard(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{Policy: data.PolicyInbox, Exclusions: []string{"supplier.test", "noreply@bank.test"}})
	if d := ingest(t, db, acc, clientMail("p1@new.test", "someone@new.test", "", "Hi")); d.State != data.StateInbox || d.Reason != data.ReasonPolicyInbox {
		t.Fatalf("policy inbox: %+v", d)
	}
	if d := ingest(t, db, acc, clientMail("p2@supplier.test", "x@eu.supplier.test", "", "Invoice")); d.State != data.StateFiled || d.Reason != data.ReasonExcluded {
		t.Fatalf("excluded domain: %+v", d)
	}
	if d := ingest(t, db, acc, clientMail("p3@bank.test", "NoReply@bank.test", "", "Statement")); d.Reason != data.ReasonExcluded {
		t.Fatalf("excluded address: %+v", d)
	}
	in := acc.Input()
	in.Policy = data.PolicyIgnore
	acc, _ = db.UpdateAccount(ctx, db.Admin.ID, acc.ID, in)
	if d := ingest(t, db, acc, clientMail("p4@new2.test", "someone@new2.test", "", "Hi")); d.State != data.StateFiled || d.Reason != data.ReasonPolicyIgnore {
		t.Fatalf("policy ignore: %+v", d)
	}
	in.Policy = data.PolicyDeal
	acc, _ = db.UpdateAccount(ctx, db.Admin.ID, acc.ID, in)

	// Loop guard: an autoresponder war from one sender.
	for i := range data.LoopGuardMax {
		d := ingest(t, db, acc, clientMail(fmt.Sprintf("loop%d@robot.test", i), "robot@robot.test", "", fmt.Sprintf("Ticket %d", i)))
		// Close each deal so that the next message starts a new one.
		won, _ := db.Pipeline(t).FinalStage(data.StatusWon)
		if _, err := db.MoveDeal(ctx, db.Admin.ID, d.DealID, won.ID, ""); err != nil {
			t.Fatal(err)
		}
		if !d.NewDeal {
			t.Fatalf("message %d: %+v", i, d)
		}
	}
	d := ingest(t, db, acc, clientMail("loop-last@robot.test", "robot@robot.test", "", "Ticket again"))
	if d.NewDeal || d.Reason != data.ReasonLoopGuard || d.State != data.StateInbox {
		t.Fatalf("loop guard: %+v", d)
	}
	if st, _ := db.SenderStatus(ctx, db.Admin.ID, "robot@robot.test"); st != "flagged" {
		t.Fatalf("sender status %q", st)
	}
	// Two hours later the sender is still flagged until a person clears it.
	db.Clock.Advance(3 * time.Hour)
	if d := ingest(t, db, acc, clientMail("loop-later@robot.test", "robot@robot.test", "", "Later")); d.Reason != data.ReasonFlagged {
		t.Fatalf("flagged sender: %+v", d)
	}
	if err := db.ClearSender(ctx, db.Admin.ID, "robot@robot.test"); err != nil {
		t.Fatal(err)
	}
	if d := ingest(t, db, acc, clientMail("loop-cleared@robot.test", "robot@robot.test", "", "Cleared")); !d.NewDeal {
		t.Fatalf("cleared sender: %+v", d)
	}
}

func TestIngestNoMessageIDUsesHashAndSizeCap(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{MaxSize: 1 << 16})
	raw := []byte("From: a@nomid.test\r\nSubject: no id\r\n\r\nbody")
	e := &data.Email{From: data.Address{Email: "a@nomid.test"}, Subject: "no id", Raw: raw}
	d := ingest(t, db, acc, e)
	if !strings.HasPrefix(d.MessageID, "sha256:") {
		t.Fatalf("key %q", d.MessageID)
	}
	if d2 := ingest(t, db, acc, &data.Email{From: e.From, Subject: e.Subject, Raw: raw}); d2.Reason != data.ReasonDuplicate {
		t.Fatalf("same bytes twice: %+v", d2)
	}
	big := append([]byte("From: b@big.test\r\nMessage-ID: <big@big.test>\r\nSubject: big\r\n\r\n"), make([]byte, 1<<17)...)
	d = ingest(t, db, acc, &data.Email{MessageID: "big@big.test", From: data.Address{Email: "b@big.test"}, Subject: "big", Text: "text kept", Raw: big})
	m, err := db.Email(ctx, db.Admin.ID, d.EmailID)
	if err != nil {
		t.Fatal(err)
	}
	raw2, _ := db.EmailRaw(ctx, db.Admin.ID, d.EmailID)
	if m.Truncated == "" || m.Text != "text kept" || len(raw2) > 200 || m.Size != int64(len(big)) {
		t.Fatalf("over the cap: truncated=%q text=%q raw=%d size=%d", m.Truncated, m.Text, len(raw2), m.Size)
	}
	// Unreadable sender: the Inbox, flagged with the parse error.
	d = ingest(t, db, acc, &data.Email{MessageID: "broken@x", ParseError: "no header", Raw: []byte("garbage")})
	m, _ = db.Email(ctx, db.Admin.ID, d.EmailID)
	if d.State != data.StateInbox || m.ParseError == "" {
		t.Fatalf("broken: %+v %+v", d, m)
	}
}

func TestIngestIsAtomicWithCheckpoint(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{})
	// A batch whose second message breaks the transaction (an account
	// responsible gone) must leave neither message nor checkpoint.
	good := clientMail("g1@client.test", "g@client.test", "", "good")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.Ingest(cancelled, acc.ID, "INBOX", 5, 10, []data.Incoming{{UID: 10, Email: good}}); err == nil {
		t.Fatal("ingest with a cancelled context succeeded")
	}
	if _, ok, _ := db.FolderState(ctx, acc.ID, "INBOX"); ok {
		t.Fatal("checkpoint moved without its message")
	}
	if _, err := db.EmailByMessageID(ctx, db.Admin.ID, "g1@client.test"); err == nil {
		t.Fatal("message stored by a failed ingest")
	}
	res, err := db.Ingest(ctx, acc.ID, "INBOX", 5, 10, []data.Incoming{{UID: 9, Email: good}, {UID: 10, Email: clientMail("g1@client.test", "g@client.test", "", "good")}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stored != 1 || res.Duplicates != 1 || res.NewDeals != 1 {
		t.Fatalf("result: %+v", res)
	}
	st, ok, _ := db.FolderState(ctx, acc.ID, "INBOX")
	if !ok || st.UIDValidity != 5 || st.LastUID != 10 {
		t.Fatalf("checkpoint: %+v", st)
	}
}
