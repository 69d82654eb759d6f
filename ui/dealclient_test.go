package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"comptoir/data"
	"comptoir/data/datatest"
)

// Two quick taps on Create make one contact: the button is disabled while
// the first is being saved, and what is saved is read on the UI goroutine.
func TestDealClientCreateTwiceMakesOneContact(t *testing.T) {
	db := datatest.Open(t)
	a := startTest(t, db, db.Admin)
	var f *DealForm
	onUI(a, func() { f = openDealForm(a, 0, data.DealInput{}) })
	waitFor(t, a, "the deal form", func() bool { return f.client != nil })
	c := f.client
	onUI(a, func() { test.Tap(c.newPerson) })
	waitFor(t, a, "the new contact dialog", func() bool { return c.createBtn != nil })
	onUI(a, func() {
		c.createName.SetText("Zebulon Doubletap")
		test.Tap(c.createBtn)
		test.Tap(c.createBtn)
	})
	waitFor(t, a, "the contact chosen", func() bool { return c.contactID != 0 })
	waitIdle(a)
	hits, err := db.Search(context.Background(), db.Admin.ID, "Doubletap", 10)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, h := range hits {
		if h.Kind == data.KindContact {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("two taps made %d contacts, want 1 (%+v)", n, hits)
	}
	var enabled bool
	onUI(a, func() { enabled = !c.createBtn.Disabled() })
	if !enabled {
		t.Fatal("the Create button stays disabled after the save")
	}
}
