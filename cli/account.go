package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"comptoir/data"
	"comptoir/mail/secret"
)

// readPassword takes the password from COMPTOIR_PASSWORD or, with
// --password-stdin, from the first line of standard input. It is never
// echoed nor logged.
func readPassword(env *Env, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", errors.New("--password-stdin: no password on standard input")
		}
		p := strings.TrimRight(line, "\r\n")
		if p == "" {
			return "", errors.New("--password-stdin: the password is empty")
		}
		return p, nil
	}
	if p := os.Getenv("COMPTOIR_PASSWORD"); p != "" {
		return p, nil
	}
	return "", usagef("give the password in the environment variable COMPTOIR_PASSWORD or on standard input with --password-stdin")
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func accountCommand() *command {
	return &command{
		name: "account",
		usage: "add --email ADDR --imap-host H --imap-port P --imap-security tls|starttls|none --username U " +
			"[--smtp-host H --smtp-port P --smtp-security tls|starttls|none] [--password-stdin] | list | remove --email ADDR [--db PATH]",
		summary: "add, list or remove a mail account; the password comes from COMPTOIR_PASSWORD or --password-stdin",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			var in data.AccountInput
			var imapSec, smtpSec, policy, addresses, folders, exclude, responsible string
			var stdin bool
			var maxMB int64
			fs.StringVar(&in.Email, "email", "", "add, remove: the account's address")
			fs.StringVar(&addresses, "addresses", "", "add: other addresses the account receives for, comma-separated")
			fs.StringVar(&in.IMAPHost, "imap-host", "", "add: IMAP server name")
			fs.IntVar(&in.IMAPPort, "imap-port", 0, "add: IMAP port (default 993 for tls, 143 otherwise)")
			fs.StringVar(&imapSec, "imap-security", "tls", "add: tls, starttls, or none (this computer only)")
			fs.StringVar(&in.Username, "username", "", "add: IMAP user name (default: the address)")
			fs.StringVar(&folders, "folders", "INBOX", "add: folders to watch, comma-separated")
			fs.StringVar(&in.SMTPHost, "smtp-host", "", "add: SMTP server name, for sending")
			fs.IntVar(&in.SMTPPort, "smtp-port", 0, "add: SMTP port (default 465 for tls, 587 otherwise)")
			fs.StringVar(&smtpSec, "smtp-security", "", "add: tls, starttls, or none (this computer only); default starttls")
			fs.StringVar(&in.SMTPUsername, "smtp-username", "", "add: SMTP user name (default: the IMAP one)")
			fs.BoolVar(&in.ServerSavesSent, "server-saves-sent", false, "add: the SMTP server files sent mail itself (Gmail)")
			fs.StringVar(&policy, "policy", "deal", "add: mail from unknown senders: deal, inbox or ignore")
			fs.StringVar(&responsible, "responsible", "", "add: email of the employee new deals go to (default: the first admin)")
			fs.StringVar(&exclude, "exclude", "", "add: addresses and domains that never create a deal, comma-separated")
			fs.IntVar(&in.ImportDays, "import-days", data.DefaultImportDays, "add: days of past mail the first sync imports")
			fs.Int64Var(&maxMB, "max-size-mb", data.DefaultMaxSize>>20, "add: larger messages keep only headers and text")
			fs.BoolVar(&stdin, "password-stdin", false, "add: read the password from the first line of standard input")
			return func(env *Env) error {
				if len(env.Args) != 1 {
					return usagef("say add, list or remove")
				}
				switch env.Args[0] {
				case "add":
					if in.Email == "" || in.IMAPHost == "" {
						return usagef("add needs --email and --imap-host")
					}
				case "remove":
					if in.Email == "" {
						return usagef("remove needs --email")
					}
				case "list":
				default:
					return usagef("say add, list or remove, not %q", env.Args[0])
				}
				var password string
				if env.Args[0] == "add" {
					var err error
					if password, err = readPassword(env, stdin); err != nil {
						return err
					}
				}
				st, err := env.store()
				if err != nil {
					return err
				}
				me, err := env.actor(st)
				if err != nil {
					return err
				}
				sec := env.services.Secrets
				switch env.Args[0] {
				case "list":
					return listAccounts(env, st, me.ID)
				case "remove":
					return removeAccount(env, st, sec, me.ID, in.Email)
				}
				in.IMAPSecurity, in.SMTPSecurity, in.Policy = data.Security(imapSec), data.Security(smtpSec), data.Policy(policy)
				in.Addresses, in.Folders, in.Exclusions = splitList(addresses), splitList(folders), splitList(exclude)
				in.MaxSize = maxMB << 20
				if responsible != "" {
					e, err := st.EmployeeByEmail(env.Ctx, responsible)
					if err != nil {
						return fmt.Errorf("--responsible %s: no such employee", responsible)
					}
					in.ResponsibleID = e.ID
				}
				acc, err := addAccount(env, st, sec, me.ID, in, password)
				if errors.Is(err, data.ErrForbidden) {
					return fmt.Errorf("%s is not an admin: only an admin adds mail accounts", me.Email)
				}
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(env.Stdout, "added mail account %d: %s (IMAP %s:%d %s, folders %s; password in the %s)\n",
					acc.ID, acc.Email, acc.IMAPHost, acc.IMAPPort, acc.IMAPSecurity, strings.Join(acc.Folders, ", "), sec.Kind())
				return err
			}
		},
	}
}

