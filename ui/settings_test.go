package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/data/datatest"
)

// A required number field defined in data/ shows on the deal form, and its
// validation error shows under it; nothing is saved until it is valid.
func TestCustomFieldOnDealForm(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	if _, err := db.SaveFieldDef(ctx, db.Admin.ID, data.FieldDef{Entity: data.EntityDeal, Key: "seats", Label: "Seats", Type: data.FieldNumber, Required: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveFieldDef(ctx, db.Admin.ID, data.FieldDef{Entity: data.EntityDeal, Key: "size", Label: "Size", Type: data.FieldList, Options: []string{"S", "M", "L"}}); err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Admin)
	onUI(a, func() { a.newDeal(data.DealInput{}) })
	f := newestForm(a)
	waitFor(t, a, "the form", func() bool { return f.loaded })
	var seats *widget.Entry
	onUI(a, func() {
		cf, ok := f.custom["seats"]
		if !ok {
			t.Fatal("no widget for the custom field")
		}
		seats = cf.widget.(*widget.Entry)
		if _, ok := f.custom["size"].widget.(*widget.Select); !ok {
			t.Errorf("a list field is a %T, want a select", f.custom["size"].widget)
		}
		test.Type(f.title, "Conference room")
		test.Type(seats, "many")
		test.Tap(f.save)
	})
	waitFor(t, a, "the custom field error", func() bool { return f.errLabel("custom.seats").Visible() })
	onUI(a, func() {
		if got := f.errLabel("custom.seats").Text; got != "Not a number." {
			t.Errorf("error under the field = %q", got)
		}
		if f.Deal.ID != 0 {
			t.Error("saved with an invalid custom field")
		}
	})
	onUI(a, func() {
		seats.SetText("")
		test.Type(seats, "12")
		f.custom["size"].set("M")
		test.Tap(f.save)
	})
	var id int64
	waitFor(t, a, "the save", func() bool { id = f.Deal.ID; return id != 0 })
	d, err := db.Store.Deal(ctx, db.Admin.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Custom["seats"] != "12" || d.Custom["size"] != "M" {
		t.Fatalf("custom = %v", d.Custom)
	}
}

// Settings: an admin adds a stage; a salesperson sees the stages without a
// button to change them.
func TestSettingsStagesByRole(t *testing.T) {
	db := datatest.Open(t)
	a := startTest(t, db, db.Admin)
	var s *settingsScreen
	onUI(a, func() { s = newSettingsScreen(a) })
	waitFor(t, a, "the stages", func() bool { return len(s.stages.Objects) > 0 })
	p := db.Pipeline(t)
	var d *stageForm
	onUI(a, func() {
		d = s.stageDialog(p, data.Stage{Semantics: data.StatusOpen, Color: "#39a8ef"}, 1)
		test.Tap(d.save) // no name
	})
	waitFor(t, a, "the name error", func() bool { return d.errs["name"].Visible() })
	onUI(a, func() {
		test.Type(d.name, "Site visit")
		test.Tap(d.save)
	})
	waitFor(t, a, "the new stage", func() bool { return len(s.stages.Objects) == len(p.Stages)+1 })
	if got := db.Pipeline(t).Stages[1].Name; got != "Site visit" {
		t.Fatalf("stage 1 = %q, want the new stage", got)
	}

	b := startTest(t, db, db.Sales)
	var ss *settingsScreen
	onUI(b, func() { ss = newSettingsScreen(b) })
	waitFor(t, b, "the stages", func() bool { return len(ss.stages.Objects) > 0 })
	onUI(b, func() {
		if ss.admin() {
			t.Fatal("a salesperson may configure")
		}
		for _, row := range ss.stages.Objects {
			// a row is a border: its right part holds only the info label
			for _, o := range row.(*fyne.Container).Objects {
				if c, ok := o.(*fyne.Container); ok && len(c.Objects) > 1 {
					t.Fatal("a salesperson sees stage buttons")
				}
			}
		}
	})
}
