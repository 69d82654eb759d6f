package data

import (
	"context"
	"fmt"
)

// CalendarActivity is an activity with what its calendar event shows.
type CalendarActivity struct {
	Activity
	Client string `json:"client,omitempty"` // the deal's contact or company
}

// CalendarActivities returns every activity, open or done, of an employee
// (0: the actor) on deals that are not deleted, earliest due first, for a
// calendar export. Only managers and admins may export someone else's.
func (s *Store) CalendarActivities(ctx context.Context, actor, employee int64) ([]CalendarActivity, error) {
	emp, err := s.agendaEmployee(ctx, actor, employee)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.deal_id, d.title, a.kind, a.subject, a.due_at, a.responsible_id, e.name, a.remind_at, a.reminded_at,
		a.done_at, a.result, coalesce(a.author_id, 0), a.created_at, coalesce(c.name, co.name, '')
		FROM activities a CROSS JOIN deals d NOT INDEXED ON d.id = a.deal_id JOIN employees e ON e.id = a.responsible_id
		LEFT JOIN contacts c ON c.id = d.contact_id LEFT JOIN companies co ON co.id = d.company_id
		WHERE a.responsible_id = ? AND d.deleted_at IS NULL ORDER BY a.due_at, a.id`, emp)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	defer rows.Close()
	var out []CalendarActivity
	for rows.Next() {
		var ca CalendarActivity
		sc := scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &ca.Client)...) })
		if ca.Activity, err = scanActivity(sc); err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		out = append(out, ca)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return out, nil
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
