package data

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// EntryKind is the kind of a timeline entry.
type EntryKind string

// Timeline entry kinds. History kinds are written by data/ only and can be
// neither edited nor deleted.
const (
	EntryCreated  EntryKind = "created"   // history: the deal was created
	EntryStage    EntryKind = "stage"     // history: moved between open stages
	EntryWon      EntryKind = "won"       // history: closed as won
	EntryLost     EntryKind = "lost"      // history: closed as lost, with the reason
	EntryReopened EntryKind = "reopened"  // history: a closed deal moved back to an open stage
	EntryField    EntryKind = "field"     // history: a field changed
	EntryProducts EntryKind = "products"  // history: product lines changed
	EntryComment  EntryKind = "comment"   // a person's comment
	EntryCall     EntryKind = "call"      // a logged call
	EntryPayment  EntryKind = "payment"   // a payment received
	EntryDelivery EntryKind = "delivery"  // a delivery made
	EntryActivity EntryKind = "activity"  // a planned activity marked done, with its result
	EntryEmailIn  EntryKind = "email_in"  // an email from the client
	EntryEmailOut EntryKind = "email_out" // an email to the client
	EntryNote     EntryKind = "note"      // a quiet system note (auto-reply, bounce)
	EntryDocument EntryKind = "document"  // a quote or invoice
)

// History reports whether the kind is written by the system as audit trail.
func (k EntryKind) History() bool {
	switch k {
	case EntryCreated, EntryStage, EntryWon, EntryLost, EntryReopened, EntryField, EntryProducts:
		return true
	}
	return false
}

// Entry is one item of a deal's timeline. Data is its typed payload, the
// type of its kind (entries.go).
type Entry struct {
	ID       int64     `json:"id"`
	DealID   int64     `json:"deal_id"`
	Kind     EntryKind `json:"kind"`
	AuthorID int64     `json:"author_id,omitempty"`
	Author   string    `json:"author,omitempty"`
	At       time.Time `json:"at"`
	Text     string    `json:"text"`
	Data     Payload   `json:"data,omitempty"`
	EditedAt time.Time `json:"edited_at,omitzero"`
}

// addEntry appends to a deal's timeline in the current transaction; data
// is the kind's payload (nil: none).
func (tx *wtx) addEntry(dealID, author int64, kind EntryKind, text string, data Payload) error {
	return tx.addEntryAt(dealID, author, kind, text, data, tx.s.Now())
}

func (tx *wtx) addEntryAt(dealID, author int64, kind EntryKind, text string, data Payload, at time.Time) error {
	b, err := encodePayload(kind, data)
	if err != nil {
		return fmt.Errorf("timeline entry: %w", err)
	}
	if _, err := tx.exec(`INSERT INTO timeline (deal_id, kind, author_id, at, text, data) VALUES (?, ?, ?, ?, ?, ?)`,
		dealID, kind, nullID(author), fmtTime(at), text, string(b)); err != nil {
		return fmt.Errorf("timeline entry: %w", err)
	}
	tx.changed(KindDeal, dealID)
	return nil
}

// TimelineCursor is a keyset position in a timeline (newest first).
type TimelineCursor struct {
	At time.Time
	ID int64
}

// Timeline returns up to limit entries of a deal, newest first, older than
// the cursor (zero cursor: from the newest).
func (s *Store) Timeline(ctx context.Context, actor, dealID int64, before TimelineCursor, limit int) ([]Entry, error) {
	if _, err := s.Deal(ctx, actor, dealID); err != nil {
		return nil, err
	}
	return loadTimeline(ctx, s.r, dealID, before, limit)
}

