package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/ui/widgets"
)

func TestNewDealFromPlusAppearsInItsColumn(t *testing.T) {
	db := datatest.Open(t)
	a := startTest(t, db, db.Admin)
	first, _ := db.Pipeline(t).FirstOpen()

	onUI(a, func() { test.Tap(a.main.plus) })
	onUI(a, func() { tapMenuItem(t, a.Win.Canvas(), 0) }) // New deal
	var f *DealForm
	waitFor(t, a, "the new deal form", func() bool { f = newestForm(a); return f != nil && f.loaded })
	onUI(a, func() {
		test.Type(f.title, "Forty chairs for the town hall")
		test.Type(f.amount, "1234.50")
		test.Tap(f.save)
	})
	var id int64
	waitFor(t, a, "the deal to be saved", func() bool { id = f.Deal.ID; return id != 0 })
	d, err := db.Store.Deal(context.Background(), db.Admin.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Forty chairs for the town hall" || d.Amount != 123450 || d.StageID != first.ID {
		t.Fatalf("saved deal = %q %d in stage %d, want the typed title, 123450 in stage %d", d.Title, d.Amount, d.StageID, first.ID)
	}
	waitFor(t, a, "the card in the first column", func() bool { return cardIn(a.main.deals.board, first.ID, d.ID) })
}

func TestStageBarMovesAndTimelineRecordsIt(t *testing.T) {
	db := datatest.Open(t)
	d := db.Deal(t, db.Admin.ID, "Boiler replacement")
	p := db.Pipeline(t)
	a := startTest(t, db, db.Admin)
	onUI(a, func() { a.openDeal(d.ID) })
	f := a.dealForm(d.ID)
	waitFor(t, a, "the form", func() bool { return f.loaded && f.bar.view.Len() > 2 })
	second := p.Stages[1]
	onUI(a, func() { test.Tap(f.bar.view.Segment(1)) })
	waitFor(t, a, "the move", func() bool { return f.Deal.StageID == second.ID })
	entries, err := db.Timeline(context.Background(), db.Admin.ID, d.ID, data.TimelineCursor{}, 20)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if e.Kind == data.EntryStage {
			found = true
		}
	}
	if !found {
		t.Fatalf("no stage entry in the timeline: %+v", entries)
	}
	waitFor(t, a, "the card to change column", func() bool { return cardIn(a.main.deals.board, second.ID, d.ID) })
}

func TestLostNeedsAReason(t *testing.T) {
	db := datatest.Open(t)
	d := db.Deal(t, db.Admin.ID, "Office move")
	a := startTest(t, db, db.Admin)
	onUI(a, func() { a.openDeal(d.ID) })
	f := a.dealForm(d.ID)
	waitFor(t, a, "the form", func() bool { return f.loaded && f.bar.view.Len() > 0 })
	onUI(a, func() { test.Tap(f.bar.view.Segment(f.bar.view.Len() - 1)) }) // "Close deal"
	var lostBtn int = -1
	p := db.Pipeline(t)
	onUI(a, func() {
		finals := 0
		for _, st := range p.Stages {
			if st.Semantics == data.StatusOpen {
				continue
			}
			if st.Semantics == data.StatusLost {
				lostBtn = finals
			}
			finals++
		}
		if lostBtn < 0 || lostBtn >= len(f.bar.closeBtns) {
			t.Fatalf("no lost button among %d", len(f.bar.closeBtns))
		}
		a.lost = nil
		test.Tap(f.bar.closeBtns[lostBtn])
	})
	waitFor(t, a, "the lost dialog", func() bool { return a.lost != nil })
	ld := a.lost
	onUI(a, func() { test.Tap(ld.ok) })
	waitFor(t, a, "the refusal", func() bool { return ld.err.Visible() && ld.err.Text != "" })
	onUI(a, func() {
		if ld.closed {
			t.Error("the lost dialog closed on a refusal")
		}
	})
	got, _ := db.Store.Deal(context.Background(), db.Admin.ID, d.ID)
	if got.Status != data.StatusOpen {
		t.Fatalf("deal closed without a reason: %s", got.Status)
	}
	onUI(a, func() {
		test.Type(ld.reason, "Went with a cheaper offer")
		test.Tap(ld.ok)
	})
	// the form learns it from the move or from the change event, whichever
	// comes first; the dialog closes when the move returns
	waitFor(t, a, "the deal to close and the dialog to go", func() bool { return f.Deal.Status == data.StatusLost && ld.closed })
	got, _ = db.Store.Deal(context.Background(), db.Admin.ID, d.ID)
	if got.Status != data.StatusLost || got.LostReason != "Went with a cheaper offer" {
		t.Fatalf("deal = %s %q, want lost with the reason", got.Status, got.LostReason)
	}
}

