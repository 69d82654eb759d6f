package data

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ActivityKind is what a planned activity is.
type ActivityKind string

// Activity kinds.
const (
	ActivityCall      ActivityKind = "call"
	ActivityMeeting   ActivityKind = "meeting"
	ActivityTask      ActivityKind = "task"
	ActivityDocuments ActivityKind = "documents"
)

// Valid reports whether k is a known kind.
func (k ActivityKind) Valid() bool {
	return k == ActivityCall || k == ActivityMeeting || k == ActivityTask || k == ActivityDocuments
}

// Activity is something planned on a deal so as not to forget the client.
type Activity struct {
	ID            int64        `json:"id"`
	DealID        int64        `json:"deal_id"`
	DealTitle     string       `json:"deal_title,omitempty"`
	Kind          ActivityKind `json:"kind"`
	Subject       string       `json:"subject"`
	DueAt         time.Time    `json:"due_at"`
	ResponsibleID int64        `json:"responsible_id"`
	Responsible   string       `json:"responsible,omitempty"`
	RemindAt      time.Time    `json:"remind_at,omitzero"`
	RemindedAt    time.Time    `json:"reminded_at,omitzero"`
	DoneAt        time.Time    `json:"done_at,omitzero"`
	Result        string       `json:"result,omitempty"`
	AuthorID      int64        `json:"author_id,omitempty"`
	CreatedAt     time.Time    `json:"created_at"`
}

// Done reports whether the activity was completed.
func (a Activity) Done() bool { return !a.DoneAt.IsZero() }

// Overdue reports whether the activity is open and past due at now.
func (a Activity) Overdue(now time.Time) bool { return !a.Done() && a.DueAt.Before(now) }

// ActivityInput plans an activity.
type ActivityInput struct {
	Kind          ActivityKind
	Subject       string
	DueAt         time.Time
	ResponsibleID int64     // 0: the acting employee
	RemindAt      time.Time // zero: no reminder
}

func (in *ActivityInput) validate() error {
	var v validator
	in.Subject = CleanName(in.Subject)
	if !in.Kind.Valid() {
		v.add("kind", "invalid_kind", "kind must be call, meeting, task or documents")
	}
	if in.Subject == "" {
		v.add("subject", "required", "subject is required")
	}
	if in.DueAt.IsZero() {
		v.add("due_at", "required", "due date and time are required")
	}
	if !in.RemindAt.IsZero() && !in.DueAt.IsZero() && in.RemindAt.After(in.DueAt) {
		v.add("remind_at", "after_due", "the reminder must come before the due time")
	}
	return v.err()
}

// PlanActivity adds an activity to a deal; whoever may edit the deal may.
func (s *Store) PlanActivity(ctx context.Context, actor, dealID int64, in ActivityInput) (Activity, error) {
	if err := in.validate(); err != nil {
		return Activity{}, err
	}
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, _, err := tx.editableDeal(actor, dealID)
		if err != nil {
			return err
		}
		id, err = tx.insertActivity(a.ID, dealID, in)
		return err
	})
	if err != nil {
		return Activity{}, fmt.Errorf("plan activity on deal %d: %w", dealID, err)
	}
	return s.activity(ctx, id)
}

