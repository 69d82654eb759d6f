package data_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
)

// scopeFixture: Sophie (Sales) is responsible for one deal and observes one
// of Sam's (Sales2); Sam has another deal; some clients are on no deal.
type scopeFixture struct {
	db                                      *datatest.DB
	mine, observed, colleague, other, loose data.Contact
	gone                                    data.Contact
	mineCo, observedCo, otherCo, looseCo    data.Company
}

func newScopeFixture(t *testing.T) scopeFixture {
	t.Helper()
	db := datatest.Open(t)
	ctx := context.Background()
	f := scopeFixture{db: db}
	company := func(name string) data.Company {
		c, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: name, Emails: []string{"info@" + name + ".test"}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	contact := func(name, phone string, co int64) data.Contact {
		c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: name, CompanyID: co,
			Emails: []string{name + "@clients.test"}, Phones: []string{phone}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	deal := func(resp int64, title string, contact, company int64, observers ...int64) data.Deal {
		d, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: title, ResponsibleID: resp, ContactID: contact, CompanyID: company, Observers: observers})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	f.mineCo, f.observedCo, f.otherCo, f.looseCo = company("Minco"), company("Obsco"), company("Othco"), company("Looseco")
	f.mine = contact("Mina", "01 11 11 11 11", 0)
	f.observed = contact("Oscar", "01 22 22 22 22", f.observedCo.ID)
	f.colleague = contact("Olga", "01 33 33 33 33", f.observedCo.ID) // Oscar's colleague, on no deal
	f.other = contact("Otto", "01 44 44 44 44", f.otherCo.ID)
	f.loose = contact("Lucie", "01 55 55 55 55", 0)
	f.gone = contact("Gaston", "01 66 66 66 66", 0)
	deal(db.Sales.ID, "Mina's chairs", f.mine.ID, f.mineCo.ID)
	deal(db.Sales2.ID, "Oscar's desks", f.observed.ID, 0, db.Sales.ID)
	deal(db.Sales2.ID, "Otto's lamps", f.other.ID, f.otherCo.ID)
	g := deal(db.Sales.ID, "Gaston's old deal", f.gone.ID, 0)
	if err := db.DeleteDeal(ctx, db.Sales.ID, g.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

func rowNames(rows []data.ClientRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return out
}

func exportNames(t *testing.T, db *datatest.DB, actor int64, what string) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := formats.Export(context.Background(), db.Store, actor, &buf, formats.ExportOptions{What: what, Format: "json"}); err != nil {
		t.Fatal(err)
	}
	var recs []struct{ Name string }
	if err := json.Unmarshal(buf.Bytes(), &recs); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return out
}

func wantNames(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: %q, want %q", what, got, want)
	}
}

// TestClientScopeOffEveryoneReadsEveryClient: by default (today's
// behaviour) a sales employee with no deal reads every contact and company.
func TestClientScopeOffEveryoneReadsEveryClient(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	db, ctx := f.db, context.Background()
	if scope, err := db.ClientScope(ctx, db.Sales.ID); err != nil || scope != data.ClientScopeAll {
		t.Fatalf("default scope %q, %v", scope, err)
	}
	rows, err := db.ContactList(ctx, db.Sales.ID, data.ListCursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	wantNames(t, "contacts", rowNames(rows), "Mina", "Oscar", "Olga", "Otto", "Lucie", "Gaston")
	wantNames(t, "company export", exportNames(t, db, db.Sales.ID, "companies"), "Minco", "Obsco", "Othco", "Looseco")
	if _, err := db.Contact(ctx, db.Sales.ID, f.other.ID); err != nil {
		t.Errorf("contact of another's deal: %v", err)
	}
}

// TestClientScopeOwnDeals: once an admin limits sales employees to the
// clients of their own deals, every read of contacts and companies a sales
// employee makes keeps to them; managers and admins still read everything.
func TestClientScopeOwnDeals(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	db, ctx := f.db, context.Background()
	for _, who := range []data.Employee{db.Manager, db.Sales} {
		if err := db.SetClientScope(ctx, who.ID, data.ClientScopeOwnDeals); !errors.Is(err, data.ErrForbidden) {
			t.Errorf("%s sets the scope: %v, want ErrForbidden", who.Role, err)
		}
	}
	if err := db.SetClientScope(ctx, db.Admin.ID, "mine"); data.FieldErrors(err) == nil || data.FieldErrors(err).Field("client_scope") == nil {
		t.Errorf("unknown scope: %v", err)
	}
	if err := db.SetClientScope(ctx, db.Admin.ID, data.ClientScopeOwnDeals); err != nil {
		t.Fatal(err)
	}
	if scope, err := db.ClientScope(ctx, db.Sales.ID); err != nil || scope != data.ClientScopeOwnDeals {
		t.Fatalf("scope %q, %v", scope, err)
	}
	sales := db.Sales.ID

	// Lists and exports: Mina (own deal), Oscar (observed deal); their
	// companies. Not Olga (Oscar's colleague, on no deal), Otto, Lucie, nor
	// Gaston, whose deal is deleted.
	contacts, err := db.ContactList(ctx, sales, data.ListCursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	wantNames(t, "contact list", rowNames(contacts), "Mina", "Oscar")
	companies, err := db.CompanyList(ctx, sales, data.ListCursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	wantNames(t, "company list", rowNames(companies), "Minco", "Obsco")
	wantNames(t, "contact export", exportNames(t, db, sales, "contacts"), "Mina", "Oscar")
	wantNames(t, "company export", exportNames(t, db, sales, "companies"), "Minco", "Obsco")

	// Search and the client pickers.
	for _, c := range []struct {
		kind data.Kind
		text string
		want []string
	}{
		{data.KindContact, "Otto", nil}, {data.KindContact, "Oscar", []string{"Oscar"}}, {data.KindContact, "clients", []string{"Mina", "Oscar"}},
		{data.KindCompany, "Othco", nil}, {data.KindCompany, "info", []string{"Minco", "Obsco"}},
	} {
		rows, err := db.SearchClients(ctx, sales, c.kind, c.text, 20)
		if err != nil {
			t.Fatal(err)
		}
		wantNames(t, "search clients "+c.text, rowNames(rows), c.want...)
	}
	hits, err := db.Search(ctx, sales, "o", 50)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, h := range hits {
		if h.Kind != data.KindDeal {
			found = append(found, h.Title)
		}
	}
	slices.Sort(found)
	wantNames(t, "search", found, "Obsco", "Oscar")
	names, err := db.CompanyNames(ctx, sales, "o", 20)
	if err != nil {
		t.Fatal(err)
	}
	wantNames(t, "company names", rowNames(names), "Obsco")
	members, err := db.CompanyContacts(ctx, sales, f.observedCo.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	wantNames(t, "company contacts", rowNames(members), "Oscar")

	// One client at a time: a hidden one is not found.
	if _, err := db.Contact(ctx, sales, f.other.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("hidden contact: %v", err)
	}
	if _, err := db.Company(ctx, sales, f.looseCo.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("hidden company: %v", err)
	}
	if c, err := db.Contact(ctx, sales, f.observed.ID); err != nil || c.Name != "Oscar" {
		t.Errorf("observed deal's contact: %+v, %v", c, err)
	}
	if c, err := db.Company(ctx, sales, f.observedCo.ID); err != nil || c.Name != "Obsco" {
		t.Errorf("observed deal's contact's company: %+v, %v", c, err)
	}
	if cs, err := db.ContactsByEmail(ctx, sales, "Otto@clients.test"); err != nil || len(cs) != 0 {
		t.Errorf("hidden contact by email: %+v, %v", cs, err)
	}
	if cs, err := db.ContactsByPhone(ctx, sales, "01 44 44 44 44"); err != nil || len(cs) != 0 {
		t.Errorf("hidden contact by phone: %+v, %v", cs, err)
	}
	if cs, err := db.ContactsByPhone(ctx, sales, "0111111111"); err != nil || len(cs) != 1 {
		t.Errorf("own contact by phone: %+v, %v", cs, err)
	}
	if ct, err := db.CallTarget(ctx, sales, "01 44 44 44 44"); err != nil || len(ct.Contacts) != 0 || ct.Match != data.CallUnknown {
		t.Errorf("call from a hidden contact: %+v, %v", ct, err)
	}

	// Managers, admins and the other sales employee read as before / their own.
	for _, who := range []data.Employee{db.Manager, db.Admin} {
		rows, err := db.ContactList(ctx, who.ID, data.ListCursor{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		wantNames(t, string(who.Role)+" contacts", rowNames(rows), "Mina", "Oscar", "Olga", "Otto", "Lucie", "Gaston")
	}
	rows, err := db.ContactList(ctx, db.Sales2.ID, data.ListCursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	wantNames(t, "Sam's contacts", rowNames(rows), "Oscar", "Otto")

	// Back to everyone.
	if err := db.SetClientScope(ctx, db.Admin.ID, data.ClientScopeAll); err != nil {
		t.Fatal(err)
	}
	if rows, err = db.ContactList(ctx, sales, data.ListCursor{}, 100); err != nil || len(rows) != 6 {
		t.Errorf("scope all again: %d contacts, %v", len(rows), err)
	}
}
