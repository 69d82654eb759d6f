package datatest

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/storage"
)

// EveryEntry is a deal whose timeline holds an entry of every kind, each
// written the way the app writes it (EveryEntryKind).
type EveryEntry struct {
	Deal    data.Deal
	Queued  data.OutboxItem // an email written from the deal, still queued
	Refused data.OutboxItem // one the server refused for good
	Quote   data.Document
	Invoice data.Document // marked paid
}

// EveryEntryKind writes on a new deal, through the store as the screens,
// the mail sync and the sender do, an entry of every kind: created, a field
// change, product lines, a comment, a call, a payment, a delivery, an
// activity done, a quote and an invoice paid, two emails written from the
// deal (one refused by the server: its note), a client's reply, an
// automatic reply and a bounce (their notes), then stage moves: stage, won,
// reopened, lost.
func (db *DB) EveryEntryKind(t testing.TB) EveryEntry {
	t.Helper()
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	seller := data.DefaultSeller()
	seller.Name = "Atelier Dupré"
	must("seller", db.SetSeller(ctx, db.Admin.ID, seller))
	acc, err := db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "sales@shop.test", IMAPHost: "127.0.0.1",
		IMAPSecurity: data.SecurityNone, SMTPHost: "127.0.0.1", SMTPPort: 2525, SMTPSecurity: data.SecurityNone})
	must("account", err)
	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Claire Client", Emails: []string{"claire@client.test"}})
	must("contact", err)
	var ev EveryEntry
	ev.Deal, err = db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Forty chairs", ContactID: c.ID, Amount: 120000, Currency: "EUR"})
	must("deal", err)
	id := ev.Deal.ID
	in := ev.Deal.Input()
	in.Amount = 125050
	_, err = db.UpdateDeal(ctx, db.Sales.ID, id, in)
	must("update", err)
	_, err = db.SetLines(ctx, db.Sales.ID, id, []data.LineInput{{Name: "Chair", Quantity: 40000, Price: 3500, TaxRate: 2000,
		DiscountKind: data.DiscountPercent}})
	must("lines", err)
	_, err = db.AddComment(ctx, db.Sales.ID, id, "They want oak")
	must("comment", err)
	_, err = db.LogCall(ctx, db.Sales.ID, id, data.CallInput{Direction: data.CallOut, Duration: 95 * time.Second,
		Outcome: data.OutcomeAnswered, Phone: "+33 6 12 34 56 78", Notes: "Agreed on the price"})
	must("call", err)
	_, err = db.LogPayment(ctx, db.Sales.ID, id, data.PaymentInput{Amount: 50000, Method: "card", Reference: "DEP-1", Note: "deposit"})
	must("payment", err)
	_, err = db.LogDelivery(ctx, db.Sales.ID, id, data.DeliveryInput{Carrier: "Colissimo", Tracking: "6A123", Address: "3 rue Haute\nLyon"})
	must("delivery", err)
	act, err := db.PlanActivity(ctx, db.Sales.ID, id, data.ActivityInput{Kind: data.ActivityCall, Subject: "Call back", DueAt: Start.Add(time.Hour)})
	must("plan", err)
	_, err = db.CompleteActivity(ctx, db.Sales.ID, act.ID, "Done, they agree")
	must("complete", err)
	ev.Quote, err = db.CreateDocument(ctx, db.Sales.ID, id, data.DocQuote)
	must("quote", err)
	ev.Invoice, err = db.CreateDocument(ctx, db.Sales.ID, id, data.DocInvoice)
	must("invoice", err)
	_, err = db.MarkInvoicePaid(ctx, db.Sales.ID, ev.Invoice.ID, data.Payment{Method: "bank_transfer", Reference: "VIR 42"})
	must("paid", err)

	queue := func(subject string) data.OutboxItem {
		d, err := db.PrepareEmail(ctx, db.Sales.ID, data.ComposeInput{DealID: id, To: "Claire Client <claire@client.test>",
			Cc: "boss@shop.test", Subject: subject, Text: "Hello Claire,\nhere it is."})
		must("prepare "+subject, err)
		raw := []byte("Message-ID: <" + d.MessageID + ">\r\nSubject: " + d.Subject + "\r\n\r\n" + d.Text + "\r\n")
		it, err := db.QueueEmail(ctx, d, raw)
		must("queue "+subject, err)
		return it
	}
	ev.Queued = queue("Your quote")
	ev.Refused = queue("Your invoice")
	// The sender's side of a refusal, as data/mailq records it.
	must("refuse", db.Storage().Write(ctx, 0, func(tx *storage.Tx) error {
		now := db.Clock.Now()
		if _, err := (data.OutboxMove{From: []data.OutState{data.OutQueued}, To: data.OutFailed, Set: "last_error = ?"}).
			Apply(ctx, tx, now, []int64{ev.Refused.ID}, "550 no such user"); err != nil {
			return err
		}
		if err := data.ShowOutState(tx, ev.Refused.ID, data.OutFailed, "550 no such user"); err != nil {
			return err
		}
		return data.NoteOutFailure(tx, now, ev.Refused.ID, "550 no such user")
	}))

	reply := &data.Email{MessageID: "r1@client.test", InReplyTo: ev.Queued.MessageID, From: data.Address{Name: "Claire Client", Email: "claire@client.test"},
		To: []data.Address{{Email: "sales@shop.test"}}, Subject: "Re: Your quote", Date: Start.Add(-time.Minute),
		Text: "Thank you,\nwe agree.\n", VisibleText: "Thank you,\nwe agree.",
		Attachments: []data.Attachment{{Name: "order.pdf", ContentType: "application/pdf", Size: 2048}}}
	auto := &data.Email{MessageID: "a1@client.test", InReplyTo: ev.Queued.MessageID, From: data.Address{Email: "claire@client.test"},
		To: []data.Address{{Email: "sales@shop.test"}}, Subject: "Out of office", Date: Start.Add(-time.Minute),
		AutoSubmitted: "auto-replied", ReturnPathNull: true, Text: "Back on Monday.", VisibleText: "Back on Monday."}
	bounce := &data.Email{MessageID: "b1@mx.client.test", From: data.Address{Email: "MAILER-DAEMON@mx.client.test"},
		Subject: "Undelivered Mail", ContentType: "multipart/report", ReportType: "delivery-status", Date: Start.Add(-time.Minute),
		BouncedMessageID: ev.Refused.MessageID, BouncedRecipient: "claire@client.test", ReturnPathNull: true}
	var msgs []data.Incoming
	for i, e := range []*data.Email{reply, auto, bounce} {
		e.Raw = []byte("Subject: " + e.Subject + "\r\n\r\n" + e.Text)
		msgs = append(msgs, data.Incoming{UID: uint32(i + 1), Email: e})
	}
	res, err := db.Ingest(ctx, acc.ID, "INBOX", 1, 3, msgs)
	must("ingest", err)
	for i, d := range res.Decisions {
		if d.DealID != id {
			t.Fatalf("ingest: message %d went to deal %d (%s: %s), want %d", i, d.DealID, d.Reason, d.Because, id)
		}
	}

	p := db.Pipeline(t)
	won, _ := p.FinalStage(data.StatusWon)
	lost, _ := p.FinalStage(data.StatusLost)
	for _, m := range []struct {
		to     int64
		reason string
	}{{p.Stages[1].ID, ""}, {won.ID, ""}, {p.Stages[1].ID, ""}, {lost.ID, "Too expensive"}} {
		_, err := db.MoveDeal(ctx, db.Sales.ID, id, m.to, m.reason)
		must("move", err)
	}
	ev.Deal, err = db.Store.Deal(ctx, db.Sales.ID, id)
	must("deal", err)
	return ev
}

