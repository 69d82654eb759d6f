package formats

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"comptoir/data"
)

// The export format. Other tools read it: the names below are a contract.
// Add fields freely; never rename or remove one.
//
// `comptoir export deals` writes a JSON array of DealExport objects:
//
//	id            number   the deal's id
//	title         string
//	pipeline      string   the pipeline's name
//	stage         string   the stage's name
//	status        string   "open", "won" or "lost" (the stage's semantics)
//	amount        string   decimal with the currency's digits, e.g. "1234.50"
//	currency      string   ISO 4217 code
//	probability   number   0–100: the deal's own, or else its stage's
//	source        string   "manual", "email", "call" or "import"
//	close_date    string   expected close date YYYY-MM-DD, or null
//	created_at    string   RFC 3339, UTC
//	updated_at    string   RFC 3339, UTC
//	closed_at     string   RFC 3339, UTC, or null while open
//	lost_reason   string   "" unless lost
//	client        object   {contact: {id, name, emails, phones} or null,
//	                        company: {id, name} or null}
//	responsible   object   {id, name, email}
//	observers     array    [{id, name, email}]
//	custom        object   custom field key → value (text)
//	products      array    [{name, unit, product_id, quantity, unit_price,
//	                        discount_kind, discount, discount_total, tax_rate,
//	                        tax_included, net, tax, gross}]; quantity and
//	                        money are decimal strings, tax_rate a percent
//	                        ("20", "5.5"), discount the value as entered
//	                        (a percent or an amount per unit)
//	documents     array    quotes and invoices, oldest first: [{id, number,
//	                        kind, status, issue_date, due_date, currency,
//	                        net, tax, gross, source_number}]; money as
//	                        decimal strings
//	timeline      array    oldest first: [{id, kind, at, author, text, ...}]
//
// A timeline entry's structured data (a field change's field/old/new, an
// email's from/to/subject/message_id/text/attachments/linked_because/
// linked_reason, …: the keys of its data.Payload, as stored) is flattened
// into the entry object. Data never replaces id, kind, at, author or
// edited_at; a non-empty "text" in the data (an email's body) replaces the
// entry's text.
//
// `comptoir export contacts` writes ContactExport objects and
// `comptoir export companies` CompanyExport objects (fields below).
//
// In CSV each record is one row; the header row names the columns:
// dealColumns, contactColumns and companyColumns. A cell that would start a
// spreadsheet formula ("=", "+", "-", "@", tab, line break) is written with
// a leading "'" (SafeCell); numbers such as "-12.50" are written as they are.

