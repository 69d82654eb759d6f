// Package ui is everything Fyne: the main window, its screens and widgets,
// and the translations. It holds no SQL and no business rule: it asks data/
// and mail/ through small interfaces and shows what they answer.
package ui

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"comptoir/cli"
	"comptoir/data"
)

// processStart is when the process started (near enough: package init), to
// log how long the first board took.
var processStart = time.Now()

// prefMe is the Preferences key holding the email of the employee using this
// device. It is who-am-I, not a secret.
const prefMe = "me.email"

// Main opens the window: parses --db, opens the database in the app's
// storage folder (or PATH) and runs until the window closes. It returns the
// process exit code.
func Main(args []string) int {
	fs := flag.NewFlagSet("comptoir", flag.ContinueOnError)
	dbPath := fs.String("db", "", "database file (default: the app's own)")
	langFlag := fs.String("lang", "", "language: fr or en (default: the saved choice, else the system's)")
	as := fs.String("as", "", "use the window as this employee (email); remembered on this device")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	a := app.NewWithID(cli.AppID)
	pref := a.Preferences().String(prefLanguage)
	if *langFlag != "" {
		pref = *langFlag
	}
	language := setupLanguage(pref)
	path := *dbPath
	if path == "" {
		root := a.Storage().RootURI().Path()
		if err := os.MkdirAll(root, 0o700); err != nil {
			fmt.Fprintf(os.Stderr, "comptoir: create the data folder: %v\n", err)
			return 1
		}
		path = filepath.Join(root, cli.DBFile)
	}
	st, err := data.Open(context.Background(), path, data.OpenOptions{Language: language})
	if err != nil {
		fmt.Fprintf(os.Stderr, "comptoir: %v\n", err)
		return 1
	}
	defer st.Close()
	slog.Info("database open", "path", path, "lang", language, "since_start", time.Since(processStart).Round(time.Millisecond))
	w := a.NewWindow("Comptoir")
	w.Resize(fyne.NewSize(1280, 800))
	ua := start(a, w, st, language, *as)
	go func() {
		if err := st.Watch(ua.Ctx, time.Second); err != nil && ua.Ctx.Err() == nil {
			slog.Error("watch the database", "err", err)
		}
	}()
	w.SetMaster()
	w.ShowAndRun()
	ua.close()
	return 0
}

// start builds the App over an open store and fills the window: the main
// screens when this device knows who is using it, else the first-start or
// who-am-I dialog first.
func start(fa fyne.App, w fyne.Window, st *data.Store, language, as string) *App {
	a := newApp(fa, w, st, language)
	a.main = newMainWindow(a)
	w.SetContent(a.main.root)
	w.SetCloseIntercept(func() {
		a.closeAll()
		w.Close()
	})
	email := fa.Preferences().String(prefMe)
	if as != "" {
		email = as
	}
	ctx := a.Ctx
	me, err := resolveMe(ctx, st, email)
	switch {
	case err == nil:
		a.setMe(me)
	default:
		a.askWhoAmI()
	}
	return a
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
	if !a.started {
		a.started = true
		for _, fn := range startHooks {
			fn(a)
		}
	}
}
