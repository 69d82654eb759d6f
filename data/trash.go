package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// The trash: a deleted deal, contact or company is kept for TrashDays, then
// purged. Restoring brings everything back: a deal's lines, timeline, files
// and activities never left (the deal row stays, hidden by deleted_at); a
// contact or company is put back as it was, with its emails, phones, custom
// fields and files, linked again to the deals (and a company to the
// contacts) it was linked to, and the deals it took with it come back too.
//
// Who may: the responsible, a manager or an admin deletes a deal (an
// observer does not); a won deal with an issued invoice is deleted by an
// admin alone, and the deletion is recorded (the trash row's reason and the
// deal's timeline say so). Managers and admins delete contacts and
// companies. Who may delete a record may restore it.
//
// The purge (PurgeTrash) runs where the work of the day runs: when the
// window opens and then every day while it stays open, and by `comptoir
// deal purge` for a database no window opens. It reads the store's clock,
// so tests move it. A purged deal leaves the file with its lines,
// timeline, activities and files, unless it has quotes or invoices: those
// are accounting records, which the law keeps for years, so the deal stays
// in the file, hidden, and only leaves the trash.

// TrashDays is how long a deleted record stays in the trash.
const TrashDays = 30

// Timeline entries of a deal's deletion and restoration: data {reason,
// invoices} and {}.
const (
	EntryDeleted  EntryKind = "deleted"
	EntryRestored EntryKind = "restored"
)

// TrashInvoiced is the reason recorded when an admin deletes a won deal
// with an issued invoice.
const TrashInvoiced = "invoiced"

// ErrInvoiced refuses the deletion of a won deal with an issued invoice to
// anyone but an admin. It is an ErrForbidden.
var ErrInvoiced = fmt.Errorf("the deal is won and has an issued invoice, which only an admin may delete: %w", ErrForbidden)

// TrashItem is a record in the trash.
type TrashItem struct {
	ID        int64     `json:"id"`
	Kind      Kind      `json:"kind"` // KindDeal, KindContact or KindCompany
	Ref       int64     `json:"ref"`  // the record's id when it was deleted
	Title     string    `json:"title"`
	DeletedBy int64     `json:"deleted_by,omitempty"`
	Deleter   string    `json:"deleter,omitempty"` // the employee's name
	DeletedAt time.Time `json:"deleted_at"`
	PurgeAt   time.Time `json:"purge_at"`
	Reason    string    `json:"reason,omitempty"`    // TrashInvoiced, or ""
	ParentID  int64     `json:"parent_id,omitempty"` // the client this deal went to the trash with
	Children  int       `json:"children,omitempty"`  // the deals a client took with it
}

// Deletion says what deleting a record means, for a screen to ask first.
type Deletion struct {
	// Allowed is false when the employee may not delete it (Why says why).
	Allowed bool
	Why     error
	// Invoiced: a won deal with an issued invoice (an admin deletes it, and
	// the deletion is recorded).
	Invoiced bool
	// Deals are a client's live deals, Contacts a company's contacts: the
	// screen asks whether the deals stay (ClientDealsKeep) or go too.
	Deals    int
	Contacts int
}

// ClientDeals says what happens to a client's deals when it is deleted.
type ClientDeals string

// What happens to a client's deals.
const (
	// ClientDealsKeep keeps the deals, without that client; restoring the
	// client links them to it again.
	ClientDealsKeep ClientDeals = "keep"
	// ClientDealsTrash sends the deals to the trash with the client (each
	// one as the employee may delete it); restoring the client brings them
	// back.
	ClientDealsTrash ClientDeals = "trash"
)

// DeletedData is the data of a deal's "deleted" entry: why it is on the
// record (TrashInvoiced, with the invoices' numbers), and the client it went
// to the trash with ("contact" or "company"), if any.
type DeletedData struct {
	Reason   string   `json:"reason,omitempty"`
	Invoices []string `json:"invoices,omitempty"`
	With     string   `json:"with,omitempty"`
}

// RestoredData is the data of a deal's "restored" entry: none.
type RestoredData struct{}

func (DeletedData) fits(k EntryKind) bool  { return k == EntryDeleted }
func (RestoredData) fits(k EntryKind) bool { return k == EntryRestored }

