// Package cli is Comptoir's headless face: the commands scripts, servers and
// benchmarks use (seed, export, sync, …). Each command parses its flags, opens
// the database, acts as an employee with that employee's rights, and writes
// its result to stdout and its errors to stderr.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"comptoir/cli/internal/quiet"
	"comptoir/data"
)

// AppID is the application ID, as in FyneApp.toml; the default database lives
// in the app's storage folder, which Fyne derives from it.
const AppID = "app.comptoir.crm"

// DBFile is the database's file name in the app's storage folder.
const DBFile = "comptoir.db"

// Env is what a command runs with.
type Env struct {
	Ctx    context.Context
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Flags  *flag.FlagSet
	// Args left after the command's flags.
	Args []string
}

// command is one headless command.
type command struct {
	name    string
	usage   string // one line: arguments and flags
	summary string
	// flags declares the command's flags on fs and returns the function that
	// runs it once they are parsed.
	flags func(fs *flag.FlagSet) func(env *Env) error
}

var commands = map[string]*command{}

// register adds a command; each command file registers its own in init.
func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("cli: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// Command reports whether args name a headless command, and which. The
// command word may follow --db PATH or --as EMAIL. Any other word that is not
// a flag is taken as a command too, so that a typing mistake is reported as
// an unknown command rather than opening the window.
func Command(args []string) (string, bool) {
	i := commandIndex(args)
	if i < 0 {
		return "", false
	}
	name := args[i]
	if name == "-h" || name == "--help" || name == "-help" {
		name = "help"
	}
	return name, true
}

// commandIndex finds the command word in args: the first argument that is
// neither a flag nor the value of a leading --db, --as or --lang; -h and --help
// count as the word "help". It is -1 when there is none.
func commandIndex(args []string) int {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-h" || a == "--help" || a == "-help":
			return i
		case a == "--db" || a == "-db" || a == "--as" || a == "-as" || a == "--lang" || a == "-lang":
			i++ // skip the value
		case strings.HasPrefix(a, "-"):
		default:
			return i
		}
	}
	return -1
}

// Run runs the named command with args (the command line after the program
// name, which holds the command word) and returns the process exit code: 0 on
// success, 1 on failure, 2 on a usage error. Flags may come before or after
// the command's arguments.
func Run(name string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	quiet.Restore()
	if i := commandIndex(args); i >= 0 {
		args = append(slices.Clip(args[:i]), args[i+1:]...)
	}
	if name == "help" {
		return help(stdout, stderr, args)
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "comptoir: unknown command %q; `comptoir help` lists them\n", name)
		return 2
	}
	fs := flag.NewFlagSet("comptoir "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: comptoir %s %s\n\n%s\n\nflags:\n", c.name, c.usage, c.summary)
		fs.PrintDefaults()
	}
	run := c.flags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env := &Env{Ctx: ctx, Stdin: stdin, Stdout: stdout, Stderr: stderr, Flags: fs, Args: pos}
	if err := run(env); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "comptoir %s: %v\n", name, err)
			fs.Usage()
			return 2
		}
		fmt.Fprintf(stderr, "comptoir %s: %v\n", name, err)
		return 1
	}
	return 0
}