func loadTimeline(ctx context.Context, q querier, dealID int64, before TimelineCursor, limit int) ([]Entry, error) {
	at := "9999"
	id := int64(1<<62 - 1)
	if !before.At.IsZero() {
		at, id = fmtTime(before.At), before.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT t.id, t.deal_id, t.kind, coalesce(t.author_id, 0), coalesce(e.name, ''), t.at, t.text, t.data, t.edited_at,
		coalesce(o.state, '')
		FROM timeline t LEFT JOIN employees e ON e.id = t.author_id
		LEFT JOIN outbox o ON o.entry_id = t.id AND t.kind = 'email_out'
		WHERE t.deal_id = ? AND (t.at, t.id) < (?, ?) ORDER BY t.at DESC, t.id DESC LIMIT ?`, dealID, at, id, limit)
	if err != nil {
		return nil, fmt.Errorf("timeline of deal %d: %w", dealID, err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at string
		var data []byte
		var edited sql.NullString
		var outState string
		if err := rows.Scan(&e.ID, &e.DealID, &e.Kind, &e.AuthorID, &e.Author, &at, &e.Text, &data, &edited, &outState); err != nil {
			return nil, fmt.Errorf("timeline of deal %d: %w", dealID, err)
		}
		e.At, e.EditedAt = parseTime(at), nullTime(edited)
		e.Data = DecodePayload(e.Kind, data)
		outEntryState(&e, OutState(outState)) // outbox.go
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddComment adds a comment to a deal. Whoever may see the deal may comment.
func (s *Store) AddComment(ctx context.Context, actor, dealID int64, text string) (Entry, error) {
	text = strings.TrimSpace(CleanText(text))
	if text == "" {
		return Entry{}, &ValidationError{Fields: []FieldError{{Field: "text", Code: "required", Message: "the comment is empty"}}}
	}
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		d, err := loadDeal(tx.ctx, tx, dealID)
		if err != nil {
			return err
		}
		if dealAccess(a, d.ResponsibleID, d.Observers) == NoAccess {
			return ErrNotFound
		}
		if err := tx.addEntry(dealID, a.ID, EntryComment, text, nil); err != nil {
			return err
		}
		return tx.queryRow(`SELECT last_insert_rowid()`).Scan(&id)
	})
	if err != nil {
		return Entry{}, fmt.Errorf("add comment to deal %d: %w", dealID, err)
	}
	return s.entry(ctx, id)
}

// EditComment changes the text of one's own comment, and of nothing else.
func (s *Store) EditComment(ctx context.Context, actor, entryID int64, text string) (Entry, error) {
	text = strings.TrimSpace(CleanText(text))
	if text == "" {
		return Entry{}, &ValidationError{Fields: []FieldError{{Field: "text", Code: "required", Message: "the comment is empty"}}}
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		e, err := tx.ownEntry(actor, entryID)
		if err != nil {
			return err
		}
		if e.Kind != EntryComment {
			// A call, payment or delivery is deleted and logged again, not
			// rewritten as if it were a comment.
			return fmt.Errorf("a %s entry is not a comment: %w", e.Kind, ErrForbidden)
		}
		if _, err := tx.exec(`UPDATE timeline SET text = ?, edited_at = ? WHERE id = ?`, text, tx.s.now(), entryID); err != nil {
			return err
		}
		tx.changed(KindDeal, e.DealID)
		return nil
	})
	if err != nil {
		return Entry{}, fmt.Errorf("edit comment %d: %w", entryID, err)
	}
	return s.entry(ctx, entryID)
}

// DeleteEntry deletes one's own comment, call, payment or delivery note.
// Nobody deletes someone else's entry or any history entry.
func (s *Store) DeleteEntry(ctx context.Context, actor, entryID int64) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		e, err := tx.ownEntry(actor, entryID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM timeline WHERE id = ?`, entryID); err != nil {
			return err
		}
		tx.changed(KindDeal, e.DealID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete timeline entry %d: %w", entryID, err)
	}
	return nil
}

// ownEntry loads an entry the actor wrote by hand and may change.
func (tx *wtx) ownEntry(actor, entryID int64) (Entry, error) {
	a, err := tx.actor(actor)
	if err != nil {
		return Entry{}, err
	}
	var e Entry
	if err := tx.queryRow(`SELECT id, deal_id, kind, coalesce(author_id, 0) FROM timeline WHERE id = ?`, entryID).
		Scan(&e.ID, &e.DealID, &e.Kind, &e.AuthorID); err != nil {
		return e, notFound(err)
	}
	if !changeableKind(e.Kind) {
		return e, fmt.Errorf("a %s entry is part of the deal's record: %w", e.Kind, ErrForbidden)
	}
	if !MayChangeEntry(a, e) {
		return e, fmt.Errorf("only its author may change this entry: %w", ErrForbidden)
	}
	return e, nil
}

func (s *Store) entry(ctx context.Context, id int64) (Entry, error) {
	var dealID int64
	var at string
	if err := s.r.QueryRowContext(ctx, `SELECT deal_id, at FROM timeline WHERE id = ?`, id).Scan(&dealID, &at); err != nil {
		return Entry{}, fmt.Errorf("timeline entry %d: %w", id, notFound(err))
	}
	es, err := loadTimeline(ctx, s.r, dealID, TimelineCursor{At: parseTime(at), ID: id + 1}, 1)
	if err != nil || len(es) == 0 || es[0].ID != id {
		return Entry{}, fmt.Errorf("timeline entry %d: %w", id, ErrNotFound)
	}
	return es[0], nil
}
