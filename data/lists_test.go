package data_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// checkStageTotals compares the per-stage totals the triggers keep with a
// GROUP BY over the deals.
func checkStageTotals(t *testing.T, path string) {
	t.Helper()
	db := rawDB(t, path)
	read := func(q string) map[string]string {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[string]string{}
		for rows.Next() {
			var stage, n, amount int64
			var cur string
			if err := rows.Scan(&stage, &cur, &n, &amount); err != nil {
				t.Fatal(err)
			}
			m[fmt.Sprintf("%d/%s", stage, cur)] = fmt.Sprintf("%d deals, %d", n, amount)
		}
		return m
	}
	kept := read(`SELECT stage_id, currency, count, amount FROM stage_totals WHERE count <> 0 OR amount <> 0`)
	real := read(`SELECT stage_id, currency, count(*), sum(amount) FROM deals WHERE deleted_at IS NULL GROUP BY 1, 2`)
	if fmt.Sprint(kept) != fmt.Sprint(real) {
		t.Fatalf("stage_totals %v\nGROUP BY     %v", kept, real)
	}
}

func TestStageTotalsKeptByTriggers(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	p := db.Pipeline(t)
	var deals []data.Deal
	for i, cur := range []string{"EUR", "EUR", "GBP", "USD", "EUR"} {
		d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: fmt.Sprint("Deal ", i), Amount: int64(1000 * (i + 1)), Currency: cur})
		if err != nil {
			t.Fatal(err)
		}
		deals = append(deals, d)
	}
	checkStageTotals(t, db.Path)
	steps := []func() error{
		func() error { _, err := db.MoveDeal(ctx, db.Sales.ID, deals[0].ID, p.Stages[3].ID, ""); return err },
		func() error {
			_, err := db.MoveDeal(ctx, db.Sales.ID, deals[2].ID, stageBy(t, p, data.StatusLost, 0).ID, "Too dear")
			return err
		},
		func() error { // amount change
			in := deals[1].Input()
			in.Amount = 123456
			_, err := db.UpdateDeal(ctx, db.Sales.ID, deals[1].ID, in)
			return err
		},
		func() error { // currency change
			in := deals[4].Input()
			in.Currency = "CHF"
			_, err := db.UpdateDeal(ctx, db.Sales.ID, deals[4].ID, in)
			return err
		},
		func() error { // amount, currency and stage at once
			d, _ := db.Store.Deal(ctx, db.Sales.ID, deals[3].ID)
			in := d.Input()
			in.Amount, in.Currency, in.StageID = 777, "EUR", stageBy(t, p, data.StatusWon, 0).ID
			_, err := db.UpdateDeal(ctx, db.Sales.ID, deals[3].ID, in)
			return err
		},
		func() error { // lines set the amount
			_, err := db.SetLines(ctx, db.Sales.ID, deals[0].ID, []data.LineInput{{Name: "Desk", Price: 4999, Quantity: 3000, TaxRate: 2000}})
			return err
		},
		func() error { return db.DeleteDeal(ctx, db.Sales.ID, deals[1].ID) },
		func() error { _, err := db.MoveDeal(ctx, db.Sales.ID, deals[2].ID, p.Stages[0].ID, ""); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		checkStageTotals(t, db.Path)
	}
	// And the admin's board shows those totals.
	cols, err := db.Board(ctx, db.Admin.ID, p.ID, data.BoardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cols {
		n += c.Count
	}
	if n != 4 {
		t.Fatalf("board counts %d deals, want 4", n)
	}
}

func TestBulkKeepsTotalsAndSearch(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	p := db.Pipeline(t)
	before := db.Deal(t, db.Sales.ID, "Before the load")
	var ids []int64
	err := db.Bulk(ctx, db.Admin.ID, func(b *data.BulkTx) error {
		co, err := b.Company(data.CompanyInput{Name: "Fromagerie du Jura SARL"}, time.Time{})
		if err != nil {
			return err
		}
		c, err := b.Contact(data.ContactInput{Name: "Zoé Bérenger", CompanyID: co, Emails: []string{"zoe@jura.example"}}, time.Time{})
		if err != nil {
			return err
		}
		for i, st := range p.Stages {
			in := data.BulkDeal{DealInput: data.DealInput{Title: fmt.Sprint("Comté ", i), StageID: st.ID, ContactID: c, CompanyID: co,
				ResponsibleID: db.Sales.ID, Amount: int64(i * 100), LostReason: "Budget"}}
			if i == 1 {
				in.Lines = []data.LineInput{{Name: "Meule", Price: 1999, Quantity: 2500, TaxRate: 550}}
			}
			id, err := b.Deal(in)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkStageTotals(t, db.Path)
	d, err := db.Store.Deal(ctx, db.Sales.ID, ids[1])
	if err != nil || d.Amount != data.ComputeLine(data.LineInput{Price: 1999, Quantity: 2500, TaxRate: 550}).Gross {
		t.Fatalf("bulk deal with lines: %+v, %v", d, err)
	}
	won, err := db.Store.Deal(ctx, db.Sales.ID, ids[5])
	if err != nil || won.ClosedAt.IsZero() || won.Status != data.StatusWon {
		t.Fatalf("bulk won deal: %+v, %v", won, err)
	}
	if es := timelineOf(t, db, ids[6]); len(es) != 2 || es[0].Kind != data.EntryCreated || es[1].Kind != data.EntryLost || es[1].Text != "Budget" {
		t.Fatalf("bulk lost deal's timeline: %+v", es)
	}
	for text, id := range map[string]int64{"comte": ids[0], "berenger": ids[2], "zoe@jura": ids[3], "fromagerie": ids[4]} {
		hits, err := db.Search(ctx, db.Admin.ID, text, 50)
		if err != nil || !has(hits, data.KindDeal, id) {
			t.Errorf("search %q after bulk: %+v, %v", text, hits, err)
		}
	}
	if hits, _ := db.Search(ctx, db.Admin.ID, "before", 50); !has(hits, data.KindDeal, before.ID) {
		t.Errorf("the deal made before the load is no longer found")
	}
	// Rules hold: a bad record fails the whole load, which writes nothing.
	snap := snapshot(t, db)
	err = db.Bulk(ctx, db.Admin.ID, func(b *data.BulkTx) error {
		if _, err := b.Deal(data.BulkDeal{DealInput: data.DealInput{Title: "ok"}}); err != nil {
			return err
		}
		_, err := b.Deal(data.BulkDeal{DealInput: data.DealInput{Title: "bad", StageID: stageBy(t, p, data.StatusLost, 0).ID}})
		return err
	})
	wantFieldErr(t, err, "lost_reason")
	sameSnapshot(t, db, snap)
	if err := db.Bulk(ctx, db.Sales.ID, func(*data.BulkTx) error { return nil }); err == nil {
		t.Fatal("a sales employee loaded in bulk")
	}
}

func TestDealListKeysetCoversEveryDealOnce(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	p := db.Pipeline(t)
	co, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 37
	for i := range n {
		in := data.DealInput{
			// Ties everywhere: repeated titles in both cases, amounts, stages,
			// clients and responsibles, and the same updated time for many.
			Title:         []string{"Alpha", "alpha", "Beta", "Gamma"}[i%4],
			Amount:        int64(i%5) * 100,
			StageID:       p.Stages[i%3].ID,
			ResponsibleID: []int64{db.Sales.ID, db.Manager.ID, db.Sales2.ID}[i%3],
		}
		if i%2 == 0 {
			in.CompanyID = co.ID
		}
		db.Deal(t, db.Admin.ID, "x") // a deal per step that is then deleted: gaps in ids
		if _, err := db.CreateDeal(ctx, db.Admin.ID, in); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			db.Clock.Advance(time.Second)
		}
	}
	rows, _ := db.DealList(ctx, db.Admin.ID, data.DealFilter{Search: "x"}, nil, 1000)
	for _, r := range rows {
		if err := db.DeleteDeal(ctx, db.Admin.ID, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, sort := range []data.DealSort{data.SortUpdated, data.SortTitle, data.SortAmount, data.SortClient, data.SortStage, data.SortResponsible} {
		for _, desc := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/desc=%v", sort, desc), func(t *testing.T) {
				seen := map[int64]bool{}
				var cur *data.ListCursorValue
				pages := 0
				for {
					page, err := db.DealList(ctx, db.Admin.ID, data.DealFilter{Sort: sort, Descending: desc}, cur, 5)
					if err != nil {
						t.Fatal(err)
					}
					if len(page) == 0 {
						break
					}
					pages++
					for _, r := range page {
						if seen[r.ID] {
							t.Fatalf("deal %d on two pages", r.ID)
						}
						seen[r.ID] = true
					}
					last := page[len(page)-1]
					cur = &data.ListCursorValue{Key: last.SortKey, ID: last.ID}
				}
				if len(seen) != n || pages != (n+4)/5 {
					t.Fatalf("%d deals over %d pages, want %d over %d", len(seen), pages, n, (n+4)/5)
				}
			})
		}
	}
}

func TestClientListsKeyset(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	names := []string{"Émile", "emile", "Zoé", "andré", "André", "Bob", "bob", "Ørsted", "Zed", "zed", "Ça", "Ab"}
	for range 3 {
		for _, nm := range names {
			co, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: nm + " SARL"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: nm, CompanyID: co.ID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := 3 * len(names)
	lists := map[string]func(data.ListCursor, int) ([]data.ClientRow, error){
		"contacts": func(c data.ListCursor, n int) ([]data.ClientRow, error) {
			return db.ContactList(ctx, db.Admin.ID, c, n)
		},
		"companies": func(c data.ListCursor, n int) ([]data.ClientRow, error) {
			return db.CompanyList(ctx, db.Admin.ID, c, n)
		},
	}
	for name, list := range lists {
		t.Run(name, func(t *testing.T) {
			seen := map[int64]bool{}
			var cur data.ListCursor
			for {
				page, err := list(cur, 4)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				for _, r := range page {
					if seen[r.ID] {
						t.Fatalf("%d listed twice", r.ID)
					}
					seen[r.ID] = true
				}
				last := page[len(page)-1]
				cur = data.ListCursor{Key: last.Name, ID: last.ID}
			}
			if len(seen) != want {
				t.Fatalf("%d listed, want %d", len(seen), want)
			}
		})
	}
}

// TestSalesListKeyset: a sales employee's list by last update, read page by
// page, holds their own and observed deals exactly once, in order.
func TestSalesListKeyset(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	want := map[int64]bool{}
	for i := range 23 {
		var d data.Deal
		switch i % 3 {
		case 0:
			d = db.Deal(t, db.Sales.ID, fmt.Sprint("Own ", i))
			want[d.ID] = true
		case 1:
			var err error
			d, err = db.CreateDeal(ctx, db.Sales2.ID, data.DealInput{Title: fmt.Sprint("Observed ", i), Observers: []int64{db.Sales.ID}})
			if err != nil {
				t.Fatal(err)
			}
			want[d.ID] = true
		default:
			db.Deal(t, db.Manager.ID, fmt.Sprint("Hidden ", i))
		}
		if i%4 == 0 {
			db.Clock.Advance(time.Minute)
		}
	}
	for _, onlyMine := range []bool{false, true} {
		for _, desc := range []bool{true, false} {
			var cur *data.ListCursorValue
			var got []data.ListRow
			for {
				page, err := db.DealList(ctx, db.Sales.ID, data.DealFilter{Sort: data.SortUpdated, Descending: desc, OnlyMine: onlyMine}, cur, 4)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				got = append(got, page...)
				last := page[len(page)-1]
				cur = &data.ListCursorValue{Key: last.SortKey, ID: last.ID}
			}
			seen := map[int64]bool{}
			for i, r := range got {
				if seen[r.ID] || !want[r.ID] {
					t.Fatalf("onlyMine=%v desc=%v: deal %d (%s) listed twice or not visible", onlyMine, desc, r.ID, r.Title)
				}
				seen[r.ID] = true
				if onlyMine && r.Title[:3] != "Own" {
					t.Fatalf("only mine lists %q", r.Title)
				}
				if i > 0 {
					prev := got[i-1]
					after := r.UpdatedAt.After(prev.UpdatedAt) || (r.UpdatedAt.Equal(prev.UpdatedAt) && r.ID > prev.ID)
					if after == desc {
						t.Fatalf("onlyMine=%v desc=%v: out of order at %d", onlyMine, desc, i)
					}
				}
			}
			n := len(want)
			if onlyMine {
				n = 8
			}
			if len(seen) != n {
				t.Fatalf("onlyMine=%v desc=%v: %d deals listed, want %d", onlyMine, desc, len(seen), n)
			}
		}
	}
}

// fullSortIDs is the order a plain full sort gives: every deal me may see
// that matches f, sorted in one statement by the names read through the
// joins (never the copies the deals keep for their indexes), then by id.
func fullSortIDs(t *testing.T, raw *sql.DB, me data.Employee, f data.DealFilter) []int64 {
	t.Helper()
	key := map[data.DealSort]string{
		data.SortClient:      "coalesce(c.name, co.name, '') COLLATE NOCASE",
		data.SortResponsible: "e.name COLLATE NOCASE",
		data.SortStage:       "s.position",
	}[f.Sort]
	dir := "ASC"
	if f.Descending {
		dir = "DESC"
	}
	var onlyMine, restricted int64
	if f.OnlyMine {
		onlyMine = me.ID
	} else if !me.SeesAll() {
		restricted = me.ID
	}
	rows, err := raw.Query(`SELECT d.id FROM deals d JOIN employees e ON e.id = d.responsible_id JOIN stages s ON s.id = d.stage_id
		LEFT JOIN contacts c ON c.id = d.contact_id LEFT JOIN companies co ON co.id = d.company_id
		WHERE d.deleted_at IS NULL AND ?1 IN (0, d.pipeline_id) AND ?2 IN (0, d.stage_id) AND ?3 IN ('', s.semantics)
		AND ?4 IN (0, d.responsible_id) AND ?5 IN (0, d.responsible_id)
		AND (?6 = 0 OR d.responsible_id = ?6 OR d.id IN (SELECT deal_id FROM deal_observers WHERE employee_id = ?6))
		ORDER BY `+key+` `+dir+`, d.id `+dir, f.PipelineID, f.StageID, string(f.Status), f.ResponsibleID, onlyMine, restricted)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := scanInt64s(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func scanInt64s(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// pagedList reads the whole list page by page, each page after the last
// row of the one before.
func pagedList(t *testing.T, db *datatest.DB, me data.Employee, f data.DealFilter, size int) []data.ListRow {
	t.Helper()
	var all []data.ListRow
	var cur *data.ListCursorValue
	for range 1000 {
		page, err := db.DealList(context.Background(), me.ID, f, cur, size)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if len(page) > size {
			t.Fatalf("%+v: a page of %d rows, asked %d", f, len(page), size)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		last := page[len(page)-1]
		cur = &data.ListCursorValue{Key: last.SortKey, ID: last.ID}
	}
	t.Fatalf("%+v: the list never ends", f)
	return nil
}

// TestDealListStageSortsMatchFullSort: sorted by client, responsible or
// stage, in both directions and read five rows at a time, the list holds
// exactly the deals a full sort holds, in its order, under every filter and
// for a sales employee; and still after clients and employees are renamed
// and deals change client, responsible or stage.
func TestDealListStageSortsMatchFullSort(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	raw := rawDB(t, db.Path)
	p := db.Pipeline(t)
	// A second pipeline: its stages have the same positions as the first's.
	p2, err := db.CreatePipeline(ctx, db.Admin.ID, "Second")
	if err != nil {
		t.Fatal(err)
	}
	// Named like Sophie Vente but for case: a tie between two employees.
	twin, err := db.CreateEmployee(ctx, db.Admin.ID, data.EmployeeInput{Name: "sophie vente", Email: "twin@comptoir.test", Role: data.RoleSales, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	company := func(name string) int64 {
		co, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return co.ID
	}
	contact := func(name string, co int64) int64 {
		c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: name, CompanyID: co})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	acme, acme2, zeta := company("Acme"), company("ACME"), company("Zeta")
	bob, bob2, emile := contact("bob", acme), contact("Bob", 0), contact("Émile", 0)
	// Clients with ties in every way: the same contact, names equal but for
	// case, a company name equal to a contact's, no client at all.
	clients := []struct{ contact, company int64 }{{0, 0}, {bob, acme}, {0, acme}, {0, acme2}, {bob2, 0}, {emile, zeta}, {0, zeta}, {bob, 0}}
	resp := []int64{db.Sales.ID, db.Sales2.ID, db.Manager.ID, twin.ID}
	var deals []data.Deal
	for i := range 32 {
		pl := p
		if i%5 == 4 {
			pl = p2
		}
		st := pl.Stages[(i*3)%len(pl.Stages)]
		cl := clients[i%len(clients)]
		in := data.DealInput{Title: fmt.Sprint("Deal ", i), PipelineID: pl.ID, StageID: st.ID, ContactID: cl.contact, CompanyID: cl.company,
			ResponsibleID: resp[i%len(resp)]}
		if st.Semantics == data.StatusLost {
			in.LostReason = "Price"
		}
		if i%6 == 1 {
			in.Observers = []int64{db.Sales.ID} // deals of others a sales employee sees
		}
		d, err := db.CreateDeal(ctx, db.Admin.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		deals = append(deals, d)
		if i%9 == 8 {
			if err := db.DeleteDeal(ctx, db.Admin.ID, d.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	type listCase struct {
		me data.Employee
		f  data.DealFilter
	}
	cases := []listCase{
		{db.Admin, data.DealFilter{}},
		{db.Admin, data.DealFilter{PipelineID: p.ID}},
		{db.Sales, data.DealFilter{}},
		{db.Admin, data.DealFilter{PipelineID: p2.ID}},
		{db.Admin, data.DealFilter{Status: data.StatusOpen}},
		{db.Admin, data.DealFilter{PipelineID: p.ID, Status: data.StatusWon}},
		{db.Admin, data.DealFilter{StageID: p.Stages[0].ID}},
		{db.Admin, data.DealFilter{PipelineID: p.ID, StageID: p2.Stages[0].ID}},
		{db.Admin, data.DealFilter{ResponsibleID: twin.ID, Status: data.StatusOpen}},
		{db.Manager, data.DealFilter{OnlyMine: true}},
		{db.Sales, data.DealFilter{PipelineID: p.ID, Status: data.StatusOpen}},
		{db.Sales, data.DealFilter{ResponsibleID: db.Sales2.ID}},
	}
	check := func(step string, cases []listCase, atLeast int) {
		t.Helper()
		for _, sort := range []data.DealSort{data.SortClient, data.SortResponsible, data.SortStage} {
			for _, desc := range []bool{false, true} {
				listed := 0
				for _, c := range cases {
					f := c.f
					f.Sort, f.Descending = sort, desc
					want := fullSortIDs(t, raw, c.me, f)
					got := pagedList(t, db, c.me, f, 5)
					ids := make([]int64, len(got))
					for i, r := range got {
						ids[i] = r.ID
						// The key the page hands back is the name shown.
						if name := map[data.DealSort]string{data.SortClient: r.Client, data.SortResponsible: r.Responsible}[sort]; sort != data.SortStage && r.SortKey != name {
							t.Fatalf("%s: %s sort: deal %d keyed %q, shows %q", step, sort, r.ID, r.SortKey, name)
						}
					}
					if !slices.Equal(ids, want) {
						t.Fatalf("%s: %s as %s, %+v:\n got %v\nwant %v", step, c.me.Name, sort, f, ids, want)
					}
					listed += len(ids)
				}
				if listed < atLeast {
					t.Fatalf("%s: only %d rows listed over every case", step, listed)
				}
			}
		}
	}
	check("created", cases, 80)
	// After the changes, the whole list as an admin and as a sales employee.
	some := cases[:3]

	// Renames: the kept keys follow them.
	if _, err := db.UpdateContact(ctx, db.Admin.ID, bob, data.ContactInput{Name: "Zed", CompanyID: acme}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateCompany(ctx, db.Admin.ID, acme, data.CompanyInput{Name: "aardvark"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateEmployee(ctx, db.Admin.ID, twin.ID, data.EmployeeInput{Name: "Aaron Twin", Email: "twin@comptoir.test", Role: data.RoleSales, Active: true}); err != nil {
		t.Fatal(err)
	}

	// Deals change client, responsible and stage.
	update := func(d data.Deal, edit func(*data.DealInput)) {
		t.Helper()
		cur, err := db.Store.Deal(ctx, db.Admin.ID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := cur.Input()
		edit(&in)
		if _, err := db.UpdateDeal(ctx, db.Admin.ID, d.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	update(deals[1], func(in *data.DealInput) { in.ContactID, in.CompanyID = 0, 0 })        // bob at acme → no client
	update(deals[0], func(in *data.DealInput) { in.ContactID = emile })                     // no client → Émile
	update(deals[2], func(in *data.DealInput) { in.CompanyID = zeta })                      // acme → Zeta
	update(deals[3], func(in *data.DealInput) { in.ResponsibleID = db.Sales.ID })           // Sophie Vente's now
	update(deals[5], func(in *data.DealInput) { in.ContactID, in.CompanyID = bob2, acme2 }) // Émile → Bob
	if _, err := db.MoveDeal(ctx, db.Admin.ID, deals[6].ID, p.Stages[1].ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteDeal(ctx, db.Admin.ID, deals[10].ID); err != nil {
		t.Fatal(err)
	}
	check("renamed and edited", some, 40)
}

// TestDealListStageSortsReadIndexes: the statement of a client, responsible
// or stage sort reads the sort's per-stage index in order (that index alone,
// for every filter), on the first page and after a cursor, and never sorts
// the deals.
func TestDealListStageSortsReadIndexes(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	raw := rawDB(t, db.Path)
	p := db.Pipeline(t)
	for i := range 5 {
		db.Deal(t, []int64{db.Sales.ID, db.Manager.ID}[i%2], fmt.Sprint("Deal ", i))
	}
	index := map[data.DealSort]string{data.SortClient: "deals_stage_client", data.SortResponsible: "deals_stage_responsible", data.SortStage: "deals_stage_id"}
	cursor := map[data.DealSort]any{data.SortClient: "M", data.SortResponsible: "M", data.SortStage: int64(1)}
	filters := []struct {
		me data.Employee
		f  data.DealFilter
	}{
		{db.Admin, data.DealFilter{PipelineID: p.ID}},
		{db.Admin, data.DealFilter{}},
		{db.Admin, data.DealFilter{PipelineID: p.ID, Status: data.StatusOpen}},
		{db.Admin, data.DealFilter{StageID: p.Stages[1].ID}},
		{db.Admin, data.DealFilter{PipelineID: p.ID, ResponsibleID: db.Sales.ID}},
		{db.Manager, data.DealFilter{PipelineID: p.ID, OnlyMine: true}},
		{db.Sales, data.DealFilter{PipelineID: p.ID}},
		{db.Sales, data.DealFilter{StageID: p.Stages[1].ID, OnlyMine: true}},
	}
	for sort, idx := range index {
		for _, desc := range []bool{false, true} {
			for _, c := range filters {
				for _, after := range []*data.ListCursorValue{nil, {Key: cursor[sort], ID: 3}} {
					f := c.f
					f.Sort, f.Descending = sort, desc
					q, args, err := db.DealListByStageQuery(ctx, c.me.ID, f, after, 50)
					if err != nil || q == "" {
						t.Fatalf("%+v: %q, %v", f, q, err)
					}
					rows, err := raw.Query("EXPLAIN QUERY PLAN "+q, args...)
					if err != nil {
						t.Fatal(err)
					}
					var plan []string
					for rows.Next() {
						var id, parent, notused int
						var detail string
						if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
							t.Fatal(err)
						}
						plan = append(plan, detail)
					}
					rows.Close()
					reads := 0
					for _, line := range plan {
						if strings.Contains(line, "TEMP B-TREE") {
							t.Fatalf("%s as %s, %+v, after %v sorts:\n%s", sort, c.me.Name, f, after, strings.Join(plan, "\n"))
						}
						// The arms read the index alone; the page's deals
						// are then read by id.
						switch {
						case strings.HasPrefix(line, "SEARCH d USING COVERING INDEX "+idx+" (stage_id=?"):
							reads++
						case line == "SEARCH d USING INTEGER PRIMARY KEY (rowid=?)":
						case strings.HasPrefix(line, "SEARCH d ") || strings.HasPrefix(line, "SCAN d "):
							t.Fatalf("%s as %s, %+v: reads deals by %q", sort, c.me.Name, f, line)
						}
					}
					if reads == 0 {
						t.Fatalf("%s as %s, %+v: no read of deals in\n%s", sort, c.me.Name, f, strings.Join(plan, "\n"))
					}
				}
			}
		}
	}
}
