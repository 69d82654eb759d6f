package data

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // the business's zone resolves on systems without a zone database (Windows, phones)

	"comptoir/data/document"
)

// DocumentKind is a quote or an invoice.
type DocumentKind string

// Document kinds.
const (
	DocQuote   DocumentKind = "quote"
	DocInvoice DocumentKind = "invoice"
)

// Valid reports whether k is a known kind.
func (k DocumentKind) Valid() bool { return k == DocQuote || k == DocInvoice }

// DocumentStatus is where a document stands.
type DocumentStatus string

// Document statuses. A quote goes draft → sent → accepted or declined; an
// invoice goes draft → sent → paid. A step may be skipped (a quote signed on
// the spot is accepted from draft) but never taken back.
const (
	DocDraft    DocumentStatus = "draft"
	DocSent     DocumentStatus = "sent"
	DocAccepted DocumentStatus = "accepted"
	DocDeclined DocumentStatus = "declined"
	DocPaid     DocumentStatus = "paid"
)

var docTransitions = map[DocumentKind]map[DocumentStatus][]DocumentStatus{
	DocQuote: {
		DocDraft: {DocSent, DocAccepted, DocDeclined},
		DocSent:  {DocAccepted, DocDeclined},
	},
	DocInvoice: {
		DocDraft: {DocSent, DocPaid},
		DocSent:  {DocPaid},
	},
}

// NextStatuses lists the statuses a document may move to from its current one.
func (d Document) NextStatuses() []DocumentStatus {
	return docTransitions[d.Kind][d.Status]
}

// DocumentSnapshot is a document's content as issued and printed.
type DocumentSnapshot = document.Snapshot

