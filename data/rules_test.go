package data_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// count returns the number of rows of a table, read by a separate
// connection, so a test sees exactly what reached the file.
func countRows(t *testing.T, db *datatest.DB, table string) int {
	t.Helper()
	var n int
	if err := rawDB(t, db.Path).QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// snapshot counts the rows a deal write may touch.
func snapshot(t *testing.T, db *datatest.DB) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, table := range []string{"deals", "timeline", "deal_products", "deal_observers", "changes", "custom_values"} {
		m[table] = countRows(t, db, table)
	}
	return m
}

func sameSnapshot(t *testing.T, db *datatest.DB, before map[string]int) {
	t.Helper()
	after := snapshot(t, db)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %d rows before, %d after a refused write", k, v, after[k])
		}
	}
}

// wantField asserts err is a validation error naming field.
func wantFieldErr(t *testing.T, err error, field string) {
	t.Helper()
	v := data.FieldErrors(err)
	if v == nil {
		t.Fatalf("got %v, want a validation error on %q", err, field)
	}
	if v.Field(field) == nil {
		t.Fatalf("validation error %v does not name %q", err, field)
	}
}

func stageBy(t *testing.T, p data.Pipeline, sem data.Semantics, nth int) data.Stage {
	t.Helper()
	for _, st := range p.Stages {
		if st.Semantics == sem {
			if nth == 0 {
				return st
			}
			nth--
		}
	}
	t.Fatalf("no %s stage #%d", sem, nth)
	return data.Stage{}
}

