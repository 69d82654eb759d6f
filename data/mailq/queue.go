// Package mailq is the worker side of the outbox: the queues mail/send
// drains. A sender reads the due emails ahead and claims them by batches
// (queued → sending) with one conditional update so that two senders never
// send one email twice, gets their exact bytes, hands them over one at a
// time with each one's fate made durable before the next (the sequence,
// below), records what the server said (sent, queued again for later,
// failed, unknown), settles what a stopped sender left (settle.go), looks
// for unknown emails in the Sent folder, and appends the copies of sent
// emails to it (the Sent-copy queue).
//
// The person's side of the outbox (prepare, queue, list, count, edit, retry,
// cancel) stays in data, with the states and their one transition helper
// (data.OutboxMove, data.CopyMove). Only mail/send imports this package: a
// screen or a command cannot claim an email.
//
// A Queue writes through the store's storage handle (data.Store.Storage,
// documented as for the store's own sub-rooms) in transactions of its own,
// and records on the deals' timelines what a state shows through data's
// exported steps (data.ShowOutState, data.NoteOutFailure), so those rules
// stay written once, in data. Its reads take no actor: no person asks them.
package mailq

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"comptoir/data"
	"comptoir/data/storage"
)

// Queue is the outbox of one store as its senders see it.
type Queue struct {
	st *data.Store
	db *storage.DB
}

// New makes the queue of a store.
func New(st *data.Store) *Queue {
	return &Queue{st: st, db: st.Storage()}
}

// Outgoing is a claimed message as the sender transmits it.
type Outgoing struct {
	ID         int64
	MessageID  string
	AccountID  int64
	DealID     int64
	From       string // envelope sender
	Recipients []string
	Raw        []byte // the exact bytes to send
	Attempts   int
}

// SendResult is the outcome of one delivery attempt, as the sender reports it.
type SendResult struct {
	ID    int64
	State data.OutState // OutSent, OutQueued (temporary failure), OutFailed or OutUnknown
	// Error is the server's words (or the network error) for anything but
	// OutSent.
	Error string
	// RetryAt is when a temporary failure is tried again.
	RetryAt time.Time
	// NeedCopy is set on a sent email that must be appended to the Sent
	// folder.
	NeedCopy bool
}

// The transitions of the worker's side (see data/outbox_state.go).
var (
	claimMove    = data.OutboxMove{From: []data.OutState{data.OutQueued}, To: data.OutSending, Set: "claimed_by = ?, claimed_at = ?, attempts = attempts + 1, sent_at = NULL"}
	sentMove     = data.OutboxMove{From: []data.OutState{data.OutSending}, To: data.OutSent, Set: "sent_at = coalesce(sent_at, ?), last_error = '', sent_copy = ?"}
	laterMove    = data.OutboxMove{From: []data.OutState{data.OutSending}, To: data.OutQueued, Set: "last_error = ?, next_attempt_at = ?"}
	foundMove    = data.OutboxMove{From: []data.OutState{data.OutUnknown}, To: data.OutSent, Set: "sent_at = coalesce(sent_at, ?), sent_checked_at = ?, sent_copy = ?, sent_copy_at = ?, last_error = ''"}
	notFoundMove = data.OutboxMove{From: []data.OutState{data.OutUnknown}, To: data.OutUnknown, Set: "sent_checked_at = ?, last_error = ?"}
	// stopped: a claim left by a sender that stopped (crashed, killed).
	stoppedWhy = "the program stopped while this email was being sent"

	// renewMove renews a claim (sending stays sending).
	renewMove = data.OutboxMove{From: []data.OutState{data.OutSending}, To: data.OutSending, Set: "claimed_at = ?", Where: "claimed_by = ?"}
	// releaseMove gives back a claim whose email was never handed over: it
	// is queued as it was, due as it was, this attempt not counted.
	releaseMove = data.OutboxMove{From: []data.OutState{data.OutSending}, To: data.OutQueued,
		Set: "claimed_by = '', claimed_at = NULL, attempts = max(attempts - 1, 0)", Where: "claimed_by = ?"}

	copyClaim = data.CopyMove{From: []data.CopyState{data.CopyPending}, To: data.CopyAppending}
	copyDone  = data.CopyMove{From: []data.CopyState{data.CopyAppending}, To: data.CopyDone, Set: "sent_copy_at = ?"}
	copyBack  = data.CopyMove{From: []data.CopyState{data.CopyAppending}, To: data.CopyPending}
)