func TestObserverSeesTheFormReadOnly(t *testing.T) {
	db := datatest.Open(t)
	d, err := db.CreateDeal(context.Background(), db.Sales.ID, data.DealInput{Title: "Roof repair", Observers: []int64{db.Sales2.ID}})
	if err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales2)
	onUI(a, func() { a.openDeal(d.ID) })
	f := a.dealForm(d.ID)
	waitFor(t, a, "the form", func() bool { return f.loaded })
	onUI(a, func() {
		if !f.ReadOnly() || !f.title.Disabled() || f.save.Visible() {
			t.Errorf("observer can edit: readOnly=%v titleDisabled=%v saveVisible=%v", f.ReadOnly(), f.title.Disabled(), f.save.Visible())
		}
		if !f.banner.Visible() {
			t.Error("no banner saying why the form is read-only")
		}
		for i := range f.bar.view.Len() {
			if f.bar.view.Segment(i).OnTapped != nil {
				t.Error("the observer can tap the stage bar")
			}
		}
		test.Type(f.title, "changed")
		f.doSave()
	})
	waitIdle(a)
	got, _ := db.Store.Deal(context.Background(), db.Sales.ID, d.ID)
	if got.Title != "Roof repair" {
		t.Fatalf("title changed to %q by an observer", got.Title)
	}
}

func TestValidationErrorShownNextToFieldNothingSaved(t *testing.T) {
	db := datatest.Open(t)
	a := startTest(t, db, db.Admin)
	onUI(a, func() { a.newDeal(data.DealInput{}) })
	f := newestForm(a)
	waitFor(t, a, "the form", func() bool { return f.loaded })
	onUI(a, func() {
		test.Type(f.amount, "100")
		test.Tap(f.save) // no title
	})
	waitFor(t, a, "the title error", func() bool { return f.errLabel("title").Visible() && f.errLabel("title").Text != "" })
	onUI(a, func() {
		if f.Deal.ID != 0 {
			t.Error("the form saved an invalid deal")
		}
		test.Type(f.title, "Paint job")
		f.amount.SetText("twelve")
		test.Tap(f.save)
		if !f.errLabel("amount").Visible() {
			t.Error("no error under the amount")
		}
	})
	waitIdle(a)
	rows, err := db.DealList(context.Background(), db.Admin.ID, data.DealFilter{}, nil, 10)
	if err != nil || len(rows) != 0 {
		t.Fatalf("deals in the database: %d (%v), want none", len(rows), err)
	}
	onUI(a, func() { f.amount.SetText("12"); test.Tap(f.save) })
	waitFor(t, a, "the valid save", func() bool { return f.Deal.ID != 0 })
	onUI(a, func() {
		if f.errLabel("title").Visible() || f.errLabel("amount").Visible() {
			t.Error("errors still shown after a valid save")
		}
	})
}