// DealExport is one deal in `comptoir export deals`.
type DealExport struct {
	ID          int64             `json:"id"`
	Title       string            `json:"title"`
	Pipeline    string            `json:"pipeline"`
	Stage       string            `json:"stage"`
	Status      string            `json:"status"`
	Amount      string            `json:"amount"`
	Currency    string            `json:"currency"`
	Probability int               `json:"probability"`
	Source      string            `json:"source"`
	CloseDate   *string           `json:"close_date"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	ClosedAt    *time.Time        `json:"closed_at"`
	LostReason  string            `json:"lost_reason"`
	Client      ClientExport      `json:"client"`
	Responsible PersonExport      `json:"responsible"`
	Observers   []PersonExport    `json:"observers"`
	Custom      map[string]string `json:"custom"`
	Products    []LineExport      `json:"products"`
	Documents   []data.Document   `json:"documents"`
	Timeline    []EntryExport     `json:"timeline"`
	// Files are the files attached to the deal, newest first: FileExport
	// (export_files.go).
	Files []FileExport `json:"files"`
}

// ClientExport is a deal's client: a contact, a company, or both.
type ClientExport struct {
	Contact *ClientContactExport `json:"contact"`
	Company *ClientCompanyExport `json:"company"`
}

// ClientContactExport is the contact of a deal.
type ClientContactExport struct {
	ID     int64    `json:"id"`
	Name   string   `json:"name"`
	Emails []string `json:"emails"`
	Phones []string `json:"phones"`
}

// ClientCompanyExport is the company of a deal or a contact.
type ClientCompanyExport struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// PersonExport is an employee: a deal's responsible or an observer.
type PersonExport struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// LineExport is a product line of a deal.
type LineExport struct {
	Name          string `json:"name"`
	Unit          string `json:"unit"`
	ProductID     *int64 `json:"product_id"`
	Quantity      string `json:"quantity"`
	UnitPrice     string `json:"unit_price"`
	DiscountKind  string `json:"discount_kind"`
	Discount      string `json:"discount"`
	DiscountTotal string `json:"discount_total"`
	TaxRate       string `json:"tax_rate"`
	TaxIncluded   bool   `json:"tax_included"`
	Net           string `json:"net"`
	Tax           string `json:"tax"`
	Gross         string `json:"gross"`
}

// EntryExport is a timeline entry; Data's keys are flattened into the
// object when it is written.
type EntryExport struct {
	ID       int64
	Kind     string
	At       time.Time
	Author   string // the employee's name; "" for the system
	Text     string
	EditedAt *time.Time
	Data     data.Payload
}

// MarshalJSON writes the entry with its data's keys beside its own, in key
// order. The data's values go through as the JSON its payload writes: a
// number stays the integer it is.
func (e EntryExport) MarshalJSON() ([]byte, error) {
	var data []member
	if e.Data != nil {
		b, err := json.Marshal(e.Data)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", e.ID, err)
		}
		if data, err = members(b); err != nil {
			return nil, fmt.Errorf("entry %d: %w", e.ID, err)
		}
	}
	text := e.Text
	all := make([]member, 0, len(data)+6)
	for _, m := range data {
		switch m.key {
		case "text":
			var t string
			if json.Unmarshal(m.val, &t) == nil && t != "" {
				text = t
			}
		case "id", "kind", "at", "author", "edited_at":
		default:
			all = append(all, m)
		}
	}
	own := func(key string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("entry %d: %w", e.ID, err)
		}
		all = append(all, member{key: key, raw: `"` + key + `"`, val: b})
		return nil
	}
	for _, f := range []struct {
		key string
		v   any
	}{{"id", e.ID}, {"kind", e.Kind}, {"at", e.At}, {"author", e.Author}, {"text", text}} {
		if err := own(f.key, f.v); err != nil {
			return nil, err
		}
	}
	if e.EditedAt != nil {
		if err := own("edited_at", *e.EditedAt); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(all, func(a, b member) int { return strings.Compare(a.key, b.key) })
	n := 2
	for _, m := range all {
		n += len(m.raw) + len(m.val) + 2
	}
	out := make([]byte, 0, n)
	out = append(out, '{')
	for i, m := range all {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, m.raw...)
		out = append(out, ':')
		out = append(out, m.val...)
	}
	return append(out, '}'), nil
}

// member is one key and value of a JSON object: the key as text and as
// written, the value as written.
type member struct {
	key, raw string
	val      []byte
}

// members cuts a compact JSON object, as encoding/json writes one, into its
// members, without decoding the values.
func members(b []byte) ([]member, error) {
	bad := fmt.Errorf("data is not a JSON object: %.40s", b)
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, bad
	}
	var out []member
	for i := 1; i < len(b)-1; {
		if len(out) > 0 {
			if b[i] != ',' {
				return nil, bad
			}
			i++
		}
		end := skipString(b, i)
		if end < 0 || end >= len(b) || b[end] != ':' {
			return nil, bad
		}
		m := member{raw: string(b[i:end])}
		m.key = m.raw[1 : len(m.raw)-1]
		if strings.IndexByte(m.raw, '\\') >= 0 {
			// an escaped key is written as encoding/json writes it
			if err := json.Unmarshal([]byte(m.raw), &m.key); err != nil {
				return nil, bad
			}
			k, _ := json.Marshal(m.key)
			m.raw = string(k)
		}
		vend := skipValue(b, end+1)
		if vend < 0 || vend > len(b)-1 {
			return nil, bad
		}
		m.val = b[end+1 : vend]
		out = append(out, m)
		i = vend
	}
	return out, nil
}

// skipString returns the index after the JSON string starting at i, or -1.
func skipString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index after the compact JSON value starting at i,
// or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				if j = skipString(b, j); j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
		j++
	}
	return j
}

// ContactExport is one contact in `comptoir export contacts`.
type ContactExport struct {
	ID        int64                `json:"id"`
	Name      string               `json:"name"`
	Company   *ClientCompanyExport `json:"company"`
	Emails    []string             `json:"emails"`
	Phones    []string             `json:"phones"`
	Address   string               `json:"address"`
	Notes     string               `json:"notes"`
	Custom    map[string]string    `json:"custom"`
	CreatedAt time.Time            `json:"created_at"`
	UpdatedAt time.Time            `json:"updated_at"`
}

// CompanyExport is one company in `comptoir export companies`.
type CompanyExport struct {
	ID           int64             `json:"id"`
	Name         string            `json:"name"`
	Address      string            `json:"address"`
	VATNumber    string            `json:"vat_number"`
	Registration string            `json:"registration"`
	Emails       []string          `json:"emails"`
	Phones       []string          `json:"phones"`
	Notes        string            `json:"notes"`
	Custom       map[string]string `json:"custom"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// CSV columns, in order.
var (
	dealColumns    = []string{"id", "title", "pipeline", "stage", "status", "amount", "currency", "client", "company", "responsible", "source", "created_at", "updated_at"}
	contactColumns = []string{"id", "name", "company", "emails", "phones", "created_at", "updated_at"}
	companyColumns = []string{"id", "name", "emails", "phones", "vat_number", "created_at", "updated_at"}
)

// exportPage is how many ids one keyset page reads.
const exportPage = 500

// ExportOptions say what Export writes.
type ExportOptions struct {
	What   string // "deals", "contacts" or "companies"
	ID     int64  // only the record with this id; 0: all
	Format string // "json" (an array of objects) or "csv" (a header row, then one row per record)
}

// Export writes deals, contacts or companies as the actor sees them, all
// read from one snapshot (one moment of the database, however long the
// writing takes), streamed to w: nothing is held beyond the current record.
func Export(ctx context.Context, st *data.Store, actor int64, w io.Writer, opt ExportOptions) error {
	if opt.What != "deals" && opt.What != "contacts" && opt.What != "companies" {
		return fmt.Errorf("export: cannot export %q: deals, contacts or companies", opt.What)
	}
	if opt.Format != "json" && opt.Format != "csv" {
		return fmt.Errorf("export: the format is json or csv, not %q", opt.Format)
	}
	sn, err := st.Snapshot(ctx, actor)
	if err != nil {
		return err
	}
	defer sn.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	out := newRecordWriter(bw, opt.Format, opt.What)
	x := &exporter{sn: sn, people: map[int64]PersonExport{}}
	switch opt.What {
	case "deals":
		err = x.deals(opt.ID, out)
	case "contacts":
		err = x.contacts(opt.ID, out)
	default:
		err = x.companies(opt.ID, out)
	}
	if err == nil {
		err = out.close()
	}
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write: %w", ferr)
	}
	return err
}