// endedMove is the move of a claimed email to failed or unknown.
func endedMove(to data.OutState) data.OutboxMove {
	return data.OutboxMove{From: []data.OutState{data.OutSending}, To: to, Set: "last_error = ?, sent_checked_at = NULL"}
}

// stoppedMove turns claims left in sending into unknown.
func stoppedMove(where string) data.OutboxMove {
	return data.OutboxMove{From: []data.OutState{data.OutSending}, To: data.OutUnknown, Set: "sent_checked_at = NULL, last_error = ?", Where: where}
}

// dueSQL selects the queued emails whose time has come, oldest first,
// through the partial index outbox_due (WHERE state = 'queued').
var dueSQL = `SELECT id FROM outbox WHERE state = ` + data.OutQueued.SQL() + ` AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`

// moved is the ids of a move, or none when it moved nothing (ErrConflict).
func moved(ms []data.Moved, err error) ([]data.Moved, error) {
	if errors.Is(err, data.ErrConflict) {
		return nil, nil
	}
	return ms, err
}

// DueOutgoing lists the queued emails whose time has come, oldest first.
func (q *Queue) DueOutgoing(ctx context.Context, limit int) ([]int64, error) {
	rows, err := q.db.Read().QueryContext(ctx, dueSQL, storage.FormatTime(q.st.Now()), limit)
	if err != nil {
		return nil, fmt.Errorf("due emails: %w", err)
	}
	return storage.ScanIDs(rows)
}

// NextDue is when the next queued email becomes due (zero: none queued).
func (q *Queue) NextDue(ctx context.Context) (time.Time, error) {
	var v sql.NullString
	if err := q.db.Read().QueryRowContext(ctx, `SELECT min(next_attempt_at) FROM outbox WHERE state = `+data.OutQueued.SQL()).Scan(&v); err != nil {
		return time.Time{}, fmt.Errorf("next due email: %w", err)
	}
	return storage.NullTime(v), nil
}

// ClaimOutgoing moves queued emails to sending for one worker with one
// conditional update (… WHERE state = 'queued'): an email another worker
// claimed first, or one a person cancelled or edited into another state, is
// skipped. It returns the claimed emails with their bytes, in the order of
// ids. Its claims are not a sequential sender's (RecordAndClaim): if the
// worker stops, they all become unknown.
func (q *Queue) ClaimOutgoing(ctx context.Context, worker string, ids []int64) ([]Outgoing, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []Outgoing
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		var err error
		out, err = q.claimTx(tx, worker, ids, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim emails: %w", err)
	}
	return out, nil
}