func (tx *wtx) insertActivity(author, dealID int64, in ActivityInput) (int64, error) {
	if in.ResponsibleID == 0 {
		in.ResponsibleID = author
	}
	if ok, err := tx.employeeExists(in.ResponsibleID); err != nil {
		return 0, err
	} else if !ok {
		return 0, &ValidationError{Fields: []FieldError{{Field: "responsible", Code: "unknown_employee", Message: "the responsible must be an employee"}}}
	}
	res, err := tx.exec(`INSERT INTO activities (deal_id, kind, subject, due_at, responsible_id, remind_at, author_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, dealID, in.Kind, in.Subject, fmtTime(in.DueAt), in.ResponsibleID, timeOrNull(in.RemindAt), author, tx.s.now())
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	tx.changed(KindDeal, dealID)
	return id, nil
}

// CompleteActivity marks an activity done with a result note, which becomes
// a timeline entry.
func (s *Store) CompleteActivity(ctx context.Context, actor, id int64, result string) (Activity, error) {
	err := s.writeTx(ctx, func(tx *wtx) error {
		var dealID int64
		var kind, subject string
		var done sql.NullString
		if err := tx.queryRow(`SELECT deal_id, kind, subject, done_at FROM activities WHERE id = ?`, id).Scan(&dealID, &kind, &subject, &done); err != nil {
			return notFound(err)
		}
		a, _, err := tx.editableDeal(actor, dealID)
		if err != nil {
			return err
		}
		if done.Valid {
			return &ValidationError{Fields: []FieldError{{Field: "done", Code: "already_done", Message: "this activity is already done"}}}
		}
		result = strings.TrimSpace(CleanText(result))
		if _, err := tx.exec(`UPDATE activities SET done_at = ?, result = ? WHERE id = ?`, tx.s.now(), result, id); err != nil {
			return err
		}
		return tx.addEntry(dealID, a.ID, EntryActivity, result, ActivityData{ActivityID: id, ActivityKind: ActivityKind(kind), Subject: subject})
	})
	if err != nil {
		return Activity{}, fmt.Errorf("complete activity %d: %w", id, err)
	}
	return s.activity(ctx, id)
}

const activitySelect = `SELECT a.id, a.deal_id, d.title, a.kind, a.subject, a.due_at, a.responsible_id, e.name, a.remind_at, a.reminded_at,
	a.done_at, a.result, coalesce(a.author_id, 0), a.created_at
	FROM activities a JOIN deals d ON d.id = a.deal_id JOIN employees e ON e.id = a.responsible_id`

func scanActivity(sc interface{ Scan(...any) error }) (Activity, error) {
	var a Activity
	var due, created string
	var remind, reminded, done sql.NullString
	err := sc.Scan(&a.ID, &a.DealID, &a.DealTitle, &a.Kind, &a.Subject, &due, &a.ResponsibleID, &a.Responsible, &remind, &reminded,
		&done, &a.Result, &a.AuthorID, &created)
	a.DueAt, a.CreatedAt = parseTime(due), parseTime(created)
	a.RemindAt, a.RemindedAt, a.DoneAt = nullTime(remind), nullTime(reminded), nullTime(done)
	return a, err
}

// Activity returns one activity of a deal the employee may see
// (ErrNotFound otherwise).
func (s *Store) Activity(ctx context.Context, actor, id int64) (Activity, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return Activity{}, fmt.Errorf("activity %d: %w", id, err)
	}
	a, err := s.activity(ctx, id)
	if err != nil {
		return a, err
	}
	if ok, err := s.seesDeal(ctx, me, a.DealID); err != nil || !ok {
		return Activity{}, fmt.Errorf("activity %d: %w", id, cmpErr(err, ErrNotFound))
	}
	return a, nil
}

func (s *Store) activity(ctx context.Context, id int64) (Activity, error) {
	a, err := scanActivity(s.r.QueryRowContext(ctx, activitySelect+` WHERE a.id = ?`, id))
	if err != nil {
		return a, fmt.Errorf("activity %d: %w", id, notFound(err))
	}
	return a, nil
}

// DealActivities returns a deal's open activities, earliest due first: the
// ones pinned above its timeline.
func (s *Store) DealActivities(ctx context.Context, actor, dealID int64) ([]Activity, error) {
	if _, err := s.Deal(ctx, actor, dealID); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, activitySelect+` WHERE a.deal_id = ? AND a.done_at IS NULL ORDER BY a.due_at, a.id`, dealID)
	if err != nil {
		return nil, fmt.Errorf("activities of deal %d: %w", dealID, err)
	}
	return scanActivities(rows)
}

func scanActivities(rows *sql.Rows) ([]Activity, error) {
	defer rows.Close()
	var out []Activity
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
