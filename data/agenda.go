package data

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// agendaSelect reads activities as activitySelect does, with the activities
// table forced as the outer loop (CROSS JOIN), so that SQLite walks the index
// of open activities rather than scanning the deals, whatever the statistics
// say.
const agendaSelect = `SELECT a.id, a.deal_id, d.title, a.kind, a.subject, a.due_at, a.responsible_id, e.name, a.remind_at, a.reminded_at,
	a.done_at, a.result, coalesce(a.author_id, 0), a.created_at
	FROM activities a CROSS JOIN deals d NOT INDEXED ON d.id = a.deal_id JOIN employees e ON e.id = a.responsible_id`

// AgendaPart is one section of the Activities screen.
type AgendaPart int

// Sections of the Activities screen; each lists open activities, earliest
// due first.
const (
	AgendaOverdue  AgendaPart = iota // due before now
	AgendaToday                      // due from now to the end of today
	AgendaUpcoming                   // due after today
)

// AgendaQuery says whose activities to list and what "today" is.
type AgendaQuery struct {
	// EmployeeID is whose activities; 0: the actor's own. Only managers and
	// admins may name someone else.
	EmployeeID int64
	// Now is the current time; zero: the store's clock.
	Now time.Time
	// Location is the person's time zone, which says where today ends; nil:
	// time.Local.
	Location *time.Location
}

// AgendaCursor is a keyset position in one section: the last row shown.
type AgendaCursor struct {
	DueAt time.Time
	ID    int64
}

// NextAgendaCursor returns the cursor after the last activity of a page.
func NextAgendaCursor(page []Activity) AgendaCursor {
	if len(page) == 0 {
		return AgendaCursor{}
	}
	last := page[len(page)-1]
	return AgendaCursor{DueAt: last.DueAt, ID: last.ID}
}

// bounds is the due-time range [from, to) of a section; empty strings are
// open ends.
func (q AgendaQuery) bounds(part AgendaPart) (from, to string) {
	loc := q.Location
	if loc == nil {
		loc = time.Local
	}
	local := q.Now.In(loc)
	endOfDay := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	switch part {
	case AgendaOverdue:
		return "", fmtTime(q.Now)
	case AgendaToday:
		return fmtTime(q.Now), fmtTime(endOfDay)
	default:
		return fmtTime(endOfDay), ""
	}
}

// agendaEmployee resolves whose agenda the actor may read.
func (s *Store) agendaEmployee(ctx context.Context, actor, employee int64) (int64, error) {
	me, err := s.Employee(ctx, actor)
	if err != nil {
		return 0, err
	}
	if !me.Active {
		return 0, fmt.Errorf("employee %s is inactive: %w", me.Email, ErrForbidden)
	}
	if employee == 0 || employee == me.ID {
		return me.ID, nil
	}
	if !me.SeesAll() {
		return 0, fmt.Errorf("%s may only see their own activities: %w", me.Email, ErrForbidden)
	}
	if _, err := s.Employee(ctx, employee); err != nil {
		return 0, err
	}
	return employee, nil
}

