package data

import (
	"context"
	"database/sql"
	"fmt"
)

// Every exported read a person reaches (from the window or a command) takes
// the acting employee, as the writes do: an unknown or inactive one is
// refused, and deal-bound data (a deal, its timeline, lines, documents,
// activities, emails and outgoing emails) follows the deal's visibility rule
// (dealAccess: admins and managers see every deal, a sales employee the
// deals they are responsible for or observe). Clients (contacts and
// companies) are read by any active employee, unless an admin limits sales
// employees to the clients of their own deals (ClientScope, client_scope.go).
// Other shared data (products, pipelines, fields, templates, employees, mail
// accounts, the seller) is read by any active employee.
//
// Reads made without an actor, and why:
//   - Employee, EmployeeByEmail, FirstAdmin and SignInEmployees find who
//     acts (the window's sign-in, a command's --as): they come before there
//     is an actor, and an employee record holds no deal data.
//   - WorkerAccounts, WorkerAccount, FolderState and DatabaseID are the mail
//     workers' (mail/imapsync, mail/send): no person asks them.
//   - The outbox's worker side (claiming, results, Sent copies) is
//     data/mailq's, which only mail/send receives.
//   - Setting is the store's own key/value reader (the database id, the
//     seller); no screen or command reads it directly.
//   - Seller still takes none: it lives in documents.go, which is being
//     reworked on its own; it reads the business's own details, no deal.

// reader loads the employee a read is made for: an unknown or inactive one
// is refused with ErrForbidden, as writes refuse them.
func (s *Store) reader(ctx context.Context, actor int64) (Employee, error) {
	e, err := s.Employee(ctx, actor)
	if err != nil {
		return e, fmt.Errorf("acting employee %d: %w", actor, ErrForbidden)
	}
	if !e.Active {
		return e, fmt.Errorf("employee %s is inactive: %w", e.Email, ErrForbidden)
	}
	return e, nil
}

// seesDeal is the deal's visibility rule for a deal the caller holds only
// the id of: admins and managers see every deal, a sales employee the ones
// they are responsible for or observe.
func (s *Store) seesDeal(ctx context.Context, me Employee, dealID int64) (bool, error) {
	if me.SeesAll() {
		return me.Active, nil
	}
	var responsible int64
	err := s.r.QueryRowContext(ctx, `SELECT responsible_id FROM deals WHERE id = ?`, dealID).Scan(&responsible)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if responsible == me.ID {
		return me.Active, nil
	}
	var observer bool
	if err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM deal_observers WHERE deal_id = ? AND employee_id = ?)`,
		dealID, me.ID).Scan(&observer); err != nil {
		return false, err
	}
	return observer && me.Active, nil
}

// cmpErr is err, or else fallback.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}