// DealDeletion says whether the employee may delete a deal, and what
// deleting it means.
func (s *Store) DealDeletion(ctx context.Context, actor, id int64) (Deletion, error) {
	var out Deletion
	a, err := s.reader(ctx, actor)
	if err != nil {
		return out, fmt.Errorf("deletion of deal %d: %w", id, err)
	}
	d, err := loadDeal(ctx, s.r, id)
	if err != nil {
		return out, fmt.Errorf("deletion of deal %d: %w", id, err)
	}
	if dealAccess(a, d.ResponsibleID, d.Observers) == NoAccess {
		return out, fmt.Errorf("deletion of deal %d: %w", id, ErrNotFound)
	}
	inv, err := invoicesOf(ctx, s.r, d)
	if err != nil {
		return out, fmt.Errorf("deletion of deal %d: %w", id, err)
	}
	out.Invoiced = len(inv) > 0
	out.Why = mayDeleteDeal(a, d, inv)
	out.Allowed = out.Why == nil
	return out, nil
}

// mayDeleteDeal is the rule: the responsible, a manager or an admin; a won
// deal with an issued invoice, an admin only.
func mayDeleteDeal(a Employee, d Deal, invoices []string) error {
	switch dealAccess(a, d.ResponsibleID, d.Observers) {
	case NoAccess:
		return ErrNotFound
	case ReadAccess:
		return fmt.Errorf("%s observes this deal and cannot delete it: %w", a.Email, ErrForbidden)
	}
	if len(invoices) > 0 && !a.CanConfigure() {
		return ErrInvoiced
	}
	return nil
}

// invoicesOf are the numbers of a won deal's invoices (none for any other
// deal: the rule is about won deals).
func invoicesOf(ctx context.Context, q querier, d Deal) ([]string, error) {
	if d.Status != StatusWon {
		return nil, nil
	}
	return queryStrings(ctx, q, `SELECT number FROM documents WHERE deal_id = ? AND kind = ? ORDER BY id`, d.ID, DocInvoice)
}

// trashLiveDeal sends a live deal to the trash for DeleteDeal: the
// responsible, a manager or an admin may; a won deal with an issued
// invoice, an admin alone (ErrInvoiced), and the deletion is recorded.
func (tx *wtx) trashLiveDeal(actor, id int64) error {
	a, err := tx.actor(actor)
	if err != nil {
		return err
	}
	d, err := loadDeal(tx.ctx, tx, id)
	if err != nil {
		return err
	}
	_, err = tx.trashDeal(a, d, 0, "")
	return err
}

