package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"comptoir/data"
	"comptoir/data/formats"
)

// dealCommand is `comptoir deal`: create, change, move, close, delete and
// restore a deal, or attach a file to it, from a script, with the acting
// employee's rights (--as). It prints the deal it changed as the export
// writes a deal (JSON). A bad value is refused with the field the window
// shows its error at ("amount: …", "stage: …"), and nothing is written.
func dealCommand() *command {
	return &command{
		name: "deal",
		usage: "create|update|move|close|delete|restore|attach|trash|purge [--deal ID] [--title T] [--contact-email E] " +
			"[--company NAME] [--amount N] [--currency C] [--stage S] [--responsible EMAIL] [--observer EMAIL]... " +
			"[--field KEY=VALUE]... [--lost-reason R] [FILE...] [--db PATH] [--as EMAIL]",
		summary: "create, change, move, close, delete or restore a deal, or attach files to it; prints the deal as JSON",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			var o dealFlags
			fs.Int64Var(&o.deal, "deal", 0, "the deal the other subcommands than create act on")
			fs.StringVar(&o.title, "title", "", "the deal's title")
			fs.StringVar(&o.contactEmail, "contact-email", "", "the client contact's address: found, or created (named --contact-name)")
			fs.StringVar(&o.contactName, "contact-name", "", "a new contact's name (default: its address)")
			fs.StringVar(&o.company, "company", "", "the client company's name: found, or created")
			fs.StringVar(&o.amount, "amount", "", "the amount, a decimal number in the currency (12500.50)")
			fs.StringVar(&o.currency, "currency", "", "ISO 4217 code (default EUR)")
			fs.StringVar(&o.pipeline, "pipeline", "", "create: the pipeline, by name or id (default: the first)")
			fs.StringVar(&o.stage, "stage", "", "the stage, by name or id, in the deal's pipeline")
			fs.StringVar(&o.responsible, "responsible", "", "the responsible employee's email (default: who acts)")
			fs.Var(&o.observers, "observer", "an observer's email; repeat for several (update: replaces them; \"\" for none)")
			fs.Var(&o.fields, "field", "a custom field, KEY=VALUE; repeat for several (KEY= clears it)")
			fs.StringVar(&o.lostReason, "lost-reason", "", "why the deal is lost (a lost stage, close --outcome lost)")
			fs.StringVar(&o.closeDate, "close-date", "", "the expected close date, YYYY-MM-DD (\"\" clears it)")
			fs.StringVar(&o.probability, "probability", "", "0–100, or \"\" to follow the stage")
			fs.StringVar(&o.source, "source", "", "manual, email, call or import")
			fs.StringVar(&o.outcome, "outcome", "won", "close: won or lost")
			fs.IntVar(&o.limit, "limit", 100, "trash: how many to list")
			return func(env *Env) error {
				if len(env.Args) == 0 {
					return usagef("say create, update, move, close, delete, restore, attach, trash or purge")
				}
				o.set = map[string]bool{}
				env.Flags.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
				return runDeal(env, env.Args[0], env.Args[1:], &o)
			}
		},
	}
}

// dealFlags are the deal command's flags; set names those given.
type dealFlags struct {
	deal                               int64
	title, contactEmail, contactName   string
	company, amount, currency          string
	pipeline, stage, responsible       string
	observers, fields                  listFlag
	lostReason, closeDate, probability string
	source, outcome                    string
	limit                              int
	set                                map[string]bool
}

// repeatFlag is a flag that may be given many times.
type repeatFlag []string

func (l *repeatFlag) String() string     { return strings.Join(*l, ", ") }
func (l *repeatFlag) Set(v string) error { *l = append(*l, v); return nil }

