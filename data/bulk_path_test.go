package data_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// TestBulkDealPath: a deal loaded with its stage history gets one timeline
// entry per move, of the kind a move would write, and how far it got; a
// history that does not hold together is refused, naming the path.
func TestBulkDealPath(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	p := db.Pipeline(t)
	other, err := db.CreatePipeline(ctx, db.Admin.ID, "Partners")
	must(t, err)
	st := func(name string) int64 { return stageNamed(t, p, name).ID }
	at := func(h int) time.Time { return datatest.Start.Add(time.Duration(h) * time.Hour) }
	load := func(in data.BulkDeal) (int64, error) {
		var id int64
		err := db.Bulk(ctx, db.Admin.ID, func(b *data.BulkTx) error {
			var err error
			id, err = b.Deal(in)
			return err
		})
		return id, err
	}
	base := func(stage string, path ...data.BulkMove) data.BulkDeal {
		return data.BulkDeal{DealInput: data.DealInput{Title: "Loaded", PipelineID: p.ID, StageID: st(stage), Amount: 100, LostReason: "Price"},
			CreatedAt: at(-10), Path: path}
	}
	id, err := load(base("Deal won",
		data.BulkMove{StageID: st("Invoice"), At: at(-9)},
		data.BulkMove{StageID: st("Deal lost"), At: at(-8), LostReason: "Timing"},
		data.BulkMove{StageID: st("Preparing documents"), At: at(-7)},
		data.BulkMove{StageID: st("Deal won"), At: at(-6)}))
	must(t, err)
	es, err := db.Timeline(ctx, db.Admin.ID, id, data.TimelineCursor{}, 10)
	must(t, err)
	var kinds []data.EntryKind
	for _, e := range es {
		kinds = append(kinds, e.Kind)
	}
	slices.Reverse(kinds)
	if !slices.Equal(kinds, []data.EntryKind{data.EntryCreated, data.EntryStage, data.EntryLost, data.EntryReopened, data.EntryWon}) {
		t.Errorf("entries %v", kinds)
	}
	d, err := db.Store.Deal(ctx, db.Admin.ID, id)
	must(t, err)
	if !d.ClosedAt.Equal(at(-6)) || d.LostReason != "" {
		t.Errorf("closed at %v, reason %q", d.ClosedAt, d.LostReason)
	}
	fu, err := db.Funnel(ctx, db.Admin.ID, data.ReportFilter{PipelineID: p.ID, Period: data.Period{From: "2026-11-11", To: "2026-11-12"}})
	must(t, err)
	if fu.Won.Count != 1 || fu.Stages[4].Reached.Count != 1 {
		t.Errorf("funnel of the loaded deal: won %d", fu.Won.Count)
	}
	for name, in := range map[string]data.BulkDeal{
		"another pipeline's stage": base("Invoice", data.BulkMove{StageID: stageNamed(t, other, "Invoice").ID, At: at(-9)}),
		"a move to where it is":    base("Invoice", data.BulkMove{StageID: st("New"), At: at(-9)}, data.BulkMove{StageID: st("Invoice"), At: at(-8)}),
		"out of order":             base("Invoice", data.BulkMove{StageID: st("Preparing documents"), At: at(-8)}, data.BulkMove{StageID: st("Invoice"), At: at(-9)}),
		"before the creation":      base("Invoice", data.BulkMove{StageID: st("Invoice"), At: at(-11)}),
		"ending elsewhere":         base("Invoice", data.BulkMove{StageID: st("Preparing documents"), At: at(-9)}),
		"lost without a reason":    base("Invoice", data.BulkMove{StageID: st("Deal lost"), At: at(-9)}, data.BulkMove{StageID: st("Invoice"), At: at(-8)}),
	} {
		if _, err := load(in); data.FieldErrors(err) == nil || data.FieldErrors(err).Field("path") == nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