// recordWriter streams records: a JSON array written one object at a time,
// or CSV rows. Nothing is held beyond the current record.
type recordWriter struct {
	w      *bufio.Writer
	csv    *csv.Writer
	buf    bytes.Buffer
	enc    *json.Encoder
	n      int
	header []string
}

func newRecordWriter(w *bufio.Writer, format, what string) *recordWriter {
	rw := &recordWriter{w: w}
	if format == "csv" {
		rw.csv = csv.NewWriter(w)
		switch what {
		case "deals":
			rw.header = dealColumns
		case "contacts":
			rw.header = contactColumns
		default:
			rw.header = companyColumns
		}
	} else {
		rw.enc = json.NewEncoder(&rw.buf)
		rw.enc.SetEscapeHTML(false)
	}
	return rw
}

// write adds one record: v in JSON, row in CSV.
func (rw *recordWriter) write(v any, row func() []string) error {
	if rw.csv != nil {
		if rw.n == 0 {
			if err := rw.csv.Write(rw.header); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		rw.n++
		if err := rw.csv.Write(safeRow(row())); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		return nil
	}
	rw.buf.Reset()
	if err := rw.enc.Encode(v); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	sep := ",\n"
	if rw.n == 0 {
		sep = "[\n"
	}
	rw.n++
	rw.w.WriteString(sep)
	if _, err := rw.w.Write(bytes.TrimSuffix(rw.buf.Bytes(), []byte("\n"))); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// close ends the output: "]" for JSON ("[]" when empty), a header alone for
// an empty CSV.
func (rw *recordWriter) close() error {
	if rw.csv != nil {
		if rw.n == 0 {
			rw.csv.Write(rw.header)
		}
		rw.csv.Flush()
		if err := rw.csv.Error(); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		return nil
	}
	if rw.n == 0 {
		rw.w.WriteString("[")
	}
	if _, err := rw.w.WriteString("\n]\n"); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// exporter reads records from a snapshot and turns them into export objects.
type exporter struct {
	sn      *data.Snapshot
	people  map[int64]PersonExport // employees are few: kept for the whole export
	clients map[int64]*ClientContactExport
}

// maxCachedContacts bounds the contacts kept between deals: a client has
// several deals, but the export must not grow with the database.
const maxCachedContacts = 4096

// contact returns a deal's contact, from the cache when it was just seen.
func (x *exporter) contact(id int64) (*ClientContactExport, error) {
	if c, ok := x.clients[id]; ok {
		return c, nil
	}
	c, err := x.sn.Contact(id)
	if errors.Is(err, data.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if x.clients == nil || len(x.clients) >= maxCachedContacts {
		x.clients = make(map[int64]*ClientContactExport, maxCachedContacts)
	}
	ce := &ClientContactExport{ID: c.ID, Name: c.Name, Emails: nonNil(c.Emails), Phones: nonNil(c.Phones)}
	x.clients[id] = ce
	return ce, nil
}

// eachID calls fn for each id of the keyset pages pages returns, or for only
// that one when only is not 0.
func eachID(only int64, page func(after int64, limit int) ([]int64, error), fn func(id int64) error) error {
	if only != 0 {
		return fn(only)
	}
	var after int64
	for {
		ids, err := page(after, exportPage)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := fn(id); err != nil {
				return err
			}
		}
		if len(ids) < exportPage {
			return nil
		}
		after = ids[len(ids)-1]
	}
}

func (x *exporter) deals(only int64, out *recordWriter) error {
	return eachID(only, x.sn.DealIDs, func(id int64) error {
		d, err := x.sn.Deal(id)
		if err != nil {
			return err
		}
		if out.csv != nil {
			return out.write(nil, func() []string {
				return []string{strconv.FormatInt(d.ID, 10), d.Title, d.PipelineName, d.StageName, string(d.Status),
					data.FormatMinor(d.Amount, d.Currency), d.Currency, d.ContactName, d.CompanyName, d.Responsible,
					string(d.Source), rfc3339(d.CreatedAt), rfc3339(d.UpdatedAt)}
			})
		}
		de, err := x.deal(d)
		if err != nil {
			return err
		}
		return out.write(de, nil)
	})
}

// deal builds the export object of one deal.
func (x *exporter) deal(d data.Deal) (DealExport, error) {
	de := DealExport{
		ID: d.ID, Title: d.Title, Pipeline: d.PipelineName, Stage: d.StageName, Status: string(d.Status),
		Amount: data.FormatMinor(d.Amount, d.Currency), Currency: d.Currency, Probability: d.EffectiveProbability(),
		Source: string(d.Source), CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), LostReason: d.LostReason,
		Observers: []PersonExport{}, Custom: d.Custom, Products: []LineExport{}, Timeline: []EntryExport{},
	}
	if de.Custom == nil {
		de.Custom = map[string]string{}
	}
	if d.CloseDate != "" {
		cd := d.CloseDate
		de.CloseDate = &cd
	}
	if !d.ClosedAt.IsZero() {
		t := d.ClosedAt.UTC()
		de.ClosedAt = &t
	}
	if d.ContactID != 0 {
		c, err := x.contact(d.ContactID)
		if err != nil {
			return de, err
		}
		de.Client.Contact = c
	}
	if d.CompanyID != 0 {
		de.Client.Company = &ClientCompanyExport{ID: d.CompanyID, Name: d.CompanyName}
	}
	var err error
	if de.Responsible, err = x.person(d.ResponsibleID); err != nil {
		return de, err
	}
	for _, o := range d.Observers {
		p, err := x.person(o)
		if err != nil {
			return de, err
		}
		de.Observers = append(de.Observers, p)
	}
	lines, err := x.sn.Lines(d.ID)
	if err != nil {
		return de, err
	}
	for _, l := range lines {
		le := LineExport{
			Name: l.Name, Unit: l.Unit, Quantity: data.FormatQuantity(l.Quantity),
			UnitPrice: data.FormatMinor(l.Price, d.Currency), DiscountKind: string(l.DiscountKind),
			DiscountTotal: data.FormatMinor(l.Totals.Discount, d.Currency), TaxRate: data.FormatRate(l.TaxRate),
			TaxIncluded: l.TaxIncluded, Net: data.FormatMinor(l.Totals.Net, d.Currency),
			Tax: data.FormatMinor(l.Totals.Tax, d.Currency), Gross: data.FormatMinor(l.Totals.Gross, d.Currency),
		}
		if l.ProductID != 0 {
			pid := l.ProductID
			le.ProductID = &pid
		}
		if l.DiscountKind == data.DiscountAmount {
			le.Discount = data.FormatMinor(l.Discount, d.Currency)
		} else {
			le.Discount = data.FormatRate(l.Discount)
		}
		de.Products = append(de.Products, le)
	}
	if de.Documents, err = x.sn.Documents(d.ID); err != nil {
		return de, err
	}
	if de.Documents == nil {
		de.Documents = []data.Document{}
	}
	if de.Files, err = x.files(d.ID); err != nil {
		return de, err
	}
	entries, err := x.sn.Timeline(d.ID)
	if err != nil {
		return de, err
	}
	for _, e := range entries {
		ee := EntryExport{ID: e.ID, Kind: string(e.Kind), At: e.At.UTC(), Author: e.Author, Text: e.Text, Data: e.Data}
		if !e.EditedAt.IsZero() {
			t := e.EditedAt.UTC()
			ee.EditedAt = &t
		}
		de.Timeline = append(de.Timeline, ee)
	}
	return de, nil
}

func (x *exporter) person(id int64) (PersonExport, error) {
	if p, ok := x.people[id]; ok {
		return p, nil
	}
	e, err := x.sn.Employee(id)
	if err != nil {
		return PersonExport{}, err
	}
	p := PersonExport{ID: e.ID, Name: e.Name, Email: e.Email}
	x.people[id] = p
	return p, nil
}

func (x *exporter) contacts(only int64, out *recordWriter) error {
	return eachID(only, x.sn.ContactIDs, func(id int64) error {
		c, err := x.sn.Contact(id)
		if err != nil {
			return err
		}
		ce := ContactExport{ID: c.ID, Name: c.Name, Emails: nonNil(c.Emails), Phones: nonNil(c.Phones), Address: c.Address,
			Notes: c.Notes, Custom: c.Custom, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
		if ce.Custom == nil {
			ce.Custom = map[string]string{}
		}
		if c.CompanyID != 0 {
			ce.Company = &ClientCompanyExport{ID: c.CompanyID, Name: c.CompanyName}
		}
		return out.write(ce, func() []string {
			return []string{strconv.FormatInt(c.ID, 10), c.Name, c.CompanyName, strings.Join(c.Emails, "; "),
				strings.Join(c.Phones, "; "), rfc3339(c.CreatedAt), rfc3339(c.UpdatedAt)}
		})
	})
}

func (x *exporter) companies(only int64, out *recordWriter) error {
	return eachID(only, x.sn.CompanyIDs, func(id int64) error {
		c, err := x.sn.Company(id)
		if err != nil {
			return err
		}
		ce := CompanyExport{ID: c.ID, Name: c.Name, Address: c.Address, VATNumber: c.VATNumber, Registration: c.Registration,
			Emails: nonNil(c.Emails), Phones: nonNil(c.Phones), Notes: c.Notes, Custom: c.Custom,
			CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
		if ce.Custom == nil {
			ce.Custom = map[string]string{}
		}
		return out.write(ce, func() []string {
			return []string{strconv.FormatInt(c.ID, 10), c.Name, strings.Join(c.Emails, "; "), strings.Join(c.Phones, "; "),
				c.VATNumber, rfc3339(c.CreatedAt), rfc3339(c.UpdatedAt)}
		})
	})
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