func TestCreateDealValidation(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	other, err := db.CreatePipeline(ctx, db.Admin.ID, "Partners")
	if err != nil {
		t.Fatal(err)
	}
	p := db.Pipeline(t)
	lost := stageBy(t, p, data.StatusLost, 0)
	for _, tc := range []struct {
		name  string
		in    data.DealInput
		field string
	}{
		{"empty title", data.DealInput{Title: "   "}, "title"},
		{"negative amount", data.DealInput{Title: "x", Amount: -1}, "amount"},
		{"unknown currency", data.DealInput{Title: "x", Currency: "ZZZ"}, "currency"},
		{"not a currency", data.DealInput{Title: "x", Currency: "euro"}, "currency"},
		{"stage of another pipeline", data.DealInput{Title: "x", PipelineID: p.ID, StageID: other.Stages[1].ID}, "stage"},
		{"lost without reason", data.DealInput{Title: "x", StageID: lost.ID, LostReason: "  "}, "lost_reason"},
		{"probability over 100", data.DealInput{Title: "x", Probability: ptr(101)}, "probability"},
		{"bad close date", data.DealInput{Title: "x", CloseDate: "2026-13-01"}, "close_date"},
		{"unknown responsible", data.DealInput{Title: "x", ResponsibleID: 999}, "responsible"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, db)
			_, err := db.CreateDeal(ctx, db.Sales.ID, tc.in)
			wantFieldErr(t, err, tc.field)
			sameSnapshot(t, db, before)
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestUpdateAndMoveValidationWriteNothing(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	p := db.Pipeline(t)
	d := db.Deal(t, db.Sales.ID, "Fit-out")
	before := snapshot(t, db)
	in := d.Input()
	in.Title = ""
	in.Amount = -5
	_, err := db.UpdateDeal(ctx, db.Sales.ID, d.ID, in)
	wantFieldErr(t, err, "title")
	wantFieldErr(t, err, "amount")
	_, err = db.MoveDeal(ctx, db.Sales.ID, d.ID, stageBy(t, p, data.StatusLost, 0).ID, "")
	wantFieldErr(t, err, "lost_reason")
	other, err := db.CreatePipeline(ctx, db.Admin.ID, "Other")
	if err != nil {
		t.Fatal(err)
	}
	before["changes"]++ // the pipeline
	_, err = db.MoveDeal(ctx, db.Sales.ID, d.ID, other.Stages[0].ID, "")
	wantFieldErr(t, err, "stage")
	sameSnapshot(t, db, before)
	got, err := db.Store.Deal(ctx, db.Sales.ID, d.ID)
	if err != nil || got.StageID != d.StageID || !got.UpdatedAt.Equal(d.UpdatedAt) || got.Title != "Fit-out" {
		t.Fatalf("deal changed by refused writes: %+v, %v", got, err)
	}
}

func TestLineValidation(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	d := db.Deal(t, db.Sales.ID, "Chairs")
	good := data.LineInput{Name: "Chair", Price: 10000, Quantity: 1000, TaxRate: 2000}
	if _, err := db.SetLines(ctx, db.Sales.ID, d.ID, []data.LineInput{good}); err != nil {
		t.Fatal(err)
	}
	d, _ = db.Store.Deal(ctx, db.Sales.ID, d.ID)
	mod := func(f func(*data.LineInput)) []data.LineInput {
		l := good
		f(&l)
		return []data.LineInput{good, l}
	}
	for _, tc := range []struct {
		name  string
		lines []data.LineInput
		field string
	}{
		{"zero quantity", mod(func(l *data.LineInput) { l.Quantity = 0 }), "lines[1].quantity"},
		{"negative quantity", mod(func(l *data.LineInput) { l.Quantity = -1000 }), "lines[1].quantity"},
		{"discount over 100 %", mod(func(l *data.LineInput) { l.Discount = 10001 }), "lines[1].discount"},
		{"negative discount", mod(func(l *data.LineInput) { l.Discount = -1 }), "lines[1].discount"},
		{"discount over the unit price", mod(func(l *data.LineInput) {
			l.DiscountKind, l.Discount = data.DiscountAmount, 10001
		}), "lines[1].discount"},
		{"tax rate over 100 %", mod(func(l *data.LineInput) { l.TaxRate = 10001 }), "lines[1].tax_rate"},
		{"negative tax rate", mod(func(l *data.LineInput) { l.TaxRate = -1 }), "lines[1].tax_rate"},
		{"no name", mod(func(l *data.LineInput) { l.Name = " " }), "lines[1].name"},
		{"negative price", mod(func(l *data.LineInput) { l.Price = -1 }), "lines[1].price"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, db)
			_, err := db.SetLines(ctx, db.Sales.ID, d.ID, tc.lines)
			wantFieldErr(t, err, tc.field)
			sameSnapshot(t, db, before)
			got, _ := db.Store.Deal(ctx, db.Sales.ID, d.ID)
			if got.Amount != d.Amount {
				t.Fatalf("amount %d → %d after a refused write", d.Amount, got.Amount)
			}
		})
	}
}

func TestProductValidation(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	before := countRows(t, db, "products")
	_, err := db.SaveProduct(ctx, db.Admin.ID, 0, data.ProductInput{Name: "Desk", Price: 100, TaxRate: 10001})
	wantFieldErr(t, err, "tax_rate")
	_, err = db.SaveProduct(ctx, db.Admin.ID, 0, data.ProductInput{Name: "Desk", Price: 100, Currency: "ABC"})
	wantFieldErr(t, err, "currency")
	_, err = db.SaveProduct(ctx, db.Admin.ID, 0, data.ProductInput{Name: "", Price: -1})
	wantFieldErr(t, err, "name")
	wantFieldErr(t, err, "price")
	if _, err := db.SaveProduct(ctx, db.Sales.ID, 0, data.ProductInput{Name: "Desk", Price: 100}); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("sales edits the catalog: %v", err)
	}
	if after := countRows(t, db, "products"); after != before {
		t.Fatalf("products %d → %d", before, after)
	}
}

