package mailq_test

import (
	"context"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/mailq"
)

// outFixture is a database with a sending account, a deal with a client,
// and the database's mail queue.
type outFixture struct {
	db      *datatest.DB
	q       *mailq.Queue
	acc     data.Account
	deal    data.Deal
	contact data.Contact
}

func newOutFixture(t testing.TB) outFixture {
	t.Helper()
	ctx := context.Background()
	db := datatest.Open(t)
	acc, err := db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "sales@shop.test", IMAPHost: "127.0.0.1",
		IMAPSecurity: data.SecurityNone, SMTPHost: "127.0.0.1", SMTPPort: 2525, SMTPSecurity: data.SecurityNone})
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Claire Client", Emails: []string{"claire@client.test"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Forty chairs", ContactID: c.ID, Amount: 120000, Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	return outFixture{db: db, q: mailq.New(db.Store), acc: acc, deal: d, contact: c}
}

// fakeBytes stands for the bytes mail/ builds from a draft.
func fakeBytes(d data.Draft) []byte {
	return []byte("Message-ID: <" + d.MessageID + ">\r\nSubject: " + d.Subject + "\r\n\r\n" + d.Text + "\r\n")
}

func (f outFixture) queue(t testing.TB, in data.ComposeInput) data.OutboxItem {
	t.Helper()
	ctx := context.Background()
	if in.DealID == 0 {
		in.DealID = f.deal.ID
	}
	d, err := f.db.PrepareEmail(ctx, f.db.Sales.ID, in)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	it, err := f.db.QueueEmail(ctx, d, fakeBytes(d))
	if err != nil {
		t.Fatalf("queue: %v", err)
	}
	return it
}