// DueEnvelopes lists up to limit queued emails whose time has come, oldest
// first, with what a sender needs to begin their SMTP transactions (account,
// envelope, attempts) but not their bytes: what it reads ahead, through the
// readers, before it claims them.
func (q *Queue) DueEnvelopes(ctx context.Context, limit int) ([]Outgoing, error) {
	rows, err := q.db.Read().QueryContext(ctx, `SELECT id, message_id, coalesce(account_id, 0), coalesce(deal_id, 0), envelope_from,
		recipients, attempts FROM outbox WHERE state = `+data.OutQueued.SQL()+` AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
		storage.FormatTime(q.st.Now()), limit)
	if err != nil {
		return nil, fmt.Errorf("due emails: %w", err)
	}
	defer rows.Close()
	var out []Outgoing
	for rows.Next() {
		var o Outgoing
		var rcpts string
		if err := rows.Scan(&o.ID, &o.MessageID, &o.AccountID, &o.DealID, &o.From, &rcpts, &o.Attempts); err != nil {
			return nil, fmt.Errorf("due emails: %w", err)
		}
		_ = json.Unmarshal([]byte(rcpts), &o.Recipients)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due emails: %w", err)
	}
	return out, nil
}

// The sequence. A sender claims the due emails by batches and hands them
// over to the server one at a time, in the order of their ids; before it
// hands one over, it makes the fate of the one before durable (Handover):
// accepted (sent_at, the row otherwise untouched: one small write), or its
// whole result when the server did not accept it. The batch's accepted
// emails become sent in the transaction that claims the next batch.
//
// A sender killed at any moment thus leaves its claims in a state that
// says what happened (settle, in settle.go): the accepted ones are sent;
// of the others, only the first, in the order of ids, may have been handed
// over, and becomes unknown; the rest were never reached and go back to the
// queue. Claims of a sequential sender are named with seqMark; others (an
// older version's batches, a tool's claims) are all taken for unknown.
const seqMark = "#seq"

// seqName is the name of a sequential sender's claims.
func seqName(worker string) string { return worker + seqMark }

// Sequential reports whether a claim's name (SendingClaims) is a
// sequential sender's, and names that sender.
func Sequential(claimedBy string) (worker string, ok bool) {
	return strings.CutSuffix(claimedBy, seqMark)
}

// RecordAndClaim records results (RecordSent) and claims the emails ids for
// a sequential sender, in one transaction: what a sender does between two
// batches. Only emails still queued and due are claimed (another sender may
// have taken one, a person edited or cancelled it since it was read
// ahead); they are returned in the order of ids, which is the order the
// sender must hand them over in (ascending).
func (q *Queue) RecordAndClaim(ctx context.Context, results []SendResult, worker string, ids []int64) ([]Outgoing, error) {
	if !slices.IsSorted(ids) {
		return nil, fmt.Errorf("record and claim emails: ids %v not in ascending order", ids)
	}
	var out []Outgoing
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		if err := q.recordTx(tx, results); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		var err error
		out, err = q.claimTx(tx, seqName(worker), ids, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record and claim emails: %w", err)
	}
	return out, nil
}

// acceptedSQL marks an email a sequential sender claimed as accepted by
// the server (sent_at). It is not a transition (sending stays sending):
// a plain update of one row by its id, as a transaction of its own
// (storage.WriteOne), the cheapest durable write there is, made between
// every two emails.
var acceptedSQL = `UPDATE outbox SET sent_at = ?1, updated_at = ?1 WHERE id = ?2 AND state = ` + data.OutSending.SQL() + ` AND claimed_by = ?3`

// Handover is what a sequential sender does before it hands over its next
// email, next: it makes the results of the one before durable — an
// acceptance is only marked (the batch's transaction records it sent),
// anything else is recorded (RecordSent). ok is false when the sender's
// claims no longer stand (they were settled as a stopped sender's, see
// Renew): it must hand nothing more over.
func (q *Queue) Handover(ctx context.Context, worker string, results []SendResult, next int64) (ok bool, err error) {
	name := seqName(worker)
	var other []SendResult
	marked := false
	for _, r := range results {
		if r.State != data.OutSent {
			other = append(other, r)
			continue
		}
		res, err := q.db.WriteOne(ctx, acceptedSQL, storage.FormatTime(q.st.Now()), r.ID, name)
		if err != nil {
			return false, fmt.Errorf("mark email %d accepted: %w", r.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return false, err
		}
		marked = true
	}
	if len(other) > 0 {
		if err := q.RecordSent(ctx, other); err != nil {
			return false, err
		}
	}
	if marked || next == 0 {
		return true, nil // the mark found the claims standing
	}
	var n int
	err = q.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE id = ? AND state = `+data.OutSending.SQL()+` AND claimed_by = ?`,
		next, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("hand over email %d: %w", next, err)
	}
	return n == 1, nil
}

// Renew renews a sequential sender's claims on ids (claimed_at), so that
// claims it is still working on never look stale (StaleSending): a batch
// on a slow server may take longer than the limit. It returns how many
// still stand.
func (q *Queue) Renew(ctx context.Context, worker string, ids []int64) (int, error) {
	n := 0
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		ms, err := moved(renewMove.Apply(tx.Context(), tx, q.st.Now(), ids, storage.FormatTime(q.st.Now()), seqName(worker)))
		n = len(ms)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("renew claims: %w", err)
	}
	return n, nil
}

// Release gives back a sequential sender's claims on emails it did not
// hand over (it stops before their turn): queued again, due as they were.
func (q *Queue) Release(ctx context.Context, worker string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		ms, err := moved(releaseMove.Apply(tx.Context(), tx, q.st.Now(), ids, seqName(worker)))
		if len(ms) > 0 {
			tx.Changed(string(data.KindOutbox), 0)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("release emails: %w", err)
	}
	return nil
}

// partialMove records, on a claimed email, the recipients that are still
// to be given it: sending stays sending.
var partialMove = data.OutboxMove{From: []data.OutState{data.OutSending}, To: data.OutSending, Set: "recipients = ?", Where: "claimed_by = ?"}