func TestConfigurationIsForAdmins(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	p := db.Pipeline(t)
	actions := map[string]func(actor int64) error{
		"create pipeline": func(a int64) error { _, err := db.CreatePipeline(ctx, a, "P"); return err },
		"rename pipeline": func(a int64) error { return db.RenamePipeline(ctx, a, p.ID, "Renamed") },
		"add stage": func(a int64) error {
			_, err := db.AddStage(ctx, a, p.ID, 1, data.StageInput{Name: "Qualified", Probability: 15})
			return err
		},
		"update stage": func(a int64) error {
			st := p.Stages[0]
			_, err := db.UpdateStage(ctx, a, st.ID, data.StageInput{Name: "Fresh", Color: st.Color, Probability: 12, Semantics: st.Semantics})
			return err
		},
		"move stage": func(a int64) error { return db.MoveStage(ctx, a, p.Stages[1].ID, 2) },
		"save field": func(a int64) error {
			_, err := db.SaveFieldDef(ctx, a, data.FieldDef{Entity: data.EntityDeal, Key: "k", Label: "K", Type: data.FieldText})
			return err
		},
		"create employee": func(a int64) error {
			_, err := db.CreateEmployee(ctx, a, data.EmployeeInput{Name: "New", Email: "new@comptoir.test", Role: data.RoleSales, Active: true})
			return err
		},
		"promote employee": func(a int64) error {
			_, err := db.UpdateEmployee(ctx, a, db.Sales2.ID, data.EmployeeInput{Name: "Samuel Sales", Email: "sales2@comptoir.test", Role: data.RoleManager, Active: true})
			return err
		},
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range actions {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			for _, who := range []data.Employee{db.Manager, db.Sales} {
				before := countRows(t, db, "changes")
				if err := actions[name](who.ID); !errors.Is(err, data.ErrForbidden) {
					t.Fatalf("%s (%s): %v, want ErrForbidden", name, who.Role, err)
				}
				if after := countRows(t, db, "changes"); after != before {
					t.Fatalf("%s (%s) wrote something", name, who.Role)
				}
			}
			if err := actions[name](db.Admin.ID); err != nil {
				t.Fatalf("%s as admin: %v", name, err)
			}
		})
	}
	// Deleting a field definition and an (empty) stage too.
	defs, _ := db.FieldDefs(ctx, db.Admin.ID, data.EntityDeal)
	if err := db.DeleteFieldDef(ctx, db.Manager.ID, defs[0].ID); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("manager deletes a field: %v", err)
	}
	if err := db.DeleteFieldDef(ctx, db.Admin.ID, defs[0].ID); err != nil {
		t.Fatal(err)
	}
	p = db.Pipeline(t)
	if err := db.DeleteStage(ctx, db.Sales.ID, p.Stages[1].ID); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("sales deletes a stage: %v", err)
	}
}

func TestDealPermissions(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	stranger, err := db.CreateEmployee(ctx, db.Admin.ID, data.EmployeeInput{Name: "Stella Stranger", Email: "s3@comptoir.test", Role: data.RoleSales, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Printer fleet", Observers: []int64{db.Sales2.ID}})
	if err != nil {
		t.Fatal(err)
	}
	p := db.Pipeline(t)
	for i, who := range []data.Employee{db.Sales, db.Manager, db.Admin} {
		in := d.Input()
		in.Title = "Printer fleet v" + string(rune('1'+i))
		if _, err := db.UpdateDeal(ctx, who.ID, d.ID, in); err != nil {
			t.Fatalf("%s edits the deal: %v", who.Role, err)
		}
	}
	// The observer reads but cannot edit.
	if _, err := db.Store.Deal(ctx, db.Sales2.ID, d.ID); err != nil {
		t.Fatalf("observer reads: %v", err)
	}
	if _, err := db.Timeline(ctx, db.Sales2.ID, d.ID, data.TimelineCursor{}, 10); err != nil {
		t.Fatalf("observer reads the timeline: %v", err)
	}
	before := snapshot(t, db)
	in := d.Input()
	in.Title = "Hijacked"
	if _, err := db.UpdateDeal(ctx, db.Sales2.ID, d.ID, in); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("observer updates: %v, want ErrForbidden", err)
	}
	if _, err := db.MoveDeal(ctx, db.Sales2.ID, d.ID, p.Stages[1].ID, ""); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("observer moves: %v, want ErrForbidden", err)
	}
	if _, err := db.SetLines(ctx, db.Sales2.ID, d.ID, []data.LineInput{{Name: "x", Quantity: 1000, Price: 1}}); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("observer sets lines: %v, want ErrForbidden", err)
	}
	if err := db.DeleteDeal(ctx, db.Sales2.ID, d.ID); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("observer deletes: %v, want ErrForbidden", err)
	}
	// A sales employee with no link to the deal does not even see it.
	if _, err := db.Store.Deal(ctx, stranger.ID, d.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("stranger reads: %v, want ErrNotFound", err)
	}
	if _, err := db.UpdateDeal(ctx, stranger.ID, d.ID, in); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("stranger updates: %v, want ErrNotFound", err)
	}
	if _, err := db.MoveDeal(ctx, stranger.ID, d.ID, p.Stages[1].ID, ""); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("stranger moves: %v, want ErrNotFound", err)
	}
	if _, err := db.AddComment(ctx, stranger.ID, d.ID, "hello"); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("stranger comments: %v, want ErrNotFound", err)
	}
	sameSnapshot(t, db, before)
	// An inactive employee may do nothing, not even on their own deal.
	if _, err := db.UpdateEmployee(ctx, db.Admin.ID, db.Sales.ID, data.EmployeeInput{Name: "Sophie Vente", Email: "sales@comptoir.test", Role: data.RoleSales}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateDeal(ctx, db.Sales.ID, d.ID, in); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("inactive responsible updates: %v, want ErrForbidden", err)
	}
}

