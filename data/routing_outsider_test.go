package data_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// countSQL runs a counting query on the test database's file, read-only.
func countSQL(t testing.TB, db *datatest.DB, query string, args ...any) int {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db.Path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// A subject tag counts only from a sender already on that deal: an address
// of its contact, of its company or of a contact of its company, the sender
// of an email stored on it, a recipient of an email we sent from it.
func TestRoutingSubjectTagNeedsSenderOnDeal(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{SMTPHost: "127.0.0.1", SMTPPort: 2525, SMTPSecurity: data.SecurityNone})
	co, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "Client SA", Emails: []string{"Compta@Client.test"}})
	if err != nil {
		t.Fatal(err)
	}
	buyer, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Buyer", CompanyID: co.ID, Emails: []string{"buyer@client.test"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Colleague", CompanyID: co.ID, Emails: []string{"colleague@client.test"}}); err != nil {
		t.Fatal(err)
	}
	deal, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Chairs", ContactID: buyer.ID, CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	tag := data.SubjectTag(deal.ID)
	deals := countSQL(t, db, `SELECT count(*) FROM deals`)

	// A stranger naming the deal: the Inbox, with the reason, and no deal.
	d := ingest(t, db, acc, clientMail("s1@evil.test", "billing@evil.test", "Accounts", tag+" Updated bank details"))
	if d.State != data.StateInbox || d.Reason != data.ReasonTagStranger || d.DealID != 0 || d.NewDeal ||
		!strings.Contains(d.Because, tag) {
		t.Fatalf("a stranger's tag: %+v", d)
	}
	// A known contact of another deal is a stranger to this one.
	other, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Other", Emails: []string{"other@elsewhere.test"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Other's", ContactID: other.ID}); err != nil {
		t.Fatal(err)
	}
	if d := ingest(t, db, acc, clientMail("s2@elsewhere.test", "other@elsewhere.test", "", "Re: "+tag)); d.Reason != data.ReasonTagStranger || d.DealID != 0 {
		t.Fatalf("another deal's contact naming this deal: %+v", d)
	}
	if n := countSQL(t, db, `SELECT count(*) FROM deals`); n != deals+1 {
		t.Fatalf("%d deals, want %d: a tag from a stranger made or moved a deal", n, deals+1)
	}

	on := func(id, from string) {
		t.Helper()
		d := ingest(t, db, acc, clientMail(id, from, "", "Re: "+tag+" chairs"))
		if d.DealID != deal.ID || d.Reason != data.ReasonSubjectTag {
			t.Fatalf("%s is on the deal: %+v", from, d)
		}
	}
	on("t1@client.test", "Buyer@client.test")     // the deal's contact
	on("t2@client.test", "colleague@client.test") // a contact of its company
	on("t3@client.test", "compta@client.test")    // an address of its company
	r := clientMail("t4@partner.test", "architect@partner.test", "", "Re: chairs")
	r.InReplyTo = "t1@client.test" // lands by a stored Message-ID…
	if d := ingest(t, db, acc, r); d.DealID != deal.ID || d.Reason != data.ReasonReply {
		t.Fatalf("reply to a received email: %+v", d)
	}
	on("t5@partner.test", "architect@partner.test") // …so its sender is on the deal
	dr, err := db.PrepareEmail(ctx, db.Admin.ID, data.ComposeInput{DealID: deal.ID, To: "buyer@client.test", Cc: "Site Manager <site@builder.test>",
		Subject: tag + " Quote", Text: "Our quote."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.QueueEmail(ctx, dr, []byte("Subject: Quote\r\n\r\nOur quote.\r\n")); err != nil {
		t.Fatal(err)
	}
	on("t6@builder.test", "site@builder.test") // a recipient of our email

	// A stranger's tag naming a deleted deal is no reason for anything.
	if err := db.DeleteDeal(ctx, db.Admin.ID, deal.ID); err != nil {
		t.Fatal(err)
	}
	if d := ingest(t, db, acc, clientMail("s3@evil.test", "billing@evil.test", "", tag+" again")); d.Reason != data.ReasonNewClient || d.DealID == deal.ID {
		t.Fatalf("a stranger naming a deleted deal: %+v", d)
	}
}

// Threading matches the Message-IDs we stored, exactly: one of our own
// shape that we never stored is no clue, whoever writes it; a reply to what
// we really sent or received lands on its deal.
func TestRoutingMatchesStoredIDsOnly(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	db, acc := f.db, f.acc
	// Deal 2, its client and a message from her.
	first := ingest(t, db, acc, clientMail("c1@client2.test", "jeanne@client2.test", "Jeanne", "Tables"))
	it := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "Chairs", Text: "Our quote"})
	deals := countSQL(t, db, `SELECT count(*) FROM deals`)

	// An ID of our shape naming deal 2, not stored: a stranger's new deal.
	r := clientMail("x1@evil.test", "x@evil.test", "", "Re: Tables")
	r.InReplyTo = data.NewMessageID(first.DealID, "whatever.invalid")
	if d := ingest(t, db, acc, r); d.DealID == first.DealID || d.Reason != data.ReasonNewClient {
		t.Fatalf("a made-up ID of our shape: %+v", d)
	}
	// A Message-ID of our shape with a matching In-Reply-To: not ours.
	r = clientMail("deal-2.aa@evil.example", "y@evil.example", "", "Re: Tables")
	r.InReplyTo = "deal-2.bb@evil.example"
	if d := ingest(t, db, acc, r); d.DealID == first.DealID || d.Direction != "in" || d.Reason != data.ReasonNewClient {
		t.Fatalf("a Message-ID of our shape: %+v", d)
	}
	// Another company using Comptoir writes first: a new client.
	r = clientMail("deal-3.0123456789abcdef0123@othercompany.test", "sales@othercompany.test", "", "Partnership")
	if d := ingest(t, db, acc, r); !d.NewDeal || d.Reason != data.ReasonNewClient || d.Direction != "in" {
		t.Fatalf("another Comptoir's first mail: %+v", d)
	}
	// From our address, with References of our shape: the Inbox, never ours.
	r = clientMail("z1@ourshop.test", "sales@shop.test", "Sales", "Re: Tables")
	r.References = []string{data.NewMessageID(first.DealID, "shop.test")}
	d := ingest(t, db, acc, r)
	if d.State != data.StateInbox || d.Reason != data.ReasonOwnAddress || d.Direction != "in" || d.DealID != 0 {
		t.Fatalf("forged From our address: %+v", d)
	}
	// Made a deal from by a person, it still makes no contact of us.
	nd, err := db.CreateDealFromEmail(ctx, db.Admin.ID, d.EmailID, data.DealInput{})
	if err != nil {
		t.Fatal(err)
	}
	if nd.ContactID != 0 || countSQL(t, db, `SELECT count(*) FROM contact_emails WHERE email = 'sales@shop.test'`) != 0 {
		t.Fatalf("a contact was made of our own address: %+v", nd)
	}
	if n := countSQL(t, db, `SELECT count(*) FROM messages WHERE direction = 'out'`); n != 1 {
		t.Fatalf("%d outgoing messages, want only the one Comptoir sent", n)
	}
	if n := countSQL(t, db, `SELECT count(*) FROM deals`); n != deals+4 {
		t.Fatalf("%d deals, want %d", n, deals+4)
	}

	// Replies to what we sent and to what we received, by their stored IDs.
	r = clientMail("a1@client.test", "claire@client.test", "", "Re: Chairs")
	r.InReplyTo = it.MessageID
	if d := ingest(t, db, acc, r); d.DealID != f.deal.ID || d.Reason != data.ReasonReply || !strings.HasPrefix(d.Because, "reply to your email") {
		t.Fatalf("reply to our email: %+v", d)
	}
	r = clientMail("a2@client2.test", "boss@client2.test", "", "Re: Tables")
	r.References = []string{"unknown@nowhere.test", "c1@client2.test"}
	if d := ingest(t, db, acc, r); d.DealID != first.DealID || d.Reason != data.ReasonReply {
		t.Fatalf("reply to a received email: %+v", d)
	}
	// Our own mail read back (from Sent) is a duplicate of its outbox row.
	back := &data.Email{MessageID: it.MessageID, From: data.Address{Email: "Sales@Shop.test"}, To: []data.Address{{Email: "claire@client.test"}},
		Subject: "Chairs", Date: mustEmail(t, db, it.EmailID).Date, Text: "Our quote\r\n", Raw: []byte("Received: by mx\r\n\r\nOur quote")}
	if d := ingest(t, db, acc, back); d.Reason != data.ReasonDuplicate {
		t.Fatalf("our own mail read back: %+v", d)
	}
}