// RecordPartial records that an email a sequential sender claimed was
// delivered to some of its recipients, in its own transaction, before the
// sender gives it to the next ones (a server that takes fewer recipients
// per message than the email has): the outbox row keeps only the
// recipients still to be given it (rest), so that neither the next part, a
// retry after a failure nor a person's "send again" gives it twice to
// anyone. (An edit of the email sets its recipients anew.)
func (q *Queue) RecordPartial(ctx context.Context, worker string, id int64, rest []string) error {
	js, err := json.Marshal(rest)
	if err != nil {
		return fmt.Errorf("email %d: %w", id, err)
	}
	err = q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		ms, err := partialMove.Apply(tx.Context(), tx, q.st.Now(), []int64{id}, string(js), seqName(worker))
		if errors.Is(err, data.ErrConflict) {
			return fmt.Errorf("no longer claimed by this sender: %w", err)
		}
		if len(ms) == 1 {
			tx.Changed(string(data.KindOutbox), id)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("record partial delivery of email %d: %w", id, err)
	}
	return nil
}

// postponeMove pushes back a queued email the sender did not claim: its
// server cannot be reached now. It counts as an attempt, so the wait grows
// as it would had the email been claimed.
var postponeMove = data.OutboxMove{From: []data.OutState{data.OutQueued}, To: data.OutQueued,
	Set: "attempts = attempts + 1, last_error = ?, next_attempt_at = ?"}

// Postpone records temporary failures (State OutQueued) of queued emails
// that the sender did not claim because their server cannot be reached:
// nothing was handed over, so there is nothing to claim, and a sender
// killed meanwhile leaves them queued. An email no longer queued is left
// alone.
func (q *Queue) Postpone(ctx context.Context, results []SendResult) error {
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		now := q.st.Now()
		for _, r := range results {
			if r.State != data.OutQueued {
				return fmt.Errorf("email %d: only a temporary failure postpones an email, not %q", r.ID, r.State)
			}
			ms, err := moved(postponeMove.Apply(tx.Context(), tx, now, []int64{r.ID}, r.Error, storage.FormatTime(r.RetryAt)))
			if err != nil {
				return err
			}
			if len(ms) == 1 {
				if err := data.ShowOutState(tx, r.ID, data.OutQueued, r.Error); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postpone emails: %w", err)
	}
	return nil
}

// claimTx claims the emails ids (only those due, with due) and reads what
// the sender needs of them.
func (q *Queue) claimTx(tx *storage.Tx, worker string, ids []int64, due bool) ([]Outgoing, error) {
	ctx := tx.Context()
	now := q.st.Now()
	stamp := storage.FormatTime(now)
	m := claimMove
	args := []any{worker, stamp}
	if due {
		m.Where = "next_attempt_at <= ?"
		args = append(args, stamp)
	}
	ms, err := moved(m.Apply(ctx, tx, now, ids, args...))
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	claimed := make([]int64, len(ms))
	for i, m := range ms {
		claimed[i] = m.ID
	}
	js, _ := json.Marshal(claimed)
	rows, err := tx.QueryContext(ctx, `SELECT o.id, o.message_id, coalesce(o.account_id, 0), coalesce(o.deal_id, 0), o.envelope_from,
		o.recipients, o.attempts, m.raw FROM outbox o JOIN messages m ON m.id = o.email_id
		WHERE o.id IN (SELECT value FROM json_each(?))`, string(js))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := make(map[int64]*Outgoing, len(claimed))
	for rows.Next() {
		var o Outgoing
		var rcpts string
		if err := rows.Scan(&o.ID, &o.MessageID, &o.AccountID, &o.DealID, &o.From, &rcpts, &o.Attempts, &o.Raw); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(rcpts), &o.Recipients)
		got[o.ID] = &o
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Outgoing, 0, len(got))
	for _, id := range ids {
		if o := got[id]; o != nil {
			out = append(out, *o)
		}
	}
	tx.Changed(string(data.KindOutbox), 0)
	return out, nil
}

// RecordSent records the outcome of several attempts in one transaction.
// Only emails still in sending are changed (a result for an email that is
// no longer claimed is ignored). A permanent failure adds a note with the
// server's words to the deal's timeline.
func (q *Queue) RecordSent(ctx context.Context, results []SendResult) error {
	if err := q.db.Write(ctx, 0, func(tx *storage.Tx) error { return q.recordTx(tx, results) }); err != nil {
		return fmt.Errorf("record sending: %w", err)
	}
	return nil
}

