package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// StoredEmail is a stored message as the Inbox, the timeline's "full text"
// and the outbox read it.
type StoredEmail struct {
	ID          int64
	MessageID   string // the dedupe key: Message-ID, or sha256:… when it had none, or "ID #2"… (see collisionKey)
	Direction   string // "in" or "out"
	AccountID   int64
	Folder      string
	UID         uint32
	From        Address
	To          []Address
	Cc          []Address
	Subject     string
	Date        time.Time
	InReplyTo   string
	References  []string
	Text        string
	VisibleText string
	Attachments []Attachment
	Size        int64
	ParseError  string // set when the message could not be fully read
	Truncated   string // what was left out of a message over the size cap
	State       string // StateLinked, StateInbox or StateFiled
	Reason      Reason
	Because     string
	DealID      int64
	// BouncedAt and BouncedRecipient are set on outgoing mail reported
	// undeliverable.
	BouncedAt        time.Time
	BouncedRecipient string
	CreatedAt        time.Time
}

const emailCols = `id, message_id, direction, coalesce(account_id, 0), folder, uid, from_name, from_email, to_addrs, cc_addrs,
	subject, sent_at, in_reply_to, refs, text, visible_text, attachments, size, parse_error, truncated, state, reason,
	reason_text, coalesce(deal_id, 0), bounced_at, bounced_recipient, created_at, ` + entryTextCol

func scanEmail(sc interface{ Scan(...any) error }) (StoredEmail, error) {
	var m StoredEmail
	var to, cc, refs, atts, created string
	var sent, bounced, entryText sql.NullString
	err := sc.Scan(&m.ID, &m.MessageID, &m.Direction, &m.AccountID, &m.Folder, &m.UID, &m.From.Name, &m.From.Email, &to, &cc,
		&m.Subject, &sent, &m.InReplyTo, &refs, &m.Text, &m.VisibleText, &atts, &m.Size, &m.ParseError, &m.Truncated, &m.State,
		&m.Reason, &m.Because, &m.DealID, &bounced, &m.BouncedRecipient, &created, &entryText)
	if err != nil {
		return m, err
	}
	_ = json.Unmarshal([]byte(to), &m.To)
	_ = json.Unmarshal([]byte(cc), &m.Cc)
	_ = json.Unmarshal([]byte(refs), &m.References)
	_ = json.Unmarshal([]byte(atts), &m.Attachments)
	// Stored once when they are the same; the timeline entry may hold them.
	m.Text, m.VisibleText = storedText(m.Text, m.VisibleText, entryText)
	m.Date, m.BouncedAt, m.CreatedAt = nullTime(sent), nullTime(bounced), parseTime(created)
	return m, nil
}

// Email returns one stored email, if the employee may see it: an email on
// a deal follows the deal's visibility rule; one on no deal (the Inbox, a
// filed one) is seen by every active employee, as the Inbox is.
func (s *Store) Email(ctx context.Context, actor, id int64) (StoredEmail, error) {
	m, err := s.email(ctx, id)
	if err != nil {
		return m, err
	}
	if err := s.seesEmail(ctx, actor, m.DealID); err != nil {
		return StoredEmail{}, fmt.Errorf("email %d: %w", id, err)
	}
	return m, nil
}

func (s *Store) email(ctx context.Context, id int64) (StoredEmail, error) {
	m, err := scanEmail(s.r.QueryRowContext(ctx, `SELECT `+emailCols+` FROM messages WHERE id = ?`, id))
	if err != nil {
		return m, fmt.Errorf("email %d: %w", id, notFound(err))
	}
	return m, nil
}

// seesEmail is the rule of Email: ErrForbidden for an unknown or inactive
// employee, ErrNotFound for an email on a deal they may not see.
func (s *Store) seesEmail(ctx context.Context, actor, dealID int64) error {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return err
	}
	if dealID == 0 {
		return nil
	}
	ok, err := s.seesDeal(ctx, me, dealID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return nil
}

// EmailByMessageID returns the stored email, incoming or outgoing, with this
// Message-ID (without angle brackets), if the employee may see it (see
// Email).
func (s *Store) EmailByMessageID(ctx context.Context, actor int64, messageID string) (StoredEmail, error) {
	m, err := scanEmail(s.r.QueryRowContext(ctx, `SELECT `+emailCols+` FROM messages WHERE message_id = ?`,
		strings.Trim(strings.TrimSpace(messageID), "<>")))
	if err != nil {
		return m, fmt.Errorf("email %s: %w", messageID, notFound(err))
	}
	if err := s.seesEmail(ctx, actor, m.DealID); err != nil {
		return StoredEmail{}, fmt.Errorf("email %s: %w", messageID, err)
	}
	return m, nil
}