func mustEmail(t testing.TB, db *datatest.DB, id int64) data.StoredEmail {
	t.Helper()
	m, err := db.Email(context.Background(), db.Admin.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A Message-ID already stored does not make another message a duplicate:
// the real order sent second with a stranger's ID is kept, with a note,
// and replies by that ID no longer pick one of them; a true copy (fetched
// from another folder, other Received lines) stays a duplicate.
func TestIngestMessageIDCollisionKeepsBoth(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	db, acc := f.db, f.acc
	const id = "CAF=abc123@mail.gmail.com"
	stranger := clientMail(id, "someone@evil.test", "", "Hello")
	first := ingest(t, db, acc, stranger)
	if !first.NewDeal {
		t.Fatalf("stranger: %+v", first)
	}
	order := clientMail(id, "claire@client.test", "Claire", "Order: 40 chairs")
	order.Text, order.VisibleText = "Please deliver 40 chairs.\n", "Please deliver 40 chairs."
	second := ingest(t, db, acc, order)
	if second.Reason == data.ReasonDuplicate || second.EmailID == 0 || second.DealID != f.deal.ID ||
		second.MessageID == id || !strings.Contains(second.Because, "another message already had its Message-ID") {
		t.Fatalf("the real order: %+v", second)
	}
	m := mustEmail(t, db, second.EmailID)
	if m.From.Email != "claire@client.test" || !strings.Contains(m.Text, "40 chairs") || m.DealID != f.deal.ID {
		t.Fatalf("stored order: %+v", m)
	}
	// The same order fetched again from another folder: a duplicate.
	again := clientMail(id, "Claire@Client.test", "Claire", "Order: 40 chairs")
	again.Text = "Please deliver\r\n40 chairs.\r\n"
	again.Raw = []byte("Received: from elsewhere\r\nSubject: Order: 40 chairs\r\n\r\nPlease deliver 40 chairs.")
	if d := ingest(t, db, acc, again); d.Reason != data.ReasonDuplicate || d.MessageID != second.MessageID {
		t.Fatalf("the order again: %+v", d)
	}
	if d := ingest(t, db, acc, clientMail(id, "someone@evil.test", "", "Hello")); d.Reason != data.ReasonDuplicate || d.MessageID != id {
		t.Fatalf("the stranger's mail again: %+v", d)
	}
	// A third message with that ID, in a batch with its copy.
	third := clientMail(id, "claire@client.test", "Claire", "Order: 40 chairs")
	third.Date = third.Date.Add(time.Minute)
	copy3 := *third
	copy3.Raw = []byte("x")
	res, err := db.Ingest(ctx, acc.ID, "INBOX", 1, 100, []data.Incoming{{UID: 99, Email: third}, {UID: 100, Email: &copy3}})
	if err != nil {
		t.Fatal(err)
	}
	if ds := res.Decisions; ds[0].Reason == data.ReasonDuplicate || ds[0].MessageID == second.MessageID || ds[1].Reason != data.ReasonDuplicate {
		t.Fatalf("a third in one batch with its copy: %+v", ds)
	}
	if n := countSQL(t, db, `SELECT count(*) FROM messages WHERE message_id = ? OR message_id LIKE ?`, id, id+" %"); n != 3 {
		t.Fatalf("%d messages with that Message-ID, want 3", n)
	}
	// Messages on two deals share the ID: a reply naming it picks neither
	// (here: the Inbox, as its sender is a contact with two open deals).
	db.Deal(t, db.Admin.ID, "Another")
	if _, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Tables", ContactID: f.contact.ID}); err != nil {
		t.Fatal(err)
	}
	r := clientMail("re@client.test", "claire@client.test", "", "Re: Hello")
	r.InReplyTo = id
	if d := ingest(t, db, acc, r); d.DealID != 0 || d.Reason != data.ReasonSeveralDeals {
		t.Fatalf("reply to a shared Message-ID: %+v", d)
	}
	// Answering the real order from its deal refers to its real Message-ID.
	dr, err := db.PrepareEmail(ctx, db.Admin.ID, data.ComposeInput{DealID: f.deal.ID, To: "claire@client.test", Subject: "Re: Order",
		Text: "Noted.", ReplyTo: second.EmailID})
	if err != nil {
		t.Fatal(err)
	}
	if dr.InReplyTo != id || len(dr.References) != 1 || dr.References[0] != id {
		t.Fatalf("reply headers: %q %q", dr.InReplyTo, dr.References)
	}
}
