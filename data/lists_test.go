package data_test

import (
	"context"
	"fmt"
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
		"contacts":  func(c data.ListCursor, n int) ([]data.ClientRow, error) { return db.ContactList(ctx, c, n) },
		"companies": func(c data.ListCursor, n int) ([]data.ClientRow, error) { return db.CompanyList(ctx, c, n) },
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
