package data_test

import (
	"context"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// TestReportsFollowADealsLife: the report summaries agree with the same
// reports counted deal by deal after every write of a deal's life — to the
// trash and back, a bulk move and reassignment, a copy, a client deleted
// with its deals, the purge.
func TestReportsFollowADealsLife(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	ids := bulkFixture(t, db, 30, 5)
	p := db.Pipeline(t)
	year := data.Period{From: "2026-01-01", To: "2026-12-31"}
	check := func(step string) {
		t.Helper()
		t.Run(step, func(t *testing.T) {
			compareReports(t, db.Store, db.Admin.ID, []data.ReportFilter{{Period: year}, {Period: year, PipelineID: p.ID},
				{Period: year, EmployeeID: db.Sales.ID}})
			compareSummaries(t, db.Store)
		})
	}
	check("loaded")
	for _, id := range ids[:4] {
		if err := db.DeleteDeal(ctx, db.Admin.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	check("deleted")
	if _, err := db.RestoreDeal(ctx, db.Admin.ID, ids[0]); err != nil {
		t.Fatal(err)
	}
	check("restored")
	won := stageBy(t, p, data.StatusWon, 0)
	if _, err := db.BulkDeals(ctx, db.Admin.ID, ids[4:14], data.BulkAction{Kind: data.BulkToStage, StageID: won.ID}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BulkDeals(ctx, db.Admin.ID, ids[10:20], data.BulkAction{Kind: data.BulkReassign, EmployeeID: db.Sales2.ID}, nil); err != nil {
		t.Fatal(err)
	}
	check("bulk")
	if _, err := db.DuplicateDeal(ctx, db.Admin.ID, ids[5], data.DuplicateOptions{Repeat: true}); err != nil {
		t.Fatal(err)
	}
	check("repeated")
	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Leaving client"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[20:23] {
		d, _ := db.Store.Deal(ctx, db.Admin.ID, id)
		in := d.Input()
		in.ContactID = c.ID
		if _, err := db.UpdateDeal(ctx, db.Admin.ID, id, in); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteContact(ctx, db.Admin.ID, c.ID, data.ClientDealsTrash); err != nil {
		t.Fatal(err)
	}
	check("client deleted with its deals")
	db.Clock.Advance((data.TrashDays*24 + 1) * time.Hour)
	if _, err := db.PurgeTrash(ctx); err != nil {
		t.Fatal(err)
	}
	check("purged")
}
