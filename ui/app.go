package ui

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"comptoir/data"
)

// App is the running application as every screen sees it: the Fyne app, the
// main window, the database and who is using it. Screens in other files take
// an *App and call its helpers; they never talk SQL.
type App struct {
	FyneApp fyne.App
	Win     fyne.Window
	Store   *data.Store
	// Me is the employee using this device. Read it on the UI goroutine.
	Me data.Employee
	// Lang is the language strings and numbers are shown in: "fr" or "en".
	Lang string
	// Zone is the person's time zone, that dates and times are shown in;
	// nil: the device's.
	Zone *time.Location
	// Ctx ends when the window closes; every I/O started by the UI uses it.
	Ctx    context.Context
	cancel context.CancelFunc

	// Mobile is true on a phone (or the mobile simulation): pages replace
	// windows and the navigation is a bottom bar.
	Mobile bool

	deps  Deps // the services main wired
	main  *mainWindow
	forms []*DealForm // the open deal forms, oldest first

	// post runs a function on the UI goroutine, in the order posted, without
	// waiting: fyne.Do with a real driver; in tests, the tests' UI loop
	// (Fyne's test driver would run it on the calling goroutine).
	post    func(func())
	pending atomic.Int64 // work started by run, timers and events, and UI functions not yet run (tests wait on it)

	// launched is when the process started (Deps.Started), to log how long
	// the first board took; boardShown is set once it was logged.
	launched   time.Time
	boardShown bool
	working    bool // the start-up work (startWork) runs

	// What the App hands to the system. Tests replace them before the window
	// starts.
	notify       func(*fyne.Notification) // a system notification (reminders)
	openExternal func(u *url.URL) error   // a link for the system: mail client, dialler, PDF viewer
	pdfOpened    func(path string)        // told every PDF handed to the viewer (tests; nil in use)
	keepClosed   bool                     // a deal made from an email is not opened (tests)
	lost         *lostDialog              // the last "deal lost" dialog (moveDeal), for tests
}

// newApp wires an App around an open store. The caller sets Me. post runs
// functions on the UI goroutine: fyne.Do, or the tests' UI loop.
func newApp(fa fyne.App, w fyne.Window, d Deps, post func(func())) *App {
	ctx, cancel := context.WithCancel(context.Background())
	launched := d.Started
	if launched.IsZero() {
		launched = time.Now()
	}
	return &App{
		FyneApp: fa, Win: w, Store: d.Store, Lang: d.Lang, Ctx: ctx, cancel: cancel, deps: d,
		Mobile:       fyne.CurrentDevice().IsMobile(),
		post:         post,
		launched:     launched,
		notify:       fa.SendNotification,
		openExternal: fa.OpenURL,
	}
}

// do runs fn on the UI goroutine: every change to widgets made from another
// goroutine goes through it. It does not wait; until fn has run it counts
// as pending work.
func (a *App) do(fn func()) {
	a.pending.Add(1)
	a.post(func() {
		defer a.pending.Add(-1)
		fn()
	})
}

// run does fn off the UI goroutine with the app's context. fn applies its
// results to widgets with a.do. A returned error is shown to the person
// (unless the app is closing).
func (a *App) run(fn func(ctx context.Context) error) {
	a.pending.Add(1)
	go func() {
		defer a.pending.Add(-1)
		if err := fn(a.Ctx); err != nil && a.Ctx.Err() == nil {
			slog.Warn("ui action failed", "err", err)
			a.do(func() { a.showError(err) })
		}
	}()
}

// load runs get off the UI goroutine and then gives its result to apply on
// the UI goroutine; an error goes to showError instead.
func load[T any](a *App, get func(ctx context.Context) (T, error), apply func(T)) {
	a.run(func(ctx context.Context) error {
		v, err := get(ctx)
		if err != nil {
			return err
		}
		a.do(func() { apply(v) })
		return nil
	})
}

// after calls fn on the UI goroutine after d, unless the returned timer is
// stopped first through stopTimer (debounced searches and refreshes).
func (a *App) after(d time.Duration, fn func()) *time.Timer {
	a.pending.Add(1)
	return time.AfterFunc(d, func() {
		defer a.pending.Add(-1)
		a.do(fn)
	})
}

// stopTimer stops a timer made by after.
func (a *App) stopTimer(t *time.Timer) {
	if t != nil && t.Stop() {
		a.pending.Add(-1)
	}
}

// subscribe calls fn on the UI goroutine with every batch of changes written
// to the database, from this process or another one. The returned function
// stops it.
func (a *App) subscribe(fn func(data.Changes)) (cancel func()) {
	return a.Store.Subscribe(func(cs data.Changes) {
		a.pending.Add(1)
		defer a.pending.Add(-1)
		a.do(func() { fn(cs) })
	})
}

// errorText is what a person reads for an error.
func errorText(err error) string {
	switch {
	case errors.Is(err, data.ErrForbidden):
		return lang.L("You are not allowed to do this.")
	case errors.Is(err, data.ErrNotFound):
		return lang.L("This record no longer exists or is not visible to you.")
	case errors.Is(err, data.ErrConflict):
		return lang.L("This already exists.")
	}
	if v := data.FieldErrors(err); v != nil && len(v.Fields) > 0 {
		s := ""
		for i, f := range v.Fields {
			if i > 0 {
				s += "\n"
			}
			s += fieldMessage(f)
		}
		return s
	}
	return err.Error()
}

// showError shows an error in a dialog over the main window.
func (a *App) showError(err error) {
	a.showErrorIn(a.Win, err)
}

func (a *App) showErrorIn(w fyne.Window, err error) {
	if w == nil {
		w = a.Win
	}
	d := dialog.NewInformation(lang.L("Something went wrong"), errorText(err), w)
	d.Show()
}

// now is the current time (the store's clock, so tests can pin it).
func (a *App) now() time.Time {
	if a.Store != nil && a.Store.Now != nil {
		return a.Store.Now()
	}
	return time.Now()
}

// openDeal opens the form of an existing deal (a window on the desktop, a
// page on a phone). An already open form is brought forward.
func (a *App) openDeal(id int64) {
	if f := a.dealForm(id); f != nil && f.win != nil {
		f.win.RequestFocus()
		return
	}
	openDealForm(a, id, data.DealInput{})
}

// newDeal opens an empty deal form, prefilled (a client, a pipeline).
func (a *App) newDeal(prefill data.DealInput) {
	openDealForm(a, 0, prefill)
}

// dealForm is the open form of a saved deal, or nil.
func (a *App) dealForm(id int64) *DealForm {
	for _, f := range a.forms {
		if f.Deal.ID == id && id != 0 {
			return f
		}
	}
	return nil
}

// close ends background work (window closing).
func (a *App) close() {
	a.cancel()
}
