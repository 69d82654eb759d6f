// Package cmdline is the one rule that reads Comptoir's command line: the
// global flags (--db, --lang, --as), which may stand anywhere before "--",
// and whether a command word asks for a headless command or the window.
//
// It also keeps a headless command's stderr for its own messages. The
// comptoir binary links the GUI packages, and some of them log through the
// standard logger while the program initialises, before main runs: Fyne's
// lang package cannot parse the locale "C" of a container or a CI job, and
// Fyne warns when code asks for the current app before one exists. A script
// reading a headless command's stderr must not see those lines.
//
// Go initialises packages in import-path order among those whose imports
// are ready (the language specification fixes the order). This package
// imports only the standard library, and every Fyne package imports "log"
// too, so it is initialised before any of them ("comptoir/…" sorts before
// "fyne.io/…"). When the command line names a headless command, its init
// points the standard logger at io.Discard; main points it back at stderr
// with Restore before running the command. The window keeps the standard
// logger as it is, whatever flags it was given.
package cmdline

import (
	"fmt"
	"io"
	"log"
	"os"
	"strings"
)

// Global holds the flags every part of Comptoir understands.
type Global struct {
	// DB is the database file; empty means the app's own.
	DB string
	// Lang is the language asked for ("fr" or "en"), empty when not given.
	Lang string
	// As is the email of the employee to act as, empty when not given.
	As string
}

// Usage describes the global flags, for help texts.
const Usage = `global flags (anywhere on the command line):
  --db PATH     database file (default: the app's own)
  --lang fr|en  language of the window, of a command's words and of a new database's pipeline
  --as EMAIL    act as this employee (default: the remembered one in the window, the first admin headless)`

// Parse takes the global flags out of args, wherever they stand before a
// "--", in the forms --db PATH, --db=PATH, -db PATH and -db=PATH. It returns
// them and the other arguments in order. A global flag without its value, or
// --lang with a language Comptoir does not speak, is an error.
func Parse(args []string) (Global, []string, error) {
	var g Global
	rest := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, value, hasValue := globalFlag(a)
		if name == "" {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return g, nil, fmt.Errorf("flag --%s needs a value", name)
			}
			i++
			value = args[i]
		}
		switch name {
		case "db":
			g.DB = value
		case "lang":
			if value != "fr" && value != "en" {
				return g, nil, fmt.Errorf("--lang must be fr or en, not %q", value)
			}
			g.Lang = value
		case "as":
			g.As = value
		}
	}
	return g, rest, nil
}

// globalFlag reports whether a is one of the global flags: its name, and its
// value when given as name=value.
func globalFlag(a string) (name, value string, hasValue bool) {
	if !strings.HasPrefix(a, "-") {
		return "", "", false
	}
	s := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
	name, value, hasValue = strings.Cut(s, "=")
	switch name {
	case "db", "lang", "as":
		return name, value, hasValue
	}
	return "", "", false
}

// Command reports whether args (the command line without its global
// flags) name a headless command, which, and the arguments without the
// command word. The command word is the first argument that is not a flag;
// -h and --help ask for "help". Any other word is taken as a command too, so
// that a typing mistake is reported as an unknown command rather than
// opening the window.
func Command(args []string) (name string, rest []string, ok bool) {
	for i, a := range args {
		switch {
		case a == "-h" || a == "--help" || a == "-help":
			name = "help"
		case a == "--":
			return "", args, false
		case strings.HasPrefix(a, "-"):
			continue
		default:
			name = a
		}
		rest = make([]string, 0, len(args)-1)
		rest = append(append(rest, args[:i]...), args[i+1:]...)
		return name, rest, true
	}
	return "", args, false
}

// Headless reports whether the process's command line asks for a headless
// command, by the same rule main follows.
func Headless(args []string) bool {
	_, rest, err := Parse(args)
	if err != nil {
		return true // main reports the mistake on stderr and exits
	}
	_, _, ok := Command(rest)
	return ok
}

var silenced bool

func init() {
	if Headless(os.Args[1:]) {
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
