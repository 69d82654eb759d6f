package data_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

type searchFixture struct {
	db                *datatest.DB
	societe, acme     data.Company
	francois, dupont  data.Contact
	titleDeal, byBody data.Deal
}

func newSearchFixture(t *testing.T) searchFixture {
	t.Helper()
	ctx := context.Background()
	db := datatest.Open(t)
	f := searchFixture{db: db}
	var err error
	if f.societe, err = db.CreateCompany(ctx, db.Sales.ID, data.CompanyInput{Name: "Société Générale des Eaux", VATNumber: "FR40303265045"}); err != nil {
		t.Fatal(err)
	}
	if f.acme, err = db.CreateCompany(ctx, db.Sales.ID, data.CompanyInput{Name: "Acme Ltd", Emails: []string{"hello@acme.example"}}); err != nil {
		t.Fatal(err)
	}
	if f.francois, err = db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "François Lefèvre", CompanyID: f.societe.ID,
		Emails: []string{"f.lefevre@eaux.example"}, Phones: []string{"+33 6 12 34 56 78"}}); err != nil {
		t.Fatal(err)
	}
	if f.dupont, err = db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Hélène Dupont", CompanyID: f.acme.ID,
		Emails: []string{"Helene.Dupont@Acme.example"}, Phones: []string{"+44 7700 900123"}}); err != nil {
		t.Fatal(err)
	}
	// A deal whose title says Dupont, and one that only mentions her as its
	// client; the second is created first, so rowid order alone would put it
	// first.
	if f.byBody, err = db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Office fit-out", ContactID: f.dupont.ID, CompanyID: f.acme.ID}); err != nil {
		t.Fatal(err)
	}
	if f.titleDeal, err = db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Dupontel renovation"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f searchFixture) find(t *testing.T, text string) []data.Hit {
	t.Helper()
	hits, err := f.db.Search(context.Background(), f.db.Admin.ID, text, 50)
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	return hits
}

func has(hits []data.Hit, kind data.Kind, id int64) bool {
	return slices.ContainsFunc(hits, func(h data.Hit) bool { return h.Kind == kind && h.ID == id })
}

func index(hits []data.Hit, kind data.Kind, id int64) int {
	return slices.IndexFunc(hits, func(h data.Hit) bool { return h.Kind == kind && h.ID == id })
}

func TestSearchFoldsAccents(t *testing.T) {
	f := newSearchFixture(t)
	for text, want := range map[string]struct {
		kind data.Kind
		id   int64
	}{
		"societe":          {data.KindCompany, f.societe.ID},
		"SOCIÉTÉ gén":      {data.KindCompany, f.societe.ID},
		"francois":         {data.KindContact, f.francois.ID},
		"lefevre":          {data.KindContact, f.francois.ID},
		"Lefèvre":          {data.KindContact, f.francois.ID},
		"helene":           {data.KindContact, f.dupont.ID},
		"francois societe": {data.KindContact, f.francois.ID}, // the company is in the contact's body
	} {
		if hits := f.find(t, text); !has(hits, want.kind, want.id) {
			t.Errorf("%q: %+v, want %s %d", text, hits, want.kind, want.id)
		}
	}
	// Decomposed accents (as some keyboards send them) match too.
	if hits := f.find(t, "Socie\u0301te\u0301"); !has(hits, data.KindCompany, f.societe.ID) {
		t.Errorf("decomposed: %+v", hits)
	}
}

func TestSearchPrefixAsYouType(t *testing.T) {
	f := newSearchFixture(t)
	for _, text := range []string{"D", "Du", "Dup", "Dupo", "dupon", "Dupont"} {
		hits := f.find(t, text)
		if len(text) == 1 {
			continue // one letter: whatever it finds, it must not fail
		}
		if !has(hits, data.KindContact, f.dupont.ID) {
			t.Errorf("%q does not find Dupont: %+v", text, hits)
		}
	}
	if hits := f.find(t, "Dupontx"); len(hits) != 0 {
		t.Errorf("Dupontx finds %+v", hits)
	}
}

func TestSearchTitleMatchesFirst(t *testing.T) {
	f := newSearchFixture(t)
	hits := f.find(t, "dup")
	title, body, contact := index(hits, data.KindDeal, f.titleDeal.ID), index(hits, data.KindDeal, f.byBody.ID), index(hits, data.KindContact, f.dupont.ID)
	if title < 0 || body < 0 || contact < 0 {
		t.Fatalf("hits %+v", hits)
	}
	if title > body || contact > body {
		t.Fatalf("title matches (deal at %d, contact at %d) must come before the body match (at %d): %+v", title, contact, body, hits)
	}
	if hits[body].Detail == "" {
		t.Errorf("deal hit without detail: %+v", hits[body])
	}
}

