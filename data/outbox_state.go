package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"comptoir/data/storage"
)

// The outbox's two state machines, written once: an outgoing email's
// sending state, and the state of its copy in the account's Sent folder.
// Every change of either goes through one conditional update (Move), so
// that a worker and a person acting at once never both win:
//
//	queued → sending            a sender claims it (data/mailq)
//	sending → sent | queued | failed | unknown
//	                            the server's answer (data/mailq); a claim
//	                            left by a stopped sender becomes unknown
//	unknown → sent | unknown    looked for in the Sent folder (data/mailq)
//	failed, unknown → queued    a person sends it again (RetryEmail)
//	queued, failed → queued     a person edits it (QueueEmail); see Editable
//	queued, failed, unknown → cancelled
//	                            a person cancels it (CancelEmail)
//
//	none                        the server files sent mail itself, or not sent
//	pending → appending         a sender claims the copy (data/mailq)
//	appending → done | pending  appended, or given back for later
//
// States are written into the SQL as literals ('queued'), never bound: the
// outbox's partial indexes (WHERE state = 'queued', WHERE state <> 'sent'
// AND state <> 'cancelled', …) serve only queries that spell their
// condition.

// OutState is the sending state of an outgoing email.
type OutState string

// Outgoing email states.
const (
	OutQueued    OutState = "queued"    // waiting for the sender
	OutSending   OutState = "sending"   // claimed by a sender
	OutSent      OutState = "sent"      // the server accepted it
	OutFailed    OutState = "failed"    // the server refused it for good: edit and retry, or cancel
	OutUnknown   OutState = "unknown"   // the connection broke after the message was given: maybe sent
	OutCancelled OutState = "cancelled" // a person cancelled it
)

// State groups of the outbox.
var (
	// outEditable: a person may still change the message (and its files).
	outEditable = []OutState{OutQueued, OutFailed}
	// outRetryable: a person may send it again.
	outRetryable = []OutState{OutFailed, OutUnknown}
	// outCancellable: not claimed by a sender, not sent.
	outCancellable = []OutState{OutQueued, OutFailed, OutUnknown}
	// outWaiting and outProblems are what the outbox counter shows.
	outWaiting  = []OutState{OutQueued, OutSending}
	outProblems = []OutState{OutFailed, OutUnknown}
	// outFinal: nothing will happen to it any more.
	outFinal = []OutState{OutSent, OutCancelled}
)

// Editable reports whether a person may still change an email in this
// state: queued (no sender has claimed it) or failed (refused for good).
func (s OutState) Editable() bool { return slices.Contains(outEditable, s) }

// Final reports whether nothing will happen to the email any more: sent or
// cancelled.
func (s OutState) Final() bool { return slices.Contains(outFinal, s) }

// SQL is the state as an SQL literal, 'queued'.
func (s OutState) SQL() string { return "'" + string(s) + "'" }

// CopyState is where the copy of a sent email in the account's Sent folder
// stands.
type CopyState string

// Sent-copy states.
const (
	CopyNone      CopyState = "none"      // no copy to make (not sent, or the server files it)
	CopyPending   CopyState = "pending"   // to append
	CopyAppending CopyState = "appending" // claimed by a sender
	CopyDone      CopyState = "done"      // in the Sent folder
)

// SQL is the state as an SQL literal, 'pending'.
func (s CopyState) SQL() string { return "'" + string(s) + "'" }

// statesSQL is "'queued', 'failed'".
func statesSQL[S interface{ ~string }](states []S) string {
	parts := make([]string, len(states))
	for i, s := range states {
		parts[i] = "'" + string(s) + "'"
	}
	return strings.Join(parts, ", ")
}

// OutboxMove is one transition of outgoing emails' sending state. Set adds
// assignments to the update ("last_error = ?"), Where a condition beyond
// the state ("claimed_at <= ?").
type OutboxMove struct {
	From  []OutState
	To    OutState
	Set   string
	Where string
}

// Apply moves the emails ids (every email in a From state that Where
// selects, when ids is nil) to To with one conditional update, stamping
// updated_at with now. args fill the placeholders of Set, then of Where. It
// returns the emails moved, in no particular order, or an error wrapping
// ErrConflict when none was in a From state (or selected).
func (m OutboxMove) Apply(ctx context.Context, tx *storage.Tx, now time.Time, ids []int64, args ...any) ([]Moved, error) {
	return move(ctx, tx, "state", statesSQL(m.From), string(m.To), m.Set, m.Where, now, ids, args)
}

