package ui

import (
	"context"
	"log/slog"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// The mail sync in the main window: the window runs the IMAP sync of every
// account while it is open (started with the window's work, stopped when it
// closes), and shows its state in the top bar: syncing, up to date, or the
// failing account's problem in plain words. Tapping it opens Settings → Mail
// accounts; the button beside it syncs now.
//
// The outbox sender runs beside it; "Sync now" kicks it too.

// startMailSync starts, with the window's work, the IMAP sync and the outbox sender
// that main wired run while the window is open. They are not counted as
// pending UI work: they run until the window closes.
func startMailSync(a *App) {
	for name, run := range map[string]func(context.Context) error{"mail sync": a.deps.Syncer.Run, "outbox": a.deps.Sender.Run} {
		go func() {
			if err := run(a.Ctx); err != nil && a.Ctx.Err() == nil {
				slog.Error(name+" stopped", "err", err)
			}
		}()
	}
}

// restartMailSync reconnects every account, after a password changed: a
// running connection stays logged in with the old one.
func restartMailSync(a *App) { a.deps.Syncer.Reconnect() }

// syncNow makes every account sync at once, and the outbox send what
// waits.
func syncNow(a *App) {
	a.deps.Sender.Kick()
	a.deps.Syncer.Kick()
}

// syncStatus is the top bar's mail indicator.
type syncStatus struct {
	a       *App
	box     *fyne.Container
	btn     *widget.Button // the state; opens the accounts
	now     *widget.Button // sync now
	state   string         // "", "syncing", "ok", "error" (tests)
	kicked  time.Time      // "Sync now" pressed: syncing until an account reports after it
	refresh *time.Timer
	poll    *time.Timer
}

func newSyncStatus(a *App) *syncStatus {
	s := &syncStatus{a: a}
	s.btn = widget.NewButtonWithIcon("", theme.MailComposeIcon(), func() { openMailSettings(a) })
	s.btn.Importance = widget.LowImportance
	s.now = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), s.syncNow)
	s.now.Importance = widget.LowImportance
	s.box = container.NewHBox(s.btn, s.now)
	s.box.Hide()
	s.load()
	unsub := a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindAccount, 0) {
			a.stopTimer(s.refresh)
			s.refresh = a.after(150*time.Millisecond, s.load)
		}
	})
	context.AfterFunc(a.Ctx, unsub)
	return s
}

// syncNow kicks the sync and shows "syncing" until an account reports.
func (s *syncStatus) syncNow() {
	s.kicked = s.a.now()
	syncNow(s.a)
	s.load()
}

// load reads the accounts and shows their overall state.
func (s *syncStatus) load() {
	a, me := s.a, s.a.Me.ID
	load(a, func(ctx context.Context) ([]data.Account, error) { return a.Store.Accounts(ctx, me) }, s.show)
}

// syncState sums up the accounts: the first failing account wins, then an
// account never synced (or not since "Sync now"), else up to date.
func syncState(accs []data.Account, kicked time.Time) (state string, failing data.Account, last time.Time) {
	state = "ok"
	for _, acc := range accs {
		if !acc.Active {
			continue
		}
		switch {
		case acc.Status == data.AccountError && (kicked.IsZero() || acc.StatusAt.After(kicked)):
			return "error", acc, last
		case acc.Status == "" || (!kicked.IsZero() && !acc.LastSyncAt.After(kicked) && !acc.StatusAt.After(kicked)):
			state = "syncing"
		}
		if acc.LastSyncAt.After(last) {
			last = acc.LastSyncAt
		}
	}
	return state, failing, last
}

func (s *syncStatus) show(accs []data.Account) {
	active := 0
	for _, acc := range accs {
		if acc.Active {
			active++
		}
	}
	if active == 0 {
		s.state = ""
		s.box.Hide()
		return
	}
	if !s.kicked.IsZero() && s.a.now().Sub(s.kicked) > 30*time.Second {
		s.kicked = time.Time{} // an account failing the same way again says nothing new
	}
	state, failing, last := syncState(accs, s.kicked)
	s.state = state
	switch state {
	case "error":
		s.kicked = time.Time{}
		msg := accountMessage(failing.StatusMessage)
		s.btn.SetIcon(theme.ErrorIcon())
		s.btn.SetText(shorten(lang.L("Mail: {{.Message}}", map[string]any{"Message": msg}), 70))
		s.btn.Importance = widget.DangerImportance
	case "syncing":
		s.btn.SetIcon(theme.ViewRefreshIcon())
		s.btn.SetText(lang.L("Syncing mail…"))
		s.btn.Importance = widget.LowImportance
		// An account that is already up to date does not publish a
		// change when it syncs again: look again shortly.
		s.a.stopTimer(s.poll)
		s.poll = s.a.after(time.Second, func() {
			if s.a.Ctx.Err() == nil && s.state == "syncing" {
				s.load()
			}
		})
	default:
		s.kicked = time.Time{}
		s.btn.SetIcon(theme.ConfirmIcon())
		if last.IsZero() {
			s.btn.SetText(lang.L("Mail up to date"))
		} else {
			s.btn.SetText(lang.L("Mail up to date ({{.Time}})", map[string]any{"Time": formatClock(last.Local())}))
		}
		s.btn.Importance = widget.LowImportance
	}
	s.btn.Refresh()
	s.box.Show()
}

// shorten cuts s to at most n characters with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// openMailSettings shows Settings on its Mail accounts tab.
func openMailSettings(a *App) {
	if a.main == nil {
		return
	}
	a.main.show("settings")
	s := a.main.settings
	s.tabs.Select(s.mailTab)
}
