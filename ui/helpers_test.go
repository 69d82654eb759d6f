package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/mail/imapsync"
	"comptoir/mail/secret"
	"comptoir/mail/send"
)

// testDeps wires a window's services as main does, over the test's
// database, with the password file beside it.
func testDeps(st *data.Store, language string) Deps {
	sec := secret.NewFile(filepath.Dir(st.Path()))
	return Deps{
		Store:   st,
		Secrets: sec,
		Syncer:  imapsync.New(st, imapsync.Options{Secrets: sec}),
		Sender:  send.New(st, send.Options{Secrets: sec}),
		Lang:    language,
	}
}

// startTest opens the main window over db as who, with Fyne's test driver;
// opts change the wired services (a fake sender).
func startTest(t testing.TB, db *datatest.DB, who data.Employee, opts ...func(*Deps)) *App {
	t.Helper()
	setupLanguage("en")
	fa := test.NewTempApp(t)
	fa.Preferences().SetString(prefMe, who.Email)
	w := fa.NewWindow("Comptoir")
	w.Resize(fyne.NewSize(1280, 800))
	var a *App
	d := testDeps(db.Store, "en")
	for _, o := range opts {
		o(&d)
	}
	onUI(func() { a = start(fa, w, d) })
	testApp(t, a)
	t.Cleanup(func() {
		onUI(a.closeAll)
		a.close()
		waitIdle(a)
	})
	waitFor(t, a, "the board", func() bool { return lastDealsScreen != nil && len(lastDealsScreen.board.cols) > 0 })
	return a
}

// onUI runs fn as the UI goroutine would: alone.
func onUI(fn func()) {
	uiMu.Lock()
	defer uiMu.Unlock()
	fn()
}

// testOf maps an App to the test that opened it (startTest, testApp), so that
// waitIdle can fail that test.
var testOf sync.Map // *App → testing.TB

// testApp records that a belongs to t; it is forgotten when t ends.
func testApp(t testing.TB, a *App) {
	testOf.Store(a, t)
	t.Cleanup(func() { testOf.Delete(a) })
}

// waitIdle waits until no work started by the UI is pending and fails the
// test a belongs to (see testApp) when work is still pending after a
// generous bound: a stuck action is a bug, not something to carry on past.
func waitIdle(a *App) {
	end := time.Now().Add(10 * time.Second)
	for a.pending.Load() != 0 {
		if time.Now().After(end) {
			msg := fmt.Sprintf("UI work still pending after 10s (%d actions)", a.pending.Load())
			if t, ok := testOf.Load(a); ok {
				t.(testing.TB).Helper()
				t.(testing.TB).Fatal(msg)
			}
			panic(msg + " in an App no test registered with testApp")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitFor waits for an event the UI reacts to asynchronously (a database
// read, a change notification): it checks cond until it holds and fails
// after a generous bound. It is not a timing assertion.
func waitFor(t testing.TB, a *App, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		// cond runs under uiMu, as every UI update does, so it never sees a
		// half-applied change; long-running work (a sync loop) does not
		// keep it from being checked.
		uiMu.Lock()
		ok := cond()
		uiMu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(3 * time.Millisecond)
	}
}

// cardIn reports whether the board column of stage shows a deal.
func cardIn(b *boardView, stageID, dealID int64) bool {
	c := b.column(stageID)
	if c == nil {
		return false
	}
	for _, card := range c.cards {
		if card.ID == dealID {
			return true
		}
	}
	return false
}

// tapMenuItem taps the i-th item of the pop-up menu on top of the canvas.
func tapMenuItem(t testing.TB, c fyne.Canvas, i int) {
	t.Helper()
	var o any = c.Overlays().Top()
	if v := reflect.ValueOf(o); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("Content"); f.IsValid() && f.CanInterface() {
			o = f.Interface() // the overlay container around the menu
		}
	}
	m, ok := o.(*widget.PopUpMenu)
	if !ok {
		t.Fatalf("no pop-up menu open (top overlay %T)", c.Overlays().Top())
	}
	test.Tap(m.Items[i].(fyne.Tappable))
}

// openEmpty opens a database with no employee (first start).
func openEmpty(t testing.TB) *data.Store {
	t.Helper()
	st, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), data.OpenOptions{Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// waitUntil is waitFor that reports instead of failing.
func waitUntil(a *App, bound time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(bound)
	for time.Now().Before(deadline) {
		uiMu.Lock()
		ok := cond()
		uiMu.Unlock()
		if ok {
			return true
		}
		time.Sleep(3 * time.Millisecond)
	}
	return false
}
