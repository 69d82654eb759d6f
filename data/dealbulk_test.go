package data_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// bulkFixture loads n deals for the first sales employee, of which the
// last `observed` are another's deals the first only observes.
func bulkFixture(t testing.TB, db *datatest.DB, n, observed int) []int64 {
	t.Helper()
	ids := make([]int64, 0, n)
	err := db.Bulk(context.Background(), db.Admin.ID, func(b *data.BulkTx) error {
		for i := 0; i < n; i++ {
			in := data.BulkDeal{DealInput: data.DealInput{Title: fmt.Sprintf("Deal %04d", i), ResponsibleID: db.Sales.ID, Amount: int64(i) * 100}}
			if i >= n-observed {
				in.ResponsibleID = db.Manager.ID
				in.Observers = []int64{db.Sales.ID}
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
	return ids
}

// TestBulkReassign500With3Refused: a sales employee reassigns 500 deals,
// three of which they only observe; those are refused with their reason,
// the rest reassigned with a timeline entry each, in one transaction.
func TestBulkReassign500With3Refused(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	ids := bulkFixture(t, db, 500, 3)
	changesBefore := countRows(t, db, "changes")
	var calls []int
	res, err := db.BulkDeals(ctx, db.Sales.ID, ids, data.BulkAction{Kind: data.BulkReassign, EmployeeID: db.Sales2.ID},
		func(done, total int) { calls = append(calls, done) })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Done) != 497 || len(res.Refused) != 3 {
		t.Fatalf("%d done, %d refused; want 497 and 3", len(res.Done), len(res.Refused))
	}
	for _, r := range res.Refused {
		if r.Code != data.RefusedReadOnly || !slices.Contains(ids[497:], r.DealID) || r.Title == "" {
			t.Errorf("refusal %+v", r)
		}
	}
	if !slices.Equal(calls, []int{0, 100, 200, 300, 400, 500}) {
		t.Errorf("progress told %v", calls)
	}
	n, err := db.DealCount(ctx, db.Admin.ID, data.DealFilter{ResponsibleID: db.Sales2.ID, DealConditions: data.DealConditions{Currency: "EUR"}})
	if err != nil || n != 497 {
		t.Errorf("%d deals reassigned (%v), want 497", n, err)
	}
	es, _ := db.Timeline(ctx, db.Sales2.ID, ids[0], data.TimelineCursor{}, 1)
	if len(es) != 1 || es[0].Kind != data.EntryField || es[0].Author != db.Sales.Name {
		t.Errorf("reassigned deal's last entry %+v", es)
	}
	// one commit: every change is told in one notification
	if got := countRows(t, db, "changes") - changesBefore; got != 497 {
		t.Errorf("%d change rows for 497 deals changed", got)
	}
	// the refused are untouched
	d, _ := db.Store.Deal(ctx, db.Admin.ID, ids[499])
	if d.ResponsibleID != db.Manager.ID {
		t.Errorf("refused deal reassigned to %d", d.ResponsibleID)
	}
}

// TestBulkMoveAsksTheLostReasonOnceAndChecksPipelines: moving to a lost
// stage needs one reason for all; a deal of another pipeline is refused.
func TestBulkMoveAsksTheLostReasonOnceAndChecksPipelines(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	ids := bulkFixture(t, db, 20, 0)
	other, err := db.CreatePipeline(ctx, db.Admin.ID, "Partners")
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Elsewhere", PipelineID: other.ID})
	if err != nil {
		t.Fatal(err)
	}
	lost := stageBy(t, db.Pipeline(t), data.StatusLost, 0)
	all := append(slices.Clone(ids), elsewhere.ID, 999999)
	_, err = db.BulkDeals(ctx, db.Admin.ID, all, data.BulkAction{Kind: data.BulkToStage, StageID: lost.ID}, nil)
	wantFieldErr(t, err, "lost_reason")
	res, err := db.BulkDeals(ctx, db.Admin.ID, all, data.BulkAction{Kind: data.BulkToStage, StageID: lost.ID, LostReason: "Budget cut"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Done) != 20 || len(res.Refused) != 2 {
		t.Fatalf("result %+v", res)
	}
	codes := map[int64]string{}
	for _, r := range res.Refused {
		codes[r.DealID] = r.Code
	}
	if codes[elsewhere.ID] != data.RefusedWrongPipeline || codes[999999] != data.RefusedNotFound {
		t.Errorf("refusals %v", codes)
	}
	d, _ := db.Store.Deal(ctx, db.Admin.ID, ids[3])
	if d.StageID != lost.ID || d.LostReason != "Budget cut" || d.ClosedAt.IsZero() {
		t.Errorf("moved deal %+v", d)
	}
	es, _ := db.Timeline(ctx, db.Admin.ID, ids[3], data.TimelineCursor{}, 1)
	if len(es) != 1 || es[0].Kind != data.EntryLost || es[0].Text != "Budget cut" {
		t.Errorf("moved deal's entry %+v", es)
	}
	// observers, then delete: all in the trash
	if res, err := db.BulkDeals(ctx, db.Admin.ID, ids[:5], data.BulkAction{Kind: data.BulkAddObserver, EmployeeID: db.Sales2.ID}, nil); err != nil || len(res.Done) != 5 {
		t.Fatalf("observe: %+v %v", res, err)
	}
	if got, _ := db.Store.Deal(ctx, db.Sales2.ID, ids[0]); !slices.Contains(got.Observers, db.Sales2.ID) {
		t.Errorf("observer not added: %+v", got.Observers)
	}
	if res, err := db.BulkDeals(ctx, db.Admin.ID, ids[:5], data.BulkAction{Kind: data.BulkRemoveObserver, EmployeeID: db.Sales2.ID}, nil); err != nil || len(res.Done) != 5 {
		t.Fatalf("unobserve: %+v %v", res, err)
	}
	if _, err := db.Store.Deal(ctx, db.Sales2.ID, ids[0]); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("removed observer still reads the deal: %v", err)
	}
	if res, err := db.BulkDeals(ctx, db.Admin.ID, ids, data.BulkAction{Kind: data.BulkDelete}, nil); err != nil || len(res.Done) != 20 {
		t.Fatalf("delete: %+v %v", res, err)
	}
	if items, _ := db.Trash(ctx, db.Admin.ID, 100); len(items) != 20 {
		t.Errorf("%d in the trash, want 20", len(items))
	}
}

// BenchmarkBulkMove10k moves 10,000 deals to another stage in one action
// (the bound: 2 s).
func BenchmarkBulkMove10k(b *testing.B) {
	db := datatest.Open(b)
	ctx := context.Background()
	ids := bulkFixture(b, db, 10000, 0)
	p := db.Pipeline(b)
	stages := []int64{p.Stages[1].ID, p.Stages[2].ID}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		res, err := db.BulkDeals(ctx, db.Admin.ID, ids, data.BulkAction{Kind: data.BulkToStage, StageID: stages[i%2]}, nil)
		if err != nil || len(res.Done) != len(ids) {
			b.Fatalf("%d moved, %v", len(res.Done), err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/10k")
	}
}

// TestDuplicateAndRepeatDeal: a copy has the client, lines and custom
// fields, not the timeline; a repeat deal follows a closed deal only.
func TestDuplicateAndRepeatDeal(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	d := richDeal(t, db, db.Sales.ID, "Office chairs")
	cp, err := db.DuplicateDeal(ctx, db.Sales.ID, d.ID, data.DuplicateOptions{CopySuffix: " (copie)"})
	if err != nil {
		t.Fatal(err)
	}
	if cp.Title != "Office chairs (copie)" || cp.ContactID != d.ContactID || cp.Amount != d.Amount || cp.Custom["site"] != "Lyon" ||
		cp.StageID != d.StageID || cp.ResponsibleID != db.Sales.ID {
		t.Errorf("copy %+v of %+v", cp, d)
	}
	st := stateOf(t, db, db.Sales.ID, cp.ID)
	if st.lines != 1 || st.files != 0 || st.acts != 0 || st.entries != 2 {
		t.Errorf("copy has %+v, want 1 line, no file, no activity, created+copied entries", st)
	}
	other, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Second client"})
	if err != nil {
		t.Fatal(err)
	}
	cp2, err := db.DuplicateDeal(ctx, db.Sales.ID, d.ID, data.DuplicateOptions{Client: &data.DealClient{ContactID: other.ID}})
	if err != nil || cp2.ContactID != other.ID || cp2.Title != "Office chairs (copy)" {
		t.Fatalf("copy for another client %+v, %v", cp2, err)
	}
	// an observer's copy is theirs
	if _, err := db.BulkDeals(ctx, db.Sales.ID, []int64{d.ID}, data.BulkAction{Kind: data.BulkAddObserver, EmployeeID: db.Sales2.ID}, nil); err != nil {
		t.Fatal(err)
	}
	cp3, err := db.DuplicateDeal(ctx, db.Sales2.ID, d.ID, data.DuplicateOptions{})
	if err != nil || cp3.ResponsibleID != db.Sales2.ID {
		t.Fatalf("observer's copy %+v, %v", cp3, err)
	}
	_, err = db.DuplicateDeal(ctx, db.Sales.ID, d.ID, data.DuplicateOptions{Repeat: true})
	wantFieldErr(t, err, "stage")
	won := stageBy(t, db.Pipeline(t), data.StatusWon, 0)
	if _, err := db.MoveDeal(ctx, db.Sales.ID, d.ID, won.ID, ""); err != nil {
		t.Fatal(err)
	}
	rep, err := db.DuplicateDeal(ctx, db.Sales.ID, d.ID, data.DuplicateOptions{Repeat: true})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := db.Pipeline(t).FirstOpen()
	if rep.Title != d.Title || rep.StageID != first.ID || rep.Status != data.StatusOpen || rep.ContactID != d.ContactID {
		t.Errorf("repeat deal %+v", rep)
	}
}
