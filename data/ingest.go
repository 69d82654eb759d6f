package data

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Incoming is one message fetched from a folder.
type Incoming struct {
	UID   uint32
	Email *Email
}

// IngestResult sums up one Ingest call.
type IngestResult struct {
	Decisions  []Decision // one per message, in order
	Stored     int
	Duplicates int
	NewDeals   int
}

// MessageKey is the dedupe key of a message: its Message-ID, or "sha256:"
// and the hash of its raw bytes when it has none.
func MessageKey(e *Email) string {
	if id := strings.TrimSpace(e.MessageID); id != "" {
		return id
	}
	h := sha256.Sum256(e.Raw)
	return "sha256:" + hex.EncodeToString(h[:])
}

// Ingest stores fetched messages of one folder and routes them, and moves the
// folder's checkpoint to (uidValidity, lastUID), all in ONE transaction: a
// crash leaves either all of it or none of it, so a message is never lost
// (the checkpoint does not pass it) nor duplicated (its Message-ID is
// unique). lastUID must cover every message given. Messages already stored
// are skipped (ReasonDuplicate).
func (s *Store) Ingest(ctx context.Context, accountID int64, folder string, uidValidity, lastUID uint32, msgs []Incoming) (IngestResult, error) {
	var res IngestResult
	err := s.writeTx(ctx, func(tx *wtx) error {
		res = IngestResult{}
		acc, err := scanAccount(tx.queryRow(`SELECT `+accountCols+` FROM mail_accounts WHERE id = ?`, accountID))
		if err != nil {
			return notFound(err)
		}
		own, err := tx.ownAddresses()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			d, err := tx.ingestOne(&acc, own, folder, m.UID, m.Email)
			if err != nil {
				return fmt.Errorf("message uid %d: %w", m.UID, err)
			}
			switch {
			case d.Reason == ReasonDuplicate:
				res.Duplicates++
			default:
				res.Stored++
			}
			if d.NewDeal {
				res.NewDeals++
			}
			res.Decisions = append(res.Decisions, d)
		}
		return tx.setCheckpoint(accountID, folder, uidValidity, lastUID)
	})
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest %s of account %d: %w", folder, accountID, err)
	}
	return res, nil
}

func (tx *wtx) ingestOne(acc *Account, own ownAddresses, folder string, uid uint32, e *Email) (Decision, error) {
	key := MessageKey(e)
	// 1. Same Message-ID already stored: nothing.
	var x int64
	err := tx.queryRow(`SELECT id FROM messages WHERE message_id = ?`, key).Scan(&x)
	if err == nil {
		return Decision{MessageID: key, Reason: ReasonDuplicate, Because: "already stored"}, nil
	}
	if err != sql.ErrNoRows {
		return Decision{}, err
	}
	d, err := tx.route(acc, own, e)
	if err != nil {
		return d, err
	}
	d.MessageID = key
	if err := tx.storeMessage(acc, folder, uid, e, &d); err != nil {
		return d, err
	}
	return d, nil
}