// Document is an issued quote or invoice. Its snapshot never changes; only
// its status moves.
type Document struct {
	ID     int64          `json:"id"`
	DealID int64          `json:"deal_id"`
	Kind   DocumentKind   `json:"kind"`
	Number string         `json:"number"`
	Year   int            `json:"year"`
	Seq    int            `json:"seq"`
	Status DocumentStatus `json:"status"`
	// IssueDate and DueDate are YYYY-MM-DD. DueDate is an invoice's due
	// date or a quote's validity date.
	IssueDate    string    `json:"issue_date"`
	DueDate      string    `json:"due_date,omitempty"`
	Net          int64     `json:"-"`
	Tax          int64     `json:"-"`
	Gross        int64     `json:"-"`
	Currency     string    `json:"currency"`
	SourceID     int64     `json:"source_id,omitempty"` // the quote an invoice was made from
	SourceNumber string    `json:"source_number,omitempty"`
	CreatedBy    int64     `json:"created_by,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	StatusAt     time.Time `json:"status_at"`

	Snapshot DocumentSnapshot `json:"-"`
}

// MarshalJSON writes the amounts as decimal strings in the currency's units,
// the export format.
func (d Document) MarshalJSON() ([]byte, error) {
	type plain Document
	return json.Marshal(struct {
		plain
		Net   string `json:"net"`
		Tax   string `json:"tax"`
		Gross string `json:"gross"`
	}{plain(d), FormatMinor(d.Net, d.Currency), FormatMinor(d.Tax, d.Currency), FormatMinor(d.Gross, d.Currency)})
}

// Seller is the business that issues documents, as kept in Settings.
type Seller struct {
	Name         string `json:"name"`
	Address      string `json:"address,omitempty"` // several lines
	Registration string `json:"registration,omitempty"`
	VATNumber    string `json:"vat_number,omitempty"`
	Email        string `json:"email,omitempty"`
	Phone        string `json:"phone,omitempty"`
	IBAN         string `json:"iban,omitempty"`
	BIC          string `json:"bic,omitempty"`
	// PaymentDays is the payment term of an invoice (0: on receipt).
	PaymentDays int    `json:"payment_days"`
	PaymentNote string `json:"payment_note,omitempty"` // e.g. "by bank transfer"
	// LatePenalty replaces the standard late-payment penalty wording.
	LatePenalty string `json:"late_penalty,omitempty"`
	LegalNote   string `json:"legal_note,omitempty"` // legal form, capital, VAT exemption…
	// Logo is a PNG or JPEG image for the header of documents.
	Logo              []byte `json:"logo,omitempty"`
	QuotePrefix       string `json:"quote_prefix"`
	InvoicePrefix     string `json:"invoice_prefix"`
	QuoteValidityDays int    `json:"quote_validity_days"`
	// Language of documents, "fr" or "en"; "" follows the database's.
	Language string `json:"language,omitempty"`
	// TimeZone is the IANA name of the business's zone (default
	// DefaultTimeZone): documents' dates and numbering year, and the "today"
	// of payments and deliveries, are days there. Timestamps stay in UTC.
	TimeZone string `json:"time_zone,omitempty"`
}

// DefaultTimeZone is the business's zone until Settings say otherwise.
const DefaultTimeZone = "Europe/Paris"

// Location is the seller's time zone; DefaultTimeZone when unset, UTC when
// the name is unknown (validate refuses such names).
func (s Seller) Location() *time.Location {
	name := s.TimeZone
	if name == "" {
		name = DefaultTimeZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// SellerSetting is the settings key that holds the Seller as JSON.
const SellerSetting = "seller"

// DefaultSeller is the seller before anyone fills in Settings.
func DefaultSeller() Seller {
	return Seller{PaymentDays: 30, QuotePrefix: "DEV", InvoicePrefix: "FAC", QuoteValidityDays: 30, TimeZone: DefaultTimeZone}
}

func parseSeller(v string) Seller {
	s := DefaultSeller()
	if v != "" {
		_ = json.Unmarshal([]byte(v), &s)
	}
	if s.QuotePrefix == "" {
		s.QuotePrefix = "DEV"
	}
	if s.InvoicePrefix == "" {
		s.InvoicePrefix = "FAC"
	}
	if s.TimeZone == "" {
		s.TimeZone = DefaultTimeZone
	}
	return s
}

// location is the business's time zone, from the seller's settings.
func (tx *wtx) location() *time.Location {
	return parseSeller(tx.setting(SellerSetting)).Location()
}

// location is the business's time zone, from the seller's settings.
func (s *Store) location(ctx context.Context) (*time.Location, error) {
	seller, err := s.Seller(ctx)
	if err != nil {
		return nil, err
	}
	return seller.Location(), nil
}

// Seller returns the seller's details from Settings.
func (s *Store) Seller(ctx context.Context) (Seller, error) {
	v, err := s.Setting(ctx, SellerSetting)
	if err != nil {
		return Seller{}, err
	}
	return parseSeller(v), nil
}

var prefixRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,10}$`)

func (in *Seller) validate() error {
	var v validator
	in.Name = CleanName(in.Name)
	in.QuotePrefix = strings.TrimSpace(in.QuotePrefix)
	in.InvoicePrefix = strings.TrimSpace(in.InvoicePrefix)
	in.IBAN = strings.ToUpper(strings.TrimSpace(in.IBAN))
	if in.Name == "" {
		v.add("name", "required", "the company name is required")
	}
	if !prefixRE.MatchString(in.QuotePrefix) {
		v.add("quote_prefix", "invalid", "a prefix is 1 to 10 letters or digits")
	}
	if !prefixRE.MatchString(in.InvoicePrefix) {
		v.add("invoice_prefix", "invalid", "a prefix is 1 to 10 letters or digits")
	}
	if strings.EqualFold(in.QuotePrefix, in.InvoicePrefix) {
		v.add("invoice_prefix", "same_prefix", "quotes and invoices need different prefixes")
	}
	if in.PaymentDays < 0 || in.PaymentDays > 365 {
		v.add("payment_days", "out_of_range", "payment terms are 0 to 365 days")
	}
	if in.QuoteValidityDays < 1 || in.QuoteValidityDays > 365 {
		v.add("quote_validity_days", "out_of_range", "a quote is valid 1 to 365 days")
	}
	if in.Language != "" && in.Language != "fr" && in.Language != "en" {
		v.add("language", "invalid", "documents are written in French or English")
	}
	in.TimeZone = strings.TrimSpace(in.TimeZone)
	if _, err := time.LoadLocation(in.TimeZone); in.TimeZone != "" && (err != nil || in.TimeZone == "Local") {
		v.add("time_zone", "invalid", "%q is not a time zone name (such as Europe/Paris)", in.TimeZone)
	}
	if len(in.Logo) > 0 {
		switch http.DetectContentType(in.Logo) {
		case "image/png", "image/jpeg":
		default:
			v.add("logo", "invalid", "the logo must be a PNG or JPEG image")
		}
		if len(in.Logo) > 1<<20 {
			v.add("logo", "too_large", "the logo must be under 1 MB")
		}
	}
	return v.err()
}

