package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"comptoir/data"
)

func documentCommand() *command {
	return &command{
		name: "document",
		usage: "create --deal ID --kind quote|invoice [--out FILE.pdf] | invoice --quote NUMBER [--out FILE.pdf] | " +
			"pdf --number NUMBER --out FILE.pdf | list --deal ID [--format text|json] [--db PATH] [--as EMAIL]",
		summary: "issue a numbered quote or invoice from a deal and write its PDF; prints the number",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			deal := fs.Int64("deal", 0, "create, list: the deal's id")
			kind := fs.String("kind", "", "create: quote or invoice")
			quote := fs.String("quote", "", "invoice: the number of the quote to invoice")
			number := fs.String("number", "", "pdf: the document's number")
			out := fs.String("out", "", "create, invoice, pdf: write the PDF to this file")
			format := fs.String("format", "text", "list: text or json")
			return func(env *Env) error {
				if len(env.Args) != 1 {
					return usagef("say create, invoice, pdf or list")
				}
				sub := env.Args[0]
				switch sub {
				case "create":
					if *deal <= 0 {
						return usagef("create needs --deal ID")
					}
					if !data.DocumentKind(*kind).Valid() {
						return usagef("--kind must be quote or invoice, not %q", *kind)
					}
				case "invoice":
					if *quote == "" {
						return usagef("invoice needs --quote NUMBER")
					}
				case "pdf":
					if *number == "" || *out == "" {
						return usagef("pdf needs --number and --out")
					}
				case "list":
					if *deal <= 0 {
						return usagef("list needs --deal ID")
					}
					if *format != "text" && *format != "json" {
						return usagef("--format must be text or json, not %q", *format)
					}
				default:
					return usagef("say create, invoice, pdf or list, not %q", sub)
				}
				st, err := env.store()
				if err != nil {
					return err
				}
				me, err := env.actor(st)
				if err != nil {
					return err
				}
				if sub == "list" {
					docs, err := st.DealDocuments(env.Ctx, me.ID, *deal)
					if err != nil {
						return explainDocErr(err)
					}
					if *format == "json" {
						if docs == nil {
							docs = []data.Document{}
						}
						enc := json.NewEncoder(env.Stdout)
						enc.SetIndent("", "  ")
						return enc.Encode(docs)
					}
					tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "NUMBER\tKIND\tSTATUS\tISSUED\tNET\tTAX\tGROSS\tCURRENCY")
					for _, d := range docs {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.Number, d.Kind, d.Status, d.IssueDate,
							data.FormatMinor(d.Net, d.Currency), data.FormatMinor(d.Tax, d.Currency),
							data.FormatMinor(d.Gross, d.Currency), d.Currency)
					}
					return tw.Flush()
				}
				var doc data.Document
				err = safeDocument(func() (err error) {
					switch sub {
					case "create":
						doc, err = st.CreateDocument(env.Ctx, me.ID, *deal, data.DocumentKind(*kind))
					case "invoice":
						var q data.Document
						if q, err = st.DocumentByNumber(env.Ctx, me.ID, *quote); err == nil {
							doc, err = st.InvoiceFromQuote(env.Ctx, me.ID, q.ID)
						}
					case "pdf":
						doc, err = st.DocumentByNumber(env.Ctx, me.ID, *number)
					}
					return err
				})
				if err != nil {
					return explainDocErr(err)
				}
				if *out != "" {
					var pdf []byte
					err := safeDocument(func() (err error) {
						pdf, err = st.DocumentPDF(env.Ctx, me.ID, doc.ID)
						return err
					})
					switch {
					case err != nil && sub == "pdf":
						return fmt.Errorf("the PDF of %s could not be made: %w", doc.Number, err)
					case err != nil:
						return fmt.Errorf("%s was issued but its PDF failed (run `comptoir document pdf --number %s --out FILE`): %w",
							doc.Number, doc.Number, err)
					}
					if err := os.WriteFile(*out, pdf, 0o644); err != nil {
						return fmt.Errorf("%s was issued but its PDF could not be written (run `comptoir document pdf --number %s --out FILE`): %w",
							doc.Number, doc.Number, err)
					}
				}
				_, err = fmt.Fprintln(env.Stdout, doc.Number)
				return err
			}
		},
	}
}

// safeDocument runs a document call so that a panic in it becomes an error
// in words rather than a crash of the command.
func safeDocument(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", data.ErrDocumentRender, p)
		}
	}()
	return fn()
}

// explainDocErr turns store errors into plain command-line messages.
func explainDocErr(err error) error {
	switch {
	case errors.Is(err, data.ErrDocumentRender):
		return fmt.Errorf("the document's PDF could not be made, so nothing was issued and no number was used: %w", err)
	case errors.Is(err, data.ErrNotFound):
		return fmt.Errorf("no such deal or document (or you may not see it): %w", err)
	case errors.Is(err, data.ErrForbidden):
		return fmt.Errorf("not allowed: %w", err)
	}
	return err
}
