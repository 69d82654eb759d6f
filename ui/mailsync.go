package ui

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/mail/imapsync"
	"comptoir/mail/secret"
)

// The mail sync in the main window: the window runs the IMAP sync of every
// account while it is open (started by a start hook, stopped when the window
// closes), and shows its state in the top bar: syncing, up to date, or the
// failing account's problem in plain words. Tapping it opens Settings → Mail
// accounts; the button beside it syncs now.
//
// The outbox sender is started by ui/outbox.go (kickOutbox) with the same
// secret store folder; "Sync now" kicks it too.

func init() {
	registerStart(startMailSync)
	registerStatus(newSyncStatus)
}

// mailWorker is what the window needs of the sync.
type mailWorker interface {
	Kick()
}

// mailState is one window's mail machinery.
type mailState struct {
	secrets secret.Store
	syncer  mailWorker
	stop    context.CancelFunc // ends syncer
}

var (
	mailMu     sync.Mutex
	mailStates = map[*App]*mailState{}
)

// secretsDir is the folder of the password file: the app's storage folder,
// or the --db file's folder (the database lives there too).
func secretsDir(a *App) string { return filepath.Dir(a.Store.Path()) }

// openSecrets opens the password store of a window (tests may replace it).
var openSecrets = func(a *App) secret.Store { return secret.Open(secretsDir(a)) }

// startSyncer starts the IMAP sync until ctx ends (tests may replace it).
var startSyncer = func(ctx context.Context, a *App, sec secret.Store) mailWorker {
	s := imapsync.New(a.Store, imapsync.Options{Secrets: sec})
	go func() {
		if err := s.Run(ctx); err != nil && ctx.Err() == nil {
			slog.Error("mail sync stopped", "err", err)
		}
	}()
	return s
}

// runSyncer (re)starts the window's sync; mailMu is held.
func (m *mailState) runSyncer(a *App) {
	if m.stop != nil {
		m.stop()
	}
	ctx, cancel := context.WithCancel(a.Ctx)
	m.syncer, m.stop = startSyncer(ctx, a, m.secrets), cancel
}

// restartMailSync reconnects every account, after a password changed: a
// running connection stays logged in with the old one.
func restartMailSync(a *App) {
	m := mailOf(a)
	mailMu.Lock()
	defer mailMu.Unlock()
	if m.syncer != nil && a.Ctx.Err() == nil {
		m.runSyncer(a)
	}
}

// mailOf returns the window's mail state, opening the password store the
// first time. It may block (the keyring probe): call it off the UI goroutine.
func mailOf(a *App) *mailState {
	mailMu.Lock()
	defer mailMu.Unlock()
	if m, ok := mailStates[a]; ok {
		return m
	}
	m := &mailState{secrets: openSecrets(a)}
	mailStates[a] = m
	context.AfterFunc(a.Ctx, func() {
		mailMu.Lock()
		delete(mailStates, a)
		mailMu.Unlock()
	})
	return m
}

// startMailSync is the start hook: the sync runs while the window is open.
// It is not counted as pending UI work: opening the keyring may take a few
// seconds and the sync runs until the window closes.
func startMailSync(a *App) {
	go func() {
		m := mailOf(a)
		mailMu.Lock()
		defer mailMu.Unlock()
		if m.syncer == nil && a.Ctx.Err() == nil {
			m.runSyncer(a)
			slog.Info("mail sync started", "secrets", m.secrets.Kind())
		}
	}()
}

// syncNow makes every account sync at once, and the outbox send what
// waits (ui/outbox.go starts its sender).
func syncNow(a *App) {
	kickOutbox(a)
	a.run(func(context.Context) error {
		m := mailOf(a)
		mailMu.Lock()
		s := m.syncer
		mailMu.Unlock()
		if s != nil {
			s.Kick()
		}
		return nil
	})
}

// lastSyncStatus is the last indicator built (tests).
var lastSyncStatus *syncStatus

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

func newSyncStatus(a *App) fyne.CanvasObject {
	s := &syncStatus{a: a}
	lastSyncStatus = s
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
	return s.box
}

// syncNow kicks the sync and shows "syncing" until an account reports.
func (s *syncStatus) syncNow() {
	s.kicked = s.a.now()
	syncNow(s.a)
	s.load()
}

// load reads the accounts and shows their overall state.
func (s *syncStatus) load() {
	a := s.a
	load(a, func(ctx context.Context) ([]data.Account, error) { return a.Store.Accounts(ctx) }, s.show)
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

// formatClock is a time of day.
func formatClock(t time.Time) string { return t.Format("15:04") }

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
	root := a.main.screen("settings")
	if tabs := findAppTabs(root); tabs != nil {
		for _, it := range tabs.Items {
			if it.Text == lang.L("Mail accounts") {
				tabs.Select(it)
			}
		}
	}
}

// findAppTabs finds the first AppTabs in a tree of containers.
func findAppTabs(o fyne.CanvasObject) *container.AppTabs {
	switch x := o.(type) {
	case *container.AppTabs:
		return x
	case *fyne.Container:
		for _, c := range x.Objects {
			if t := findAppTabs(c); t != nil {
				return t
			}
		}
	}
	return nil
}