func TestSearchNarrowsTheList(t *testing.T) {
	db := datatest.Open(t)
	for _, title := range []string{"Alpha kitchen", "Beta garage", "Gamma attic", "Alpha bathroom"} {
		db.Deal(t, db.Admin.ID, title)
	}
	a := startTest(t, db, db.Admin)
	s := a.main.deals
	onUI(a, func() { s.viewSelect.SetSelected("List") })
	waitFor(t, a, "the full list", func() bool { return len(s.list.rows) == 4 })
	onUI(a, func() { test.Type(s.list.search, "alpha") })
	waitFor(t, a, "the narrowed list", func() bool { return len(s.list.rows) == 2 })
	onUI(a, func() {
		for _, r := range s.list.rows {
			if r.Title != "Alpha kitchen" && r.Title != "Alpha bathroom" {
				t.Errorf("row %q does not match", r.Title)
			}
		}
		// the global search finds deals too
		test.Type(a.main.search, "gamm")
	})
	waitFor(t, a, "the global search", func() bool { return len(a.main.searchHits) == 1 && a.main.searchHits[0].Title == "Gamma attic" })
	onUI(a, func() {
		if !a.main.searchPanel.Visible() {
			t.Error("no results panel")
		}
		a.main.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if a.main.searchPanel.Visible() || a.main.search.Text != "" {
			t.Error("Escape did not close the search")
		}
	})
}

func TestListSortsByHeader(t *testing.T) {
	db := datatest.Open(t)
	for _, title := range []string{"b", "c", "a"} {
		db.Deal(t, db.Admin.ID, title)
	}
	a := startTest(t, db, db.Admin)
	s := a.main.deals
	onUI(a, func() { s.viewSelect.SetSelected("List"); s.list.sortBy(data.SortTitle) })
	waitFor(t, a, "sorted rows", func() bool {
		return len(s.list.rows) == 3 && s.list.rows[0].Title == "a" && s.list.rows[2].Title == "c"
	})
	onUI(a, func() { s.list.sortBy(data.SortTitle) })
	waitFor(t, a, "reversed rows", func() bool { return len(s.list.rows) == 3 && s.list.rows[0].Title == "c" })
}

