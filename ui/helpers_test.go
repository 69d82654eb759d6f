package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
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

// startTest opens the main window over db as who, with Fyne's test driver
// and the tests' UI loop; opts change the App before the window opens (its
// services, what it hands to the system).
func startTest(t testing.TB, db *datatest.DB, who data.Employee, opts ...func(*App)) *App {
	t.Helper()
	setupLanguage("en")
	fa := test.NewTempApp(t)
	fa.Preferences().SetString(prefMe, who.Email)
	w := fa.NewWindow("Comptoir")
	w.Resize(fyne.NewSize(1280, 800))
	a := newTestApp(t, fa, w, testDeps(db.Store, "en"))
	for _, o := range opts {
		o(a)
	}
	onUI(a, a.showWindow)
	t.Cleanup(func() {
		onUI(a, a.closeAll)
		a.close()
		waitIdle(a)
	})
	waitFor(t, a, "the board", func() bool { return a.main.deals != nil && len(a.main.deals.board.cols) > 0 })
	return a
}

// newTestApp is an App over d whose UI goroutine is the test binary's UI
// loop (testLoop); the App belongs to t (testApp).
func newTestApp(t testing.TB, fa fyne.App, w fyne.Window, d Deps) *App {
	t.Helper()
	a := newApp(fa, w, d, testLoop().post)
	testApp(t, a)
	return a
}

// uiLoop is the tests' UI goroutine, as the real driver's main goroutine
// is: one goroutine runs the functions posted to it, one at a time, in
// order. (Fyne's test driver runs fyne.Do on the calling goroutine, so
// background work would change widgets while the test drives them.) There
// is one for the test binary, as there is one main goroutine in a process:
// Fyne's caches (text measures, themes) are shared by every window, so two
// Apps of one test (two people's windows) must not lay out at once either.
type uiLoop struct {
	mu    sync.Mutex
	queue []func()
	wake  chan struct{}
}

var (
	loopOnce sync.Once
	theLoop  *uiLoop
)

// testLoop is the test binary's UI loop, started on first use.
func testLoop() *uiLoop {
	loopOnce.Do(func() {
		theLoop = &uiLoop{wake: make(chan struct{}, 1)}
		go theLoop.run()
	})
	return theLoop
}

// post queues fn without waiting, from any goroutine (the loop's own too).
func (l *uiLoop) post(fn func()) {
	l.mu.Lock()
	l.queue = append(l.queue, fn)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run runs the queued functions, for as long as the test binary runs. A
// function that ends its goroutine (t.FailNow in a test's check) ends this
// one: another carries on.
func (l *uiLoop) run() {
	defer func() { go l.run() }()
	for {
		l.mu.Lock()
		if len(l.queue) == 0 {
			l.mu.Unlock()
			<-l.wake
			continue
		}
		fn := l.queue[0]
		l.queue[0] = nil
		l.queue = l.queue[1:]
		l.mu.Unlock()
		fn()
	}
}

// onUI runs fn on a's UI goroutine and waits for it, as a person's gesture
// would run: alone, between the updates background work posts. A t.Fatal
// in fn ends the test.
func onUI(a *App, fn func()) {
	ok := make(chan bool, 1)
	a.do(func() {
		finished := false
		defer func() { ok <- finished }()
		fn()
		finished = true
	})
	if !<-ok {
		if t, known := testOf.Load(a); known {
			t.(testing.TB).FailNow()
		}
		runtime.Goexit()
	}
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
		// cond runs on the UI goroutine, as every UI update does, so it
		// never sees a half-applied change.
		var ok bool
		onUI(a, func() { ok = cond() })
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
		var ok bool
		onUI(a, func() { ok = cond() })
		if ok {
			return true
		}
		time.Sleep(3 * time.Millisecond)
	}
	return false
}

// newestForm is the deal form opened last, or nil. Read it on the UI
// goroutine, or once the App is idle.
func newestForm(a *App) *DealForm {
	if len(a.forms) == 0 {
		return nil
	}
	return a.forms[len(a.forms)-1]
}