// Agenda returns up to limit open activities of one section of the
// Activities screen, after the cursor, earliest due first. A sales employee
// sees their own; a manager or an admin may pick any employee. Activities of
// deleted deals are left out. It reads the (responsible, due) index of open
// activities, so a page costs the same with 200 or 200,000 activities.
func (s *Store) Agenda(ctx context.Context, actor int64, q AgendaQuery, part AgendaPart, after AgendaCursor, limit int) ([]Activity, error) {
	emp, err := s.agendaEmployee(ctx, actor, q.EmployeeID)
	if err != nil {
		return nil, fmt.Errorf("agenda: %w", err)
	}
	if q.Now.IsZero() {
		q.Now = s.Now()
	}
	if limit <= 0 {
		limit = 50
	}
	from, to := q.bounds(part)
	where := ` WHERE a.responsible_id = ? AND a.done_at IS NULL AND d.deleted_at IS NULL`
	args := []any{emp}
	if from != "" {
		where += ` AND a.due_at >= ?`
		args = append(args, from)
	}
	if to != "" {
		where += ` AND a.due_at < ?`
		args = append(args, to)
	}
	if !after.DueAt.IsZero() {
		where += ` AND (a.due_at, a.id) > (?, ?)`
		args = append(args, fmtTime(after.DueAt), after.ID)
	}
	rows, err := s.r.QueryContext(ctx, agendaSelect+where+` ORDER BY a.due_at, a.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("agenda: %w", err)
	}
	out, err := scanActivities(rows)
	if err != nil {
		return nil, fmt.Errorf("agenda: %w", err)
	}
	return out, nil
}

// AgendaCountCap is the largest count AgendaCount reports exactly; a
// section holding more reports AgendaCountCap+1 ("999+"), so the screen's
// headers cost the same however far behind someone is.
const AgendaCountCap = 999

// AgendaCounts is how many open activities each section holds, up to
// AgendaCountCap+1.
type AgendaCounts struct {
	Overdue, Today, Upcoming int
}

// AgendaCount counts the open activities of each section (those of deleted
// deals in none), each up to AgendaCountCap+1.
func (s *Store) AgendaCount(ctx context.Context, actor int64, q AgendaQuery) (AgendaCounts, error) {
	emp, err := s.agendaEmployee(ctx, actor, q.EmployeeID)
	if err != nil {
		return AgendaCounts{}, fmt.Errorf("agenda: %w", err)
	}
	if q.Now.IsZero() {
		q.Now = s.Now()
	}
	_, now := q.bounds(AgendaOverdue)
	end, _ := q.bounds(AgendaUpcoming)
	section := `(SELECT count(*) FROM (SELECT 1 FROM activities a INDEXED BY activities_open CROSS JOIN deals d NOT INDEXED ON d.id = a.deal_id
		WHERE a.responsible_id = ? AND a.done_at IS NULL AND d.deleted_at IS NULL AND a.due_at >= ? AND a.due_at < ? LIMIT ?))`
	var c AgendaCounts
	err = s.r.QueryRowContext(ctx, `SELECT `+section+`, `+section+`, `+section,
		emp, "", now, AgendaCountCap+1,
		emp, now, end, AgendaCountCap+1,
		emp, end, "9999", AgendaCountCap+1).Scan(&c.Overdue, &c.Today, &c.Upcoming)
	if err != nil {
		return c, fmt.Errorf("agenda: %w", err)
	}
	return c, nil
}

// DueReminders returns the open activities of the acting employee whose
// reminder time has come (remind_at ≤ now) and that have not been reminded
// yet, the earliest first. The app calls it on a ticker, then MarkReminded
// for each.
func (s *Store) DueReminders(ctx context.Context, actor int64, now time.Time) ([]Activity, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	employee := actor
	rows, err := s.r.QueryContext(ctx, agendaSelect+` WHERE a.remind_at IS NOT NULL AND a.reminded_at IS NULL AND a.done_at IS NULL
		AND a.remind_at <= ? AND a.responsible_id = ? AND d.deleted_at IS NULL ORDER BY a.remind_at, a.id LIMIT 100`, fmtTime(now), employee)
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	out, err := scanActivities(rows)
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	return out, nil
}

// MarkReminded records that an activity's reminder was shown. It reports
// whether this call claimed it: false when it was already marked (by another
// tick, window or process), so a reminder is shown once even across a
// restart. Call it before showing the notification.
func (s *Store) MarkReminded(ctx context.Context, id int64) (bool, error) {
	var claimed bool
	err := s.writeTx(ctx, func(tx *wtx) error {
		var dealID int64
		err := tx.queryRow(`UPDATE activities SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL RETURNING deal_id`, tx.s.now(), id).Scan(&dealID)
		if err != nil {
			err = notFound(err)
			if errors.Is(err, ErrNotFound) {
				var x int
				if tx.queryRow(`SELECT 1 FROM activities WHERE id = ?`, id).Scan(&x) == nil {
					return nil // already reminded
				}
			}
			return err
		}
		claimed = true
		tx.changed(KindDeal, dealID)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("mark activity %d reminded: %w", id, err)
	}
	return claimed, nil
}

// UpdateActivity reschedules or edits an open activity: kind, subject, due
// time, responsible and reminder. A changed reminder time fires again.
// Whoever may edit the deal may.
func (s *Store) UpdateActivity(ctx context.Context, actor, id int64, in ActivityInput) (Activity, error) {
	if err := in.validate(); err != nil {
		return Activity{}, err
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		var dealID int64
		var done, remind any
		if err := tx.queryRow(`SELECT deal_id, done_at, remind_at FROM activities WHERE id = ?`, id).Scan(&dealID, &done, &remind); err != nil {
			return notFound(err)
		}
		a, _, err := tx.editableDeal(actor, dealID)
		if err != nil {
			return err
		}
		if done != nil {
			return &ValidationError{Fields: []FieldError{{Field: "done", Code: "already_done", Message: "a done activity cannot be changed"}}}
		}
		if in.ResponsibleID == 0 {
			in.ResponsibleID = a.ID
		}
		if ok, err := tx.employeeExists(in.ResponsibleID); err != nil {
			return err
		} else if !ok {
			return &ValidationError{Fields: []FieldError{{Field: "responsible", Code: "unknown_employee", Message: "the responsible must be an employee"}}}
		}
		newRemind := timeOrNull(in.RemindAt)
		resetReminded := ""
		if newRemind != remind {
			resetReminded = `, reminded_at = NULL`
		}
		if _, err := tx.exec(`UPDATE activities SET kind = ?, subject = ?, due_at = ?, responsible_id = ?, remind_at = ?`+resetReminded+` WHERE id = ?`,
			in.Kind, in.Subject, fmtTime(in.DueAt), in.ResponsibleID, newRemind, id); err != nil {
			return err
		}
		tx.changed(KindDeal, dealID)
		return nil
	})
	if err != nil {
		return Activity{}, fmt.Errorf("update activity %d: %w", id, err)
	}
	return s.activity(ctx, id)
}
