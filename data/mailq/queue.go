// Package mailq is the worker side of the outbox: the queues mail/send
// drains. A sender claims due emails (queued → sending) with one conditional
// update so that two senders never send one email twice, gets their exact
// bytes, records what the server said (sent, queued again for later, failed,
// unknown), turns claims left by a stopped sender into unknown, looks for
// unknown emails in the Sent folder, and appends the copies of sent emails
// to it (the Sent-copy queue).
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
	claimMove    = data.OutboxMove{From: []data.OutState{data.OutQueued}, To: data.OutSending, Set: "claimed_by = ?, claimed_at = ?, attempts = attempts + 1"}
	sentMove     = data.OutboxMove{From: []data.OutState{data.OutSending}, To: data.OutSent, Set: "sent_at = ?, last_error = '', sent_copy = ?"}
	laterMove    = data.OutboxMove{From: []data.OutState{data.OutSending}, To: data.OutQueued, Set: "last_error = ?, next_attempt_at = ?"}
	foundMove    = data.OutboxMove{From: []data.OutState{data.OutUnknown}, To: data.OutSent, Set: "sent_at = coalesce(sent_at, ?), sent_checked_at = ?, sent_copy = ?, sent_copy_at = ?, last_error = ''"}
	notFoundMove = data.OutboxMove{From: []data.OutState{data.OutUnknown}, To: data.OutUnknown, Set: "sent_checked_at = ?, last_error = ?"}
	// stopped: a claim left by a sender that stopped (crashed, killed).
	stoppedWhy = "the program stopped while this email was being sent"

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
// ids.
func (q *Queue) ClaimOutgoing(ctx context.Context, worker string, ids []int64) ([]Outgoing, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return q.claim(ctx, worker, ids, 0)
}

// ClaimDue claims up to limit queued emails whose time has come, oldest
// first, in one conditional update (see ClaimOutgoing).
func (q *Queue) ClaimDue(ctx context.Context, worker string, limit int) ([]Outgoing, error) {
	return q.claim(ctx, worker, nil, limit)
}

func (q *Queue) claim(ctx context.Context, worker string, ids []int64, limit int) ([]Outgoing, error) {
	var out []Outgoing
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		var err error
		out, err = q.claimTx(tx, worker, ids, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim emails: %w", err)
	}
	return out, nil
}

// RecordAndClaim records the results of one batch and claims the next due
// emails (up to limit) in the same transaction: what a sender does between
// two batches.
func (q *Queue) RecordAndClaim(ctx context.Context, results []SendResult, worker string, limit int) ([]Outgoing, error) {
	var out []Outgoing
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		if err := q.recordTx(tx, results); err != nil {
			return err
		}
		var err error
		out, err = q.claimTx(tx, worker, nil, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record and claim emails: %w", err)
	}
	return out, nil
}

// claimTx claims the emails ids, or up to limit due ones when ids is nil,
// and reads what the sender needs of them.
func (q *Queue) claimTx(tx *storage.Tx, worker string, ids []int64, limit int) ([]Outgoing, error) {
	ctx := tx.Context()
	now := q.st.Now()
	stamp := storage.FormatTime(now)
	var ms []data.Moved
	var err error
	if ids == nil {
		m := claimMove
		m.Where = "id IN (" + dueSQL + ")"
		ms, err = moved(m.Apply(ctx, tx, now, nil, worker, stamp, stamp, limit))
	} else {
		ms, err = moved(claimMove.Apply(ctx, tx, now, ids, worker, stamp))
	}
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
	order := ids
	if order == nil {
		order = claimed
		slices.Sort(order)
	}
	out := make([]Outgoing, 0, len(got))
	for _, id := range order {
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

// StaleSending turns emails left in sending for longer than olderThan (a
// sender that crashed or was killed) into unknown: they may have been sent.
// It returns how many.
func (q *Queue) StaleSending(ctx context.Context, olderThan time.Duration) (int, error) {
	n := 0
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		now := q.st.Now()
		ms, err := moved(stoppedMove("claimed_at <= ?").Apply(tx.Context(), tx, now, nil, stoppedWhy, storage.FormatTime(now.Add(-olderThan))))
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := data.ShowOutState(tx, m.ID, data.OutUnknown, stoppedWhy); err != nil {
				return err
			}
		}
		n = len(ms)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("stale sending emails: %w", err)
	}
	return n, nil
}

// SendingClaims lists the emails in sending with the worker that claimed
// each, so a sender can tell the claims of a process that is gone.
func (q *Queue) SendingClaims(ctx context.Context) (map[int64]string, error) {
	rows, err := q.db.Read().QueryContext(ctx, `SELECT id, claimed_by FROM outbox WHERE state = `+data.OutSending.SQL())
	if err != nil {
		return nil, fmt.Errorf("sending emails: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var w string
		if err := rows.Scan(&id, &w); err != nil {
			return nil, fmt.Errorf("sending emails: %w", err)
		}
		out[id] = w
	}
	return out, rows.Err()
}

// AbandonClaims turns emails a stopped worker left in sending into unknown
// (only if that worker still holds them).
func (q *Queue) AbandonClaims(ctx context.Context, claims map[int64]string) error {
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		now := q.st.Now()
		for id, worker := range claims {
			ms, err := moved(stoppedMove("claimed_by = ?").Apply(tx.Context(), tx, now, []int64{id}, stoppedWhy, worker))
			if err != nil {
				return err
			}
			if len(ms) == 1 {
				if err := data.ShowOutState(tx, id, data.OutUnknown, stoppedWhy); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("abandoned emails: %w", err)
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
