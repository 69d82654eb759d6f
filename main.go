// Comptoir is an offline-first CRM for field sales: deals moving through a
// pipeline, their clients, products, timeline and documents, kept in a local
// SQLite file, with deals created from incoming client email.
//
// Run with no arguments (or only --db PATH) to open the window; with a
// command name (seed, export, sync, …) it works headless. See `comptoir help`.
package main

import (
	"os"

	"comptoir/cli"
	"comptoir/ui"
)

func main() {
	if cmd, ok := cli.Command(os.Args[1:]); ok {
		os.Exit(cli.Run(cmd, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(ui.Main(os.Args[1:]))
}
