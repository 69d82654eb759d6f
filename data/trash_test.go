package data_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// richDeal is a deal with a client, lines, comments, a file, a custom field
// and an open activity: everything a restore must bring back.
func richDeal(t *testing.T, db *datatest.DB, actor int64, title string) data.Deal {
	t.Helper()
	ctx := context.Background()
	if _, err := db.SaveFieldDef(ctx, db.Admin.ID, data.FieldDef{Entity: data.EntityDeal, Key: "site", Label: "Site", Type: data.FieldText}); err != nil && data.FieldErrors(err) == nil {
		t.Fatal(err)
	}
	c, err := db.CreateContact(ctx, actor, data.ContactInput{Name: "Client of " + title, Emails: []string{"client@" + "example.test"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, actor, data.DealInput{Title: title, ContactID: c.ID, Custom: map[string]string{"site": "Lyon"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetLines(ctx, actor, d.ID, []data.LineInput{{Name: "Chair", Price: 4500, Quantity: 3000, TaxRate: 2000, DiscountKind: data.DiscountPercent}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddComment(ctx, actor, d.ID, "Measured the room"); err != nil {
		t.Fatal(err)
	}
	addFile(t, db, actor, dealOwner(d), "room.jpg", testJPEG(t, 200, 100, 1))
	if _, err := db.PlanActivity(ctx, actor, d.ID, data.ActivityInput{Kind: data.ActivityCall, Subject: "Call back",
		DueAt: db.Clock.Now().Add(48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	d, err = db.Store.Deal(ctx, actor, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type dealState struct {
	deal    data.Deal
	lines   int
	entries int
	files   int
	acts    int
}

func stateOf(t *testing.T, db *datatest.DB, actor, id int64) dealState {
	t.Helper()
	ctx := context.Background()
	var s dealState
	var err error
	if s.deal, err = db.Store.Deal(ctx, actor, id); err != nil {
		t.Fatalf("deal %d: %v", id, err)
	}
	ls, err := db.Lines(ctx, actor, id)
	if err != nil {
		t.Fatal(err)
	}
	es, err := db.Timeline(ctx, actor, id, data.TimelineCursor{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Kind != data.EntryDeleted && e.Kind != data.EntryRestored {
			s.entries++
		}
	}
	fs, err := db.Files(ctx, actor, data.FileOwner{Kind: data.KindDeal, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	as, err := db.DealActivities(ctx, actor, id)
	if err != nil {
		t.Fatal(err)
	}
	s.lines, s.files, s.acts = len(ls), len(fs), len(as)
	return s
}

// TestDeleteDealThenRestoreItWhole: a deleted deal leaves lists, search and
// totals, waits in the trash, and comes back with its lines, timeline,
// files and activities.
func TestDeleteDealThenRestoreItWhole(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	d := richDeal(t, db, db.Sales.ID, "Refit of the hall")
	before := stateOf(t, db, db.Sales.ID, d.ID)
	if before.lines != 1 || before.files != 1 || before.acts != 1 || before.entries < 4 {
		t.Fatalf("fixture %+v", before)
	}
	del, err := db.DealDeletion(ctx, db.Sales.ID, d.ID)
	if err != nil || !del.Allowed || del.Invoiced {
		t.Fatalf("deletion %+v, %v", del, err)
	}
	if err := db.DeleteDeal(ctx, db.Sales.ID, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store.Deal(ctx, db.Sales.ID, d.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("deleted deal still read: %v", err)
	}
	rows, _ := db.DealList(ctx, db.Sales.ID, data.DealFilter{}, nil, 50)
	if len(rows) != 0 {
		t.Errorf("deleted deal listed: %+v", rows)
	}
	hits, _ := db.Search(ctx, db.Admin.ID, "Refit", 10)
	for _, h := range hits {
		if h.Kind == data.KindDeal {
			t.Errorf("deleted deal found by search")
		}
	}
	cols, _ := db.Board(ctx, db.Admin.ID, d.PipelineID, data.BoardOptions{})
	for _, c := range cols {
		if c.Count != 0 {
			t.Errorf("stage %s still counts %d deals", c.Stage.Name, c.Count)
		}
	}
	items, err := db.Trash(ctx, db.Sales.ID, 10)
	if err != nil || len(items) != 1 || items[0].Kind != data.KindDeal || items[0].Ref != d.ID || items[0].Deleter != db.Sales.Name {
		t.Fatalf("trash %+v (%v)", items, err)
	}
	if want := datatest.Start.AddDate(0, 0, data.TrashDays); !items[0].PurgeAt.Equal(want) {
		t.Errorf("purged at %v, want %v", items[0].PurgeAt, want)
	}
	// another sales employee sees nothing of it
	if other, _ := db.Trash(ctx, db.Sales2.ID, 10); len(other) != 0 {
		t.Errorf("a colleague sees %+v in the trash", other)
	}
	if _, err := db.RestoreDeal(ctx, db.Sales2.ID, d.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("a colleague restored it: %v", err)
	}
	db.Clock.Advance(time.Hour)
	back, err := db.RestoreDeal(ctx, db.Sales.ID, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	after := stateOf(t, db, db.Sales.ID, back.ID)
	if after.lines != before.lines || after.files != before.files || after.acts != before.acts || after.entries != before.entries {
		t.Errorf("restored %+v, was %+v", after, before)
	}
	if after.deal.Amount != before.deal.Amount || after.deal.ContactID != before.deal.ContactID || after.deal.Custom["site"] != "Lyon" {
		t.Errorf("restored deal %+v", after.deal)
	}
	if items, _ := db.Trash(ctx, db.Admin.ID, 10); len(items) != 0 {
		t.Errorf("trash after restore %+v", items)
	}
	if hits, _ := db.Search(ctx, db.Admin.ID, "Refit", 10); len(hits) == 0 {
		t.Error("restored deal not found by search")
	}
	es, _ := db.Timeline(ctx, db.Sales.ID, d.ID, data.TimelineCursor{}, 2)
	if len(es) < 2 || es[0].Kind != data.EntryRestored || es[1].Kind != data.EntryDeleted {
		t.Errorf("the timeline does not tell the deletion and restoration: %+v", es)
	}
}

// TestWhoMayDeleteADeal: an observer may not; a won deal with an issued
// invoice only an admin deletes, and that is recorded.
func TestWhoMayDeleteADeal(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	ctx := f.ctx
	obs, err := f.CreateDeal(ctx, f.Sales.ID, data.DealInput{Title: "Observed", Observers: []int64{f.Sales2.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.DeleteDeal(ctx, f.Sales2.ID, obs.ID); !errors.Is(err, data.ErrForbidden) {
		t.Errorf("observer deleted: %v", err)
	}
	f.create(t, data.DocInvoice)
	won := stageBy(t, f.Pipeline(t), data.StatusWon, 0)
	if _, err := f.MoveDeal(ctx, f.Sales.ID, f.deal.ID, won.ID, ""); err != nil {
		t.Fatal(err)
	}
	for _, who := range []data.Employee{f.Sales, f.Manager} {
		del, err := f.DealDeletion(ctx, who.ID, f.deal.ID)
		if err != nil || del.Allowed || !del.Invoiced {
			t.Errorf("%s: deletion %+v, %v", who.Email, del, err)
		}
		if err := f.DeleteDeal(ctx, who.ID, f.deal.ID); !errors.Is(err, data.ErrInvoiced) || !errors.Is(err, data.ErrForbidden) {
			t.Errorf("%s deleted an invoiced won deal: %v", who.Email, err)
		}
	}
	if del, _ := f.DealDeletion(ctx, f.Admin.ID, f.deal.ID); !del.Allowed || !del.Invoiced {
		t.Errorf("admin: deletion %+v", del)
	}
	if err := f.DeleteDeal(ctx, f.Admin.ID, f.deal.ID); err != nil {
		t.Fatalf("admin: %v", err)
	}
	items, _ := f.Trash(ctx, f.Admin.ID, 10)
	if len(items) != 1 || items[0].Reason != data.TrashInvoiced {
		t.Errorf("the admin's deletion is not recorded: %+v", items)
	}
	// a deal with documents leaves the trash after 30 days but stays in the file
	f.Clock.Advance((data.TrashDays*24 + 1) * time.Hour)
	res, err := f.PurgeTrash(ctx)
	if err != nil || res.Kept != 1 || res.Deals != 0 {
		t.Fatalf("purge %+v, %v", res, err)
	}
	if items, _ := f.Trash(ctx, f.Admin.ID, 10); len(items) != 0 {
		t.Errorf("trash after purge %+v", items)
	}
	if n := countRows(t, f.DB, "deals WHERE id = "+itoa(f.deal.ID)); n != 1 {
		t.Errorf("the invoiced deal left the file (%d rows)", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestPurgeAfterThirtyDaysByTheStoresClock: nothing is purged a day early;
// at 30 days the deal, its timeline, lines, files and bytes leave the file.
func TestPurgeAfterThirtyDaysByTheStoresClock(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	d := richDeal(t, db, db.Sales.ID, "Short-lived")
	keep := db.Deal(t, db.Sales.ID, "Kept")
	addFile(t, db, db.Sales.ID, dealOwner(keep), "other.jpg", testJPEG(t, 50, 50, 1))
	if err := db.DeleteDeal(ctx, db.Sales.ID, d.ID); err != nil {
		t.Fatal(err)
	}
	db.Clock.Advance((data.TrashDays - 1) * 24 * time.Hour)
	if res, err := db.PurgeTrash(ctx); err != nil || res != (data.PurgeResult{}) {
		t.Fatalf("purge a day early: %+v, %v", res, err)
	}
	db.Clock.Advance(24 * time.Hour)
	res, err := db.PurgeTrash(ctx)
	if err != nil || res.Deals != 1 {
		t.Fatalf("purge: %+v, %v", res, err)
	}
	for _, q := range []string{"deals WHERE id = " + itoa(d.ID), "timeline WHERE deal_id = " + itoa(d.ID),
		"deal_products WHERE deal_id = " + itoa(d.ID), "activities WHERE deal_id = " + itoa(d.ID),
		"files WHERE owner_kind = 'deal' AND owner_id = " + itoa(d.ID), "custom_values WHERE record_id = " + itoa(d.ID), "trash"} {
		if n := countRows(t, db, q); n != 0 {
			t.Errorf("%s: %d rows left", q, n)
		}
	}
	if n := countRows(t, db, "blobs"); n != 1 {
		t.Errorf("%d blobs, want the kept deal's one", n)
	}
	if _, err := db.RestoreDeal(ctx, db.Sales.ID, d.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("restore after purge: %v", err)
	}
}

// TestDeleteContactAsksAboutItsDeals: a contact with deals asks; kept deals
// lose it and get it back; trashed deals go and come back with it.
func TestDeleteContactAsksAboutItsDeals(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	co, err := db.CreateCompany(ctx, db.Sales.ID, data.CompanyInput{Name: "Brasserie du Port"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Yann Le Goff", CompanyID: co.ID,
		Emails: []string{"yann@port.test"}, Phones: []string{"+33 6 11 22 33 44"}})
	if err != nil {
		t.Fatal(err)
	}
	card := addFile(t, db, db.Sales.ID, data.FileOwner{Kind: data.KindContact, ID: c.ID}, "card.jpg", testJPEG(t, 80, 50, 1))
	d1, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Terrace", ContactID: c.ID, CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Bar stools", ContactID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	del, err := db.ClientDeletion(ctx, db.Manager.ID, data.KindContact, c.ID)
	if err != nil || !del.Allowed || del.Deals != 2 {
		t.Fatalf("deletion %+v, %v", del, err)
	}
	if err := db.DeleteContact(ctx, db.Sales.ID, c.ID, data.ClientDealsKeep); !errors.Is(err, data.ErrForbidden) {
		t.Errorf("a sales employee deleted a contact: %v", err)
	}
	wantFieldErr(t, db.DeleteContact(ctx, db.Manager.ID, c.ID, ""), "deals")

	// keep the deals
	if err := db.DeleteContact(ctx, db.Manager.ID, c.ID, data.ClientDealsKeep); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Contact(ctx, db.Manager.ID, c.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("deleted contact read: %v", err)
	}
	if got, _ := db.ContactsByEmail(ctx, db.Manager.ID, "yann@port.test"); len(got) != 0 {
		t.Errorf("deleted contact found by email")
	}
	if got, _ := db.Store.Deal(ctx, db.Sales.ID, d1.ID); got.ContactID != 0 || got.CompanyID != co.ID {
		t.Errorf("kept deal %+v", got)
	}
	items, _ := db.Trash(ctx, db.Manager.ID, 10)
	if len(items) != 1 || items[0].Kind != data.KindContact {
		t.Fatalf("trash %+v", items)
	}
	back, err := db.Restore(ctx, db.Manager.ID, items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if back.Ref != c.ID {
		t.Errorf("restored as %d, want %d", back.Ref, c.ID)
	}
	got, err := db.Contact(ctx, db.Sales.ID, c.ID)
	if err != nil || got.Name != c.Name || len(got.Emails) != 1 || len(got.Phones) != 1 || got.CompanyID != co.ID {
		t.Fatalf("restored contact %+v, %v", got, err)
	}
	if fs, _ := db.Files(ctx, db.Sales.ID, data.FileOwner{Kind: data.KindContact, ID: c.ID}); len(fs) != 1 || fs[0].ID != card.ID {
		t.Errorf("restored contact's files %+v", fs)
	}
	for _, id := range []int64{d1.ID, d2.ID} {
		if got, _ := db.Store.Deal(ctx, db.Sales.ID, id); got.ContactID != c.ID {
			t.Errorf("deal %d not linked again: %+v", id, got)
		}
	}

	// trash the deals with it
	if err := db.DeleteContact(ctx, db.Manager.ID, c.ID, data.ClientDealsTrash); err != nil {
		t.Fatal(err)
	}
	if rows, _ := db.DealList(ctx, db.Manager.ID, data.DealFilter{}, nil, 10); len(rows) != 0 {
		t.Errorf("its deals still listed: %+v", rows)
	}
	items, _ = db.Trash(ctx, db.Manager.ID, 10)
	var contactItem data.TrashItem
	for _, it := range items {
		if it.Kind == data.KindContact {
			contactItem = it
		}
	}
	if len(items) != 3 || contactItem.Children != 2 {
		t.Fatalf("trash %+v", items)
	}
	if _, err := db.Restore(ctx, db.Manager.ID, contactItem.ID); err != nil {
		t.Fatal(err)
	}
	rows, _ := db.DealList(ctx, db.Manager.ID, data.DealFilter{}, nil, 10)
	if len(rows) != 2 {
		t.Errorf("%d deals back, want 2", len(rows))
	}
	for _, r := range rows {
		if r.Client != c.Name {
			t.Errorf("deal %q shows client %q", r.Title, r.Client)
		}
	}
	if items, _ := db.Trash(ctx, db.Manager.ID, 10); len(items) != 0 {
		t.Errorf("trash after restore %+v", items)
	}
}

// TestDeleteCompanyKeepsItsContactsAndComesBackUnderANewIDIfTaken: a
// company's contacts stay without it and get it back, even when its id was
// given to a new company meanwhile.
func TestDeleteCompanyKeepsItsContactsAndComesBackUnderANewIDIfTaken(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	co, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "Garage Martin", VATNumber: "FR11222333444"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Paul Martin", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteCompany(ctx, db.Admin.ID, co.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Contact(ctx, db.Admin.ID, c.ID); got.CompanyID != 0 {
		t.Errorf("contact keeps the deleted company %d", got.CompanyID)
	}
	// SQLite hands the freed id to the next company
	taker, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "Newcomer"})
	if err != nil {
		t.Fatal(err)
	}
	items, _ := db.Trash(ctx, db.Admin.ID, 10)
	back, err := db.Restore(ctx, db.Admin.ID, items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if taker.ID == co.ID && back.Ref == co.ID {
		t.Fatalf("restored over the company that took its id")
	}
	got, err := db.Company(ctx, db.Admin.ID, back.Ref)
	if err != nil || got.Name != "Garage Martin" || got.VATNumber != "FR11222333444" {
		t.Fatalf("restored company %+v, %v", got, err)
	}
	if got, _ := db.Contact(ctx, db.Admin.ID, c.ID); got.CompanyID != back.Ref {
		t.Errorf("contact linked to %d, want %d", got.CompanyID, back.Ref)
	}
	if got, _ := db.Company(ctx, db.Admin.ID, taker.ID); got.Name != "Newcomer" {
		t.Errorf("the newcomer became %q", got.Name)
	}
}
