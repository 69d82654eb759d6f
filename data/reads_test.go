package data_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// deactivated is an employee who left: known, but inactive.
func deactivated(t *testing.T, db *datatest.DB) data.Employee {
	t.Helper()
	e, err := db.CreateEmployee(context.Background(), db.Admin.ID, data.EmployeeInput{Name: "Léa Partie", Email: "lea@comptoir.test",
		Role: data.RoleManager, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	in := data.EmployeeInput{Name: e.Name, Email: e.Email, Role: e.Role, Active: false}
	if e, err = db.UpdateEmployee(context.Background(), db.Admin.ID, e.ID, in); err != nil || e.Active {
		t.Fatalf("deactivate: %+v %v", e, err)
	}
	return e
}

// TestEmailReadsFollowTheDeal: a sales employee reading, through the store,
// another person's email (one that came in on a deal of Sales2, and one
// Sales2 wrote from it) is refused as if it did not exist; Sales2 reads
// their own, a manager reads every one, an email waiting in the Inbox is
// everyone's, and an inactive or unknown employee reads none.
func TestEmailReadsFollowTheDeal(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	acc := mailAccount(t, db, data.AccountInput{ResponsibleID: db.Sales2.ID, SMTPHost: "127.0.0.1", SMTPPort: 2525,
		SMTPSecurity: data.SecurityNone})
	in := ingest(t, db, acc, clientMail("ask-1@client.test", "claire@client.test", "Claire Client", "Forty chairs"))
	if in.DealID == 0 {
		t.Fatalf("the email made no deal: %+v", in)
	}
	deal, err := db.Store.Deal(ctx, db.Sales2.ID, in.DealID)
	if err != nil || deal.ResponsibleID != db.Sales2.ID {
		t.Fatalf("deal of the email: %+v %v", deal, err)
	}
	d, err := db.PrepareEmail(ctx, db.Sales2.ID, data.ComposeInput{DealID: deal.ID, To: "claire@client.test", Subject: "Our offer", Text: "t",
		Files: []data.FileInput{{Name: "offer.txt", Data: []byte("40 chairs")}}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := db.QueueEmail(ctx, d, []byte("Subject: Our offer\r\n\r\nt\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	incoming, err := db.EmailByMessageID(ctx, db.Admin.ID, "ask-1@client.test")
	if err != nil {
		t.Fatal(err)
	}
	left := deactivated(t, db)

	for _, email := range []struct {
		name      string
		id        int64
		messageID string
	}{{"incoming", incoming.ID, "ask-1@client.test"}, {"outgoing", out.EmailID, out.MessageID}} {
		for _, who := range []struct {
			name  string
			actor int64
			want  error // nil: may read
		}{
			{"another sales employee", db.Sales.ID, data.ErrNotFound},
			{"its deal's responsible", db.Sales2.ID, nil},
			{"a manager", db.Manager.ID, nil},
			{"an inactive employee", left.ID, data.ErrForbidden},
			{"no employee", 9999, data.ErrForbidden},
		} {
			m, err := db.Email(ctx, who.actor, email.id)
			if !errors.Is(err, who.want) || (who.want == nil && m.ID != email.id) {
				t.Errorf("%s email read by %s: %d, %v; want %v", email.name, who.name, m.ID, err, who.want)
			}
			if who.want != nil && m.Subject != "" {
				t.Errorf("%s email refused to %s still carries its subject %q", email.name, who.name, m.Subject)
			}
			raw, err := db.EmailRaw(ctx, who.actor, email.id)
			if !errors.Is(err, who.want) || (who.want == nil) != (len(raw) > 0) {
				t.Errorf("%s email's source read by %s: %d bytes, %v; want %v", email.name, who.name, len(raw), err, who.want)
			}
			m, err = db.EmailByMessageID(ctx, who.actor, email.messageID)
			if !errors.Is(err, who.want) || (who.want == nil && m.ID != email.id) {
				t.Errorf("%s email found by Message-ID by %s: %d, %v; want %v", email.name, who.name, m.ID, err, who.want)
			}
		}
	}

	// The outgoing email, its files and the outbox's counter.
	for _, who := range []struct {
		name    string
		actor   int64
		want    error
		waiting int
	}{
		{"another sales employee", db.Sales.ID, data.ErrNotFound, 0},
		{"its author", db.Sales2.ID, nil, 1},
		{"an admin", db.Admin.ID, nil, 1},
		{"an inactive employee", left.ID, data.ErrForbidden, 0},
	} {
		it, err := db.OutboxItem(ctx, who.actor, out.ID)
		if !errors.Is(err, who.want) || (who.want == nil && it.ID != out.ID) {
			t.Errorf("outgoing email read by %s: %d, %v; want %v", who.name, it.ID, err, who.want)
		}
		files, err := db.OutboxFiles(ctx, who.actor, out.ID)
		if !errors.Is(err, who.want) || (who.want == nil) != (len(files) == 1) {
			t.Errorf("its files read by %s: %d, %v; want %v", who.name, len(files), err, who.want)
		}
		c, err := db.OutboxCount(ctx, who.actor)
		if (who.want == data.ErrForbidden) != errors.Is(err, data.ErrForbidden) || c.Waiting != who.waiting {
			t.Errorf("outbox counter of %s: %+v, %v; want %d waiting", who.name, c, err, who.waiting)
		}
	}
	if _, err := db.PrepareEdit(ctx, db.Sales.ID, out.ID, data.ComposeInput{To: "claire@client.test", Subject: "x"}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("another sales employee prepares an edit of the email: %v", err)
	}

	// An email waiting in the Inbox is on no deal: every active employee
	// reads it.
	inboxAcc := mailAccount(t, db, data.AccountInput{Email: "hello@ourshop.test", Policy: data.PolicyInbox})
	waiting := ingest(t, db, inboxAcc, clientMail("hi-1@other.test", "paul@other.test", "Paul", "Hello"))
	if waiting.State != data.StateInbox {
		t.Fatalf("inbox decision %+v", waiting)
	}
	m, err := db.EmailByMessageID(ctx, db.Sales.ID, "hi-1@other.test")
	if err != nil || m.State != data.StateInbox {
		t.Fatalf("a sales employee reads an Inbox email: %+v %v", m, err)
	}
	if _, err := db.EmailByMessageID(ctx, left.ID, "hi-1@other.test"); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("an inactive employee reads an Inbox email: %v", err)
	}
}

// TestSharedReadsRefuseInactiveAndUnknown: the reads of shared data (clients,
// products, pipelines, fields, templates, employees, accounts, counters) are
// an active employee's; an employee who left, or an id that is no one, is
// refused with ErrForbidden.
func TestSharedReadsRefuseInactiveAndUnknown(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Claire Client", Emails: []string{"claire@client.test"},
		Phones: []string{"+33 6 12 34 56 78"}})
	if err != nil {
		t.Fatal(err)
	}
	co, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "Client SARL"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.SaveProduct(ctx, db.Admin.ID, 0, data.ProductInput{Name: "Chair", Price: 100, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	acc := mailAccount(t, db, data.AccountInput{})
	pipeline := db.Pipeline(t)
	left := deactivated(t, db)
	reads := map[string]func(actor int64) error{
		"Contact":         func(a int64) error { _, err := db.Contact(ctx, a, c.ID); return err },
		"Company":         func(a int64) error { _, err := db.Company(ctx, a, co.ID); return err },
		"ContactsByEmail": func(a int64) error { _, err := db.ContactsByEmail(ctx, a, "claire@client.test"); return err },
		"ContactsByPhone": func(a int64) error { _, err := db.ContactsByPhone(ctx, a, "0612345678"); return err },
		"ContactList":     func(a int64) error { _, err := db.ContactList(ctx, a, data.ListCursor{}, 10); return err },
		"CompanyList":     func(a int64) error { _, err := db.CompanyList(ctx, a, data.ListCursor{}, 10); return err },
		"SearchClients":   func(a int64) error { _, err := db.SearchClients(ctx, a, data.KindContact, "claire", 10); return err },
		"CompanyNames":    func(a int64) error { _, err := db.CompanyNames(ctx, a, "cli", 10); return err },
		"CompanyContacts": func(a int64) error { _, err := db.CompanyContacts(ctx, a, co.ID, 10); return err },
		"Product":         func(a int64) error { _, err := db.Product(ctx, a, p.ID); return err },
		"Products":        func(a int64) error { _, err := db.Products(ctx, a, "", false, data.ListCursor{}, 10); return err },
		"Pipelines":       func(a int64) error { _, err := db.Pipelines(ctx, a); return err },
		"Pipeline":        func(a int64) error { _, err := db.Store.Pipeline(ctx, a, pipeline.ID); return err },
		"FieldDefs":       func(a int64) error { _, err := db.FieldDefs(ctx, a, data.EntityDeal); return err },
		"Templates":       func(a int64) error { _, err := db.Templates(ctx, a); return err },
		"Employees":       func(a int64) error { _, err := db.Employees(ctx, a); return err },
		"Accounts":        func(a int64) error { _, err := db.Accounts(ctx, a); return err },
		"Account":         func(a int64) error { _, err := db.Account(ctx, a, acc.ID); return err },
		"InboxCount":      func(a int64) error { _, err := db.InboxCount(ctx, a); return err },
		"SenderStatus":    func(a int64) error { _, err := db.SenderStatus(ctx, a, "claire@client.test"); return err },
		"Board":           func(a int64) error { _, err := db.Board(ctx, a, pipeline.ID, data.BoardOptions{}); return err },
		"ColumnCards": func(a int64) error {
			_, err := db.ColumnCards(ctx, a, pipeline.Stages[0].ID, false, data.CardCursor{}, 10)
			return err
		},
		"DealList": func(a int64) error { _, err := db.DealList(ctx, a, data.DealFilter{}, nil, 10); return err },
		"Search":   func(a int64) error { _, err := db.Search(ctx, a, "claire", 10); return err },
	}
	for name, read := range reads {
		if err := read(db.Sales.ID); err != nil {
			t.Errorf("%s as an active sales employee: %v", name, err)
		}
		if err := read(left.ID); !errors.Is(err, data.ErrForbidden) {
			t.Errorf("%s as an inactive employee: %v, want ErrForbidden", name, err)
		}
		if err := read(9999); !errors.Is(err, data.ErrForbidden) {
			t.Errorf("%s as no one: %v, want ErrForbidden", name, err)
		}
	}
	// Who uses the device is chosen among the active employees, without an
	// actor: the one who left is not offered.
	people, err := db.SignInEmployees(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range people {
		if e.ID == left.ID || !e.Active {
			t.Fatalf("sign-in offers %+v", e)
		}
	}
	if len(people) != 4 {
		t.Fatalf("sign-in offers %d employees, want the 4 active ones", len(people))
	}
}

// TestActivityReadFollowsTheDeal: an activity is read by whoever may see its
// deal.
func TestActivityReadFollowsTheDeal(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales2.ID, "Sales2's deal")
	act := plan(t, db, db.Sales2.ID, d.ID, "Call back", datatest.Start.Add(24*time.Hour), datatest.Start)
	if got, err := db.Activity(ctx, db.Sales2.ID, act.ID); err != nil || got.ID != act.ID {
		t.Fatalf("own activity: %+v %v", got, err)
	}
	if _, err := db.Activity(ctx, db.Sales.ID, act.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("another sales employee reads the activity: %v", err)
	}
	if got, err := db.Activity(ctx, db.Manager.ID, act.ID); err != nil || got.ID != act.ID {
		t.Fatalf("a manager reads the activity: %+v %v", got, err)
	}
}
