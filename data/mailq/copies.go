package mailq

import (
	"context"
	"fmt"
	"time"

	"comptoir/data"
	"comptoir/data/storage"
)

// The Sent-copy queue: a sent email whose server does not file it in the
// mailbox itself is appended to the account's Sent folder by a sender
// (pending → appending → done, or back to pending for a later attempt).

// PendingCopies lists sent emails whose copy must still be appended to
// the Sent folder.
func (q *Queue) PendingCopies(ctx context.Context) ([]Outgoing, error) {
	rows, err := q.db.Read().QueryContext(ctx, `SELECT id, message_id, coalesce(account_id, 0) FROM outbox
		WHERE sent_copy = `+data.CopyPending.SQL()+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("pending copies: %w", err)
	}
	defer rows.Close()
	var out []Outgoing
	for rows.Next() {
		var o Outgoing
		if err := rows.Scan(&o.ID, &o.MessageID, &o.AccountID); err != nil {
			return nil, fmt.Errorf("pending copies: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ClaimCopy claims the Sent copy of an email for one worker (pending →
// appending); false when another worker has it or it is done.
func (q *Queue) ClaimCopy(ctx context.Context, id int64) (bool, error) {
	var ok bool
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		ms, err := moved(copyClaim.Apply(tx.Context(), tx, q.st.Now(), []int64{id}))
		ok = len(ms) == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claim copy of email %d: %w", id, err)
	}
	return ok, nil
}

// CopyDone records the Sent copy (done true) or gives it back for a later
// attempt (done false).
func (q *Queue) CopyDone(ctx context.Context, id int64, done bool) error {
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		now := q.st.Now()
		var err error
		if done {
			_, err = moved(copyDone.Apply(tx.Context(), tx, now, []int64{id}, storage.FormatTime(now)))
		} else {
			_, err = moved(copyBack.Apply(tx.Context(), tx, now, []int64{id}))
		}
		tx.Changed(string(data.KindOutbox), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("copy of email %d: %w", id, err)
	}
	return nil
}

// StaleCopies gives back copies left appending by a worker that stopped.
// An append that was done but not recorded is found by the Message-ID
// search the sender does first.
func (q *Queue) StaleCopies(ctx context.Context) error {
	err := q.db.Write(ctx, 0, func(tx *storage.Tx) error {
		now := q.st.Now()
		m := copyBack
		m.Where = "updated_at <= ?"
		_, err := moved(m.Apply(tx.Context(), tx, now, nil, storage.FormatTime(now.Add(-10*time.Minute))))
		return err
	})
	if err != nil {
		return fmt.Errorf("stale copies: %w", err)
	}
	return nil
}