func TestBoardFollowsChangesFromElsewhere(t *testing.T) {
	db := datatest.Open(t)
	a := startTest(t, db, db.Admin)
	first, _ := db.Pipeline(t).FirstOpen()
	// through data/ in this process
	d := db.Deal(t, db.Manager.ID, "Written by another window")
	waitFor(t, a, "the deal written in-process", func() bool { return cardIn(a.main.deals.board, first.ID, d.ID) })

	// through a second Store on the same file: another process
	go db.Store.Watch(a.Ctx, 20_000_000) // 20 ms
	other, err := data.Open(context.Background(), db.Path, data.OpenOptions{Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	// Watch takes its starting point when its goroutine runs: a write made
	// before that is history. So write until one write is seen (each try
	// waits for the event with a bound).
	seen := false
	for try := 0; try < 10 && !seen; try++ {
		d2, err := other.CreateDeal(context.Background(), db.Admin.ID, data.DealInput{Title: "Written by the CLI"})
		if err != nil {
			t.Fatal(err)
		}
		seen = waitUntil(a, 2*time.Second, func() bool { return cardIn(a.main.deals.board, first.ID, d2.ID) })
		if seen && try > 0 {
			t.Logf("seen at try %d", try+1)
		}
	}
	if !seen {
		t.Fatal("no deal written by another process appeared on the board")
	}
	onUI(a, func() {
		c := a.main.deals.board.column(first.ID)
		n, _ := db.DealList(context.Background(), db.Admin.ID, data.DealFilter{StageID: first.ID}, nil, 100)
		if c.count != len(n) {
			t.Errorf("column count = %d, want %d", c.count, len(n))
		}
	})
}

func TestCardPickerMovesDeal(t *testing.T) {
	db := datatest.Open(t)
	d := db.Deal(t, db.Admin.ID, "Window cleaning")
	p := db.Pipeline(t)
	a := startTest(t, db, db.Admin)
	first, _ := p.FirstOpen()
	waitFor(t, a, "the card", func() bool { return cardIn(a.main.deals.board, first.ID, d.ID) })
	onUI(a, func() {
		b := a.main.deals.board
		col := b.column(first.ID)
		card := b.newCard().(*widgets.DragCard)
		b.setCard(card, col, col.cards[0])
		card.OnPick(card.View(), card)    // the ⋮ button
		tapMenuItem(t, a.Win.Canvas(), 2) // the third stage
	})
	waitFor(t, a, "the move", func() bool { return cardIn(a.main.deals.board, p.Stages[2].ID, d.ID) })
}

func TestFirstStartCreatesAdmin(t *testing.T) {
	setupLanguage("en")
	db := openEmpty(t)
	fa := test.NewTempApp(t)
	w := fa.NewWindow("Comptoir")
	a := newTestApp(t, fa, w, testDeps(db, "en"))
	onUI(a, a.showWindow)
	t.Cleanup(func() { a.close(); waitIdle(a) })
	waitFor(t, a, "the welcome dialog", func() bool { return a.main.who != nil })
	who := a.main.who
	onUI(a, func() {
		test.Type(who.name, "Nora Owner")
		test.Type(who.email, "not-an-email")
		test.Tap(who.submit)
	})
	waitFor(t, a, "the email error", func() bool { return who.errs["email"].Visible() })
	onUI(a, func() {
		who.email.SetText("nora@example.com")
		test.Tap(who.submit)
	})
	waitFor(t, a, "the admin", func() bool { return a.Me.ID != 0 })
	if !a.Me.CanConfigure() || fa.Preferences().String(prefMe) != "nora@example.com" {
		t.Fatalf("me = %+v, pref %q", a.Me, fa.Preferences().String(prefMe))
	}
}

func TestDragCardToAnotherColumn(t *testing.T) {
	db := datatest.Open(t)
	d := db.Deal(t, db.Admin.ID, "Garden fence")
	p := db.Pipeline(t)
	a := startTest(t, db, db.Admin)
	first, _ := p.FirstOpen()
	target := p.Stages[1]
	waitFor(t, a, "the card", func() bool { return cardIn(a.main.deals.board, first.ID, d.ID) })
	onUI(a, func() {
		b := a.main.deals.board
		col, to := b.column(first.ID), b.column(target.ID)
		card := b.newCard().(*widgets.DragCard)
		b.setCard(card, col, col.cards[0])
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(to.root).Add(fyne.NewPos(30, 200))
		card.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: pos}, Dragged: fyne.NewDelta(300, 0)})
		if !b.ghost.Visible() {
			t.Error("no ghost card follows the pointer")
		}
		card.DragEnd()
	})
	waitFor(t, a, "the dropped card in its new column", func() bool { return cardIn(a.main.deals.board, target.ID, d.ID) })
	got, _ := db.Store.Deal(context.Background(), db.Admin.ID, d.ID)
	if got.StageID != target.ID {
		t.Fatalf("stage = %d, want %d", got.StageID, target.ID)
	}
}

func TestShortcutsNewDealAndSearch(t *testing.T) {
	db := datatest.Open(t)
	a := startTest(t, db, db.Admin)
	sc, ok := a.Win.Canvas().(interface{ TypedShortcut(fyne.Shortcut) })
	if !ok {
		t.Fatalf("the test canvas %T takes no shortcut", a.Win.Canvas())
	}
	onUI(a, func() {
		sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault})
	})
	waitFor(t, a, "a new deal form", func() bool { f := newestForm(a); return f != nil && f.Deal.ID == 0 })
	onUI(a, func() {
		sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
		if a.Win.Canvas().Focused() != a.main.search {
			t.Errorf("focus on %T, want the search field", a.Win.Canvas().Focused())
		}
	})
}

func TestLeavingWithUnsavedChangesAsks(t *testing.T) {
	db := datatest.Open(t)
	d := db.Deal(t, db.Admin.ID, "Stairs")
	a := startTest(t, db, db.Admin)
	onUI(a, func() { a.openDeal(d.ID) })
	f := a.dealForm(d.ID)
	waitFor(t, a, "the form", func() bool { return f.loaded })
	onUI(a, func() {
		if f.dirty() {
			t.Fatal("a freshly loaded form is dirty")
		}
		test.Type(f.title, " and banister")
		if !f.dirty() {
			t.Fatal("an edited form is not dirty")
		}
		f.tryClose()
		if f.closed {
			t.Fatal("the form closed without asking")
		}
		if f.Window().Canvas().Overlays().Top() == nil {
			t.Fatal("no question shown")
		}
		f.fillWidgets() // discard
		f.tryClose()
		if !f.closed {
			t.Fatal("a clean form did not close")
		}
	})
}

