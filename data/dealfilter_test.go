package data_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// filterDeal is what the filter fixture wrote of a deal, to compute by hand
// what a filter keeps.
type filterDeal struct {
	id          int64
	title       string
	amount      int64
	currency    string
	responsible int64
	observers   []int64
	stage       data.Stage
	closeDate   string
	created     time.Time
	source      data.Source
	overdue     bool
	custom      map[string]string
}

type filterFixture struct {
	*datatest.DB
	deals []filterDeal
	loc   *time.Location
}

// newFilterFixture loads 240 deals with every kind of value the filters
// read, drawn at random (seeded).
func newFilterFixture(t *testing.T) *filterFixture {
	t.Helper()
	db := datatest.Open(t)
	ctx := context.Background()
	for _, d := range []data.FieldDef{
		{Key: "surface", Label: "Surface", Type: data.FieldNumber},
		{Key: "budget", Label: "Budget", Type: data.FieldMoney},
		{Key: "visit", Label: "Visit", Type: data.FieldDate},
		{Key: "region", Label: "Region", Type: data.FieldList, Options: []string{"Nord", "Sud", "Est"}},
		{Key: "vip", Label: "VIP", Type: data.FieldBool},
		{Key: "note", Label: "Note", Type: data.FieldText},
	} {
		d.Entity = data.EntityDeal
		if _, err := db.SaveFieldDef(ctx, db.Admin.ID, d); err != nil {
			t.Fatal(err)
		}
	}
	seller, err := db.Seller(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := &filterFixture{DB: db, loc: seller.Location()}
	p := db.Pipeline(t)
	rng := rand.New(rand.NewPCG(15, 15))
	now := db.Clock.Now()
	err = db.Bulk(ctx, db.Admin.ID, func(b *data.BulkTx) error {
		for i := 0; i < 240; i++ {
			st := p.Stages[rng.IntN(len(p.Stages))]
			fd := filterDeal{title: fmt.Sprintf("Deal %03d", i), amount: int64(rng.IntN(50)) * 1000, currency: []string{"EUR", "EUR", "USD"}[rng.IntN(3)],
				responsible: []int64{db.Sales.ID, db.Sales2.ID, db.Manager.ID}[rng.IntN(3)], stage: st,
				created: now.Add(-time.Duration(rng.IntN(60*24)) * time.Hour), source: []data.Source{data.SourceManual, data.SourceEmail, data.SourceCall}[rng.IntN(3)],
				custom: map[string]string{}}
			if rng.IntN(4) == 0 && fd.responsible != db.Sales.ID {
				fd.observers = []int64{db.Sales.ID}
			}
			if rng.IntN(3) > 0 {
				fd.closeDate = now.AddDate(0, 0, rng.IntN(90)-30).Format(time.DateOnly)
			}
			if rng.IntN(4) > 0 {
				fd.custom["surface"] = strconv.Itoa(rng.IntN(300)) + []string{"", ".5"}[rng.IntN(2)]
			}
			if rng.IntN(2) == 0 {
				fd.custom["budget"] = fmt.Sprintf("%d.%02d EUR", rng.IntN(9000), rng.IntN(100))
			}
			if rng.IntN(2) == 0 {
				fd.custom["visit"] = now.AddDate(0, 0, rng.IntN(60)-30).Format(time.DateOnly)
			}
			if rng.IntN(3) > 0 {
				fd.custom["region"] = []string{"Nord", "Sud", "Est"}[rng.IntN(3)]
			}
			if rng.IntN(3) > 0 {
				fd.custom["vip"] = []string{"true", "false"}[rng.IntN(2)]
			}
			if rng.IntN(3) == 0 {
				fd.custom["note"] = []string{"Prefers mornings", "Call the 100% owner", "Has a_dog"}[rng.IntN(3)]
			}
			in := data.BulkDeal{DealInput: data.DealInput{Title: fd.title, PipelineID: p.ID, StageID: st.ID, Amount: fd.amount,
				Currency: fd.currency, ResponsibleID: fd.responsible, Observers: fd.observers, CloseDate: fd.closeDate,
				Source: fd.source, Custom: fd.custom}, CreatedAt: fd.created}
			if st.Semantics == data.StatusLost {
				in.LostReason = "Too dear"
			}
			id, err := b.Deal(in)
			if err != nil {
				return err
			}
			fd.id = id
			switch rng.IntN(4) {
			case 0: // overdue
				fd.overdue = true
				if err := b.Activity(id, db.Admin.ID, data.ActivityInput{Kind: data.ActivityCall, Subject: "Late", DueAt: now.Add(-time.Hour)}, time.Time{}, "", time.Time{}); err != nil {
					return err
				}
			case 1: // due later
				if err := b.Activity(id, db.Admin.ID, data.ActivityInput{Kind: data.ActivityCall, Subject: "Soon", DueAt: now.Add(time.Hour)}, time.Time{}, "", time.Time{}); err != nil {
					return err
				}
			case 2: // late but done
				if err := b.Activity(id, db.Admin.ID, data.ActivityInput{Kind: data.ActivityCall, Subject: "Done", DueAt: now.Add(-48 * time.Hour)}, now.Add(-24*time.Hour), "ok", time.Time{}); err != nil {
					return err
				}
			}
			f.deals = append(f.deals, fd)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func int64p(n int64) *int64 { return &n }
func boolp(b bool) *bool    { return &b }

// keeps computes by hand whether the filter keeps a deal for the employee.
func (f *filterFixture) keeps(me data.Employee, fl data.DealFilter, d filterDeal) bool {
	if me.Role == data.RoleSales && d.responsible != me.ID && !slices.Contains(d.observers, me.ID) {
		return false
	}
	if fl.OnlyMine && d.responsible != me.ID {
		return false
	}
	c := fl.DealConditions
	num := func(s string) float64 {
		v, _ := strconv.ParseFloat(strings.Fields(s + " x")[0], 64)
		return v
	}
	switch {
	case fl.StageID != 0 && d.stage.ID != fl.StageID,
		fl.Status != "" && d.stage.Semantics != fl.Status,
		fl.ResponsibleID != 0 && d.responsible != fl.ResponsibleID,
		c.AmountMin != nil && d.amount < *c.AmountMin,
		c.AmountMax != nil && d.amount > *c.AmountMax,
		c.Currency != "" && d.currency != c.Currency,
		c.CloseFrom != "" && (d.closeDate == "" || d.closeDate < c.CloseFrom),
		c.CloseTo != "" && (d.closeDate == "" || d.closeDate > c.CloseTo),
		c.CreatedFrom != "" && d.created.In(f.loc).Format(time.DateOnly) < c.CreatedFrom,
		c.CreatedTo != "" && d.created.In(f.loc).Format(time.DateOnly) > c.CreatedTo,
		c.Source != "" && d.source != c.Source,
		c.Overdue && !d.overdue:
		return false
	}
	for _, cc := range c.Custom {
		v, set := d.custom[cc.Key]
		switch cc.Key {
		case "surface", "budget":
			if !set || (cc.Min != "" && num(v) < num(cc.Min)) || (cc.Max != "" && num(v) > num(cc.Max)) {
				return false
			}
		case "visit":
			if !set || (cc.Min != "" && v < cc.Min) || (cc.Max != "" && v > cc.Max) {
				return false
			}
		case "region":
			if !slices.Contains(cc.Values, v) {
				return false
			}
		case "vip":
			if (v == "true") != *cc.Yes {
				return false
			}
		case "note":
			if !strings.Contains(strings.ToLower(v), strings.ToLower(cc.Values[0])) {
				return false
			}
		}
	}
	return true
}

func (f *filterFixture) cases(t *testing.T) []data.DealFilter {
	p := f.Pipeline(t)
	now := f.Clock.Now()
	day := func(d int) string { return now.AddDate(0, 0, d).In(f.loc).Format(time.DateOnly) }
	c := func(cs data.DealConditions) data.DealFilter {
		return data.DealFilter{PipelineID: p.ID, DealConditions: cs}
	}
	openSouthEast := c(data.DealConditions{Custom: []data.CustomCondition{{Key: "region", Values: []string{"Sud", "Est"}}}})
	openSouthEast.Status = data.StatusOpen
	mine := c(data.DealConditions{Overdue: true})
	mine.OnlyMine = true
	return []data.DealFilter{
		c(data.DealConditions{AmountMin: int64p(10000), AmountMax: int64p(30000)}),
		c(data.DealConditions{AmountMin: int64p(40000), Currency: "USD"}),
		c(data.DealConditions{CloseFrom: day(-5), CloseTo: day(20)}),
		c(data.DealConditions{CreatedFrom: day(-20), CreatedTo: day(-10)}),
		c(data.DealConditions{Source: data.SourceEmail}),
		c(data.DealConditions{Overdue: true}),
		c(data.DealConditions{Custom: []data.CustomCondition{{Key: "surface", Min: "50", Max: "150.5"}}}),
		c(data.DealConditions{Custom: []data.CustomCondition{{Key: "budget", Min: "1000"}}}),
		c(data.DealConditions{Custom: []data.CustomCondition{{Key: "visit", Min: day(-10), Max: day(10)}}}),
		openSouthEast,
		c(data.DealConditions{Custom: []data.CustomCondition{{Key: "vip", Yes: boolp(true)}}}),
		c(data.DealConditions{Custom: []data.CustomCondition{{Key: "vip", Yes: boolp(false)}}}),
		c(data.DealConditions{Custom: []data.CustomCondition{{Key: "note", Values: []string{"100%"}}}}),
		c(data.DealConditions{Custom: []data.CustomCondition{{Key: "note", Values: []string{"A_D"}}}}),
		c(data.DealConditions{Overdue: true, Custom: []data.CustomCondition{{Key: "surface", Min: "10"}, {Key: "region", Values: []string{"Nord"}}}}),
		mine,
	}
}

// listAll reads every page of the list.
func listAll(t *testing.T, db *datatest.DB, actor int64, fl data.DealFilter) []data.ListRow {
	t.Helper()
	var all []data.ListRow
	var after *data.ListCursorValue
	for {
		rows, err := db.DealList(context.Background(), actor, fl, after, 7)
		if err != nil {
			t.Fatalf("list %+v: %v", fl, err)
		}
		all = append(all, rows...)
		if len(rows) < 7 {
			return all
		}
		last := rows[len(rows)-1]
		after = &data.ListCursorValue{Key: last.SortKey, ID: last.ID}
	}
}

// TestFiltersKeepWhatTheyDescribe: every condition, alone and together,
// read page by page in three sorts, by a manager and a sales employee, both
// ways a condition is read (its deals by id, or the sort order walked),
// keeps the deals a hand-written check keeps; the count, the ids of "select
// all" and the board agree.
func TestFiltersKeepWhatTheyDescribe(t *testing.T) {
	f := newFilterFixture(t)
	ctx := context.Background()
	for _, mode := range []struct {
		name  string
		limit int
	}{{"by id", 0}, {"walking the sort", 1}} {
		restore := data.SetDriverLimit(mode.limit)
		for i, fl := range f.cases(t) {
			for _, me := range []data.Employee{f.Manager, f.Sales} {
				var want []int64
				for _, d := range f.deals {
					if f.keeps(me, fl, d) {
						want = append(want, d.id)
					}
				}
				if len(want) == 0 {
					t.Logf("case %d keeps no deal for %s", i, me.Email)
				}
				for _, sort := range []data.DealSort{data.SortUpdated, data.SortTitle, data.SortAmount, data.SortStage} {
					fl.Sort, fl.Descending = sort, sort != data.SortTitle
					rows := listAll(t, f.DB, me.ID, fl)
					got := make([]int64, len(rows))
					for j, r := range rows {
						got[j] = r.ID
					}
					if !slices.Equal(slices.Sorted(slices.Values(got)), want) {
						t.Errorf("%s, case %d, %s, sort %s: %d deals, want %d\ngot  %v\nwant %v", mode.name, i, me.Email, sort, len(got), len(want), got, want)
					}
				}
				n, err := f.DealCount(ctx, me.ID, fl)
				if err != nil || n != len(want) {
					t.Errorf("%s, case %d, %s: count %d (%v), want %d", mode.name, i, me.Email, n, err, len(want))
				}
				ids, err := f.DealIDs(ctx, me.ID, fl, 10000)
				if err != nil || !slices.Equal(ids, want) {
					t.Errorf("%s, case %d, %s: ids %v (%v), want %v", mode.name, i, me.Email, ids, err, want)
				}
				cols, err := f.Board(ctx, me.ID, fl.PipelineID, data.BoardOptions{Filter: fl, OnlyMine: fl.OnlyMine, Cards: 500})
				if err != nil {
					t.Fatal(err)
				}
				total := 0
				for _, c := range cols {
					total += c.Count
					if len(c.Cards) != c.Count {
						t.Errorf("%s, case %d: column %s counts %d, shows %d", mode.name, i, c.Stage.Name, c.Count, len(c.Cards))
					}
					for _, card := range c.Cards {
						if !slices.Contains(want, card.ID) || card.StageID != c.Stage.ID {
							t.Errorf("%s, case %d: card %d in %s", mode.name, i, card.ID, c.Stage.Name)
						}
					}
				}
				if total != len(want) {
					t.Errorf("%s, case %d, %s: the board counts %d, want %d", mode.name, i, me.Email, total, len(want))
				}
			}
		}
		restore()
	}
}

// TestFilterValuesAreCheckedByField: a value that is not what its field
// holds is refused naming the field, as the forms name them.
func TestFilterValuesAreCheckedByField(t *testing.T) {
	f := newFilterFixture(t)
	ctx := context.Background()
	for field, cs := range map[string]data.DealConditions{
		"custom.surface": {Custom: []data.CustomCondition{{Key: "surface", Min: "lots"}}},
		"custom.visit":   {Custom: []data.CustomCondition{{Key: "visit", Max: "31/12/2026"}}},
		"custom.region":  {Custom: []data.CustomCondition{{Key: "region", Values: []string{"Ouest"}}}},
		"custom.nope":    {Custom: []data.CustomCondition{{Key: "nope", Values: []string{"x"}}}},
		"close_from":     {CloseFrom: "tomorrow"},
		"created_to":     {CreatedTo: "2026-13-01"},
		"amount":         {AmountMin: int64p(10), AmountMax: int64p(5)},
		"source":         {Source: "fax"},
	} {
		_, err := f.DealList(ctx, f.Admin.ID, data.DealFilter{DealConditions: cs}, nil, 10)
		wantFieldErr(t, err, field)
	}
}

// TestSavedFiltersOwnerPinAndShare: a filter is saved by name, pinned,
// read back as it was; only an admin shares, and a shared filter is seen
// (and pinned) by everyone but changed by its owner or an admin alone.
func TestSavedFiltersOwnerPinAndShare(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	fl := data.DealFilter{Status: data.StatusOpen, DealConditions: data.DealConditions{AmountMin: int64p(500000), Overdue: true,
		Custom: []data.CustomCondition{}}}
	mine, err := db.SaveFilter(ctx, db.Sales.ID, data.SavedFilterInput{Name: "Big and late", Filter: fl, Pinned: true})
	if err != nil {
		t.Fatal(err)
	}
	if !mine.Pinned || mine.OwnerID != db.Sales.ID || !mine.Filter.Same(fl) {
		t.Errorf("saved %+v", mine)
	}
	_, err = db.SaveFilter(ctx, db.Sales.ID, data.SavedFilterInput{Name: "big AND late", Filter: fl})
	wantFieldErr(t, err, "name")
	if _, err := db.SaveFilter(ctx, db.Sales.ID, data.SavedFilterInput{Name: "Everyone's", Filter: fl, Shared: true}); !errors.Is(err, data.ErrForbidden) {
		t.Errorf("sales shared a filter: %v", err)
	}
	shared, err := db.SaveFilter(ctx, db.Admin.ID, data.SavedFilterInput{Name: "Won this year", Shared: true,
		Filter: data.DealFilter{Status: data.StatusWon, DealConditions: data.DealConditions{CreatedFrom: "2026-01-01"}}})
	if err != nil {
		t.Fatal(err)
	}
	list, err := db.SavedFilters(ctx, db.Sales2.ID)
	if err != nil || len(list) != 1 || list[0].ID != shared.ID || list[0].Pinned {
		t.Fatalf("a colleague sees %+v (%v)", list, err)
	}
	if err := db.PinFilter(ctx, db.Sales2.ID, shared.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := db.PinFilter(ctx, db.Sales2.ID, mine.ID, true); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("pinned someone's private filter: %v", err)
	}
	if _, err := db.SaveFilter(ctx, db.Sales2.ID, data.SavedFilterInput{ID: shared.ID, Name: "Mine now", Shared: false}); !errors.Is(err, data.ErrForbidden) {
		t.Errorf("a colleague changed a shared filter: %v", err)
	}
	if err := db.DeleteFilter(ctx, db.Sales2.ID, shared.ID); !errors.Is(err, data.ErrForbidden) {
		t.Errorf("a colleague deleted a shared filter: %v", err)
	}
	list, _ = db.SavedFilters(ctx, db.Sales.ID)
	if len(list) != 2 || list[0].ID != mine.ID || !list[0].Pinned || list[1].Pinned {
		t.Errorf("the owner's list (pinned first) %+v", list)
	}
	if list, _ := db.SavedFilters(ctx, db.Sales2.ID); len(list) != 1 || !list[0].Pinned {
		t.Errorf("the colleague's pin %+v", list)
	}
	if err := db.DeleteFilter(ctx, db.Sales.ID, mine.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.SavedFilters(ctx, db.Sales.ID); len(list) != 1 {
		t.Errorf("after delete %+v", list)
	}
	// a filter's conditions are checked when saved
	_, err = db.SaveFilter(ctx, db.Sales.ID, data.SavedFilterInput{Name: "Bad", Filter: data.DealFilter{DealConditions: data.DealConditions{CloseTo: "soon"}}})
	wantFieldErr(t, err, "close_to")
}