func TestSalesSeesOwnAndObservedDeals(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	p := db.Pipeline(t)
	own := db.Deal(t, db.Sales.ID, "Own deal")
	observed, err := db.CreateDeal(ctx, db.Sales2.ID, data.DealInput{Title: "Observed deal", Observers: []int64{db.Sales.ID}, Amount: 700})
	if err != nil {
		t.Fatal(err)
	}
	hidden := db.Deal(t, db.Sales2.ID, "Hidden deal")
	managers := db.Deal(t, db.Manager.ID, "Managers deal")
	if _, err := db.MoveDeal(ctx, db.Sales.ID, own.ID, p.Stages[1].ID, ""); err != nil {
		t.Fatal(err)
	}
	want := []int64{own.ID, observed.ID}
	slices.Sort(want)

	cols, err := db.Board(ctx, db.Sales.ID, p.ID, data.BoardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var onBoard []int64
	total := 0
	for _, c := range cols {
		for _, card := range c.Cards {
			onBoard = append(onBoard, card.ID)
		}
		total += c.Count
	}
	slices.Sort(onBoard)
	if !slices.Equal(onBoard, want) || total != 2 {
		t.Fatalf("sales board shows %v (count %d), want %v", onBoard, total, want)
	}
	if cols[0].Count != 1 || len(cols[0].Totals) != 1 || cols[0].Totals[0].Amount != 700 {
		t.Fatalf("sales board first column: %+v", cols[0])
	}
	mine, err := db.Board(ctx, db.Sales.ID, p.ID, data.BoardOptions{OnlyMine: true})
	if err != nil {
		t.Fatal(err)
	}
	if mine[0].Count != 0 || mine[1].Count != 1 || len(mine[1].Cards) != 1 || mine[1].Cards[0].ID != own.ID {
		t.Fatalf("only-mine board: %+v", mine[:2])
	}

	rows, err := db.DealList(ctx, db.Sales.ID, data.DealFilter{}, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	var listed []int64
	for _, r := range rows {
		listed = append(listed, r.ID)
	}
	slices.Sort(listed)
	if !slices.Equal(listed, want) {
		t.Fatalf("sales list shows %v, want %v", listed, want)
	}

	hits, err := db.Search(ctx, db.Sales.ID, "deal", 50)
	if err != nil {
		t.Fatal(err)
	}
	var found []int64
	for _, h := range hits {
		if h.Kind == data.KindDeal {
			found = append(found, h.ID)
		}
	}
	slices.Sort(found)
	if !slices.Equal(found, want) {
		t.Fatalf("sales search finds %v, want %v", found, want)
	}
	// The manager sees all four.
	all, err := db.Search(ctx, db.Manager.ID, "deal", 50)
	if err != nil || len(all) != 4 {
		t.Fatalf("manager search: %d hits, %v (hidden %d, managers %d)", len(all), err, hidden.ID, managers.ID)
	}
}

// entries returns a deal's timeline, oldest first.
func timelineOf(t *testing.T, db *datatest.DB, id int64) []data.Entry {
	ctx := context.Background()
	t.Helper()
	es, err := db.Timeline(ctx, db.Admin.ID, id, data.TimelineCursor{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(es)
	return es
}

func TestAuditTrail(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	p := db.Pipeline(t)
	won, lost := stageBy(t, p, data.StatusWon, 0), stageBy(t, p, data.StatusLost, 0)
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Boiler", Amount: 10000, Probability: ptr(35)})
	if err != nil {
		t.Fatal(err)
	}
	if es := timelineOf(t, db, d.ID); len(es) != 1 || es[0].Kind != data.EntryCreated {
		t.Fatalf("after create: %+v", es)
	}

	// Two fields change: two entries, each with old and new.
	db.Clock.Advance(60_000_000_000)
	in := d.Input()
	in.Title, in.Amount = "Boiler and pipes", 12550
	if _, err := db.UpdateDeal(ctx, db.Sales.ID, d.ID, in); err != nil {
		t.Fatal(err)
	}
	es := timelineOf(t, db, d.ID)
	fields := map[string]data.Entry{}
	for _, e := range es[1:] {
		if e.Kind != data.EntryField {
			t.Fatalf("unexpected entry %+v", e)
		}
		fields[e.Data.(data.FieldData).Field] = e
	}
	if len(es) != 3 || fields["title"].Data != (data.FieldData{Field: "title", Old: "Boiler", New: "Boiler and pipes"}) ||
		fields["amount"].Data != (data.FieldData{Field: "amount", Old: "100.00 EUR", New: "125.50 EUR"}) {
		t.Fatalf("field entries: %+v", es)
	}
	if fields["title"].AuthorID != db.Sales.ID {
		t.Fatalf("author %d, want %d", fields["title"].AuthorID, db.Sales.ID)
	}
	// Saving unchanged fields writes nothing.
	d, _ = db.Store.Deal(ctx, db.Sales.ID, d.ID)
	if _, err := db.UpdateDeal(ctx, db.Sales.ID, d.ID, d.Input()); err != nil {
		t.Fatal(err)
	}
	if n := len(timelineOf(t, db, d.ID)); n != 3 {
		t.Fatalf("a save without change wrote %d entries", n-3)
	}

	// A stage move keeps the probability override.
	d, err = db.MoveDeal(ctx, db.Sales.ID, d.ID, p.Stages[2].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	es = timelineOf(t, db, d.ID)
	last := es[len(es)-1]
	if sd, _ := last.Data.(data.StageData); last.Kind != data.EntryStage || sd.From != p.Stages[0].Name || sd.To != p.Stages[2].Name ||
		sd.FromID != p.Stages[0].ID || sd.ToID != p.Stages[2].ID {
		t.Fatalf("stage entry: %+v", last)
	}
	if d.Probability == nil || *d.Probability != 35 || d.EffectiveProbability() != 35 {
		t.Fatalf("probability after move: %v", d.Probability)
	}

	// Won: closed time set.
	db.Clock.Advance(3600_000_000_000)
	d, err = db.MoveDeal(ctx, db.Sales.ID, d.ID, won.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if !d.ClosedAt.Equal(db.Clock.Now()) || d.Status != data.StatusWon {
		t.Fatalf("won: closed at %v, status %s", d.ClosedAt, d.Status)
	}
	if es = timelineOf(t, db, d.ID); es[len(es)-1].Kind != data.EntryWon {
		t.Fatalf("won entry: %+v", es[len(es)-1])
	}

	// Lost, with the reason in the entry.
	d, err = db.MoveDeal(ctx, db.Sales.ID, d.ID, lost.ID, "  Price too high ")
	if err != nil {
		t.Fatal(err)
	}
	es = timelineOf(t, db, d.ID)
	last = es[len(es)-1]
	if d.LostReason != "Price too high" || d.ClosedAt.IsZero() || last.Kind != data.EntryLost || last.Text != "Price too high" || last.Data.(data.StageData).Reason != "Price too high" {
		t.Fatalf("lost: %+v / %+v", d, last)
	}

	// Reopen: closed time and reason cleared, override still there.
	d, err = db.MoveDeal(ctx, db.Sales.ID, d.ID, p.Stages[1].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	es = timelineOf(t, db, d.ID)
	if !d.ClosedAt.IsZero() || d.LostReason != "" || d.Status != data.StatusOpen || es[len(es)-1].Kind != data.EntryReopened {
		t.Fatalf("reopen: %+v / %+v", d, es[len(es)-1])
	}
	if d.Probability == nil || *d.Probability != 35 {
		t.Fatalf("probability after reopen: %v", d.Probability)
	}

	// A stage change through UpdateDeal is audited the same way and keeps
	// the override too.
	in = d.Input()
	in.StageID = won.ID
	d, err = db.UpdateDeal(ctx, db.Sales.ID, d.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	es = timelineOf(t, db, d.ID)
	if d.ClosedAt.IsZero() || es[len(es)-1].Kind != data.EntryWon || d.Probability == nil || *d.Probability != 35 {
		t.Fatalf("won through update: %+v / %+v", d, es[len(es)-1])
	}
}

func TestChangePipelineThroughUpdate(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	other, err := db.CreatePipeline(ctx, db.Admin.ID, "Partners")
	if err != nil {
		t.Fatal(err)
	}
	d := db.Deal(t, db.Sales.ID, "Moving house")
	in := d.Input()
	in.PipelineID, in.StageID = other.ID, 0
	d, err = db.UpdateDeal(ctx, db.Sales.ID, d.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if d.PipelineID != other.ID || d.StageID != other.Stages[0].ID || d.PipelineName != "Partners" {
		t.Fatalf("after pipeline change: pipeline %d stage %d", d.PipelineID, d.StageID)
	}
	es := timelineOf(t, db, d.ID)
	var kinds []data.EntryKind
	for _, e := range es {
		kinds = append(kinds, e.Kind)
	}
	if !slices.Contains(kinds, data.EntryStage) || !slices.Contains(kinds, data.EntryField) {
		t.Fatalf("entries after pipeline change: %v", kinds)
	}
}

// TestDefaultPipelineLanguage: the default stages follow Bitrix24's, named
// in the language of the person who creates the database, and so are the
// stages of a pipeline added later.
func TestDefaultPipelineLanguage(t *testing.T) {
	ctx := context.Background()
	for lang, want := range map[string][]string{
		"fr": {"Nouvelle", "Préparation des documents", "Facture", "En cours", "Facture finale", "Affaire gagnée", "Affaire perdue"},
		"en": {"New", "Preparing documents", "Invoice", "In progress", "Final invoice", "Deal won", "Deal lost"},
	} {
		db := datatest.OpenLang(t, lang)
		first := db.Pipeline(t)
		added, err := db.CreatePipeline(ctx, db.Admin.ID, "Second")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []data.Pipeline{first, added} {
			var names []string
			var sems []data.Semantics
			for _, st := range p.Stages {
				names = append(names, st.Name)
				sems = append(sems, st.Semantics)
			}
			if !slices.Equal(names, want) {
				t.Errorf("%s pipeline %q: %q", lang, p.Name, names)
			}
			if sems[4] != data.StatusOpen || sems[5] != data.StatusWon || sems[6] != data.StatusLost {
				t.Errorf("%s semantics %v", lang, sems)
			}
		}
	}
}