// storeMessage writes the message row and, when it is linked to a deal, its
// timeline entry.
func (tx *wtx) storeMessage(acc *Account, folder string, uid uint32, e *Email, d *Decision) error {
	raw := e.Raw
	truncated := e.Truncated
	if acc != nil && acc.MaxSize > 0 && int64(len(raw)) > acc.MaxSize {
		raw = headerOf(raw)
		if truncated == "" {
			truncated = fmt.Sprintf("message of %d bytes over the %d MB cap", len(e.Raw), acc.MaxSize>>20)
		}
		truncated += "; only its headers and text are kept"
	}
	to, _ := json.Marshal(nonNilAddrs(e.To))
	cc, _ := json.Marshal(nonNilAddrs(e.Cc))
	refs, _ := json.Marshal(nonNilStrings(e.References))
	atts := e.Attachments
	if atts == nil {
		atts = []Attachment{}
	}
	attJSON, _ := json.Marshal(atts)
	var accID any
	if acc != nil && acc.ID != 0 {
		accID = acc.ID
	}
	res, err := tx.exec(`INSERT INTO messages (message_id, direction, account_id, folder, uid, from_name, from_email, to_addrs,
		cc_addrs, subject, sent_at, in_reply_to, refs, text, visible_text, attachments, size, raw, parse_error, truncated,
		state, reason, reason_text, deal_id, created_deal, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.MessageID, d.Direction, accID, folder, uid, e.From.Name, strings.ToLower(e.From.Email), string(to), string(cc),
		e.Subject, timeOrNull(e.Date), e.InReplyTo, string(refs), e.Text, e.VisibleText, string(attJSON), len(e.Raw), raw,
		e.ParseError, truncated, d.State, d.Reason, d.Because, nullID(d.DealID), d.NewDeal, tx.s.now())
	if err != nil {
		return fmt.Errorf("store message: %w", err)
	}
	d.EmailID, _ = res.LastInsertId()
	tx.changed(KindEmail, d.EmailID)
	if d.DealID == 0 {
		return nil
	}
	return tx.linkEntry(d.EmailID, d.DealID, d.Direction, d.Quiet, d.Reason, d.Because)
}

// linkEntry adds the stored email's timeline entry on a deal and remembers it
// on the message.
func (tx *wtx) linkEntry(emailID, dealID int64, direction string, quiet bool, reason Reason, because string) error {
	var fromName, fromEmail, to, subject, mid, visible, atts string
	var sent sql.NullString
	var bounced string
	err := tx.queryRow(`SELECT from_name, from_email, to_addrs, subject, message_id, visible_text, attachments, sent_at, bounced_recipient
		FROM messages WHERE id = ?`, emailID).Scan(&fromName, &fromEmail, &to, &subject, &mid, &visible, &atts, &sent, &bounced)
	if err != nil {
		return notFound(err)
	}
	var toList []Address
	_ = json.Unmarshal([]byte(to), &toList)
	var attList []Attachment
	_ = json.Unmarshal([]byte(atts), &attList)
	attSummary := make([]map[string]any, 0, len(attList))
	for _, a := range attList {
		attSummary = append(attSummary, map[string]any{"name": a.Name, "size": a.Size})
	}
	toStrs := make([]string, 0, len(toList))
	for _, a := range toList {
		toStrs = append(toStrs, formatAddress(a))
	}
	kind := EntryEmailIn
	if direction == "out" {
		kind = EntryEmailOut
	}
	text := subject
	if quiet {
		kind = EntryNote
		text = "Automatic message: " + subject
		if reason == ReasonBounce {
			text = "Delivery failure: " + subject
		}
	}
	at := tx.s.Now()
	if t := nullTime(sent); !t.IsZero() && t.Before(at.Add(time.Hour)) {
		at = t
	}
	data := map[string]any{
		"email_id":       emailID,
		"from":           formatAddress(Address{Name: fromName, Email: fromEmail}),
		"to":             toStrs,
		"subject":        subject,
		"message_id":     mid,
		"text":           visible,
		"attachments":    attSummary,
		"linked_because": because,
		"linked_reason":  string(reason),
	}
	if err := tx.addEntryAt(dealID, 0, kind, text, data, at); err != nil {
		return err
	}
	var entryID int64
	if err := tx.queryRow(`SELECT last_insert_rowid()`).Scan(&entryID); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE messages SET entry_id = ?, deal_id = ? WHERE id = ?`, entryID, dealID, emailID); err != nil {
		return err
	}
	_, err = tx.exec(`UPDATE deals SET updated_at = ? WHERE id = ?`, tx.s.now(), dealID)
	return err
}

func formatAddress(a Address) string {
	if a.Name == "" {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

func nonNilAddrs(a []Address) []Address {
	if a == nil {
		return []Address{}
	}
	return a
}

func nonNilStrings(a []string) []string {
	if a == nil {
		return []string{}
	}
	return a
}

// headerOf returns a message's header block (up to the first blank line).
func headerOf(raw []byte) []byte {
	for _, sep := range [][]byte{[]byte("\r\n\r\n"), []byte("\n\n")} {
		if i := bytes.Index(raw, sep); i >= 0 {
			return raw[:i+len(sep)]
		}
	}
	if len(raw) > 64<<10 {
		return raw[:64<<10]
	}
	return raw
}
