package data_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

func TestSnapshotSeesOneMomentAsOneEmployee(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	mine := db.Deal(t, db.Sales.ID, "Mine")
	theirs := db.Deal(t, db.Sales2.ID, "Theirs")
	observed, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Observed", ResponsibleID: db.Sales2.ID, Observers: []int64{db.Sales.ID}})
	if err != nil {
		t.Fatal(err)
	}

	sn, err := db.Snapshot(ctx, db.Sales.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	ids, err := sn.DealIDs(0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []int64{mine.ID, observed.ID}) {
		t.Errorf("sales sees %v, want %v", ids, []int64{mine.ID, observed.ID})
	}
	if _, err := sn.Deal(theirs.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("someone else's deal: %v, want not found", err)
	}
	// Keyset pages.
	if page, _ := sn.DealIDs(mine.ID, 1); !slices.Equal(page, []int64{observed.ID}) {
		t.Errorf("page after %d: %v", mine.ID, page)
	}

	// A write after the snapshot began is not in it.
	if _, err := sn.DealIDs(0, 1); err != nil {
		t.Fatal(err)
	}
	late := db.Deal(t, db.Sales.ID, "Late")
	if _, err := db.AddComment(ctx, db.Sales.ID, mine.ID, "after the snapshot"); err != nil {
		t.Fatal(err)
	}
	ids, _ = sn.DealIDs(0, 100)
	if slices.Contains(ids, late.ID) {
		t.Errorf("the snapshot sees a deal created after it began")
	}
	tl, err := sn.Timeline(mine.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl) != 1 || tl[0].Kind != data.EntryCreated {
		t.Errorf("timeline %v, want only the creation", tl)
	}

	// An inactive employee reads nothing.
	in := data.EmployeeInput{Name: db.Sales2.Name, Email: db.Sales2.Email, Role: db.Sales2.Role, Active: false}
	if _, err := db.UpdateEmployee(ctx, db.Admin.ID, db.Sales2.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Snapshot(ctx, db.Sales2.ID); !errors.Is(err, data.ErrForbidden) {
		t.Errorf("inactive employee: %v, want forbidden", err)
	}
}

func TestSnapshotTimelineIsOldestFirstAcrossPages(t *testing.T) {
	ctx := context.Background()
	db := datatest.Open(t)
	d := db.Deal(t, db.Admin.ID, "Long history")
	for i := range 1200 {
		db.Clock.Advance(1)
		if _, err := db.AddComment(ctx, db.Admin.ID, d.ID, "comment "+string(rune('a'+i%26))); err != nil {
			t.Fatal(err)
		}
	}
	sn, err := db.Snapshot(ctx, db.Admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	tl, err := sn.Timeline(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl) != 1201 || tl[0].Kind != data.EntryCreated {
		t.Fatalf("%d entries, first %v", len(tl), tl[0].Kind)
	}
	for i := 1; i < len(tl); i++ {
		if tl[i].At.Before(tl[i-1].At) || tl[i].ID <= tl[i-1].ID {
			t.Fatalf("entry %d is not after entry %d", i, i-1)
		}
	}
}