// trashDeal sends a live deal to the trash; parent is the trash row of the
// client it goes with (0: none), with that client's kind.
func (tx *wtx) trashDeal(a Employee, d Deal, parent int64, with Kind) (int64, error) {
	inv, err := invoicesOf(tx.ctx, tx, d)
	if err != nil {
		return 0, err
	}
	if err := mayDeleteDeal(a, d, inv); err != nil {
		return 0, err
	}
	reason := ""
	if len(inv) > 0 {
		reason = TrashInvoiced
		slog.Info("deal with an issued invoice deleted", "deal", d.ID, "by", a.Email, "invoices", inv)
	}
	now := tx.s.Now()
	at := fmtTime(now)
	if _, err := tx.exec(`UPDATE deals SET deleted_at = ?, updated_at = ? WHERE id = ?`, at, at, d.ID); err != nil {
		return 0, err
	}
	if _, err := tx.exec(`DELETE FROM search WHERE rowid = ?`, d.ID*4+searchDeal); err != nil {
		return 0, err
	}
	res, err := tx.exec(`INSERT INTO trash (kind, ref, title, deleted_by, deleted_at, purge_at, parent_id, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, KindDeal, d.ID, d.Title, a.ID, at, fmtTime(now.AddDate(0, 0, TrashDays)), nullID(parent), reason)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	if _, err := tx.addLifeEntry(d.ID, a.ID, EntryDeleted, "", DeletedData{Reason: reason, Invoices: inv, With: string(with)}); err != nil {
		return 0, err
	}
	tx.changed(KindDeal, d.ID)
	return id, nil
}

// RestoreDeal brings a deal back from the trash, whole.
func (s *Store) RestoreDeal(ctx context.Context, actor, id int64) (Deal, error) {
	var trashID int64
	err := s.r.QueryRowContext(ctx, `SELECT id FROM trash WHERE kind = ? AND ref = ? ORDER BY id DESC LIMIT 1`, KindDeal, id).Scan(&trashID)
	if err != nil {
		return Deal{}, fmt.Errorf("restore deal %d: %w", id, notFound(err))
	}
	if _, err := s.Restore(ctx, actor, trashID); err != nil {
		return Deal{}, err
	}
	return s.Deal(ctx, actor, id)
}

// Restore brings a record back from the trash and returns where it is now
// (a contact or a company whose id was taken meanwhile comes back under a
// new one: Ref says which).
func (s *Store) Restore(ctx context.Context, actor, trashID int64) (TrashItem, error) {
	var out TrashItem
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		it, record, err := tx.trashItem(trashID)
		if err != nil {
			return err
		}
		if it.Kind == KindDeal {
			out = it
			return tx.restoreDeal(a, it)
		}
		out, err = tx.restoreClient(a, it, record)
		return err
	})
	if err != nil {
		return TrashItem{}, fmt.Errorf("restore %d: %w", trashID, err)
	}
	return out, nil
}

func (tx *wtx) trashItem(id int64) (TrashItem, string, error) {
	var it TrashItem
	var deleted, purge, record string
	var by, parent sql.NullInt64
	err := tx.queryRow(`SELECT id, kind, ref, title, deleted_by, deleted_at, purge_at, parent_id, reason, record FROM trash WHERE id = ?`, id).
		Scan(&it.ID, &it.Kind, &it.Ref, &it.Title, &by, &deleted, &purge, &parent, &it.Reason, &record)
	if err != nil {
		return it, "", notFound(err)
	}
	it.DeletedBy, it.ParentID = by.Int64, parent.Int64
	it.DeletedAt, it.PurgeAt = parseTime(deleted), parseTime(purge)
	return it, record, nil
}

// deletedDeal loads a deal in the trash.
func (tx *wtx) deletedDeal(id int64) (Deal, error) {
	var d Deal
	var prob sql.NullInt64
	var closed sql.NullString
	var created, updated string
	err := tx.queryRow(dealSelect+` WHERE d.id = ? AND d.deleted_at IS NOT NULL`, id).Scan(
		&d.ID, &d.Title, &d.PipelineID, &d.PipelineName, &d.StageID, &d.StageName, &d.StageColor, &d.Status, &d.StageProbability,
		&d.ContactID, &d.ContactName, &d.CompanyID, &d.CompanyName,
		&d.ResponsibleID, &d.Responsible, &d.Amount, &d.Currency, &prob, &d.CloseDate, &d.Source,
		&closed, &d.LostReason, &d.AuthorID, &created, &updated, &d.HasLines)
	if err != nil {
		return d, notFound(err)
	}
	rows, err := tx.query(`SELECT employee_id FROM deal_observers WHERE deal_id = ? ORDER BY employee_id`, id)
	if err != nil {
		return d, err
	}
	d.Observers, err = scanIDs(rows)
	return d, err
}

func (tx *wtx) restoreDeal(a Employee, it TrashItem) error {
	d, err := tx.deletedDeal(it.Ref)
	if err != nil {
		return err
	}
	switch dealAccess(a, d.ResponsibleID, d.Observers) {
	case NoAccess:
		if it.DeletedBy != a.ID {
			return ErrNotFound
		}
	case ReadAccess:
		return fmt.Errorf("%s observes this deal and cannot restore it: %w", a.Email, ErrForbidden)
	}
	now := tx.s.now()
	if _, err := tx.exec(`UPDATE deals SET deleted_at = NULL, updated_at = ? WHERE id = ?`, now, d.ID); err != nil {
		return err
	}
	if err := tx.indexDeal(d.ID); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM trash WHERE id = ?`, it.ID); err != nil {
		return err
	}
	if _, err := tx.addLifeEntry(d.ID, a.ID, EntryRestored, "", RestoredData{}); err != nil {
		return err
	}
	tx.changed(KindDeal, d.ID)
	return nil
}

// trashedClient is a contact or company as it was when deleted, and what it
// was linked to.
type trashedClient struct {
	Contact  *Contact `json:"contact,omitempty"`
	Company  *Company `json:"company,omitempty"`
	Deals    []int64  `json:"deals"`    // the deals that named it
	Contacts []int64  `json:"contacts"` // a company's contacts
}

