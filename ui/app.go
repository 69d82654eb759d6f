package ui

import (
	"context"
	"errors"
	"log/slog"
	"sync"
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
	// Ctx ends when the window closes; every I/O started by the UI uses it.
	Ctx    context.Context
	cancel context.CancelFunc

	// Mobile is true on a phone (or the mobile simulation): pages replace
	// windows and the navigation is a bottom bar.
	Mobile bool

	main  *mainWindow
	forms map[int64]*DealForm // open deal forms by deal id

	busy sync.WaitGroup // I/O started with run, for tests
	lost *lostDialog    // the last "deal lost" dialog, for tests
}

// newApp wires an App around an open store. The caller sets Me.
func newApp(fa fyne.App, w fyne.Window, st *data.Store, language string) *App {
	ctx, cancel := context.WithCancel(context.Background())
	return &App{
		FyneApp: fa, Win: w, Store: st, Lang: language, Ctx: ctx, cancel: cancel,
		Mobile: fyne.CurrentDevice().IsMobile(),
		forms:  map[int64]*DealForm{},
	}
}

// run does fn off the UI goroutine with the app's context. fn applies its
// results to widgets with fyne.Do. A returned error is shown to the person
// (unless the app is closing).
func (a *App) run(fn func(ctx context.Context) error) {
	a.busy.Add(1)
	go func() {
		defer a.busy.Done()
		if err := fn(a.Ctx); err != nil && a.Ctx.Err() == nil {
			slog.Warn("ui action failed", "err", err)
			fyne.Do(func() { a.showError(err) })
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
		fyne.Do(func() { apply(v) })
		return nil
	})
}

// wait blocks until the I/O started with run has finished (tests).
func (a *App) wait() { a.busy.Wait() }

// subscribe calls fn on the UI goroutine with every batch of changes written
// to the database, from this process or another one. The returned function
// stops it.
func (a *App) subscribe(fn func(data.Changes)) (cancel func()) {
	return a.Store.Subscribe(func(cs data.Changes) {
		fyne.Do(func() { fn(cs) })
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
	if f, ok := a.forms[id]; ok && f.win != nil {
		f.win.RequestFocus()
		return
	}
	openDealForm(a, id, data.DealInput{})
}

// newDeal opens an empty deal form, prefilled (a client, a pipeline).
func (a *App) newDeal(prefill data.DealInput) {
	openDealForm(a, 0, prefill)
}

// open opens a record of any kind through the registered openers.
func (a *App) open(kind data.Kind, id int64) {
	if fn, ok := openers[kind]; ok {
		fn(a, id)
	}
}

// close ends background work (window closing).
func (a *App) close() {
	a.cancel()
}
