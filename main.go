// Comptoir is an offline-first CRM for field sales: deals moving through a
// pipeline, their clients, products, timeline and documents, kept in a local
// SQLite file, with deals created from incoming client email.
//
// Run with no command (or only the global flags --db, --lang, --as) to open
// the window; with a command name (seed, export, sync, …) it works headless.
// See `comptoir help`.
//
// This file is the only place the app is wired: it reads the command line
// once, resolves the database's path, opens the store and builds the mail
// services around it, then hands them to the headless commands (cli) or to
// the window (ui).
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2/app"

	"comptoir/cli"
	"comptoir/cli/cmdline"
	"comptoir/data"
	"comptoir/mail/imapsync"
	"comptoir/mail/secret"
	"comptoir/mail/send"
	"comptoir/ui"
)

// appID is the application ID, as in FyneApp.toml. Fyne derives the app's
// storage folder, where the database lives, from it.
const appID = "app.comptoir.crm"

// dbFile is the database's file name in the app's storage folder.
const dbFile = "comptoir.db"

// processStart is when the process started (near enough), to log how long
// the first board took.
var processStart = time.Now()

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run reads the command line and runs a headless command or the window. It
// returns the process's exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g, rest, err := cmdline.Parse(args)
	if err != nil {
		cmdline.Restore()
		fmt.Fprintf(stderr, "comptoir: %v\n", err)
		return 2
	}
	if name, rest, ok := cmdline.Command(rest); ok {
		cmdline.Restore()
		level := new(slog.LevelVar)
		log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
		slog.SetDefault(log)
		open := func(ctx context.Context, lang string) (*cli.Services, error) {
			st, err := openStore(ctx, g.DB, lang)
			if err != nil {
				return nil, err
			}
			m := wireMail(st, log)
			return &cli.Services{Store: st, Secrets: m.secrets, Syncer: m.syncer, Sender: m.sender, Level: level}, nil
		}
		return cli.Run(context.Background(), name, rest, g, open, stdin, stdout, stderr)
	}
	return window(g, stderr)
}

// window opens the main window and runs until it closes. A machine with no
// screen (a server, a CI job) gets a sentence, not a panic from the
// graphics driver.
func window(g cmdline.Global, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "comptoir: cannot open the window (is there a display? headless commands are listed by `comptoir help`): %v\n", r)
			code = 1
		}
	}()
	a := app.NewWithID(appID)
	language := ui.Language(a, g.Lang)
	ctx := context.Background()
	st, err := openStore(ctx, g.DB, language)
	if err != nil {
		fmt.Fprintf(stderr, "comptoir: %v\n", err)
		return 1
	}
	defer st.Close()
	slog.Info("database open", "path", st.Path(), "lang", language, "since_start", time.Since(processStart).Round(time.Millisecond))
	m := wireMail(st, slog.Default())
	return ui.Run(a, ui.Deps{
		Store:   st,
		Secrets: m.secrets,
		Syncer:  m.syncer,
		Sender:  m.sender,
		Lang:    language,
		As:      g.As,
		Started: processStart,
	})
}

// mailServices are the mail machinery of one open store.
type mailServices struct {
	secrets secret.Store
	syncer  *imapsync.Syncer
	sender  *send.Sender
}

// wireMail builds, once per process, the password store (beside the
// database; the keyring is probed on first use), the IMAP syncer and the
// outbox sender.
func wireMail(st *data.Store, log *slog.Logger) mailServices {
	dir := filepath.Dir(st.Path())
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	sec := secret.Lazy(dir)
	return mailServices{
		secrets: sec,
		syncer:  imapsync.New(st, imapsync.Options{Secrets: sec, Logger: log}),
		sender:  send.New(st, send.Options{Secrets: sec, Logger: log}),
	}
}

// openStore opens the database at path, or at the app's own when path is
// empty (creating its folder, readable by this user only). lang names a new
// database's default pipeline.
func openStore(ctx context.Context, path, lang string) (*data.Store, error) {
	if path == "" {
		root, err := storageRoot()
		if err != nil {
			return nil, fmt.Errorf("find the app's storage folder: %w (use --db PATH)", err)
		}
		if err := os.MkdirAll(root, 0o700); err != nil {
			return nil, fmt.Errorf("create the data folder: %w", err)
		}
		path = filepath.Join(root, dbFile)
	}
	return data.Open(ctx, path, data.OpenOptions{Language: lang})
}