// ClientDeletion says whether the employee may delete a contact or a
// company and how many deals (and, for a company, contacts) it has.
func (s *Store) ClientDeletion(ctx context.Context, actor int64, kind Kind, id int64) (Deletion, error) {
	var out Deletion
	a, err := s.reader(ctx, actor)
	if err != nil {
		return out, fmt.Errorf("deletion of %s %d: %w", kind, id, err)
	}
	if err := seesClient(ctx, s.r, a, kind, id); err != nil {
		return out, fmt.Errorf("deletion of %s %d: %w", kind, id, err)
	}
	out.Why = mayDeleteClient(a)
	out.Allowed = out.Why == nil
	col := clientColumn(kind)
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM deals WHERE `+col+` = ? AND deleted_at IS NULL`, id).Scan(&out.Deals); err != nil {
		return out, fmt.Errorf("deletion of %s %d: %w", kind, id, err)
	}
	if kind == KindCompany {
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE company_id = ?`, id).Scan(&out.Contacts); err != nil {
			return out, fmt.Errorf("deletion of %s %d: %w", kind, id, err)
		}
	}
	return out, nil
}

func mayDeleteClient(a Employee) error {
	if !a.SeesAll() {
		return fmt.Errorf("%s is not a manager: only managers and admins delete contacts and companies: %w", a.Email, ErrForbidden)
	}
	return nil
}

func clientColumn(kind Kind) string {
	if kind == KindCompany {
		return "company_id"
	}
	return "contact_id"
}

func clientTable(kind Kind) string {
	if kind == KindCompany {
		return "companies"
	}
	return "contacts"
}

// DeleteContact sends a contact to the trash. When it has deals, deals
// says what happens to them (a ValidationError on field "deals", code
// "choose", asks when it is empty).
func (s *Store) DeleteContact(ctx context.Context, actor, id int64, deals ClientDeals) error {
	return s.deleteClient(ctx, actor, KindContact, id, deals)
}

// DeleteCompany sends a company to the trash; its contacts stay, without it
// (restoring it links them again). deals is as for DeleteContact.
func (s *Store) DeleteCompany(ctx context.Context, actor, id int64, deals ClientDeals) error {
	return s.deleteClient(ctx, actor, KindCompany, id, deals)
}

func (s *Store) deleteClient(ctx context.Context, actor int64, kind Kind, id int64, deals ClientDeals) error {
	if deals != "" && deals != ClientDealsKeep && deals != ClientDealsTrash {
		return &ValidationError{Fields: []FieldError{{Field: "deals", Code: "invalid", Message: "deals are kept or trashed"}}}
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		if err := tx.seesClient(a, kind, id); err != nil {
			return err
		}
		if err := mayDeleteClient(a); err != nil {
			return err
		}
		return tx.trashClient(a, kind, id, deals)
	})
	if err != nil {
		return fmt.Errorf("delete %s %d: %w", kind, id, err)
	}
	return nil
}

