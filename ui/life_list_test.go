package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/data/datatest"
)

// loadDeals writes n deals for the first sales employee with Bulk; the last
// `observed` are a manager's deals that employee only observes.
func loadDeals(t *testing.T, db *datatest.DB, n, observed int) []int64 {
	t.Helper()
	var ids []int64
	err := db.Bulk(context.Background(), db.Admin.ID, func(b *data.BulkTx) error {
		for i := 0; i < n; i++ {
			in := data.BulkDeal{DealInput: data.DealInput{Title: fmt.Sprintf("Deal %03d", i), ResponsibleID: db.Sales.ID, Amount: int64(i+1) * 10000}}
			if i >= n-observed {
				in.ResponsibleID, in.Observers = db.Manager.ID, []int64{db.Sales.ID}
			}
			id, err := b.Deal(in)
			ids = append(ids, id)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// showList switches the Deals screen to its list and waits for rows.
func showList(t *testing.T, a *App) *listView {
	t.Helper()
	s := a.main.deals
	onUI(a, func() { s.viewSelect.SetSelected("List") })
	waitFor(t, a, "the list", func() bool { return len(s.list.rows) > 0 })
	return s.list
}

// TestBulkReassign500DealsWith3Refused: "select all matching" takes the 500
// deals of the list (more than a page), the reassignment shows what was
// done and the three deals the employee only observes, refused with why.
func TestBulkReassign500DealsWith3Refused(t *testing.T) {
	db := datatest.Open(t)
	loadDeals(t, db, 500, 3)
	a := startTest(t, db, db.Sales)
	l := showList(t, a)
	onUI(a, func() { l.table.OnSelected(widget.TableCellID{Row: 0, Col: 0}) }) // a tick in the first column
	waitFor(t, a, "the bulk bar", func() bool { return l.bulk.root.Visible() && l.bulk.all.Visible() })
	onUI(a, func() { test.Tap(l.bulk.all) })
	waitFor(t, a, "all 500 selected", func() bool { return l.sel.all && l.sel.size() == 500 })
	onUI(a, func() {
		if l.bulk.count.Text != "Selected: 500" {
			t.Errorf("bar says %q", l.bulk.count.Text)
		}
		l.bulk.askEmployee(data.BulkReassign)
	})
	pick := l.bulk.pick
	onUI(a, func() {
		pick.choice.SetSelected(db.Sales2.Name)
		test.Tap(pick.ok)
	})
	waitFor(t, a, "the result", func() bool { return l.bulk.result != nil })
	res := l.bulk.result
	onUI(a, func() {
		if !strings.Contains(res.summary.Text, "497 deals done, 3 refused") {
			t.Errorf("summary %q", res.summary.Text)
		}
		if len(res.refused) != 3 || !strings.Contains(res.refused[0], "you observe this deal") {
			t.Errorf("refused %q", res.refused)
		}
		if l.sel.size() != 3 {
			t.Errorf("%d still selected, want the 3 refused", l.sel.size())
		}
	})
	n, err := db.DealCount(context.Background(), db.Admin.ID, data.DealFilter{ResponsibleID: db.Sales2.ID})
	if err != nil || n != 497 {
		t.Errorf("%d deals reassigned (%v)", n, err)
	}
	// the list follows: the sales employee sees the 3 they observe
	waitFor(t, a, "the list to follow", func() bool { return len(l.rows) == 3 })
}

// TestFilterBoardAndListThenSavedFilterAfterRestart: the Filters dialog's
// conditions narrow the board and the list alike; saved and pinned, the
// filter is there after a restart, and a wrong value is shown at its field.
func TestFilterBoardAndListThenSavedFilterAfterRestart(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	if _, err := db.SaveFieldDef(ctx, db.Admin.ID, data.FieldDef{Entity: data.EntityDeal, Key: "surface", Label: "Surface", Type: data.FieldNumber}); err != nil {
		t.Fatal(err)
	}
	ids := loadDeals(t, db, 12, 0)
	for i, id := range ids[:6] {
		d, _ := db.Store.Deal(ctx, db.Admin.ID, id)
		in := d.Input()
		in.Custom = map[string]string{"surface": fmt.Sprint(100 + i*10)}
		if _, err := db.UpdateDeal(ctx, db.Admin.ID, id, in); err != nil {
			t.Fatal(err)
		}
	}
	first, _ := db.Pipeline(t).FirstOpen()
	a := startTest(t, db, db.Manager)
	s := a.main.deals
	waitFor(t, a, "the board", func() bool { c := s.board.column(first.ID); return c != nil && c.count == 12 })

	onUI(a, func() { test.Tap(s.filters.open) })
	ff := s.filters.form
	waitFor(t, a, "the dialog's fields", func() bool { return ff.custom["surface"] != nil })
	onUI(a, func() {
		test.Type(ff.custom["surface"].min, "lots")
		test.Tap(ff.apply)
	})
	waitFor(t, a, "the field's error", func() bool { return ff.errs["custom.surface"].Visible() })
	onUI(a, func() {
		ff.custom["surface"].min.SetText("120")
		ff.amountMax.SetText("500")
		test.Tap(ff.apply)
	})
	// surface ≥ 120: deals 2..5 (130 → 150); amount ≤ 500.00: deals 0..4
	waitFor(t, a, "the board to narrow", func() bool { c := s.board.column(first.ID); return c != nil && c.count == 3 && len(c.cards) == 3 })
	l := showList(t, a)
	waitFor(t, a, "the list to narrow", func() bool { return len(l.rows) == 3 })
	onUI(a, func() {
		if !strings.Contains(s.filters.open.Text, "2") {
			t.Errorf("the Filters button says %q, want its 2 conditions", s.filters.open.Text)
		}
		s.filters.save = newSaveFilterDialog(s.filters, s.filters.current())
	})
	sd := s.filters.save
	onUI(a, func() {
		test.Type(sd.name, "Big surfaces")
		test.Tap(sd.ok)
	})
	waitFor(t, a, "the pinned chip", func() bool { return len(s.filters.chips.Objects) == 1 })

	// a restart: another window over the same file
	onUI(a, a.closeAll)
	b := startTest(t, db, db.Manager)
	s2 := b.main.deals
	waitFor(t, b, "the saved filter's chip", func() bool { return s2.filters != nil && len(s2.filters.chips.Objects) == 1 })
	onUI(b, func() {
		if conditionCount(s2.cond) != 0 {
			t.Errorf("a new device starts filtered: %+v", s2.cond)
		}
		test.Tap(s2.filters.chips.Objects[0].(fyne.Tappable))
	})
	waitFor(t, b, "the filtered board", func() bool { c := s2.board.column(first.ID); return c != nil && c.count == 3 })
	// the device remembers the filter in use
	if got := b.FyneApp.Preferences().Int(prefDealFilter); got == 0 {
		t.Error("the filter in use is not remembered")
	}
}

// TestDuplicateFromTheForm: the ⋮ menu copies the deal, with its client,
// and opens the copy.
func TestDuplicateFromTheForm(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	c, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Hélène Blanc"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Kitchen", ContactID: c.ID, Amount: 480000})
	if err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales)
	f := openForm(t, a, d.ID)
	onUI(a, func() { test.Tap(f.actions) })
	onUI(a, func() { tapMenuItem(t, f.win.Canvas(), 0) })
	waitFor(t, a, "the duplicate dialog", func() bool { return f.lifeDialog != nil && f.lifeDialog.title != nil })
	onUI(a, func() {
		if f.lifeDialog.title.Text != "Kitchen (copy)" {
			t.Errorf("copy's title %q", f.lifeDialog.title.Text)
		}
		test.Tap(f.lifeDialog.confirm)
	})
	var cp *DealForm
	waitFor(t, a, "the copy's form", func() bool { cp = newestForm(a); return cp != nil && cp != f && cp.loaded })
	onUI(a, func() {
		if cp.Deal.Title != "Kitchen (copy)" || cp.Deal.ContactID != c.ID || cp.Deal.Amount != 480000 {
			t.Errorf("copy %+v", cp.Deal)
		}
	})
}
