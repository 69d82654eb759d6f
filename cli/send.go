package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"comptoir/data"
	"comptoir/mail/send"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func outboxCommand() *command {
	return &command{
		name:    "outbox",
		usage:   "[list | retry ID | cancel ID] [--db PATH] [--as EMAIL]",
		summary: "list the outgoing emails not sent yet with their state and the server's words; send a failed or unknown one again, or cancel it",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			return func(env *Env) error {
				sub, id := "list", int64(0)
				switch len(env.Args) {
				case 0:
				case 1:
					sub = env.Args[0]
				case 2:
					sub = env.Args[0]
					if _, err := fmt.Sscan(env.Args[1], &id); err != nil || id <= 0 {
						return usagef("%q is not an outbox id", env.Args[1])
					}
				default:
					return usagef("say list, retry ID or cancel ID")
				}
				if (sub == "retry" || sub == "cancel") != (id != 0) || (sub != "list" && sub != "retry" && sub != "cancel") {
					return usagef("say list, retry ID or cancel ID")
				}
				st, err := env.store()
				if err != nil {
					return err
				}
				me, err := env.actor(st)
				if err != nil {
					return err
				}
				switch sub {
				case "retry":
					if err := st.RetryEmail(env.Ctx, me.ID, id); err != nil {
						return err
					}
					fmt.Fprintf(env.Stdout, "outbox %d queued again; the next `comptoir sync` sends it\n", id)
					return nil
				case "cancel":
					if err := st.CancelEmail(env.Ctx, me.ID, id); err != nil {
						return err
					}
					fmt.Fprintf(env.Stdout, "outbox %d cancelled\n", id)
					return nil
				}
				items, err := st.Outbox(env.Ctx, me.ID, 500)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSTATE\tDEAL\tTO\tSUBJECT\tERROR")
				for _, it := range items {
					if it.State == data.OutSent || it.State == data.OutCancelled {
						continue
					}
					to := make([]string, len(it.To))
					for i, a := range it.To {
						to[i] = a.Email
					}
					fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\n", it.ID, it.State, it.DealID, strings.Join(to, ","), it.Subject, it.LastError)
				}
				return tw.Flush()
			}
		},
	}
}

func sendCommand() *command {
	return &command{
		name: "send",
		usage: "--deal ID --to ADDR --subject S --body-file F|- [--cc ADDR] [--bcc ADDR] [--attach FILE]... [--document NUMBER]... " +
			"[--html] [--no-signature] [--account EMAIL] [--db PATH] [--as EMAIL]",
		summary: "queue an email to a deal's client in the outbox; the next `comptoir sync` sends it. Prints its Message-ID",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			deal := fs.Int64("deal", 0, "the deal the email is written from")
			var to, cc, bcc, attach, docs listFlag
			fs.Var(&to, "to", "recipient (repeat, or separate with commas)")
			fs.Var(&cc, "cc", "copy recipient (repeatable)")
			fs.Var(&bcc, "bcc", "hidden copy recipient (repeatable)")
			fs.Var(&attach, "attach", "a file to attach (repeatable)")
			fs.Var(&docs, "document", "a quote or invoice of the deal to attach as PDF, by number (repeatable)")
			subject := fs.String("subject", "", "the subject")
			bodyFile := fs.String("body-file", "", "a file holding the plain-text body, or - for standard input")
			html := fs.Bool("html", false, "also send the text as simple HTML")
			noSig := fs.Bool("no-signature", false, "do not add the employee's signature")
			account := fs.String("account", "", "the mail account to send with, by address (default: the first that can send)")
			return func(env *Env) error {
				if len(env.Args) != 0 {
					return usagef("send takes no arguments")
				}
				if *deal <= 0 {
					return usagef("send needs --deal ID")
				}
				if *bodyFile == "" {
					return usagef("send needs --body-file FILE (or - for standard input)")
				}
				var body []byte
				var err error
				if *bodyFile == "-" {
					body, err = io.ReadAll(env.Stdin)
				} else {
					body, err = os.ReadFile(*bodyFile)
				}
				if err != nil {
					return fmt.Errorf("body: %w", err)
				}
				st, err := env.store()
				if err != nil {
					return err
				}
				me, err := env.actor(st)
				if err != nil {
					return err
				}
				in := data.ComposeInput{DealID: *deal, To: strings.Join(to, ","), Cc: strings.Join(cc, ","), Bcc: strings.Join(bcc, ","),
					Subject: *subject, Text: string(body), HTML: *html}
				if !*noSig {
					in.Text = data.WithSignature(in.Text, me.Signature)
				}
				if *account != "" {
					accs, err := st.Accounts(env.Ctx, me.ID)
					if err != nil {
						return err
					}
					for _, a := range accs {
						if strings.EqualFold(a.Email, *account) {
							in.AccountID = a.ID
						}
					}
					if in.AccountID == 0 {
						return usagef("--account %s: no such mail account", *account)
					}
				}
				for _, f := range attach {
					in.Files = append(in.Files, data.FileInput{Path: f})
				}
				for _, n := range docs {
					d, err := st.DocumentByNumber(env.Ctx, me.ID, n)
					if err != nil {
						return fmt.Errorf("--document %s: %w", n, err)
					}
					in.Files = append(in.Files, data.FileInput{DocumentID: d.ID})
				}
				it, err := send.Queue(env.Ctx, st, me.ID, in)
				if v := data.FieldErrors(err); v != nil {
					for _, f := range v.Fields {
						fmt.Fprintf(env.Stderr, "comptoir send: %s: %s\n", sendFlagName(f.Field), f.Message)
					}
					return errors.New("nothing was queued")
				}
				if err != nil {
					return explainDocErr(err)
				}
				fmt.Fprintf(env.Stdout, "queued <%s> (outbox %d); the next `comptoir sync` sends it\n", it.MessageID, it.ID)
				return nil
			}
		},
	}
}

// sendFlagName names a refused field by the flag that gave it.
func sendFlagName(field string) string {
	switch {
	case field == "to", field == "cc", field == "bcc", field == "subject", field == "account":
		return "--" + field
	case field == "files":
		return "--attach"
	case strings.HasPrefix(field, "files["):
		return "--attach/--document " + strings.TrimSuffix(strings.TrimPrefix(field, "files["), "]")
	}
	return field
}