func (q *Queue) recordTx(tx *storage.Tx, results []SendResult) error {
	ctx := tx.Context()
	now := q.st.Now()
	stamp := storage.FormatTime(now)
	// The common case, sent, in a few statements for the whole batch.
	for _, needCopy := range []bool{false, true} {
		var ids []int64
		for _, r := range results {
			if r.State == data.OutSent && r.NeedCopy == needCopy {
				ids = append(ids, r.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		copyState := data.CopyNone
		if needCopy {
			copyState = data.CopyPending
		}
		ms, err := moved(sentMove.Apply(ctx, tx, now, ids, stamp, string(copyState)))
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			continue
		}
		done := make([]int64, len(ms))
		for i, m := range ms {
			done[i] = m.ID
			if m.DealID != 0 {
				tx.Changed(string(data.KindDeal), m.DealID)
			}
		}
		js, _ := json.Marshal(done)
		if _, err := tx.Exec(`DELETE FROM outbox_files WHERE outbox_id IN (SELECT value FROM json_each(?))`, string(js)); err != nil {
			return err
		}
		// The timeline entries are not rewritten: their JSON carries the
		// whole body, and the timeline reads a sent state from the outbox
		// row.
		tx.Changed(string(data.KindOutbox), 0)
	}
	for _, r := range results {
		var ms []data.Moved
		var err error
		switch r.State {
		case data.OutSent:
			continue
		case data.OutQueued:
			ms, err = moved(laterMove.Apply(ctx, tx, now, []int64{r.ID}, r.Error, storage.FormatTime(r.RetryAt)))
		case data.OutFailed, data.OutUnknown:
			ms, err = moved(endedMove(r.State).Apply(ctx, tx, now, []int64{r.ID}, r.Error))
		default:
			return fmt.Errorf("email %d: unknown result state %q", r.ID, r.State)
		}
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			continue
		}
		if err := data.ShowOutState(tx, r.ID, r.State, r.Error); err != nil {
			return err
		}
		if r.State == data.OutFailed {
			if err := data.NoteOutFailure(tx, now, r.ID, r.Error); err != nil {
				return err
			}
		}
	}
	return nil
}

// UncheckedUnknown lists the unknown emails not yet looked for in the Sent
// folder, with their account and Message-ID.
func (q *Queue) UncheckedUnknown(ctx context.Context) ([]Outgoing, error) {
	rows, err := q.db.Read().QueryContext(ctx, `SELECT id, message_id, coalesce(account_id, 0), coalesce(deal_id, 0) FROM outbox
		WHERE state = `+data.OutUnknown.SQL()+` AND sent_checked_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("unknown emails: %w", err)
	}
	defer rows.Close()
	var out []Outgoing
	for rows.Next() {
		var o Outgoing
		if err := rows.Scan(&o.ID, &o.MessageID, &o.AccountID, &o.DealID); err != nil {
			return nil, fmt.Errorf("unknown emails: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ResolveUnknown records what the Sent folder said about an unknown email:
// found, it is sent (and its copy is there already); not found, it stays
// unknown for a person to retry or cancel.
func (q *Queue) ResolveUnknown(ctx context.Context, id int64, found bool) error {
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		now := q.st.Now()
		stamp := storage.FormatTime(now)
		if found {
			ms, err := moved(foundMove.Apply(tx.Context(), tx, now, []int64{id}, stamp, stamp, string(data.CopyDone), stamp))
			if err != nil || len(ms) == 0 {
				return err
			}
			if _, err := tx.Exec(`DELETE FROM outbox_files WHERE outbox_id = ?`, id); err != nil {
				return err
			}
			return data.ShowOutState(tx, id, data.OutSent, "")
		}
		const why = "not found in the Sent folder: it may not have left; send it again or cancel it"
		ms, err := moved(notFoundMove.Apply(tx.Context(), tx, now, []int64{id}, stamp, why))
		if err != nil || len(ms) == 0 {
			return err
		}
		return data.ShowOutState(tx, id, data.OutUnknown, why)
	})
	if err != nil {
		return fmt.Errorf("resolve email %d: %w", id, err)
	}
	return nil
}

// OutgoingRaw returns the stored bytes of an outgoing email.
func (q *Queue) OutgoingRaw(ctx context.Context, id int64) ([]byte, error) {
	var raw []byte
	err := q.db.Read().QueryRowContext(ctx, `SELECT m.raw FROM outbox o JOIN messages m ON m.id = o.email_id WHERE o.id = ?`, id).Scan(&raw)
	if storage.IsNoRows(err) {
		err = data.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("outgoing email %d: %w", id, err)
	}
	return raw, nil
}