func (tx *wtx) trashClient(a Employee, kind Kind, id int64, deals ClientDeals) error {
	var rec trashedClient
	var title string
	if kind == KindContact {
		c, err := loadContact(tx.ctx, tx, id)
		if err != nil {
			return notFound(err)
		}
		rec.Contact, title = &c, c.Name
	} else {
		c, err := loadCompany(tx.ctx, tx, id)
		if err != nil {
			return notFound(err)
		}
		rec.Company, title = &c, c.Name
	}
	col := clientColumn(kind)
	rows, err := tx.query(`SELECT id FROM deals WHERE `+col+` = ? ORDER BY id`, id)
	if err != nil {
		return err
	}
	if rec.Deals, err = scanIDs(rows); err != nil {
		return err
	}
	rows, err = tx.query(`SELECT id FROM deals WHERE `+col+` = ? AND deleted_at IS NULL ORDER BY id`, id)
	if err != nil {
		return err
	}
	live, err := scanIDs(rows)
	if err != nil {
		return err
	}
	if len(live) > 0 && deals == "" {
		return &ValidationError{Fields: []FieldError{{Field: "deals", Code: "choose",
			Message: fmt.Sprintf("%s has %d deals: say whether they are kept or go to the trash too", title, len(live))}}}
	}
	now := tx.s.Now()
	res, err := tx.exec(`INSERT INTO trash (kind, ref, title, deleted_by, deleted_at, purge_at) VALUES (?, ?, ?, ?, ?, ?)`,
		kind, id, title, a.ID, fmtTime(now), fmtTime(now.AddDate(0, 0, TrashDays)))
	if err != nil {
		return err
	}
	trashID, _ := res.LastInsertId()
	if deals == ClientDealsTrash {
		for _, did := range live {
			d, err := loadDeal(tx.ctx, tx, did)
			if err != nil {
				return err
			}
			if _, err := tx.trashDeal(a, d, trashID, kind); err != nil {
				return fmt.Errorf("deal %d %q: %w", d.ID, d.Title, err)
			}
		}
	}
	if _, err := tx.exec(`UPDATE deals SET `+col+` = NULL WHERE `+col+` = ?`, id); err != nil {
		return err
	}
	if kind == KindCompany {
		rows, err := tx.query(`SELECT id FROM contacts WHERE company_id = ? ORDER BY id`, id)
		if err != nil {
			return err
		}
		if rec.Contacts, err = scanIDs(rows); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE contacts SET company_id = NULL WHERE company_id = ?`, id); err != nil {
			return err
		}
	}
	if _, err := tx.exec(`UPDATE files SET owner_kind = 'trash', owner_id = ? WHERE owner_kind = ? AND owner_id = ?`, trashID, kind, id); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM custom_values WHERE record_id = ? AND field_id IN (SELECT id FROM custom_fields WHERE entity = ?)`,
		id, entityOf(kind)); err != nil {
		return err
	}
	searchKind := int64(searchContact)
	if kind == KindCompany {
		searchKind = searchCompany
	}
	if _, err := tx.exec(`DELETE FROM search WHERE rowid = ?`, id*4+searchKind); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM `+clientTable(kind)+` WHERE id = ?`, id); err != nil {
		return err
	}
	js, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE trash SET record = ? WHERE id = ?`, string(js), trashID); err != nil {
		return err
	}
	if err := tx.reindexDeals(rec.Deals); err != nil {
		return err
	}
	for _, c := range rec.Contacts {
		if err := tx.indexContact(c); err != nil {
			return err
		}
		tx.changed(KindContact, c)
	}
	tx.changed(kind, id)
	return nil
}

func entityOf(kind Kind) Entity {
	if kind == KindCompany {
		return EntityCompany
	}
	return EntityContact
}

// reindexDeals refreshes the search rows of the live deals among ids.
func (tx *wtx) reindexDeals(ids []int64) error {
	for _, d := range ids {
		var deleted bool
		if err := tx.queryRow(`SELECT deleted_at IS NOT NULL FROM deals WHERE id = ?`, d).Scan(&deleted); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			return err
		}
		if deleted {
			continue
		}
		if err := tx.indexDeal(d); err != nil {
			return err
		}
		tx.changed(KindDeal, d)
	}
	return nil
}