func TestSearchEmailAndPhone(t *testing.T) {
	f := newSearchFixture(t)
	for _, tc := range []struct {
		text string
		kind data.Kind
		id   int64
	}{
		{"f.lefevre@eaux", data.KindContact, f.francois.ID},
		{"helene.dupont@acme.example", data.KindContact, f.dupont.ID},
		{"HELENE.DUPONT@ACME", data.KindDeal, f.byBody.ID}, // the deal carries its client's email
		{"hello@acme", data.KindCompany, f.acme.ID},
		{"+33 6 12 34", data.KindContact, f.francois.ID},
		{"0612345678", data.KindContact, f.francois.ID}, // national form: the stored key is the last nine digits
		{"612345678", data.KindContact, f.francois.ID},
		{"+33612345678", data.KindContact, f.francois.ID},
		{"0033 6 12", data.KindContact, f.francois.ID},
		{"07700 900123", data.KindDeal, f.byBody.ID},
		{"FR40303", data.KindCompany, f.societe.ID},
	} {
		if hits := f.find(t, tc.text); !has(hits, tc.kind, tc.id) {
			t.Errorf("%q: %+v, want %s %d", tc.text, hits, tc.kind, tc.id)
		}
	}
}

func TestSearchDeletedDealNotFound(t *testing.T) {
	f := newSearchFixture(t)
	if !has(f.find(t, "renovation"), data.KindDeal, f.titleDeal.ID) {
		t.Fatal("deal not found before delete")
	}
	if err := f.db.DeleteDeal(context.Background(), f.db.Sales.ID, f.titleDeal.ID); err != nil {
		t.Fatal(err)
	}
	if hits := f.find(t, "renovation"); has(hits, data.KindDeal, f.titleDeal.ID) {
		t.Fatalf("deleted deal found: %+v", hits)
	}
}

// TestSearchFollowsEdits: renaming a contact re-indexes its deals.
func TestSearchFollowsEdits(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	in := data.ContactInput{Name: "Hélène Martin", CompanyID: f.acme.ID, Emails: []string{"helene@acme.example"}}
	if _, err := f.db.UpdateContact(ctx, f.db.Sales.ID, f.dupont.ID, in); err != nil {
		t.Fatal(err)
	}
	if hits := f.find(t, "martin"); !has(hits, data.KindDeal, f.byBody.ID) || !has(hits, data.KindContact, f.dupont.ID) {
		t.Fatalf("after rename: %+v", hits)
	}
	if hits := f.find(t, "dupont"); has(hits, data.KindContact, f.dupont.ID) || has(hits, data.KindDeal, f.byBody.ID) {
		t.Fatalf("old name still found: %+v", hits)
	}
	d := f.titleDeal
	din := d.Input()
	din.Title = "Chaudière"
	if _, err := f.db.UpdateDeal(ctx, f.db.Sales.ID, d.ID, din); err != nil {
		t.Fatal(err)
	}
	if hits := f.find(t, "chaud"); !has(hits, data.KindDeal, d.ID) {
		t.Fatalf("renamed deal: %+v", hits)
	}
}

