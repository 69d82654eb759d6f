// Package ui is everything Fyne: the main window, its screens and widgets,
// and the translations. It holds no SQL and no business rule: it asks data/
// and mail/ through small interfaces and shows what they answer.
package ui

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"

	"comptoir/data"
	"comptoir/mail/secret"
)

// prefMe is the Preferences key holding the email of the employee using this
// device. It is who-am-I, not a secret.
const prefMe = "me.email"

// MailSyncer is what the window needs of the IMAP sync (imapsync.Syncer).
type MailSyncer interface {
	// Run keeps every account in sync until ctx ends.
	Run(ctx context.Context) error
	// Kick makes every account sync now.
	Kick()
	// Reconnect makes every account log in again (a password changed).
	Reconnect()
}

// OutboxSender is what the window needs of the outbox sender (send.Sender).
type OutboxSender interface {
	// Run delivers the outbox whenever the network allows, until ctx ends.
	Run(ctx context.Context) error
	// Kick makes it look at the outbox now.
	Kick()
}

// Deps are what main wires once and hands to the window.
type Deps struct {
	Store   *data.Store
	Secrets secret.Store
	Syncer  MailSyncer
	Sender  OutboxSender
	// Lang is the language in use, as Language returned it.
	Lang string
	// As is the email of the employee to use the window as (--as); it is
	// remembered on this device.
	As string
	// Started is when the process started.
	Started time.Time
}

// Language loads the translations and returns the language the window
// speaks: flag when given (--lang), else the one chosen in Settings, else
// the system's.
func Language(fa fyne.App, flag string) string {
	pref := fa.Preferences().String(prefLanguage)
	if flag != "" {
		pref = flag
	}
	return setupLanguage(pref)
}

// Run opens the main window over the wired services and runs until it
// closes. It returns the process exit code.
func Run(fa fyne.App, d Deps) int {
	w := fa.NewWindow("Comptoir")
	w.Resize(fyne.NewSize(1280, 800))
	ua := start(fa, w, d, fyne.Do)
	go func() {
		if err := d.Store.Watch(ua.Ctx, time.Second); err != nil && ua.Ctx.Err() == nil {
			slog.Error("watch the database", "err", err)
		}
	}()
	w.SetMaster()
	w.ShowAndRun()
	ua.close()
	return 0
}

// start builds the App over an open store and fills the window (see
// showWindow). post runs functions on the UI goroutine (fyne.Do). It is
// called on the UI goroutine.
func start(fa fyne.App, w fyne.Window, d Deps, post func(func())) *App {
	a := newApp(fa, w, d, post)
	a.showWindow()
	return a
}

// showWindow fills the window: the main screens when this device knows who
// is using it, else the first-start or who-am-I dialog first.
func (a *App) showWindow() {
	w := a.Win
	a.main = newMainWindow(a)
	w.SetContent(a.main.root)
	w.SetCloseIntercept(func() {
		a.closeAll()
		w.Close()
	})
	email := a.FyneApp.Preferences().String(prefMe)
	if a.deps.As != "" {
		email = a.deps.As
	}
	me, err := resolveMe(a.Ctx, a.Store, email)
	switch {
	case err == nil:
		a.setMe(me)
	default:
		a.askWhoAmI()
	}
}

// resolveMe finds the device's employee by the saved email.
func resolveMe(ctx context.Context, st *data.Store, email string) (data.Employee, error) {
	if email == "" {
		return data.Employee{}, data.ErrNotFound
	}
	e, err := st.EmployeeByEmail(ctx, email)
	if err != nil {
		return e, err
	}
	if !e.Active {
		return e, data.ErrNotFound
	}
	return e, nil
}

// setMe makes e the current employee, remembers it on this device and shows
// the screens.
func (a *App) setMe(e data.Employee) {
	a.Me = e
	prefs := a.FyneApp.Preferences()
	if prefs.String(prefMe) != e.Email {
		// off the main goroutine: Preferences write through fyne.Do
		a.run(func(context.Context) error { prefs.SetString(prefMe, e.Email); return nil })
	}
	a.closeAll()
	a.main.ready()
	if !a.working {
		a.working = true
		a.startWork()
	}
}