// addAccount creates a mail account with its password, or nothing. The
// password's key names the account, so the account is created inactive
// (no sync picks it up), its passwords are stored, and only then is it made
// active as asked; on any failure the account and whatever was stored are
// removed again.
func addAccount(env *Env, st *data.Store, sec secret.Store, actor int64, in data.AccountInput, password string) (data.Account, error) {
	active := !in.Inactive
	in.Inactive = true
	acc, err := st.CreateAccount(env.Ctx, actor, in)
	if err != nil {
		return data.Account{}, err
	}
	undo := func(cause error) (data.Account, error) {
		// The context may be the reason for the failure: clean up anyway.
		ctx := context.WithoutCancel(env.Ctx)
		cleanup := errors.Join(sec.Delete(acc.IMAPSecretKey()), sec.Delete(acc.SMTPSecretKey()),
			st.DeleteAccount(ctx, actor, acc.ID))
		if cleanup != nil {
			return data.Account{}, fmt.Errorf("%w (and undoing it: %v)", cause, cleanup)
		}
		return data.Account{}, cause
	}
	if err := sec.Set(acc.IMAPSecretKey(), password); err != nil {
		return undo(fmt.Errorf("save the password: %w", err))
	}
	if acc.SMTPHost != "" {
		if err := sec.Set(acc.SMTPSecretKey(), password); err != nil {
			return undo(fmt.Errorf("save the SMTP password: %w", err))
		}
	}
	if active {
		in.Inactive = false
		on, err := st.UpdateAccount(env.Ctx, actor, acc.ID, in)
		if err != nil {
			return undo(err)
		}
		acc = on
	}
	return acc, nil
}

func listAccounts(env *Env, st *data.Store, actor int64) error {
	accs, err := st.Accounts(env.Ctx, actor)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tIMAP\tFOLDERS\tPOLICY\tSTATUS")
	for _, a := range accs {
		status := a.Status
		if a.StatusMessage != "" {
			status += ": " + a.StatusMessage
		}
		if status == "" {
			status = "never synced"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s:%d %s\t%s\t%s\t%s\n", a.ID, a.Email, a.IMAPHost, a.IMAPPort, a.IMAPSecurity,
			strings.Join(a.Folders, ","), a.Policy, oneLine(status))
	}
	return tw.Flush()
}

func removeAccount(env *Env, st *data.Store, sec secret.Store, actor int64, email string) error {
	accs, err := st.Accounts(env.Ctx, actor)
	if err != nil {
		return err
	}
	for _, a := range accs {
		if !strings.EqualFold(a.Email, email) {
			continue
		}
		if err := st.DeleteAccount(env.Ctx, actor, a.ID); err != nil {
			return err
		}
		if err := errors.Join(sec.Delete(a.IMAPSecretKey()), sec.Delete(a.SMTPSecretKey())); err != nil {
			return fmt.Errorf("removed mail account %s, but not its password: %w", a.Email, err)
		}
		_, err = fmt.Fprintf(env.Stdout, "removed mail account %s\n", a.Email)
		return err
	}
	return fmt.Errorf("no mail account %s", email)
}