// SetSeller stores the seller's details. Admins only. An empty TimeZone
// keeps the zone already stored (forms that do not show it do not reset it).
func (s *Store) SetSeller(ctx context.Context, actor int64, in Seller) error {
	if err := in.validate(); err != nil {
		return err
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		if in.TimeZone == "" {
			in.TimeZone = parseSeller(tx.setting(SellerSetting)).TimeZone
		}
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, SellerSetting, string(b)); err != nil {
			return err
		}
		tx.changed(KindSettings, 0)
		return nil
	})
	if err != nil {
		return fmt.Errorf("set seller: %w", err)
	}
	return nil
}

// documentLanguage is the seller's language for documents, else the
// database's.
func documentLanguage(seller Seller, dbLang string) string {
	switch {
	case seller.Language != "":
		return seller.Language
	case dbLang == "fr":
		return "fr"
	}
	return "en"
}

// maxDocumentAmount bounds a document's gross total (minor units), far above
// any real sale and far below where int64 arithmetic wraps.
const maxDocumentAmount = int64(1) << 53

// CreateDocument issues a quote or an invoice from a deal's current lines:
// the next number of its kind and year, and a snapshot of the lines, the
// client and the seller. A deal with no lines or no client is refused.
func (s *Store) CreateDocument(ctx context.Context, actor, dealID int64, kind DocumentKind) (Document, error) {
	if !kind.Valid() {
		return Document{}, &ValidationError{Fields: []FieldError{{Field: "kind", Code: "invalid", Message: "a document is a quote or an invoice"}}}
	}
	var id int64
	var dr drawing
	err := s.drawFirst(ctx, &dr, func(tx *wtx) error {
		a, d, err := tx.editableDeal(actor, dealID)
		if err != nil {
			return err
		}
		lines, err := loadLines(tx.ctx, tx, dealID)
		if err != nil {
			return err
		}
		var v validator
		if len(lines) == 0 {
			v.add("lines", "required", "the deal has no product lines")
		}
		var sum int64
		for i, l := range lines {
			in := l.Input()
			v.errs = append(v.errs, ValidateLine(&in, fmt.Sprintf("lines[%d].", i))...)
			// Figures past int64 wrap around in ComputeLine: never print them.
			t := l.Totals
			if t.Net < 0 || t.Tax < 0 || t.Gross < t.Net || t.Gross > maxDocumentAmount || sum > maxDocumentAmount-t.Gross {
				v.add(fmt.Sprintf("lines[%d].total", i), "too_large", "the line's amount is too large")
				continue
			}
			sum += t.Gross
		}
		if d.ContactID == 0 && d.CompanyID == 0 {
			v.add("client", "required", "the deal has no client")
		}
		seller := parseSeller(tx.setting(SellerSetting))
		if seller.Name == "" {
			v.add("seller.name", "required", "fill in the company's details in Settings first")
		}
		if err := v.err(); err != nil {
			return err
		}
		buyer, err := tx.buyer(d)
		if err != nil {
			return err
		}
		snap := document.Snapshot{Buyer: buyer, Title: d.Title, Currency: d.Currency}
		inputs := make([]LineInput, len(lines))
		for i, l := range lines {
			inputs[i] = l.Input()
			snap.Lines = append(snap.Lines, document.Line{Name: l.Name, Unit: l.Unit, Quantity: l.Quantity,
				UnitPrice: l.Price, DiscountKind: string(l.DiscountKind), Discount: l.Discount, TaxRate: l.TaxRate,
				TaxIncluded: l.TaxIncluded, Net: l.Totals.Net, Tax: l.Totals.Tax, Gross: l.Totals.Gross})
		}
		t := ComputeTotals(inputs)
		snap.Net, snap.Tax, snap.Gross = t.Net, t.Tax, t.Gross
		for _, r := range t.ByRate {
			snap.ByRate = append(snap.ByRate, document.RateTotal{Rate: r.Rate, Net: r.Net, Tax: r.Tax})
		}
		id, err = tx.issue(a.ID, dealID, kind, seller, snap, 0, &dr)
		return err
	})
	if err != nil {
		return Document{}, fmt.Errorf("create %s for deal %d: %w", kind, dealID, err)
	}
	return s.document(ctx, id)
}