// StoredEntry is a timeline row as a version of Comptoir wrote it.
type StoredEntry struct {
	Kind data.EntryKind
	Text string
	JSON string
}

// StoredEntries are timeline rows in the shapes existing databases hold,
// byte for byte as the versions that wrote them did: today's writers, the
// first document and paid-invoice entries (amounts as decimal strings), the
// sample data's calls (in minutes), an outgoing email refused by the server
// and the note about it, a bounce's note, and a kind this version does not
// know.
var StoredEntries = []StoredEntry{
	{data.EntryCreated, "", `{"source":"email","stage":"New"}`},
	{data.EntryField, "", `{"field":"amount","new":"125.50 EUR","old":"100.00 EUR"}`},
	{data.EntryField, "", `{"field":"probability","new":"40 %","old":""}`},
	{data.EntryProducts, "", `{"lines":2,"new":"70.53 EUR","old":"500.00 EUR"}`},
	{data.EntryComment, "They want oak", `{}`},
	{data.EntryCall, "Agreed", `{"direction":"out","duration_s":95,"outcome":"answered","phone":"+33 6 12 34 56 78"}`},
	{data.EntryCall, "Rappel client", `{"direction":"in","duration_min":12}`},
	{data.EntryPayment, "deposit", `{"amount":120050,"currency":"EUR","date":"2026-11-12","method":"bank_transfer","reference":"INV-7"}`},
	{data.EntryPayment, "big", `{"amount":9007199254740993,"currency":"JPY","date":"2026-11-13","method":"cash","reference":""}`},
	{data.EntryPayment, "FAC-2026-0001", `{"amount":"485.22","currency":"EUR","date":"2026-11-20","document":"FAC-2026-0001","document_id":1,"method":"transfer","reference":""}`},
	{data.EntryDelivery, "", `{"address":"3 rue Haute\nLyon","carrier":"Colissimo","date":"2026-11-20","tracking":"6A123"}`},
	{data.EntryActivity, "They agree", `{"activity_id":3,"activity_kind":"call","subject":"Call back"}`},
	{data.EntryDocument, "DEV-2026-0003", `{"currency":"JPY","document_id":3,"gross":150000,"kind":"quote","number":"DEV-2026-0003"}`},
	{data.EntryDocument, "FAC-2026-0001", `{"currency":"EUR","document_id":1,"gross":"1200.50","kind":"invoice","number":"FAC-2026-0001"}`},
	{data.EntryEmailIn, "Re: Devis", `{"email_id":7,"from":"Jeanne Martin <jeanne@acme.test>","to":["sales@ourshop.test"],"subject":"Re: Devis","message_id":"m1@acme.test","text":"Bonjour,\nwe need 40 chairs.","attachments":[{"name":"plan.pdf","size":1234}],"linked_because":"reply to an email of this deal","linked_reason":"reply"}`},
	{data.EntryEmailOut, "Sent from the phone", `{"email_id":8,"from":"Sophie <sales@comptoir.test>","to":[],"subject":"Sent from the phone","message_id":"o2@ourshop.test","text":"Yes.","attachments":[],"linked_because":"sent by us, reply to an email of this deal","linked_reason":"own_reply"}`},
	{data.EntryEmailOut, "Your invoice", `{"email_id":9,"outbox_id":4,"from":"Sophie Vente <sales@shop.test>","to":["Claire Client <claire@client.test>"],"cc":["boss@shop.test"],"subject":"Your invoice","message_id":"deal-1.ab@shop.test","text":"Hello","attachments":[{"name":"FAC-2026-0001.pdf","size":3000}],"state":"failed","error":"550 no such user","in_reply_to":"r0@client.test"}`},
	{data.EntryNote, "Email not sent: Your invoice — the server said: 550 no such user", `{"error":"550 no such user","message_id":"deal-1.ab@shop.test","outbox_id":4,"state":"failed"}`},
	{data.EntryNote, "Delivery failure: Undelivered Mail", `{"email_id":10,"from":"MAILER-DAEMON@mx.client.test","to":[],"subject":"Undelivered Mail","message_id":"b1@mx.client.test","text":"","attachments":[],"linked_because":"delivery failure report of an email sent from this deal","linked_reason":"bounce"}`},
	{data.EntryStage, "", `{"from":"New","from_id":1,"to":"Proposal","to_id":3}`},
	{data.EntryLost, "Too expensive", `{"from":"Proposal","from_id":3,"reason":"Too expensive","to":"Lost","to_id":7}`},
	{"future_kind", "from a newer version", `{"x":[1,2],"big":12345678901234567}`},
}

// InsertStored writes the rows of StoredEntries on a deal, straight into the
// file as the versions that wrote them did, one minute apart from Start,
// and returns their ids in order.
func (db *DB) InsertStored(t testing.TB, dealID int64) []int64 {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var ids []int64
	for i, r := range StoredEntries {
		at := storage.FormatTime(Start.Add(time.Duration(i+1) * time.Minute))
		var id int64
		if err := conn.QueryRow(`INSERT INTO timeline (deal_id, kind, author_id, at, text, data) VALUES (?, ?, NULL, ?, ?, ?) RETURNING id`,
			dealID, r.Kind, at, r.Text, r.JSON).Scan(&id); err != nil {
			t.Fatalf("stored entry %d: %v", i, err)
		}
		ids = append(ids, id)
	}
	return ids
}
