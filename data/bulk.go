package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"comptoir/data/storage"
)

// Bulk loads many records in one write transaction through prepared
// statements: the seed command and imports use it where one API call per
// record would be a hundred times slower. The same rules hold as in the API:
// fields are validated (errors name the record and field), a deal with lines
// has their gross total as its amount, every deal gets its "created" entry
// (and its "won"/"lost" one when it starts closed), the search index and the
// per-stage totals are kept right. Only an admin may load in bulk.
//
// Lines, timeline entries and activities are written in batches, so a
// broken reference among them may be reported by a later call or when fn
// returns; either way nothing of the load is written.
//
// Subscribers are told once, after the commit, with one change of ID 0 per
// kind of record written ("many of this kind").
func (s *Store) Bulk(ctx context.Context, actor int64, fn func(b *BulkTx) error) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		// A larger page cache keeps the indexes' hot pages in memory while
		// rows arrive in random key order; the writer gets its own back.
		if _, err := tx.exec(`PRAGMA cache_size = -131072`); err != nil {
			return err
		}
		defer tx.exec(fmt.Sprintf(`PRAGMA cache_size = %d`, storage.WriterCacheSize))
		b := &BulkTx{tx: tx, actor: actor, stages: map[int64]Stage{}, firstOpen: map[int64]int64{}, batched: true}
		defer b.close()
		if err := b.prepare(); err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
		for _, bt := range []*batch{b.lines, b.entries, b.activities} {
			if err := bt.flush(); err != nil {
				return err
			}
		}
		if err := b.flushIndex(); err != nil {
			return err
		}
		for _, k := range b.kinds {
			tx.changed(k, 0)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	return nil
}

// BulkTx is the handle a Bulk function writes through. It is not safe for
// concurrent use.
type BulkTx struct {
	tx    *wtx
	actor int64
	kinds []Kind

	stages    map[int64]Stage
	firstOpen map[int64]int64 // pipeline → first open stage
	pipeline  int64           // the first pipeline
	defs      map[Entity][]FieldDef
	active    map[int64]bool // employees who may be responsible

	company, contact, email, phone, product *sql.Stmt
	deal, observer, custom                  *sql.Stmt

	// records to index at the end, in one statement per kind
	toIndex [4][]int64
	// rows written many per statement when batched: timeline entries, lines,
	// activities. Unbatched (the zero value), each row is written at once,
	// so that rows written beside the loader keep their order (the ingest).
	batched                    bool
	entries, lines, activities *batch
}

// batch buffers rows for one table and writes them batchRows at a time:
// fewer, larger statements cost less per row. Row order, and so ids, are
// those of the calls.
type batch struct {
	tx       *wtx
	head     string // INSERT INTO t (columns) VALUES
	cols     int
	buffered bool
	full     *sql.Stmt // the statement for batchRows rows, or for one when not buffered
	values   []any
}

const batchRows = 64

func (bt *batch) insert(rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", bt.cols), ", ") + ")"
	return bt.head + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

func newBatch(tx *wtx, head string, cols int, buffered bool) (*batch, error) {
	bt := &batch{tx: tx, head: head, cols: cols, buffered: buffered}
	rows := 1
	if buffered {
		rows = batchRows
	}
	st, err := tx.PrepareContext(tx.ctx, bt.insert(rows))
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	bt.full = st
	return bt, nil
}

// add queues one row, writing a batch when one is full.
func (bt *batch) add(values ...any) error {
	if !bt.buffered {
		_, err := bt.full.ExecContext(bt.tx.ctx, values...)
		return err
	}
	bt.values = append(bt.values, values...)
	if len(bt.values) < batchRows*bt.cols {
		return nil
	}
	_, err := bt.full.ExecContext(bt.tx.ctx, bt.values...)
	bt.values = bt.values[:0]
	return err
}

// flush writes the rows left.
func (bt *batch) flush() error {
	if len(bt.values) == 0 {
		return nil
	}
	_, err := bt.tx.exec(bt.insert(len(bt.values)/bt.cols), bt.values...)
	bt.values = bt.values[:0]
	return err
}

func (bt *batch) close() {
	if bt != nil {
		bt.full.Close()
	}
}

