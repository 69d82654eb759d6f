package data_test

import (
	"context"
	"errors"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

func TestInboxActions(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{Policy: data.PolicyInbox})
	a := ingest(t, db, acc, clientMail("i1@prospect.test", "anna@prospect.test", "Anna Prospect", "Re: Price of desks"))
	b := ingest(t, db, acc, clientMail("i2@other.test", "bob@other.test", "Bob", "Hello"))
	c := ingest(t, db, acc, clientMail("i3@other.test", "bob@other.test", "Bob", "Hello again"))
	box, err := db.Inbox(ctx, db.Sales.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(box) != 3 || box[0].ID != c.EmailID || box[0].Because != "unknown sender" {
		t.Fatalf("inbox: %+v", box)
	}
	if n, _ := db.InboxCount(ctx, db.Admin.ID); n != 3 {
		t.Fatalf("count %d", n)
	}

	// Create a deal from an email: contact and company from the sender.
	deal, err := db.CreateDealFromEmail(ctx, db.Sales.ID, a.EmailID, data.DealInput{})
	if err != nil {
		t.Fatal(err)
	}
	if deal.Title != "Price of desks" || deal.ContactName != "Anna Prospect" || deal.CompanyName != "Prospect" ||
		deal.ResponsibleID != db.Sales.ID || deal.Source != data.SourceEmail {
		t.Fatalf("deal from email: %+v", deal)
	}
	m, _ := db.Email(ctx, db.Admin.ID, a.EmailID)
	if m.State != data.StateLinked || m.DealID != deal.ID || m.Reason != data.ReasonByPerson {
		t.Fatalf("email after create: %+v", m)
	}
	emails, err := db.DealEmails(ctx, db.Sales.ID, deal.ID)
	if err != nil || len(emails) != 1 {
		t.Fatalf("deal emails: %v %v", emails, err)
	}

	// Attach another to that deal.
	if err := db.AttachEmailToDeal(ctx, db.Sales.ID, b.EmailID, deal.ID); err != nil {
		t.Fatal(err)
	}
	// Another salesperson may not move it off a deal they cannot edit.
	if _, err := db.MoveEmail(ctx, db.Sales2.ID, b.EmailID, 0); !errors.Is(err, data.ErrForbidden) && !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("sales2 moving an email of sales's deal: %v", err)
	}
	// Move it to a new deal: one email entry leaves, one arrives.
	newID, err := db.MoveEmail(ctx, db.Sales.ID, b.EmailID, 0)
	if err != nil {
		t.Fatal(err)
	}
	countEmails := func(dealID int64) int {
		tl, err := db.Timeline(ctx, db.Admin.ID, dealID, data.TimelineCursor{}, 50)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range tl {
			if e.Kind == data.EntryEmailIn {
				n++
			}
		}
		return n
	}
	if countEmails(deal.ID) != 1 || countEmails(newID) != 1 {
		t.Fatalf("after move: old %d new %d", countEmails(deal.ID), countEmails(newID))
	}
	// And back to the first deal.
	if _, err := db.MoveEmail(ctx, db.Sales.ID, b.EmailID, deal.ID); err != nil {
		t.Fatal(err)
	}
	if countEmails(deal.ID) != 2 || countEmails(newID) != 0 {
		t.Fatalf("after move back: old %d new %d", countEmails(deal.ID), countEmails(newID))
	}

	// Ignore a sender: its waiting mail leaves the Inbox, later mail is filed.
	if err := db.IgnoreSender(ctx, db.Sales.ID, c.EmailID); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.InboxCount(ctx, db.Admin.ID); n != 0 {
		t.Fatalf("inbox after ignore: %d", n)
	}
	if d := ingest(t, db, acc, clientMail("i4@other.test", "BOB@other.test", "Bob", "Still me")); d.Reason != data.ReasonIgnoredSender || d.State != data.StateFiled {
		t.Fatalf("ignored sender: %+v", d)
	}
}