// InvoiceFromQuote issues the invoice of a quote in one step: the quote's
// lines, client and totals, numbered as an invoice today, with the current
// seller details. The quote becomes accepted.
func (s *Store) InvoiceFromQuote(ctx context.Context, actor, quoteID int64) (Document, error) {
	var id int64
	var dr drawing
	err := s.drawFirst(ctx, &dr, func(tx *wtx) error {
		q, err := loadDocument(tx.ctx, tx, quoteID)
		if err != nil {
			return err
		}
		a, _, err := tx.editableDeal(actor, q.DealID)
		if err != nil {
			return err
		}
		if q.Kind != DocQuote {
			return &ValidationError{Fields: []FieldError{{Field: "kind", Code: "not_quote", Message: q.Number + " is not a quote"}}}
		}
		if q.Status == DocDeclined {
			return &ValidationError{Fields: []FieldError{{Field: "status", Code: "declined", Message: "quote " + q.Number + " was declined"}}}
		}
		seller := parseSeller(tx.setting(SellerSetting))
		if seller.Name == "" {
			return &ValidationError{Fields: []FieldError{{Field: "seller.name", Code: "required", Message: "fill in the company's details in Settings first"}}}
		}
		snap := q.Snapshot
		snap.SourceNumber = q.Number
		if id, err = tx.issue(a.ID, q.DealID, DocInvoice, seller, snap, q.ID, &dr); err != nil {
			return err
		}
		if q.Status == DocDraft || q.Status == DocSent {
			if _, err := tx.exec(`UPDATE documents SET status = ?, status_at = ? WHERE id = ?`, DocAccepted, tx.s.now(), q.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Document{}, fmt.Errorf("invoice quote %d: %w", quoteID, err)
	}
	return s.document(ctx, id)
}

// drawing is a document drawn before its number is committed (drawFirst).
type drawing struct {
	dry  bool              // this pass builds the document, then rolls back
	snap document.Snapshot // what was drawn
	logo []byte
}

// errDrawFirst rolls back the pass that only builds a document.
var errDrawFirst = errors.New("document built, to be drawn")

// drawFirst issues a document without drawing it under the write lock: run
// (a transaction that ends in issue) is run once to build the document and
// roll back; the document is drawn with no lock held, refused in words if
// it cannot be; then run is run for real, and issue draws it again, inside,
// only if something it prints changed in between. A document that cannot
// be drawn is never numbered, and other writers (another process on the
// same file) never wait for a drawing.
func (s *Store) drawFirst(ctx context.Context, dr *drawing, run func(tx *wtx) error) error {
	dr.dry = true
	err := s.writeTx(ctx, run)
	if !errors.Is(err, errDrawFirst) {
		return err
	}
	if _, err := renderPDF(dr.snap, document.Options{Logo: dr.logo}); err != nil {
		return fmt.Errorf("%s not issued, its number stays free: %w", dr.snap.Number, err)
	}
	dr.dry = false
	return s.writeTx(ctx, run)
}

// drawn reports whether snap, printed with logo, is what was drawn (its
// number aside: another document may have taken the one drawn).
func (dr *drawing) drawn(snap document.Snapshot, logo []byte) bool {
	if dr == nil || dr.dry {
		return false
	}
	snap.Number = dr.snap.Number
	return bytes.Equal(logo, dr.logo) && reflect.DeepEqual(snap, dr.snap)
}

// issue numbers and stores a document, with its timeline entry. The number
// is the next of its kind and year, allocated inside the write transaction:
// writes are serialised by the single writer, so numbers never gap or repeat.
// In the building pass of drawFirst it stops before writing anything.
func (tx *wtx) issue(actor, dealID int64, kind DocumentKind, seller Seller, snap document.Snapshot, sourceID int64, dr *drawing) (int64, error) {
	// Dates and the numbering year are days in the business's zone.
	now := tx.s.Now().In(seller.Location())
	issue := now.Format(time.DateOnly)
	year := now.Year()
	var seq int
	if err := tx.queryRow(`SELECT coalesce(max(seq), 0) + 1 FROM documents WHERE kind = ? AND year = ?`, kind, year).Scan(&seq); err != nil {
		return 0, err
	}
	prefix := seller.QuotePrefix
	if kind == DocInvoice {
		prefix = seller.InvoicePrefix
	}
	number := fmt.Sprintf("%s-%d-%04d", prefix, year, seq)

	snap.Kind = document.Kind(kind)
	snap.Number = number
	snap.IssueDate = issue
	snap.Language = documentLanguage(seller, tx.setting("language"))
	snap.Digits, _ = CurrencyDigits(snap.Currency)
	snap.Seller = document.Party{Name: seller.Name, Address: seller.Address, Registration: seller.Registration,
		VATNumber: seller.VATNumber, Email: seller.Email, Phone: seller.Phone}
	snap.IBAN, snap.BIC = seller.IBAN, seller.BIC
	snap.PaymentDays, snap.PaymentNote = seller.PaymentDays, seller.PaymentNote
	snap.LatePenalty, snap.LegalNote = seller.LatePenalty, seller.LegalNote
	var due string
	if kind == DocQuote {
		snap.DueDate = ""
		snap.ValidUntil = now.AddDate(0, 0, seller.QuoteValidityDays).Format(time.DateOnly)
		due = snap.ValidUntil
	} else {
		snap.ValidUntil = ""
		snap.DueDate = now.AddDate(0, 0, seller.PaymentDays).Format(time.DateOnly)
		due = snap.DueDate
	}
	// A document is issued only if it prints: drawn before this
	// transaction (drawFirst) or, when what it prints changed since, here,
	// inside it, a document that cannot be drawn rolls back with its number,
	// which the next document then takes. (It is drawn again, with the
	// seller's logo of the day, each time its PDF is asked for.)
	if dr != nil && dr.dry {
		dr.snap, dr.logo = snap, seller.Logo
		return 0, errDrawFirst
	}
	if !dr.drawn(snap, seller.Logo) {
		if _, err := renderPDF(snap, document.Options{Logo: seller.Logo}); err != nil {
			return 0, fmt.Errorf("%s not issued, its number stays free: %w", number, err)
		}
	}
	b, err := json.Marshal(snap)
	if err != nil {
		return 0, err
	}
	stamp := fmtTime(now)
	res, err := tx.exec(`INSERT INTO documents (deal_id, kind, number, year, seq, status, issue_date, due_date, snapshot,
		net, tax, gross, currency, source_id, created_by, created_at, status_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		dealID, kind, number, year, seq, DocDraft, issue, due, string(b),
		snap.Net, snap.Tax, snap.Gross, snap.Currency, nullID(sourceID), nullID(actor), stamp, stamp)
	if isUnique(err) {
		return 0, fmt.Errorf("number %s is taken (was the prefix changed?): %w", number, ErrConflict)
	}
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	data := DocumentData{DocumentID: id, Number: number, Kind: kind, Gross: snap.Gross, Currency: snap.Currency}
	if err := tx.addEntry(dealID, actor, EntryDocument, number, data); err != nil {
		return 0, err
	}
	return id, nil
}

// buyer is the deal's client as printed: its company (with the contact as
// the person to the attention of) or else the contact alone.
func (tx *wtx) buyer(d Deal) (document.Party, error) {
	var p document.Party
	var contact Contact
	if d.ContactID != 0 {
		c, err := loadContact(tx.ctx, tx, d.ContactID)
		if err != nil {
			return p, fmt.Errorf("client contact: %w", err)
		}
		contact = c
	}
	companyID := d.CompanyID
	if companyID == 0 {
		companyID = contact.CompanyID
	}
	if companyID != 0 {
		co, err := loadCompany(tx.ctx, tx, companyID)
		if err != nil {
			return p, fmt.Errorf("client company: %w", err)
		}
		p = document.Party{Name: co.Name, Contact: contact.Name, Address: co.Address, Registration: co.Registration,
			VATNumber: co.VATNumber}
		if p.Address == "" {
			p.Address = contact.Address
		}
		if len(co.Emails) > 0 {
			p.Email = co.Emails[0]
		}
		return p, nil
	}
	p = document.Party{Name: contact.Name, Address: contact.Address}
	if len(contact.Emails) > 0 {
		p.Email = contact.Emails[0]
	}
	return p, nil
}

// Payment describes money received for an invoice.
type Payment struct {
	Date      string // YYYY-MM-DD; "" is today
	Method    string // one of PaymentMethods, or free text
	Reference string
}

// SetDocumentStatus moves a document to another status along the allowed
// steps. Marking an invoice paid records a payment dated today; use
// MarkInvoicePaid to give its details.
func (s *Store) SetDocumentStatus(ctx context.Context, actor, id int64, to DocumentStatus) (Document, error) {
	return s.setStatus(ctx, actor, id, to, Payment{})
}

// MarkInvoicePaid marks an invoice paid and adds the payment to the deal's
// timeline.
func (s *Store) MarkInvoicePaid(ctx context.Context, actor, id int64, p Payment) (Document, error) {
	return s.setStatus(ctx, actor, id, DocPaid, p)
}

func (s *Store) setStatus(ctx context.Context, actor, id int64, to DocumentStatus, p Payment) (Document, error) {
	if p.Date != "" {
		if _, err := time.Parse(time.DateOnly, p.Date); err != nil {
			return Document{}, &ValidationError{Fields: []FieldError{{Field: "date", Code: "invalid", Message: "the date is YYYY-MM-DD"}}}
		}
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		doc, err := loadDocument(tx.ctx, tx, id)
		if err != nil {
			return err
		}
		a, _, err := tx.editableDeal(actor, doc.DealID)
		if err != nil {
			return err
		}
		allowed := false
		for _, st := range doc.NextStatuses() {
			allowed = allowed || st == to
		}
		if !allowed {
			return &ValidationError{Fields: []FieldError{{Field: "status", Code: "transition",
				Message: fmt.Sprintf("a %s cannot go from %s to %s", doc.Kind, doc.Status, to)}}}
		}
		if _, err := tx.exec(`UPDATE documents SET status = ?, status_at = ? WHERE id = ?`, to, tx.s.now(), id); err != nil {
			return err
		}
		tx.changed(KindDeal, doc.DealID)
		if to != DocPaid {
			return nil
		}
		date := p.Date
		if date == "" {
			date = tx.s.Now().In(tx.location()).Format(time.DateOnly)
		}
		// The shape of LogPayment's entries: amount in minor units.
		data := PaymentData{Amount: doc.Gross, Currency: doc.Currency, Date: date, Method: strings.TrimSpace(p.Method),
			Reference: strings.TrimSpace(p.Reference), Document: doc.Number, DocumentID: doc.ID}
		return tx.addEntry(doc.DealID, a.ID, EntryPayment, doc.Number, data)
	})
	if err != nil {
		return Document{}, fmt.Errorf("set status of document %d: %w", id, err)
	}
	return s.document(ctx, id)
}

const documentSelect = `SELECT d.id, d.deal_id, d.kind, d.number, d.year, d.seq, d.status, d.issue_date, d.due_date,
	d.snapshot, d.net, d.tax, d.gross, d.currency, coalesce(d.source_id, 0), coalesce(src.number, ''),
	coalesce(d.created_by, 0), d.created_at, d.status_at
	FROM documents d LEFT JOIN documents src ON src.id = d.source_id`

func scanDocument(sc interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var snap, created, statusAt string
	err := sc.Scan(&d.ID, &d.DealID, &d.Kind, &d.Number, &d.Year, &d.Seq, &d.Status, &d.IssueDate, &d.DueDate,
		&snap, &d.Net, &d.Tax, &d.Gross, &d.Currency, &d.SourceID, &d.SourceNumber, &d.CreatedBy, &created, &statusAt)
	if err != nil {
		return d, err
	}
	d.CreatedAt, d.StatusAt = parseTime(created), parseTime(statusAt)
	if err := json.Unmarshal([]byte(snap), &d.Snapshot); err != nil {
		return d, fmt.Errorf("document %s: snapshot: %w", d.Number, err)
	}
	return d, nil
}

func loadDocument(ctx context.Context, q querier, id int64) (Document, error) {
	d, err := scanDocument(q.QueryRowContext(ctx, documentSelect+` WHERE d.id = ?`, id))
	return d, notFound(err)
}

// document reads a document without an access check (after a write).
func (s *Store) document(ctx context.Context, id int64) (Document, error) {
	d, err := loadDocument(ctx, s.r, id)
	if err != nil {
		return d, fmt.Errorf("document %d: %w", id, err)
	}
	return d, nil
}

// Document returns one document if the employee may see its deal.
func (s *Store) Document(ctx context.Context, actor, id int64) (Document, error) {
	d, err := loadDocument(ctx, s.r, id)
	if err != nil {
		return d, fmt.Errorf("document %d: %w", id, err)
	}
	if _, err := s.Deal(ctx, actor, d.DealID); err != nil {
		return Document{}, fmt.Errorf("document %d: %w", id, ErrNotFound)
	}
	return d, nil
}

// DocumentByNumber finds a document by its number.
func (s *Store) DocumentByNumber(ctx context.Context, actor int64, number string) (Document, error) {
	var id int64
	err := s.r.QueryRowContext(ctx, `SELECT id FROM documents WHERE number = ?`, strings.TrimSpace(number)).Scan(&id)
	if err != nil {
		return Document{}, fmt.Errorf("document %s: %w", number, notFound(err))
	}
	return s.Document(ctx, actor, id)
}

// DealDocuments lists a deal's documents, oldest first.
func (s *Store) DealDocuments(ctx context.Context, actor, dealID int64) ([]Document, error) {
	if _, err := s.Deal(ctx, actor, dealID); err != nil {
		return nil, err
	}
	return loadDealDocuments(ctx, s.r, dealID)
}

func loadDealDocuments(ctx context.Context, q querier, dealID int64) ([]Document, error) {
	rows, err := q.QueryContext(ctx, documentSelect+` WHERE d.deal_id = ? ORDER BY d.id`, dealID)
	if err != nil {
		return nil, fmt.Errorf("documents of deal %d: %w", dealID, err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("documents of deal %d: %w", dealID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DocumentPDF renders a document as PDF bytes, from its snapshot: the same
// document always prints the same, whatever happened to the deal since.
// The logo is the seller's current one.
func (s *Store) DocumentPDF(ctx context.Context, actor, id int64) ([]byte, error) {
	d, err := s.Document(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	var logo []byte
	if v, err := s.Setting(ctx, SellerSetting); err == nil {
		logo = parseSeller(v).Logo
	}
	b, err := renderPDF(d.Snapshot, document.Options{Logo: logo})
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", d.Number, err)
	}
	return b, nil
}

// ErrDocumentRender is the error of a document that could not be drawn (a
// bug, never the text's fault): CreateDocument and InvoiceFromQuote then
// issue nothing, and DocumentPDF has no PDF to give.
var ErrDocumentRender = document.ErrRender

// documentRenderer draws documents; tests replace it to make drawing fail.
var documentRenderer = document.Render

// renderPDF draws a document. A panic below it (document.Render recovers
// its own) comes back as an error wrapping ErrDocumentRender.
func renderPDF(snap document.Snapshot, opt document.Options) (b []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("render %s: %w: %v", snap.Number, ErrDocumentRender, p)
		}
	}()
	return documentRenderer(snap, opt)
}

// FileName is a file name for a document's PDF, e.g.
// "FAC-2026-0001.pdf".
func (d Document) FileName() string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, d.Number) + ".pdf"
}