func (b *BulkTx) prepare() error {
	tx := b.tx
	ps, err := loadPipelinesQ(tx.ctx, tx)
	if err != nil {
		return err
	}
	for i, p := range ps {
		if i == 0 {
			b.pipeline = p.ID
		}
		for _, st := range p.Stages {
			b.stages[st.ID] = st
		}
		if st, ok := p.FirstOpen(); ok {
			b.firstOpen[p.ID] = st.ID
		}
	}
	rows, err := tx.QueryContext(tx.ctx, `SELECT id FROM employees WHERE active = 1`)
	if err != nil {
		return err
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return err
	}
	b.active = make(map[int64]bool, len(ids))
	for _, id := range ids {
		b.active[id] = true
	}
	b.defs = map[Entity][]FieldDef{}
	for _, e := range []Entity{EntityDeal, EntityContact, EntityCompany} {
		if b.defs[e], err = loadFieldDefs(tx.ctx, tx, e); err != nil {
			return err
		}
	}
	stmts := []struct {
		st *(*sql.Stmt)
		q  string
	}{
		{&b.company, `INSERT INTO companies (name, address, vat_number, registration, emails, phones, notes, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&b.contact, `INSERT INTO contacts (name, company_id, address, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`},
		{&b.email, `INSERT INTO contact_emails (contact_id, position, email) VALUES (?, ?, ?)`},
		{&b.phone, `INSERT INTO contact_phones (contact_id, position, phone, digits) VALUES (?, ?, ?, ?)`},
		{&b.product, `INSERT INTO products (name, sku, unit, price, currency, tax_rate, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&b.deal, `INSERT INTO deals (title, pipeline_id, stage_id, contact_id, company_id, responsible_id, amount, currency,
			probability, close_date, source, closed_at, lost_reason, author_id, created_at, updated_at, reached_stage_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&b.observer, `INSERT INTO deal_observers (deal_id, employee_id) VALUES (?, ?)`},
		{&b.custom, `INSERT INTO custom_values (field_id, record_id, value) SELECT id, ?, ? FROM custom_fields WHERE entity = ? AND key = ?`},
	}
	for _, s := range stmts {
		st, err := tx.PrepareContext(tx.ctx, s.q)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		*s.st = st
	}
	if b.lines, err = newBatch(tx, `INSERT INTO deal_products (deal_id, position, product_id, name, unit, price, quantity,
		discount_kind, discount, tax_rate, tax_included) VALUES `, 11, b.batched); err != nil {
		return err
	}
	if b.entries, err = newBatch(tx, `INSERT INTO timeline (deal_id, kind, author_id, at, text, data) VALUES `, 6, b.batched); err != nil {
		return err
	}
	b.activities, err = newBatch(tx, `INSERT INTO activities (deal_id, kind, subject, due_at, responsible_id, remind_at, done_at,
		result, author_id, created_at) VALUES `, 10, b.batched)
	return err
}

func (b *BulkTx) close() {
	for _, bt := range []*batch{b.lines, b.entries, b.activities} {
		bt.close()
	}
	for _, st := range []*sql.Stmt{b.company, b.contact, b.email, b.phone, b.product, b.deal, b.observer, b.custom} {
		if st != nil {
			st.Close()
		}
	}
}

// flushIndex writes the search rows of every record loaded.
func (b *BulkTx) flushIndex() error {
	for _, k := range []struct {
		kind int64
		sql  string
	}{{searchCompany, indexCompanySQL}, {searchContact, indexContactSQL}, {searchDeal, indexDealSQL}} {
		kind, q := k.kind, k.sql
		ids := b.toIndex[kind]
		if len(ids) == 0 {
			continue
		}
		js, _ := json.Marshal(ids)
		if _, err := b.tx.exec(q+manyIDs, string(js)); err != nil {
			return fmt.Errorf("index: %w", err)
		}
		b.toIndex[kind] = nil
	}
	return nil
}

func (b *BulkTx) touched(k Kind) {
	for _, have := range b.kinds {
		if have == k {
			return
		}
	}
	b.kinds = append(b.kinds, k)
}

func (b *BulkTx) exec(st *sql.Stmt, args ...any) (int64, error) {
	res, err := st.ExecContext(b.tx.ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func stamp(t, def time.Time) string {
	if t.IsZero() {
		t = def
	}
	return fmtTime(t)
}

func (b *BulkTx) writeCustom(entity Entity, id int64, values map[string]string) error {
	for k, v := range values { // one row per key: order does not matter
		if _, err := b.custom.ExecContext(b.tx.ctx, id, v, entity, k); err != nil {
			return err
		}
	}
	return nil
}

// Company adds a company created at the given time (zero: now).
func (b *BulkTx) Company(in CompanyInput, created time.Time) (int64, error) {
	in.normalize()
	var v validator
	if in.Name == "" {
		v.add("name", "required", "name is required")
	}
	validateEmails(&v, in.Emails)
	validatePhones(&v, in.Phones)
	checkCustom(&v, b.defs[EntityCompany], in.Custom)
	if err := v.err(); err != nil {
		return 0, fmt.Errorf("company %q: %w", in.Name, err)
	}
	at := stamp(created, b.tx.s.Now())
	emails, _ := json.Marshal(in.Emails)
	phones, _ := json.Marshal(in.Phones)
	id, err := b.exec(b.company, in.Name, in.Address, in.VATNumber, in.Registration, string(emails), string(phones), in.Notes, at, at)
	if err != nil {
		return 0, fmt.Errorf("company %q: %w", in.Name, err)
	}
	if err := b.writeCustom(EntityCompany, id, in.Custom); err != nil {
		return 0, err
	}
	b.toIndex[searchCompany] = append(b.toIndex[searchCompany], id)
	b.touched(KindCompany)
	return id, nil
}

// Contact adds a contact created at the given time (zero: now). Its company
// must already be written.
func (b *BulkTx) Contact(in ContactInput, created time.Time) (int64, error) {
	in.normalize()
	var v validator
	if in.Name == "" {
		v.add("name", "required", "name is required")
	}
	validateEmails(&v, in.Emails)
	validatePhones(&v, in.Phones)
	checkCustom(&v, b.defs[EntityContact], in.Custom)
	if err := v.err(); err != nil {
		return 0, fmt.Errorf("contact %q: %w", in.Name, err)
	}
	at := stamp(created, b.tx.s.Now())
	id, err := b.exec(b.contact, in.Name, nullID(in.CompanyID), in.Address, in.Notes, at, at)
	if err != nil {
		return 0, fmt.Errorf("contact %q: %w", in.Name, err)
	}
	for i, e := range in.Emails {
		if _, err := b.email.ExecContext(b.tx.ctx, id, i, e); err != nil {
			return 0, err
		}
	}
	for i, p := range in.Phones {
		if _, err := b.phone.ExecContext(b.tx.ctx, id, i, p, phoneKey(p)); err != nil {
			return 0, err
		}
	}
	if err := b.writeCustom(EntityContact, id, in.Custom); err != nil {
		return 0, err
	}
	b.toIndex[searchContact] = append(b.toIndex[searchContact], id)
	b.touched(KindContact)
	return id, nil
}

// Product adds a catalog product.
func (b *BulkTx) Product(in ProductInput, created time.Time) (int64, error) {
	if err := in.validate(); err != nil {
		return 0, fmt.Errorf("product %q: %w", in.Name, err)
	}
	at := stamp(created, b.tx.s.Now())
	id, err := b.exec(b.product, in.Name, in.SKU, in.Unit, in.Price, in.Currency, in.TaxRate, in.Active, at, at)
	if isUnique(err) {
		return 0, fmt.Errorf("product %q: %w", in.Name, &ValidationError{Fields: []FieldError{{Field: "sku", Code: "taken", Message: "another product has this SKU"}}})
	}
	if err != nil {
		return 0, fmt.Errorf("product %q: %w", in.Name, err)
	}
	b.touched(KindProduct)
	return id, nil
}

// BulkDeal is a deal to load, with its history's times.
type BulkDeal struct {
	DealInput
	AuthorID  int64     // 0: the acting admin
	CreatedAt time.Time // zero: now
	UpdatedAt time.Time // zero: CreatedAt
	ClosedAt  time.Time // for a deal in a won or lost stage; zero: UpdatedAt, or the last move's time
	// Lines, when given, make the deal's amount their gross total.
	Lines []LineInput
	// Path, when given, is the deal's stage history after its creation in
	// its pipeline's first open stage, ending in StageID (bulk_path.go).
	Path []BulkMove
}

// Deal adds a deal with its observers, lines, "created" timeline entry and,
// for a closed deal, its "won" or "lost" entry. Contact, company and
// employees must exist already (the database checks the references).
func (b *BulkTx) Deal(in BulkDeal) (int64, error) {
	var v validator
	in.checkFields(&v)
	if in.PipelineID == 0 {
		in.PipelineID = b.pipeline
	}
	if in.StageID == 0 {
		in.StageID = b.firstOpen[in.PipelineID]
	}
	stage, ok := b.stages[in.StageID]
	switch {
	case !ok:
		v.add("stage", "unknown_stage", "stage %d does not exist", in.StageID)
	case stage.PipelineID != in.PipelineID:
		v.add("stage", "wrong_pipeline", "stage %q belongs to another pipeline", stage.Name)
	}
	in.checkLostReason(&v, stage)
	if in.AuthorID == 0 {
		in.AuthorID = b.actor
	}
	if in.ResponsibleID == 0 {
		in.ResponsibleID = in.AuthorID
	}
	if !b.active[in.ResponsibleID] {
		v.add("responsible", "unknown_employee", "the responsible must be an active employee")
	}
	v.errs = append(v.errs, ValidateLines(in.Lines)...)
	checkCustom(&v, b.defs[EntityDeal], in.Custom)
	b.checkPath(&v, &in)
	if err := v.err(); err != nil {
		return 0, fmt.Errorf("deal %q: %w", in.Title, err)
	}
	if len(in.Lines) > 0 {
		in.Amount = ComputeTotals(in.Lines).Gross
	}
	if in.CreatedAt.IsZero() {
		in.CreatedAt = b.tx.s.Now()
	}
	if in.UpdatedAt.IsZero() {
		in.UpdatedAt = in.CreatedAt
	}
	var closed any
	if stage.Final() {
		if in.ClosedAt.IsZero() {
			in.ClosedAt = in.UpdatedAt
		}
		closed = fmtTime(in.ClosedAt)
	}
	id, err := b.exec(b.deal, in.Title, in.PipelineID, in.StageID, nullID(in.ContactID), nullID(in.CompanyID), in.ResponsibleID,
		in.Amount, in.Currency, in.Probability, nullString(in.CloseDate), in.Source, closed, in.LostReason, in.AuthorID,
		fmtTime(in.CreatedAt), fmtTime(in.UpdatedAt), b.pathReached(in))
	if err != nil {
		return 0, fmt.Errorf("deal %q: %w", in.Title, err)
	}
	for _, o := range in.Observers {
		if o == in.ResponsibleID {
			continue
		}
		if _, err := b.observer.ExecContext(b.tx.ctx, id, o); err != nil {
			return 0, fmt.Errorf("deal %q: observer %d: %w", in.Title, o, err)
		}
	}
	for i, l := range in.Lines {
		if err := b.lines.add(id, i, nullID(l.ProductID), l.Name, l.Unit, l.Price, l.Quantity,
			l.DiscountKind, l.Discount, l.TaxRate, l.TaxIncluded); err != nil {
			return 0, fmt.Errorf("deal %q: line %d: %w", in.Title, i, err)
		}
	}
	if err := b.writeCustom(EntityDeal, id, in.Custom); err != nil {
		return 0, err
	}
	first := b.stages[b.firstOpen[in.PipelineID]]
	if err := b.Entry(id, in.AuthorID, EntryCreated, "", CreatedData{Stage: first.Name, Source: in.Source}, in.CreatedAt); err != nil {
		return 0, err
	}
	if len(in.Path) > 0 {
		if err := b.writePath(id, in, first); err != nil {
			return 0, err
		}
	} else if stage.Final() {
		kind := EntryWon
		if stage.Semantics == StatusLost {
			kind = EntryLost
		}
		if err := b.Entry(id, in.AuthorID, kind, in.LostReason, stageMoveData(first.Name, first.ID, stage, in.LostReason), in.ClosedAt); err != nil {
			return 0, err
		}
	}
	b.toIndex[searchDeal] = append(b.toIndex[searchDeal], id)
	b.touched(KindDeal)
	return id, nil
}

// Entry appends a timeline entry to a deal at the given time, with data the
// payload of its kind (nil: none). Entries, lines and activities are written
// in batches; all are in the file when Bulk returns.
func (b *BulkTx) Entry(dealID, author int64, kind EntryKind, text string, data Payload, at time.Time) error {
	js, err := encodePayload(kind, data)
	if err != nil {
		return fmt.Errorf("timeline entry: %w", err)
	}
	if err := b.entries.add(dealID, kind, nullID(author), stamp(at, b.tx.s.Now()), text, string(js)); err != nil {
		return fmt.Errorf("timeline entries: %w", err)
	}
	b.touched(KindDeal)
	return nil
}

// Activity plans an activity on a deal; done (non-zero) marks it completed
// with the result.
func (b *BulkTx) Activity(dealID, author int64, in ActivityInput, done time.Time, result string, created time.Time) error {
	if err := in.validate(); err != nil {
		return fmt.Errorf("activity of deal %d: %w", dealID, err)
	}
	if in.ResponsibleID == 0 {
		in.ResponsibleID = author
	}
	if err := b.activities.add(dealID, in.Kind, in.Subject, fmtTime(in.DueAt), in.ResponsibleID,
		timeOrNull(in.RemindAt), timeOrNull(done), result, nullID(author), stamp(created, b.tx.s.Now())); err != nil {
		return fmt.Errorf("activity of deal %d: %w", dealID, err)
	}
	b.touched(KindDeal)
	return nil
}
