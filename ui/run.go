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

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"comptoir/cli"
	"comptoir/data"
)

// Main opens the window: parses --db, opens the database in the app's
// storage folder (or PATH) and runs until the window closes. It returns the
// process exit code.
func Main(args []string) int {
	fs := flag.NewFlagSet("comptoir", flag.ContinueOnError)
	dbPath := fs.String("db", "", "database file (default: the app's own)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	a := app.NewWithID(cli.AppID)
	path := *dbPath
	if path == "" {
		root := a.Storage().RootURI().Path()
		if err := os.MkdirAll(root, 0o700); err != nil {
			fmt.Fprintf(os.Stderr, "comptoir: create the data folder: %v\n", err)
			return 1
		}
		path = filepath.Join(root, cli.DBFile)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := data.Open(ctx, path, data.OpenOptions{Language: "en"})
	if err != nil {
		fmt.Fprintf(os.Stderr, "comptoir: %v\n", err)
		return 1
	}
	defer st.Close()
	slog.Info("database open", "path", path)
	w := a.NewWindow("Comptoir")
	w.SetContent(container.NewBorder(nil, nil, widget.NewLabel("Comptoir"), nil, widget.NewLabel("")))
	w.Resize(fyne.NewSize(1200, 800))
	w.ShowAndRun()
	return 0
}