func TestNewDealStartsInTheTappedStage(t *testing.T) {
	db := datatest.Open(t)
	p := db.Pipeline(t)
	a := startTest(t, db, db.Sales)
	onUI(a, func() { a.newDeal(data.DealInput{}) })
	f := newestForm(a)
	waitFor(t, a, "the form", func() bool { return f.loaded && f.bar.view.Len() > 3 })
	onUI(a, func() {
		test.Tap(f.bar.view.Segment(2))
		test.Type(f.title, "Heat pump")
		test.Tap(f.save)
	})
	var saved data.Deal
	waitFor(t, a, "the save", func() bool { saved = f.Deal; return saved.ID != 0 })
	if saved.StageID != p.Stages[2].ID || saved.ResponsibleID != db.Sales.ID {
		t.Fatalf("deal in stage %d for %d, want stage %d for the salesperson", saved.StageID, saved.ResponsibleID, p.Stages[2].ID)
	}
}

func TestWhoAmIOnAKnownDatabase(t *testing.T) {
	setupLanguage("en")
	db := datatest.Open(t)
	fa := test.NewTempApp(t)
	w := fa.NewWindow("Comptoir")
	a := newTestApp(t, fa, w, testDeps(db.Store, "en"))
	onUI(a, a.showWindow)
	t.Cleanup(func() { a.close(); waitIdle(a) })
	waitFor(t, a, "the who-am-I dialog", func() bool { return a.main.who != nil })
	who := a.main.who
	onUI(a, func() {
		if who.name != nil {
			t.Fatal("a database with employees asks to create an admin")
		}
		for i, e := range who.people {
			if e.ID == db.Sales.ID {
				who.pick.SetSelectedIndex(i)
			}
		}
		test.Tap(who.submit)
	})
	waitFor(t, a, "the chosen employee", func() bool { return a.Me.ID == db.Sales.ID })
	waitFor(t, a, "the board", func() bool { return a.main.deals != nil })
	waitIdle(a)
	if got := fa.Preferences().String(prefMe); got != db.Sales.Email {
		t.Fatalf("remembered %q, want %q", got, db.Sales.Email)
	}
}

func TestColumnPlusStartsADealInThatStage(t *testing.T) {
	db := datatest.Open(t)
	p := db.Pipeline(t)
	a := startTest(t, db, db.Admin)
	onUI(a, func() { test.Tap(a.main.deals.board.column(p.Stages[3].ID).add) })
	var f *DealForm
	waitFor(t, a, "the form", func() bool { f = newestForm(a); return f != nil && f.loaded })
	onUI(a, func() {
		if f.newStage != p.Stages[3].ID {
			t.Errorf("new deal starts in stage %d, want %d", f.newStage, p.Stages[3].ID)
		}
	})
}

func TestBoardFollowsStageChanges(t *testing.T) {
	db := datatest.Open(t)
	d := db.Deal(t, db.Admin.ID, "Chimney sweep")
	p := db.Pipeline(t)
	a := startTest(t, db, db.Admin)
	first, _ := p.FirstOpen()
	waitFor(t, a, "the card", func() bool { return cardIn(a.main.deals.board, first.ID, d.ID) })
	if _, err := db.UpdateStage(context.Background(), db.Admin.ID, first.ID, data.StageInput{Name: "Fresh leads", Color: "#ff0000", Probability: 10, Semantics: data.StatusOpen}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, a, "the renamed, recoloured column", func() bool {
		c := a.main.deals.board.column(first.ID)
		return c != nil && c.name.Text == "Fresh leads" && c.bar.FillColor == widgets.ParseColor("#ff0000")
	})
}