func (tx *wtx) restoreClient(a Employee, it TrashItem, record string) (TrashItem, error) {
	if err := mayDeleteClient(a); err != nil && it.DeletedBy != a.ID {
		return it, err
	}
	var rec trashedClient
	if err := json.Unmarshal([]byte(record), &rec); err != nil {
		return it, fmt.Errorf("the trash's record of %s %d: %w", it.Kind, it.Ref, err)
	}
	id := it.Ref
	taken := func() (bool, error) {
		var n int
		err := tx.queryRow(`SELECT count(*) FROM `+clientTable(it.Kind)+` WHERE id = ?`, id).Scan(&n)
		return n > 0, err
	}
	isTaken, err := taken()
	if err != nil {
		return it, err
	}
	now := tx.s.now()
	switch {
	case it.Kind == KindContact && rec.Contact != nil:
		c := rec.Contact
		var company any
		if c.CompanyID != 0 {
			var n int
			if err := tx.queryRow(`SELECT count(*) FROM companies WHERE id = ?`, c.CompanyID).Scan(&n); err != nil {
				return it, err
			}
			if n > 0 {
				company = c.CompanyID
			}
		}
		var idArg any = id
		if isTaken {
			idArg = nil
		}
		res, err := tx.exec(`INSERT INTO contacts (id, name, company_id, address, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			idArg, c.Name, company, c.Address, c.Notes, fmtTime(c.CreatedAt), now)
		if err != nil {
			return it, err
		}
		id, _ = res.LastInsertId()
		if err := tx.writeContactDetails(id, ContactInput{Emails: c.Emails, Phones: c.Phones, Custom: c.Custom}); err != nil {
			return it, err
		}
	case it.Kind == KindCompany && rec.Company != nil:
		c := rec.Company
		var idArg any = id
		if isTaken {
			idArg = nil
		}
		emails, _ := json.Marshal(nonNilList(c.Emails))
		phones, _ := json.Marshal(nonNilList(c.Phones))
		res, err := tx.exec(`INSERT INTO companies (id, name, address, vat_number, registration, emails, phones, notes, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, idArg, c.Name, c.Address, c.VATNumber, c.Registration, string(emails), string(phones),
			c.Notes, fmtTime(c.CreatedAt), now)
		if err != nil {
			return it, err
		}
		id, _ = res.LastInsertId()
		if err := tx.writeCustom(EntityCompany, id, c.Custom); err != nil {
			return it, err
		}
		if err := tx.indexCompany(id); err != nil {
			return it, err
		}
	default:
		return it, fmt.Errorf("the trash's record of %s %d is empty", it.Kind, it.Ref)
	}
	col := clientColumn(it.Kind)
	ids, _ := json.Marshal(nonNilIDs(rec.Deals))
	if _, err := tx.exec(`UPDATE deals SET `+col+` = ? WHERE id IN (SELECT value FROM json_each(?)) AND `+col+` IS NULL`, id, string(ids)); err != nil {
		return it, err
	}
	if it.Kind == KindCompany {
		cs, _ := json.Marshal(nonNilIDs(rec.Contacts))
		if _, err := tx.exec(`UPDATE contacts SET company_id = ? WHERE id IN (SELECT value FROM json_each(?)) AND company_id IS NULL`, id, string(cs)); err != nil {
			return it, err
		}
		for _, c := range rec.Contacts {
			var n int
			if err := tx.queryRow(`SELECT count(*) FROM contacts WHERE id = ?`, c).Scan(&n); err != nil {
				return it, err
			}
			if n > 0 {
				if err := tx.indexContact(c); err != nil {
					return it, err
				}
				tx.changed(KindContact, c)
			}
		}
	}
	if _, err := tx.exec(`UPDATE files SET owner_kind = ?, owner_id = ? WHERE owner_kind = 'trash' AND owner_id = ?`, it.Kind, id, it.ID); err != nil {
		return it, err
	}
	rows, err := tx.query(`SELECT id FROM trash WHERE parent_id = ? AND kind = ? ORDER BY id`, it.ID, KindDeal)
	if err != nil {
		return it, err
	}
	children, err := scanIDs(rows)
	if err != nil {
		return it, err
	}
	for _, cid := range children {
		child, _, err := tx.trashItem(cid)
		if err != nil {
			return it, err
		}
		if err := tx.restoreDeal(a, child); err != nil {
			return it, fmt.Errorf("deal %d %q: %w", child.Ref, child.Title, err)
		}
	}
	if err := tx.reindexDeals(rec.Deals); err != nil {
		return it, err
	}
	if _, err := tx.exec(`DELETE FROM trash WHERE id = ?`, it.ID); err != nil {
		return it, err
	}
	tx.changed(it.Kind, id)
	it.Ref = id
	return it, nil
}

func nonNilList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilIDs(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return s
}

// Trash lists the trash, most recently deleted first, as the employee may
// see it: managers and admins everything; a sales employee what they
// deleted and their own deals.
func (s *Store) Trash(ctx context.Context, actor int64, limit int) ([]TrashItem, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("trash: %w", err)
	}
	q := `SELECT t.id, t.kind, t.ref, t.title, coalesce(t.deleted_by, 0), coalesce(e.name, ''), t.deleted_at, t.purge_at,
		coalesce(t.parent_id, 0), t.reason, (SELECT count(*) FROM trash c WHERE c.parent_id = t.id)
		FROM trash t LEFT JOIN employees e ON e.id = t.deleted_by`
	args := []any{}
	if !me.SeesAll() {
		q += ` WHERE t.deleted_by = ? OR (t.kind = 'deal' AND t.ref IN (SELECT id FROM deals WHERE responsible_id = ? AND deleted_at IS NOT NULL))`
		args = append(args, me.ID, me.ID)
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY t.deleted_at DESC, t.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("trash: %w", err)
	}
	defer rows.Close()
	out := []TrashItem{}
	for rows.Next() {
		var it TrashItem
		var deleted, purge string
		if err := rows.Scan(&it.ID, &it.Kind, &it.Ref, &it.Title, &it.DeletedBy, &it.Deleter, &deleted, &purge,
			&it.ParentID, &it.Reason, &it.Children); err != nil {
			return nil, fmt.Errorf("trash: %w", err)
		}
		it.DeletedAt, it.PurgeAt = parseTime(deleted), parseTime(purge)
		out = append(out, it)
	}
	return out, rows.Err()
}