func runDeal(env *Env, sub string, files []string, o *dealFlags) error {
	switch sub {
	case "create", "trash", "purge":
		if o.set["deal"] {
			return usagef("%s takes no --deal", sub)
		}
	case "update", "move", "close", "delete", "restore", "attach":
		if o.deal <= 0 {
			return usagef("%s needs --deal ID", sub)
		}
	default:
		return usagef("say create, update, move, close, delete, restore, attach, trash or purge, not %q", sub)
	}
	if sub == "attach" && len(files) == 0 {
		return usagef("attach needs the files to attach: comptoir deal attach --deal ID FILE...")
	}
	if sub != "attach" && len(files) > 0 {
		return usagef("unexpected argument %q", files[0])
	}
	if sub == "move" && o.stage == "" {
		return usagef("move needs --stage")
	}
	if sub == "close" && o.outcome != "won" && o.outcome != "lost" {
		return usagef("--outcome must be won or lost, not %q", o.outcome)
	}
	st, err := env.store()
	if err != nil {
		return err
	}
	me, err := env.actor(st)
	if err != nil {
		return err
	}
	ctx := env.Ctx
	id := o.deal
	switch sub {
	case "create", "update":
		var old data.Deal
		if sub == "update" {
			if old, err = st.Deal(ctx, me.ID, id); err != nil {
				return explainDealErr(err)
			}
		}
		in, err := o.input(env, st, me, old)
		if err != nil {
			return explainDealErr(err)
		}
		var d data.Deal
		if sub == "create" {
			d, err = st.CreateDeal(ctx, me.ID, in)
		} else {
			d, err = st.UpdateDeal(ctx, me.ID, id, in)
		}
		if err != nil {
			return explainDealErr(err)
		}
		id = d.ID
	case "move", "close":
		d, err := st.Deal(ctx, me.ID, id)
		if err != nil {
			return explainDealErr(err)
		}
		p, err := st.Pipeline(ctx, me.ID, d.PipelineID)
		if err != nil {
			return err
		}
		var stage data.Stage
		if sub == "move" {
			var v fieldErrs
			stage = v.stage(p, o.stage)
			if err := v.err(); err != nil {
				return explainDealErr(err)
			}
		} else {
			var ok bool
			if stage, ok = p.FinalStage(data.Semantics(o.outcome)); !ok {
				return explainDealErr(&data.ValidationError{Fields: []data.FieldError{{Field: "stage", Code: "unknown_stage",
					Message: fmt.Sprintf("pipeline %s has no %s stage", p.Name, o.outcome)}}})
			}
		}
		if _, err := st.MoveDeal(ctx, me.ID, id, stage.ID, o.lostReason); err != nil {
			return explainDealErr(err)
		}
	case "delete":
		if err := st.DeleteDeal(ctx, me.ID, id); err != nil {
			return explainDealErr(err)
		}
		items, err := st.Trash(ctx, me.ID, 1000)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.Kind == data.KindDeal && it.Ref == id {
				return writeJSON(env, it)
			}
		}
		return writeJSON(env, map[string]any{"id": id, "deleted": true})
	case "restore":
		if _, err := st.RestoreDeal(ctx, me.ID, id); err != nil {
			return explainDealErr(err)
		}
	case "attach":
		if _, err := st.Deal(ctx, me.ID, id); err != nil {
			return explainDealErr(err)
		}
		if err := checkFiles(env, st, files); err != nil {
			return err
		}
		for _, path := range files {
			if err := attachFile(env, st, me.ID, id, path); err != nil {
				return err
			}
		}
	case "trash":
		items, err := st.Trash(ctx, me.ID, o.limit)
		if err != nil {
			return err
		}
		return writeJSON(env, items)
	case "purge":
		res, err := st.PurgeTrash(ctx)
		if err != nil {
			return err
		}
		return writeJSON(env, res)
	}
	return formats.WriteDeal(ctx, st, me.ID, id, env.Stdout)
}

// checkFiles refuses the whole attach when one file cannot be: missing, a
// folder, empty or over the limit; none is attached then.
func checkFiles(env *Env, st *data.Store, files []string) error {
	limit, err := st.FileMaxSize(env.Ctx)
	if err != nil {
		return err
	}
	for _, path := range files {
		fi, err := os.Stat(path)
		switch {
		case err != nil:
			return fmt.Errorf("file: %s cannot be read: %w", path, err)
		case fi.IsDir():
			return fmt.Errorf("file: %s is a folder, not a file", path)
		case fi.Size() == 0:
			return fmt.Errorf("file: %s is empty", path)
		case fi.Size() > limit:
			return explainDealErr(&data.ValidationError{Fields: []data.FieldError{{Field: "file", Code: data.FileTooLarge,
				Message: (&data.FileLimitError{Name: filepath.Base(path), Size: fi.Size(), Limit: limit}).Error()}}})
		}
	}
	return nil
}

