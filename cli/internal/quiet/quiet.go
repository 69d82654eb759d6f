// Package quiet keeps a headless command's stderr for its own messages.
//
// The comptoir binary links the GUI packages, and some of them log through
// the standard logger while the program initialises, before main runs:
// Fyne's lang package cannot parse the locale "C" of a container or a CI
// job, and Fyne warns when code asks for the current app before one exists.
// A script reading a headless command's stderr must not see those lines.
//
// Go initialises packages in import-path order among those whose imports
// are ready (the language specification fixes the order). This package
// imports only the standard library, and every Fyne package imports "log"
// too, so it is initialised before any of them, and sorted before
// "fyne.io/…". When the command line names a headless command, its init
// points the standard logger at io.Discard; the cli package points it back
// at stderr with Restore before running the command.
package quiet

import (
	"io"
	"log"
	"os"
	"strings"
)

var silenced bool

func init() {
	if headless(os.Args[1:]) {
		log.SetOutput(io.Discard)
		silenced = true
	}
}

// Restore points the standard logger back at stderr if init silenced it.
func Restore() {
	if silenced {
		log.SetOutput(os.Stderr)
		silenced = false
	}
}

// headless reports whether args hold a command word (or asks for help),
// with the same rule as cli.Command.
func headless(args []string) bool {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-h" || a == "--help" || a == "-help":
			return true
		case a == "--db" || a == "-db" || a == "--as" || a == "-as":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return true
		}
	}
	return false
}