// CopyMove is one transition of sent emails' copy state (see OutboxMove).
type CopyMove struct {
	From  []CopyState
	To    CopyState
	Set   string
	Where string
}

// Apply moves the emails' copies: see OutboxMove.Apply.
func (m CopyMove) Apply(ctx context.Context, tx *storage.Tx, now time.Time, ids []int64, args ...any) ([]Moved, error) {
	return move(ctx, tx, "sent_copy", statesSQL(m.From), string(m.To), m.Set, m.Where, now, ids, args)
}

// Moved is one outgoing email a transition moved.
type Moved struct {
	ID     int64
	DealID int64 // 0 when it is on no deal any more
}

// move is the one conditional update behind every transition:
//
//	UPDATE outbox SET column = 'to', updated_at = ?[, set]
//	WHERE column IN ('from', …)[ AND (where)][ AND id IN (ids)]
//	RETURNING id, coalesce(deal_id, 0)
func move(ctx context.Context, tx *storage.Tx, column, from, to, set, where string, now time.Time, ids []int64, args []any) ([]Moved, error) {
	var q strings.Builder
	q.WriteString("UPDATE outbox SET " + column + " = '" + to + "', updated_at = ?")
	if set != "" {
		q.WriteString(", " + set)
	}
	q.WriteString(" WHERE " + column + " IN (" + from + ")")
	if where != "" {
		q.WriteString(" AND (" + where + ")")
	}
	all := append(make([]any, 0, len(args)+2), fmtTime(now))
	all = append(all, args...)
	if ids != nil {
		js, _ := json.Marshal(ids)
		q.WriteString(" AND id IN (SELECT value FROM json_each(?))")
		all = append(all, string(js))
	}
	q.WriteString(" RETURNING id, coalesce(deal_id, 0)")
	rows, err := tx.QueryContext(ctx, q.String(), all...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Moved
	for rows.Next() {
		var m Moved
		if err := rows.Scan(&m.ID, &m.DealID); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no outgoing email %s moved from %s to %s: %w", column, from, to, ErrConflict)
	}
	return out, nil
}

// ShowOutState records an outgoing email's new state on its deal's timeline
// entry and names the email (and its deal) changed. A sent state is read
// from the outbox row instead (see outEntryState). For data/mailq, inside its
// transactions, as for the person's moves here.
func ShowOutState(tx *storage.Tx, id int64, state OutState, errText string) error {
	var entryID, dealID sql.NullInt64
	if err := tx.QueryRow(`SELECT entry_id, deal_id FROM outbox WHERE id = ?`, id).Scan(&entryID, &dealID); err != nil {
		return notFound(err)
	}
	tx.Changed(string(KindOutbox), id)
	if !entryID.Valid {
		return nil
	}
	if _, err := tx.Exec(`UPDATE timeline SET data = json_set(data, '$.state', ?, '$.error', ?) WHERE id = ?`,
		string(state), errText, entryID.Int64); err != nil {
		return err
	}
	if dealID.Valid {
		tx.Changed(string(KindDeal), dealID.Int64)
	}
	return nil
}

// NoteOutFailure adds a note with the server's words to the deal's timeline
// of an email the server refused for good. For data/mailq, inside its
// transactions.
func NoteOutFailure(tx *storage.Tx, at time.Time, id int64, words string) error {
	var dealID sql.NullInt64
	var subject, msgID string
	if err := tx.QueryRow(`SELECT o.deal_id, m.subject, o.message_id FROM outbox o JOIN messages m ON m.id = o.email_id WHERE o.id = ?`, id).
		Scan(&dealID, &subject, &msgID); err != nil {
		return err
	}
	if !dealID.Valid {
		return nil
	}
	w := &wtx{Tx: tx, ctx: tx.Context()}
	return w.addEntryAt(dealID.Int64, 0, EntryNote, "Email not sent: "+subject+" — the server said: "+words,
		NoteData{EmailData{OutboxID: id, MessageID: msgID, Subject: subject, State: OutFailed, Error: words}}, at)
}