// PurgeResult counts what a purge removed.
type PurgeResult struct {
	Deals     int // deals gone from the file
	Kept      int // deals with quotes or invoices, kept hidden in the file
	Contacts  int
	Companies int
}

// purgeBatch is how many trash rows one purge transaction removes.
const purgeBatch = 200

// PurgeTrash removes for good what has been in the trash for TrashDays by
// the store's clock. It is the store's own upkeep, run with no employee
// (the window at its start and daily, `comptoir deal purge`).
func (s *Store) PurgeTrash(ctx context.Context) (PurgeResult, error) {
	var total PurgeResult
	for {
		var n int
		err := s.writeTx(ctx, func(tx *wtx) error {
			rows, err := tx.query(`SELECT id, kind, ref FROM trash WHERE purge_at <= ? ORDER BY purge_at, id LIMIT ?`, tx.s.now(), purgeBatch)
			if err != nil {
				return err
			}
			type due struct {
				id, ref int64
				kind    Kind
			}
			var items []due
			for rows.Next() {
				var d due
				if err := rows.Scan(&d.id, &d.kind, &d.ref); err != nil {
					rows.Close()
					return err
				}
				items = append(items, d)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			n = len(items)
			for _, it := range items {
				switch it.kind {
				case KindDeal:
					gone, err := tx.purgeDeal(it.ref)
					if err != nil {
						return fmt.Errorf("deal %d: %w", it.ref, err)
					}
					if gone {
						total.Deals++
					} else {
						total.Kept++
					}
				case KindContact, KindCompany:
					if err := tx.dropFiles(`owner_kind = 'trash' AND owner_id = ?`, it.id); err != nil {
						return err
					}
					if it.kind == KindContact {
						total.Contacts++
					} else {
						total.Companies++
					}
				}
				if _, err := tx.exec(`DELETE FROM trash WHERE id = ?`, it.id); err != nil {
					return err
				}
			}
			if n > 0 {
				tx.changed(KindDeal, 0)
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("purge the trash: %w", err)
		}
		if n < purgeBatch {
			return total, nil
		}
	}
}

// purgeDeal deletes a deal in the trash and everything of it; a deal with
// quotes or invoices stays, hidden (gone is then false).
func (tx *wtx) purgeDeal(id int64) (gone bool, err error) {
	var docs int
	if err := tx.queryRow(`SELECT count(*) FROM documents WHERE deal_id = ?`, id).Scan(&docs); err != nil {
		return false, err
	}
	if docs > 0 {
		return false, nil
	}
	if _, err := tx.exec(`DELETE FROM custom_values WHERE record_id = ? AND field_id IN (SELECT id FROM custom_fields WHERE entity = 'deal')`, id); err != nil {
		return false, err
	}
	if err := tx.dropFiles(`owner_kind = 'deal' AND owner_id = ?`, id); err != nil {
		return false, err
	}
	if _, err := tx.exec(`DELETE FROM deals WHERE id = ? AND deleted_at IS NOT NULL`, id); err != nil {
		return false, err
	}
	return true, nil
}

// dropFiles deletes the files a condition picks and the blobs no file
// names any more.
func (tx *wtx) dropFiles(cond string, args ...any) error {
	rows, err := tx.query(`SELECT DISTINCT blob_id FROM files WHERE `+cond, args...)
	if err != nil {
		return err
	}
	blobs, err := scanIDs(rows)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM files WHERE `+cond, args...); err != nil {
		return err
	}
	for _, b := range blobs {
		if err := tx.dropBlobIfUnused(b); err != nil {
			return err
		}
	}
	return nil
}