// attachFile adds one file from disk to a deal.
func attachFile(env *Env, st *data.Store, actor, dealID int64, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("file: %s cannot be read: %w", path, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("file: %s is a folder, not a file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("file: %s cannot be read: %w", path, err)
	}
	defer f.Close()
	if _, err := st.AddFile(env.Ctx, actor, data.FileOwner{Kind: data.KindDeal, ID: dealID}, filepath.Base(path), f); err != nil {
		return explainDealErr(err)
	}
	return nil
}

func writeJSON(env *Env, v any) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// fieldErrs gathers the field errors of the flags, named as the window
// names its fields.
type fieldErrs struct{ errs []data.FieldError }

func (v *fieldErrs) add(field, code, format string, args ...any) {
	v.errs = append(v.errs, data.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (v *fieldErrs) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return &data.ValidationError{Fields: v.errs}
}

// stage finds a stage of a pipeline by id or name (case-insensitive).
func (v *fieldErrs) stage(p data.Pipeline, s string) data.Stage {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if st, ok := p.Stage(n); ok {
			return st
		}
	}
	for _, st := range p.Stages {
		if strings.EqualFold(st.Name, s) {
			return st
		}
	}
	names := make([]string, len(p.Stages))
	for i, st := range p.Stages {
		names[i] = st.Name
	}
	v.add("stage", "unknown_stage", "pipeline %s has no stage %q (it has %s)", p.Name, s, strings.Join(names, ", "))
	return data.Stage{}
}

// input builds the deal the flags describe: a new one, or old with the
// flags given changed.
func (o *dealFlags) input(env *Env, st *data.Store, me data.Employee, old data.Deal) (data.DealInput, error) {
	ctx := env.Ctx
	in := old.Input()
	if old.ID == 0 {
		in = data.DealInput{Custom: map[string]string{}}
	}
	var v fieldErrs
	if o.set["title"] {
		in.Title = o.title
	}
	if o.set["currency"] {
		in.Currency = strings.ToUpper(strings.TrimSpace(o.currency))
	}
	if o.set["amount"] {
		code := in.Currency
		if code == "" {
			code = data.DefaultCurrency
		}
		if _, ok := data.CurrencyDigits(code); ok {
			n, err := data.ParseMinor(strings.TrimSpace(o.amount), code)
			if err != nil {
				v.add("amount", "not_a_number", "%q is not an amount in %s", o.amount, code)
			}
			in.Amount = n
		}
	}
	pipes, err := st.Pipelines(ctx, me.ID)
	if err != nil {
		return in, err
	}
	p := data.Pipeline{}
	for _, q := range pipes {
		if q.ID == in.PipelineID || (in.PipelineID == 0 && p.ID == 0) {
			p = q
		}
	}
	if o.set["pipeline"] {
		found := false
		for _, q := range pipes {
			if strings.EqualFold(q.Name, strings.TrimSpace(o.pipeline)) || strconv.FormatInt(q.ID, 10) == strings.TrimSpace(o.pipeline) {
				p, found = q, true
			}
		}
		if !found {
			v.add("pipeline", "unknown_pipeline", "no pipeline %q", o.pipeline)
		} else if p.ID != in.PipelineID {
			in.PipelineID, in.StageID = p.ID, 0
		}
	}
	if o.set["stage"] {
		if st := v.stage(p, o.stage); st.ID != 0 {
			in.PipelineID, in.StageID = p.ID, st.ID
		}
	}
	if o.set["lost-reason"] {
		in.LostReason = o.lostReason
	}
	if o.set["responsible"] {
		e, err := st.EmployeeByEmail(ctx, o.responsible)
		if err != nil {
			v.add("responsible", "unknown_employee", "no employee %q", o.responsible)
		} else {
			in.ResponsibleID = e.ID
		}
	}
	if o.set["observer"] {
		in.Observers = []int64{}
		for _, email := range o.observers {
			if strings.TrimSpace(email) == "" {
				continue
			}
			e, err := st.EmployeeByEmail(ctx, email)
			if err != nil {
				v.add("observers", "unknown_employee", "no employee %q", email)
				continue
			}
			in.Observers = append(in.Observers, e.ID)
		}
	}
	if o.set["field"] {
		if in.Custom == nil {
			in.Custom = map[string]string{}
		}
		for _, kv := range o.fields {
			k, val, ok := strings.Cut(kv, "=")
			k = strings.TrimSpace(k)
			if !ok || k == "" {
				v.add("custom", "invalid", "--field %q is not KEY=VALUE", kv)
				continue
			}
			if val == "" {
				delete(in.Custom, k)
			} else {
				in.Custom[k] = val
			}
		}
	}
	if o.set["close-date"] {
		in.CloseDate = strings.TrimSpace(o.closeDate)
	}
	if o.set["probability"] {
		in.Probability = nil
		if s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(o.probability), "%")); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				v.add("probability", "not_a_number", "%q is not a whole number", o.probability)
			} else {
				in.Probability = &n
			}
		}
	}
	if o.set["source"] {
		in.Source = data.Source(strings.TrimSpace(o.source))
	}
	if err := v.err(); err != nil {
		return in, err
	}
	if o.set["contact-email"] || o.set["company"] {
		ref := data.ClientRef{ContactEmail: o.contactEmail, ContactName: o.contactName, Company: o.company}
		c, err := st.ResolveClient(ctx, me.ID, ref)
		if err != nil {
			return in, err
		}
		if o.set["contact-email"] {
			in.ContactID = c.ContactID
			if !o.set["company"] && c.CompanyID != 0 {
				in.CompanyID = c.CompanyID
			}
		}
		if o.set["company"] {
			in.CompanyID = c.CompanyID
		}
	}
	return in, nil
}

// explainDealErr words store errors for the command line: field errors
// each on the field the window names.
func explainDealErr(err error) error {
	if v := data.FieldErrors(err); v != nil {
		parts := make([]string, len(v.Fields))
		for i, f := range v.Fields {
			parts[i] = f.Field + ": " + f.Message
		}
		return errors.New(strings.Join(parts, "; "))
	}
	switch {
	case errors.Is(err, data.ErrInvoiced):
		return fmt.Errorf("not allowed: %w", err)
	case errors.Is(err, data.ErrNotFound):
		return fmt.Errorf("no such deal (or you may not see it): %w", err)
	case errors.Is(err, data.ErrForbidden):
		return fmt.Errorf("not allowed: %w", err)
	}
	return err
}