// EmailRaw returns a stored email's source (only its header when it was over
// the size cap), to save its attachments or show it whole, if the employee
// may see the email (see Email).
func (s *Store) EmailRaw(ctx context.Context, actor, id int64) ([]byte, error) {
	var raw []byte
	var dealID int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(raw, x''), coalesce(deal_id, 0) FROM messages WHERE id = ?`, id).
		Scan(&raw, &dealID); err != nil {
		return nil, fmt.Errorf("email %d: %w", id, notFound(err))
	}
	if err := s.seesEmail(ctx, actor, dealID); err != nil {
		return nil, fmt.Errorf("email %d: %w", id, err)
	}
	return raw, nil
}

func (s *Store) emails(ctx context.Context, query string, args ...any) ([]StoredEmail, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+emailCols+` FROM messages `+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredEmail
	for rows.Next() {
		m, err := scanEmail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Inbox lists emails waiting for a person, newest first. Every active
// employee sees the Inbox.
func (s *Store) Inbox(ctx context.Context, actor int64, limit int) ([]StoredEmail, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	out, err := s.emails(ctx, `WHERE state = 'inbox' ORDER BY created_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	return out, nil
}

// InboxCount is the number of emails waiting in the Inbox, for an active
// employee.
func (s *Store) InboxCount(ctx context.Context, actor int64) (int, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return 0, fmt.Errorf("inbox count: %w", err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE state = 'inbox'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("inbox count: %w", err)
	}
	return n, nil
}

// DealEmails lists the emails linked to a deal, oldest first.
func (s *Store) DealEmails(ctx context.Context, actor, dealID int64) ([]StoredEmail, error) {
	if _, err := s.Deal(ctx, actor, dealID); err != nil {
		return nil, err
	}
	out, err := s.emails(ctx, `WHERE deal_id = ? ORDER BY sent_at, id`, dealID)
	if err != nil {
		return nil, fmt.Errorf("emails of deal %d: %w", dealID, err)
	}
	return out, nil
}

// loadEmailTx reads the fields the Inbox actions need.
func (tx *wtx) emailForMove(id int64) (StoredEmail, int64, error) {
	var m StoredEmail
	var entry sql.NullInt64
	err := tx.queryRow(`SELECT id, direction, from_name, from_email, subject, coalesce(deal_id, 0), entry_id, coalesce(account_id, 0)
		FROM messages WHERE id = ?`, id).
		Scan(&m.ID, &m.Direction, &m.From.Name, &m.From.Email, &m.Subject, &m.DealID, &entry, &m.AccountID)
	if err != nil {
		return m, 0, notFound(err)
	}
	return m, entry.Int64, nil
}

// unlink removes an email's timeline entry from its current deal.
func (tx *wtx) unlink(m StoredEmail, entryID int64) error {
	if entryID != 0 {
		if _, err := tx.exec(`DELETE FROM timeline WHERE id = ?`, entryID); err != nil {
			return err
		}
	}
	if m.DealID != 0 {
		tx.changed(KindDeal, m.DealID)
	}
	return nil
}