// parseInterspersed parses flags wherever they are among the arguments
// (`export deals --id 3` as well as `export --id 3 deals`) and returns the
// arguments that are not flags, in order. After "--" everything is an
// argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		dashes := slices.Index(args, "--")
		before := args
		if dashes >= 0 {
			before = args[:dashes]
		}
		if err := fs.Parse(before); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			if dashes >= 0 {
				pos = append(pos, args[dashes+1:]...)
			}
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = append(slices.Clip(rest[1:]), args[len(before):]...)
	}
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// help writes the list of commands, or one command's usage and flags.
func help(w, stderr io.Writer, args []string) int {
	if len(args) > 0 {
		c, ok := commands[args[0]]
		if !ok {
			fmt.Fprintf(stderr, "comptoir help: unknown command %q; `comptoir help` lists them\n", args[0])
			return 2
		}
		fs := flag.NewFlagSet("comptoir "+c.name, flag.ContinueOnError)
		fs.SetOutput(w)
		c.flags(fs)
		fmt.Fprintf(w, "usage: comptoir %s %s\n\n%s\n\nflags:\n", c.name, c.usage, c.summary)
		fs.PrintDefaults()
		return 0
	}
	fmt.Fprintln(w, "Comptoir, the offline-first CRM for field sales.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage:")
	fmt.Fprintln(w, "  comptoir [--db PATH]            open the window")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  comptoir %-22s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "  comptoir help COMMAND           the flags of one command")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands act as the database's first admin unless --as EMAIL names another employee.")
	fmt.Fprintln(w, "Exit status: 0 done, 1 failed, 2 wrong command line.")
	return 0
}

// DefaultDBPath is where the app keeps its database: the folder Fyne gives
// the app as its storage root (app.Storage().RootURI()) on a desktop, worked
// out here without starting Fyne so that commands start fast.
func DefaultDBPath() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the home folder: %w (use --db PATH)", err)
	}
	var root string
	switch runtime.GOOS {
	case "darwin":
		root = filepath.Join(home, "Library", "Preferences", "fyne")
	case "windows":
		root = filepath.Join(home, "AppData", "Roaming", "fyne")
	default:
		root = filepath.Join(home, ".config", "fyne")
	}
	return filepath.Join(root, AppID, DBFile), nil
}

// dbFlags declares --db and --as, shared by every command that opens the
// database.
type dbFlags struct {
	path string
	as   string
	lang string
}

func (f *dbFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.path, "db", "", "database file (default: the app's own)")
	fs.StringVar(&f.as, "as", "", "act as the employee with this email (default: the first admin)")
}

// declareLang declares --lang, for the commands that may create the
// database: it names the default pipeline's stages.
func (f *dbFlags) declareLang(fs *flag.FlagSet) {
	fs.StringVar(&f.lang, "lang", "", "language of a new database's default pipeline: fr or en (default: from the locale)")
}

// checkLang validates --lang.
func (f *dbFlags) checkLang() error {
	if f.lang != "" && f.lang != "fr" && f.lang != "en" {
		return usagef("--lang must be fr or en, not %q", f.lang)
	}
	return nil
}

// open opens the database for a command.
func (f *dbFlags) open(ctx context.Context) (*data.Store, error) {
	path := f.path
	if path == "" {
		var err error
		if path, err = DefaultDBPath(); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create the data folder: %w", err)
		}
	}
	lang := f.lang
	if lang == "" {
		lang = systemLanguage()
	}
	return data.Open(ctx, path, data.OpenOptions{Language: lang})
}

// actor finds the employee the command acts as.
func (f *dbFlags) actor(ctx context.Context, st *data.Store) (data.Employee, error) {
	if f.as != "" {
		e, err := st.EmployeeByEmail(ctx, f.as)
		if errors.Is(err, data.ErrNotFound) {
			return e, fmt.Errorf("--as %s: no such employee", f.as)
		}
		if err != nil {
			return e, fmt.Errorf("--as %s: %w", f.as, err)
		}
		if !e.Active {
			return e, fmt.Errorf("--as %s: this employee is inactive", f.as)
		}
		return e, nil
	}
	e, err := st.FirstAdmin(ctx)
	if err != nil {
		return e, errors.New("the database has no employee yet: run `comptoir init --name NAME --email EMAIL`, open the app once, or run `comptoir seed`")
	}
	return e, nil
}

// systemLanguage is "fr" when the environment's locale is French.
func systemLanguage() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := os.Getenv(v); l != "" {
			if strings.HasPrefix(strings.ToLower(l), "fr") {
				return "fr"
			}
			return "en"
		}
	}
	return "en"
}