func TestSearchPunctuationNeverFails(t *testing.T) {
	f := newSearchFixture(t)
	for _, text := range []string{
		`"`, `"dup`, `*`, `dup*`, `(`, `)`, `title:`, `title : dup`, `-dup`, `dup -`, `AND`, `OR dup`, `NOT`, `NEAR(dup`,
		`^`, `'`, `l'eau`, `{title}`, `[x]`, `a+b`, `50%`, `€`, `;DROP TABLE deals;--`, `\`, "\x00", "   ", "",
		"日本", "🙂", "a\u0301", "ﬁ", "x" + string(make([]byte, 300)),
	} {
		if _, err := f.db.Search(context.Background(), f.db.Admin.ID, text, 50); err != nil {
			t.Errorf("search %q: %v", text, err)
		}
		if _, err := f.db.DealList(context.Background(), f.db.Admin.ID, data.DealFilter{Search: text}, nil, 10); err != nil {
			t.Errorf("deal list search %q: %v", text, err)
		}
	}
	if hits := f.find(t, `"Dupont" (acme)`); !has(hits, data.KindContact, f.dupont.ID) {
		t.Errorf("quotes and brackets are ignored, the words still match: %+v", hits)
	}
}

func TestSearchLimit(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	for i := range 30 {
		db.Deal(t, db.Sales.ID, fmt.Sprintf("Forklift %02d", i))
	}
	hits, err := db.Search(ctx, db.Admin.ID, "fork", 10)
	if err != nil || len(hits) != 10 {
		t.Fatalf("limit 10: %d hits, %v", len(hits), err)
	}
	ids := map[int64]bool{}
	for _, h := range hits {
		if ids[h.ID] {
			t.Fatalf("duplicate hit %+v", h)
		}
		ids[h.ID] = true
	}
}

// waitChanges waits for a notification naming the record.
func waitChanges(t *testing.T, ch <-chan data.Changes, kind data.Kind, id int64) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case cs := <-ch:
			if cs.Has(kind, id) {
				return
			}
		case <-deadline:
			t.Fatalf("no change event for %s %d", kind, id)
		}
	}
}

func TestSubscribeGetsDealID(t *testing.T) {
	db := datatest.Open(t)
	ch := make(chan data.Changes, 16)
	cancel := db.Subscribe(func(cs data.Changes) { ch <- cs })
	defer cancel()
	d := db.Deal(t, db.Sales.ID, "Evented")
	waitChanges(t, ch, data.KindDeal, d.ID)
	if _, err := db.AddComment(context.Background(), db.Sales.ID, d.ID, "hi"); err != nil {
		t.Fatal(err)
	}
	waitChanges(t, ch, data.KindDeal, d.ID)
}

// TestWatchSeesOtherProcess: a second Store on the same file stands for
// another process (the CLI); the first one's Watch picks up its writes.
func TestWatchSeesOtherProcess(t *testing.T) {
	db := datatest.Open(t)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	other, err := data.Open(ctx, db.Path, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ch := make(chan data.Changes, 16)
	cancel := db.Subscribe(func(cs data.Changes) { ch <- cs })
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- db.Watch(ctx, 20*time.Millisecond) }()
	// Watch starts from the newest change when it begins; wait until it has
	// (a write of this process shows up once it runs) before the other
	// process writes.
	own := db.Deal(t, db.Sales.ID, "Own")
	waitChanges(t, ch, data.KindDeal, own.ID)
	var d data.Deal
	for range 50 { // retry while the first Watch query may not have run yet
		d, err = other.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "From the CLI"})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case cs := <-ch:
			if cs.Has(data.KindDeal, d.ID) {
				stop()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				return
			}
		case <-time.After(2 * time.Second):
		}
	}
	t.Fatalf("Watch never reported deal %d written by the other store", d.ID)
}

// TestBulkLoadNotifiesEveryRecordOfItsKind: a bulk load announces one change
// of ID 0 per kind, which matches any record of that kind.
func TestBulkLoadNotifiesEveryRecordOfItsKind(t *testing.T) {
	db := datatest.Open(t)
	shown := db.Deal(t, db.Sales.ID, "On screen")
	ch := make(chan data.Changes, 16)
	cancel := db.Subscribe(func(cs data.Changes) { ch <- cs })
	defer cancel()
	db.Deal(t, db.Sales.ID, "Another") // pending before the bulk load, for the merge
	err := db.Bulk(context.Background(), db.Admin.ID, func(b *data.BulkTx) error {
		_, err := b.Deal(data.BulkDeal{DealInput: data.DealInput{Title: "Imported"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	waitChanges(t, ch, data.KindDeal, shown.ID)
	if (data.Changes{{Kind: data.KindDeal, ID: 0}}).Has(data.KindContact, 1) {
		t.Fatal("a bulk change of deals matches a contact")
	}
}

// TestSalesFindsOwnDealAmongMany: however many deals of others match first,
// a sales employee finds their own.
func TestSalesFindsOwnDealAmongMany(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	err := db.Bulk(ctx, db.Admin.ID, func(b *data.BulkTx) error {
		for i := range 400 {
			if _, err := b.Deal(data.BulkDeal{DealInput: data.DealInput{Title: fmt.Sprint("Chaise ", i), ResponsibleID: db.Sales2.ID}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mine := db.Deal(t, db.Sales.ID, "Chaises de bureau")
	observed, err := db.CreateDeal(ctx, db.Manager.ID, data.DealInput{Title: "Chaise longue", Observers: []int64{db.Sales.ID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"chai", "chaise", "ch"} {
		hits, err := db.Search(ctx, db.Sales.ID, text, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 2 || !has(hits, data.KindDeal, mine.ID) || !has(hits, data.KindDeal, observed.ID) {
			t.Fatalf("%q as sales: %+v", text, hits)
		}
		all, _ := db.Search(ctx, db.Manager.ID, text, 10)
		if len(all) != 10 {
			t.Fatalf("%q as manager: %d hits", text, len(all))
		}
	}
}

// TestSalesListSearchFindsOwnDeal: the deal list's search filter, too.
func TestSalesListSearchFindsOwnDeal(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	err := db.Bulk(ctx, db.Admin.ID, func(b *data.BulkTx) error {
		for i := range 60 {
			if _, err := b.Deal(data.BulkDeal{DealInput: data.DealInput{Title: fmt.Sprint("Tabouret ", i), ResponsibleID: db.Sales2.ID}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mine := db.Deal(t, db.Sales.ID, "Tabourets hauts")
	rows, err := db.DealList(ctx, db.Sales.ID, data.DealFilter{Search: "tabou"}, nil, 10)
	if err != nil || len(rows) != 1 || rows[0].ID != mine.ID {
		t.Fatalf("sales list search: %+v, %v", rows, err)
	}
	rows, err = db.DealList(ctx, db.Manager.ID, data.DealFilter{Search: "tabou", Sort: data.SortTitle}, nil, 100)
	if err != nil || len(rows) != 61 {
		t.Fatalf("manager list search: %d rows, %v", len(rows), err)
	}
}
