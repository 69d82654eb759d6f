package mailq

import (
	"context"
	"fmt"
	"slices"
	"time"

	"comptoir/data"
	"comptoir/data/storage"
)

// What a stopped sender left in sending is settled by what its claims say
// (see the sequence in queue.go).

// settledMove makes an email a stopped sequential sender had marked as
// accepted sent, with a copy to file in Sent unless its account's server
// files sent mail itself.
var settledMove = data.OutboxMove{From: []data.OutState{data.OutSending}, To: data.OutSent,
	Set: `last_error = '', sent_copy = CASE WHEN coalesce((SELECT server_saves_sent FROM mail_accounts a WHERE a.id = outbox.account_id), 0)
		THEN ` + data.CopyNone.SQL() + ` ELSE ` + data.CopyPending.SQL() + ` END`,
	Where: "claimed_by = ? AND sent_at IS NOT NULL"}

// Settled counts what settling stopped claims did.
type Settled struct {
	Sent    int // accepted by the server before the sender stopped
	Unknown int // maybe handed over: to look for in Sent, or for a person
	Queued  int // never reached: back in the queue
}

func (s *Settled) add(o Settled) {
	s.Sent, s.Unknown, s.Queued = s.Sent+o.Sent, s.Unknown+o.Unknown, s.Queued+o.Queued
}

// Total is how many claims were settled.
func (s Settled) Total() int { return s.Sent + s.Unknown + s.Queued }

// settleTx settles the claims ids that the stopped worker claimedBy left in
// sending. A sequential sender's accepted emails are sent; of its others,
// the first in the order of ids (among all it still holds) may have been
// handed over and becomes unknown, the rest go back to the queue. Any other
// worker's claims all become unknown.
func (q *Queue) settleTx(tx *storage.Tx, claimedBy string, ids []int64) (Settled, error) {
	ctx := tx.Context()
	now := q.st.Now()
	var st Settled
	unknown := ids
	if _, ok := Sequential(claimedBy); ok {
		ms, err := moved(settledMove.Apply(ctx, tx, now, ids, claimedBy))
		if err != nil {
			return st, err
		}
		sent := make([]int64, len(ms))
		for i, m := range ms {
			sent[i] = m.ID
			if m.DealID != 0 {
				tx.Changed(string(data.KindDeal), m.DealID)
			}
			if _, err := tx.Exec(`DELETE FROM outbox_files WHERE outbox_id = ?`, m.ID); err != nil {
				return st, err
			}
		}
		st.Sent = len(ms)
		var first int64
		if err := tx.QueryRow(`SELECT coalesce(min(id), 0) FROM outbox WHERE state = `+data.OutSending.SQL()+`
			AND claimed_by = ? AND sent_at IS NULL`, claimedBy).Scan(&first); err != nil {
			return st, err
		}
		unknown = nil
		var back []int64
		for _, id := range ids {
			switch {
			case slices.Contains(sent, id):
			case id == first:
				unknown = append(unknown, id)
			default:
				back = append(back, id)
			}
		}
		if len(back) > 0 {
			ms, err := moved(releaseMove.Apply(ctx, tx, now, back, claimedBy))
			if err != nil {
				return st, err
			}
			st.Queued = len(ms)
		}
		tx.Changed(string(data.KindOutbox), 0)
	}
	if len(unknown) == 0 {
		return st, nil
	}
	ms, err := moved(stoppedMove("claimed_by = ?").Apply(ctx, tx, now, unknown, stoppedWhy, claimedBy))
	if err != nil {
		return st, err
	}
	for _, m := range ms {
		if err := data.ShowOutState(tx, m.ID, data.OutUnknown, stoppedWhy); err != nil {
			return st, err
		}
	}
	st.Unknown = len(ms)
	return st, nil
}

// settle settles claims (email → the name it is claimed by), worker by
// worker, in one transaction.
func (q *Queue) settle(ctx context.Context, claims map[int64]string) (Settled, error) {
	byWorker := map[string][]int64{}
	for id, w := range claims {
		byWorker[w] = append(byWorker[w], id)
	}
	var st Settled
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		st = Settled{}
		for w, ids := range byWorker {
			slices.Sort(ids)
			got, err := q.settleTx(tx, w, ids)
			if err != nil {
				return err
			}
			st.add(got)
		}
		return nil
	})
	return st, err
}

// StaleSending settles the claims held for longer than olderThan (a sender
// that crashed or was killed, and that no other sign showed gone: see
// AbandonClaims). A sequential sender renews the claim of the email it
// hands over, so a claim being worked on is never stale.
func (q *Queue) StaleSending(ctx context.Context, olderThan time.Duration) (Settled, error) {
	rows, err := q.db.Read().QueryContext(ctx, `SELECT id, claimed_by FROM outbox WHERE state = `+data.OutSending.SQL()+` AND claimed_at <= ?`,
		storage.FormatTime(q.st.Now().Add(-olderThan)))
	if err != nil {
		return Settled{}, fmt.Errorf("stale sending emails: %w", err)
	}
	claims, err := scanClaims(rows)
	if err != nil || len(claims) == 0 {
		return Settled{}, err
	}
	st, err := q.settle(ctx, claims)
	if err != nil {
		return st, fmt.Errorf("stale sending emails: %w", err)
	}
	return st, nil
}

// SendingClaims lists the emails in sending with the name they are claimed
// by, so a sender can tell the claims of a process that is gone.
func (q *Queue) SendingClaims(ctx context.Context) (map[int64]string, error) {
	rows, err := q.db.Read().QueryContext(ctx, `SELECT id, claimed_by FROM outbox WHERE state = `+data.OutSending.SQL())
	if err != nil {
		return nil, fmt.Errorf("sending emails: %w", err)
	}
	return scanClaims(rows)
}

func scanClaims(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}) (map[int64]string, error) {
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sending emails: %w", err)
	}
	return out, nil
}

// AbandonClaims settles the claims of stopped workers (email → the name it
// is claimed by, as SendingClaims gave it); a claim another worker has
// taken since is left alone.
func (q *Queue) AbandonClaims(ctx context.Context, claims map[int64]string) (Settled, error) {
	st, err := q.settle(ctx, claims)
	if err != nil {
		return st, fmt.Errorf("abandoned emails: %w", err)
	}
	return st, nil
}