// relink puts an email on a deal by a person's decision.
func (tx *wtx) relink(m StoredEmail, entryID, dealID int64, because string) error {
	if err := tx.unlink(m, entryID); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE messages SET state = 'linked', reason = ?, reason_text = ?, deal_id = ?, entry_id = NULL WHERE id = ?`,
		ReasonByPerson, because, dealID, m.ID); err != nil {
		return err
	}
	tx.changed(KindEmail, m.ID)
	dir := m.Direction
	if dir == "" {
		dir = "in"
	}
	it := newItx(tx)
	f, err := it.loadLinkFields(m.ID)
	if err != nil {
		return err
	}
	return it.linkEntry(m.ID, dealID, dir, false, ReasonByPerson, because, f)
}

// CreateDealFromEmail creates a deal from a stored email (from the Inbox or
// moved off another deal): the sender's contact is found or created, the
// title defaults to the subject, the source is email, and the email moves to
// the new deal's timeline.
func (s *Store) CreateDealFromEmail(ctx context.Context, actor, emailID int64, in DealInput) (Deal, error) {
	var dealID int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		m, entry, err := tx.emailForMove(emailID)
		if err != nil {
			return err
		}
		if m.DealID != 0 {
			d, err := loadDeal(tx.ctx, tx, m.DealID)
			if err == nil && dealAccess(a, d.ResponsibleID, d.Observers) != EditAccess {
				return ErrForbidden
			}
		}
		if in.Title == "" {
			in.Title = DealTitleFromSubject(m.Subject, senderName(m.From))
		}
		if in.Source == "" {
			in.Source = SourceEmail
		}
		own, err := tx.ownAddresses()
		if err != nil {
			return err
		}
		// Mail from one of our addresses makes no contact of us.
		if in.ContactID == 0 && m.From.Email != "" && m.Direction != "out" && !own[strings.ToLower(m.From.Email)] {
			c, co, err := newItx(tx).contactFromAddress(m.From)
			if err != nil {
				return err
			}
			in.ContactID = c
			if in.CompanyID == 0 {
				in.CompanyID = co
			}
		}
		if dealID, err = tx.createDeal(actor, in); err != nil {
			return err
		}
		if err := tx.relink(m, entry, dealID, "deal created from this email by "+a.Name); err != nil {
			return err
		}
		_, err = tx.exec(`UPDATE messages SET created_deal = 1 WHERE id = ?`, emailID)
		return err
	})
	if err != nil {
		return Deal{}, fmt.Errorf("create deal from email %d: %w", emailID, err)
	}
	return loadDeal(ctx, s.r, dealID)
}

// AttachEmailToDeal puts a stored email on a deal's timeline (from the Inbox
// or from another deal). The actor must be able to edit the target deal, and
// the source deal when the email is on one.
func (s *Store) AttachEmailToDeal(ctx context.Context, actor, emailID, dealID int64) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, _, err := tx.editableDeal(actor, dealID)
		if err != nil {
			return err
		}
		m, entry, err := tx.emailForMove(emailID)
		if err != nil {
			return err
		}
		if m.DealID == dealID {
			return nil
		}
		if m.DealID != 0 {
			if d, err := loadDeal(tx.ctx, tx, m.DealID); err == nil && dealAccess(a, d.ResponsibleID, d.Observers) != EditAccess {
				return ErrForbidden
			}
		}
		return tx.relink(m, entry, dealID, "attached by "+a.Name)
	})
	if err != nil {
		return fmt.Errorf("attach email %d to deal %d: %w", emailID, dealID, err)
	}
	return nil
}

// MoveEmail moves an email to another deal, or to a new deal when toDealID
// is 0, and returns the deal it is now on.
func (s *Store) MoveEmail(ctx context.Context, actor, emailID, toDealID int64) (int64, error) {
	if toDealID == 0 {
		d, err := s.CreateDealFromEmail(ctx, actor, emailID, DealInput{})
		return d.ID, err
	}
	return toDealID, s.AttachEmailToDeal(ctx, actor, emailID, toDealID)
}

// IgnoreSender stops the email's sender from ever reaching the Inbox or
// creating a deal: the sender is remembered as ignored and its emails waiting
// in the Inbox are filed.
func (s *Store) IgnoreSender(ctx context.Context, actor, emailID int64) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		m, _, err := tx.emailForMove(emailID)
		if err != nil {
			return err
		}
		addr := strings.ToLower(m.From.Email)
		if addr == "" {
			return &ValidationError{Fields: []FieldError{{Field: "from", Code: "required", Message: "this email has no sender to ignore"}}}
		}
		if _, err := tx.exec(`INSERT INTO mail_senders (email, status, reason, created_at) VALUES (?, 'ignored', ?, ?)
			ON CONFLICT (email) DO UPDATE SET status = 'ignored', reason = excluded.reason`, addr, "ignored by "+a.Name, tx.s.now()); err != nil {
			return err
		}
		rows, err := tx.QueryContext(tx.ctx, `UPDATE messages SET state = 'filed', reason = ?, reason_text = ?
			WHERE from_email = ? AND state = 'inbox' RETURNING id`, ReasonIgnoredSender, "sender ignored by "+a.Name, addr)
		if err != nil {
			return err
		}
		ids, err := scanIDs(rows)
		if err != nil {
			return err
		}
		for _, id := range ids {
			tx.changed(KindEmail, id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ignore sender of email %d: %w", emailID, err)
	}
	return nil
}

// SenderStatus is "ignored", "flagged" (by the loop guard) or "", for an
// active employee.
func (s *Store) SenderStatus(ctx context.Context, actor int64, addr string) (string, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return "", fmt.Errorf("sender %s: %w", addr, err)
	}
	var st string
	err := s.r.QueryRowContext(ctx, `SELECT status FROM mail_senders WHERE email = ?`, strings.TrimSpace(addr)).Scan(&st)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sender %s: %w", addr, err)
	}
	return st, nil
}

// ClearSender forgets that a sender was ignored or flagged.
func (s *Store) ClearSender(ctx context.Context, actor int64, addr string) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if _, err := tx.actor(actor); err != nil {
			return err
		}
		_, err := tx.exec(`DELETE FROM mail_senders WHERE email = ?`, strings.TrimSpace(addr))
		return err
	})
	if err != nil {
		return fmt.Errorf("clear sender %s: %w", addr, err)
	}
	return nil
}
