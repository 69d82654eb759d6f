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
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"

	"comptoir/cli/cmdline"
	"comptoir/data"
	"comptoir/mail/imapsync"
	"comptoir/mail/secret"
	"comptoir/mail/send"
)

// Services are what main wires once, around the database the global flags
// name, and hands to the commands that need them.
type Services struct {
	Store   *data.Store
	Secrets secret.Store
	Syncer  *imapsync.Syncer
	Sender  *send.Sender
	// Level is the level of the log the syncer and the sender write to
	// standard error; `sync` sets it from its -v and --once flags.
	Level *slog.LevelVar
}

// Opener opens (creating if needed) the database the global flags name, a
// new one with its default pipeline named in lang ("fr" or "en"), and wires
// the services around it. Run closes the store when the command ends.
type Opener func(ctx context.Context, lang string) (*Services, error)

// Env is what a command runs with.
type Env struct {
	Ctx    context.Context
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Flags  *flag.FlagSet
	// Args left after the command's flags.
	Args []string
	// Global are the global flags (--db, --lang, --as).
	Global cmdline.Global

	opener   Opener
	services *Services
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

// commands are the headless commands, by name; `comptoir help` lists them
// sorted.
var commands = byName(
	initCommand(),
	employeeCommand(),
	seedCommand(),
	exportCommand(),
	documentCommand(),
	catalogCommand(),
	accountCommand(),
	syncCommand(),
	sendCommand(),
	outboxCommand(),
	reportCommand(),
	dealCommand(),
)

func byName(cs ...*command) map[string]*command {
	m := make(map[string]*command, len(cs))
	for _, c := range cs {
		if _, dup := m[c.name]; dup {
			panic("cli: two commands named " + c.name)
		}
		m[c.name] = c
	}
	return m
}

// Run runs the named command with args (the command line without its global
// flags and without the command word) and returns the process exit code: 0
// on success, 1 on failure, 2 on a usage error. Flags may come before or
// after the command's arguments. open wires the database and the mail
// services the first time a command asks for them; Run closes the store when
// the command ends.
func Run(ctx context.Context, name string, args []string, g cmdline.Global, open Opener, stdin io.Reader, stdout, stderr io.Writer) int {
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
		fmt.Fprintf(stderr, "\n%s\n", cmdline.Usage)
	}
	run := c.flags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	env := &Env{Ctx: ctx, Stdin: stdin, Stdout: stdout, Stderr: stderr, Flags: fs, Args: pos, Global: g, opener: open}
	err = run(env)
	if env.services != nil {
		if cerr := env.services.Store.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if err != nil {
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
		fmt.Fprintf(w, "\n%s\n", cmdline.Usage)
		return 0
	}
	fmt.Fprintln(w, "Comptoir, the offline-first CRM for field sales.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage:")
	fmt.Fprintln(w, "  comptoir [--db PATH] [--lang fr|en] [--as EMAIL]   open the window")
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
	fmt.Fprintln(w, cmdline.Usage)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands act as the database's first admin unless --as EMAIL names another employee.")
	fmt.Fprintln(w, "Exit status: 0 done, 1 failed, 2 wrong command line.")
	return 0
}

// store opens the database (a new one with its pipeline named in the
// --lang given, else the system's language) and wires the services.
func (env *Env) store() (*data.Store, error) {
	svc, err := env.open("")
	if err != nil {
		return nil, err
	}
	return svc.Store, nil
}

// open wires the services once; lang names a new database's pipeline
// (empty: the --lang given, else the system's language).
func (env *Env) open(lang string) (*Services, error) {
	if env.services != nil {
		return env.services, nil
	}
	if lang == "" {
		lang = env.Global.Lang
	}
	if lang == "" {
		lang = systemLanguage()
	}
	svc, err := env.opener(env.Ctx, lang)
	if err != nil {
		return nil, err
	}
	env.services = svc
	return svc, nil
}

// actor finds the employee the command acts as: --as, else the first admin.
func (env *Env) actor(st *data.Store) (data.Employee, error) {
	ctx := env.Ctx
	if as := env.Global.As; as != "" {
		e, err := st.EmployeeByEmail(ctx, as)
		if errors.Is(err, data.ErrNotFound) {
			return e, fmt.Errorf("--as %s: no such employee", as)
		}
		if err != nil {
			return e, fmt.Errorf("--as %s: %w", as, err)
		}
		if !e.Active {
			return e, fmt.Errorf("--as %s: this employee is inactive", as)
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
