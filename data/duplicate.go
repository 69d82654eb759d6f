package data

import (
	"context"
	"fmt"
)

// Duplicating a deal: the same offer to a second client. The copy has the
// original's pipeline, amount, currency, probability, observers, custom
// fields and product lines, and the same client unless another is given;
// not its timeline, files, activities, documents or expected close date.
// An open deal's copy starts in the same stage, a closed one's in the
// pipeline's first open stage.
//
// A repeat deal (as Bitrix24 calls it) is the next sale to the client of a
// closed deal: the same title, client and lines, in the first open stage.

// EntryCopied is the first entry after "created" of a copy or a repeat
// deal: data {from_id, from_title, repeat}.
const EntryCopied EntryKind = "copied"

// DuplicateOptions change a copy.
type DuplicateOptions struct {
	// Title is the copy's title; "" is the original's with CopySuffix (a
	// repeat deal keeps the original's title).
	Title string
	// CopySuffix ends a copy's title when Title is "": " (copy)" when empty.
	// Screens pass it in the person's language.
	CopySuffix string
	// Client, when set, replaces the original's client: a contact, a
	// company or both (0 for none).
	Client *DealClient
	// Repeat makes a repeat deal of a closed deal.
	Repeat bool
}

// DealClient is a deal's client.
type DealClient struct {
	ContactID int64
	CompanyID int64
}

// CopiedData is the data of a copy's "copied" entry: the deal it was made
// from, and whether it is a repeat deal.
type CopiedData struct {
	FromID    int64  `json:"from_id"`
	FromTitle string `json:"from_title"`
	Repeat    bool   `json:"repeat,omitempty"`
}

func (CopiedData) fits(k EntryKind) bool { return k == EntryCopied }

// DuplicateDeal copies a deal the employee may read. The copy's responsible
// is the original's when the employee may edit the original (and the
// responsible is still active), else the employee. A repeat deal is made of a closed deal only (field "stage",
// code "not_closed").
func (s *Store) DuplicateDeal(ctx context.Context, actor, id int64, opt DuplicateOptions) (Deal, error) {
	var newID int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		d, err := loadDeal(tx.ctx, tx, id)
		if err != nil {
			return err
		}
		acc := dealAccess(a, d.ResponsibleID, d.Observers)
		if acc == NoAccess {
			return ErrNotFound
		}
		if opt.Repeat && d.Status == StatusOpen {
			return &ValidationError{Fields: []FieldError{{Field: "stage", Code: "not_closed",
				Message: "a repeat deal follows a closed deal; this one is still open"}}}
		}
		in := d.Input()
		switch {
		case opt.Title != "":
			in.Title = opt.Title
		case !opt.Repeat:
			suffix := opt.CopySuffix
			if suffix == "" {
				suffix = " (copy)"
			}
			in.Title = d.Title + suffix
		}
		if opt.Client != nil {
			in.ContactID, in.CompanyID = opt.Client.ContactID, opt.Client.CompanyID
		}
		if d.Status != StatusOpen || opt.Repeat {
			in.StageID = 0 // the pipeline's first open stage
		}
		in.LostReason, in.CloseDate, in.Source = "", "", SourceManual
		var active bool
		_ = tx.queryRow(`SELECT active FROM employees WHERE id = ?`, in.ResponsibleID).Scan(&active)
		if acc != EditAccess || !active {
			in.ResponsibleID = a.ID
		}
		if newID, err = tx.createDeal(a.ID, in); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO deal_products (deal_id, position, product_id, name, unit, price, quantity,
			discount_kind, discount, tax_rate, tax_included)
			SELECT ?, position, product_id, name, unit, price, quantity, discount_kind, discount, tax_rate, tax_included
			FROM deal_products WHERE deal_id = ? ORDER BY position, id`, newID, d.ID); err != nil {
			return err
		}
		if _, err := tx.addLifeEntry(newID, a.ID, EntryCopied, d.Title, CopiedData{FromID: d.ID, FromTitle: d.Title, Repeat: opt.Repeat}); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return Deal{}, fmt.Errorf("duplicate deal %d: %w", id, err)
	}
	return loadDeal(ctx, s.r, newID)
}
