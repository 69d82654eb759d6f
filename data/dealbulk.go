package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Bulk actions on deals chosen in the list (a selection, or every deal a
// filter matches): move to a stage, reassign, add or remove an observer,
// delete. One action is one transaction: every deal the employee may change
// is changed, each with its timeline entry as if changed alone; the others
// are refused one by one, each with its reason, and the rest goes on. The
// result says what was done and what was refused and why.

// BulkKind is what a bulk action does.
type BulkKind string

// Bulk actions.
const (
	BulkToStage        BulkKind = "move"            // to StageID (a lost stage with LostReason)
	BulkReassign       BulkKind = "reassign"        // to EmployeeID
	BulkAddObserver    BulkKind = "observer_add"    // EmployeeID
	BulkRemoveObserver BulkKind = "observer_remove" // EmployeeID
	BulkDelete         BulkKind = "delete"          // to the trash
)

// BulkAction is one action on many deals.
type BulkAction struct {
	Kind       BulkKind
	StageID    int64  // BulkToStage
	LostReason string // BulkToStage to a lost stage: one reason for all
	EmployeeID int64  // BulkReassign, BulkAddObserver, BulkRemoveObserver
}

// Codes of a refused deal (BulkRefusal.Code).
const (
	RefusedNotFound      = "not_found"      // gone, or not visible to the employee
	RefusedReadOnly      = "read_only"      // the employee only observes it
	RefusedInvoiced      = "invoiced"       // won with an issued invoice: an admin deletes it
	RefusedWrongPipeline = "wrong_pipeline" // the stage is in another pipeline
)

// BulkRefusal is a deal a bulk action left as it was, and why.
type BulkRefusal struct {
	DealID int64  `json:"deal_id"`
	Title  string `json:"title"`
	Code   string `json:"code"`
	Reason string `json:"reason"` // in English; screens word Code
}

// BulkResult is what a bulk action did.
type BulkResult struct {
	Done    []int64       `json:"done"`    // the deals changed (or already as asked)
	Refused []BulkRefusal `json:"refused"` // in the order asked
}

// bulkDeal is what a bulk action reads of each deal, all in one statement.
type bulkDeal struct {
	Deal
	deleted bool
}

// bulkEvery is how often progress is told, in deals.
const bulkEvery = 100

// BulkDeals applies one action to the deals ids names, in one transaction,
// checking the employee's rights deal by deal. progress (when not nil) is
// told how far it got every hundred deals, from the writing goroutine. A
// wrong action (an unknown stage, a lost stage without a reason, an
// inactive employee) is refused whole, as a ValidationError naming the
// field.
func (s *Store) BulkDeals(ctx context.Context, actor int64, ids []int64, act BulkAction, progress func(done, total int)) (BulkResult, error) {
	res := BulkResult{Done: []int64{}, Refused: []BulkRefusal{}}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	err := s.writeTx(ctx, func(tx *wtx) error {
		res = BulkResult{Done: []int64{}, Refused: []BulkRefusal{}}
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		stage, emp, err := tx.checkBulk(&act)
		if err != nil {
			return err
		}
		deals, err := tx.bulkDeals(ids)
		if err != nil {
			return err
		}
		for i, id := range ids {
			if progress != nil && i%bulkEvery == 0 {
				progress(i, len(ids))
			}
			if err := tx.ctx.Err(); err != nil {
				return err
			}
			d, ok := deals[id]
			if !ok || d.deleted || dealAccess(a, d.ResponsibleID, d.Observers) == NoAccess {
				res.Refused = append(res.Refused, BulkRefusal{DealID: id, Code: RefusedNotFound, Reason: "no such deal, or not visible to you"})
				continue
			}
			refuse := func(code, reason string) {
				res.Refused = append(res.Refused, BulkRefusal{DealID: id, Title: d.Title, Code: code, Reason: reason})
			}
			if dealAccess(a, d.ResponsibleID, d.Observers) != EditAccess {
				refuse(RefusedReadOnly, "you observe this deal: only its responsible or a manager may change it")
				continue
			}
			changed, err := tx.bulkOne(a, d.Deal, act, stage, emp, refuse)
			if err != nil {
				return fmt.Errorf("deal %d: %w", id, err)
			}
			if changed == nil {
				continue // refused
			}
			res.Done = append(res.Done, id)
			if *changed {
				tx.changed(KindDeal, id)
			}
		}
		if progress != nil {
			progress(len(ids), len(ids))
		}
		return nil
	})
	if err != nil {
		return BulkResult{}, fmt.Errorf("bulk %s of %d deals: %w", act.Kind, len(ids), err)
	}
	return res, nil
}

// checkBulk checks the action itself, before any deal.
func (tx *wtx) checkBulk(act *BulkAction) (Stage, Employee, error) {
	var v validator
	var stage Stage
	var emp Employee
	switch act.Kind {
	case BulkToStage:
		st, err := tx.stage(act.StageID)
		if errors.Is(err, ErrNotFound) {
			v.add("stage", "unknown_stage", "stage %d does not exist", act.StageID)
			break
		}
		if err != nil {
			return stage, emp, err
		}
		stage = st
		act.LostReason = strings.TrimSpace(CleanText(act.LostReason))
		if st.Semantics == StatusLost && act.LostReason == "" {
			v.add("lost_reason", "required", "a lost deal needs a reason")
		}
		if st.Semantics != StatusLost {
			act.LostReason = ""
		}
	case BulkReassign, BulkAddObserver, BulkRemoveObserver:
		e, err := tx.employee(act.EmployeeID)
		switch {
		case errors.Is(err, ErrNotFound):
			v.add("employee", "unknown_employee", "employee %d does not exist", act.EmployeeID)
		case err != nil:
			return stage, emp, err
		case !e.Active && act.Kind != BulkRemoveObserver:
			v.add("employee", "unknown_employee", "%s is not an active employee", e.Email)
		default:
			emp = e
		}
	case BulkDelete:
	default:
		v.add("action", "invalid", "%q is not a bulk action", act.Kind)
	}
	return stage, emp, v.err()
}

// bulkDeals reads the deals of a bulk action: each one's title, stage,
// responsible and observers.
func (tx *wtx) bulkDeals(ids []int64) (map[int64]*bulkDeal, error) {
	js, _ := json.Marshal(nonNilIDs(ids))
	rows, err := tx.query(`SELECT d.id, d.title, d.pipeline_id, d.stage_id, s.name, s.semantics, d.responsible_id, e.name,
		d.deleted_at IS NOT NULL
		FROM deals d JOIN stages s ON s.id = d.stage_id JOIN employees e ON e.id = d.responsible_id
		WHERE d.id IN (SELECT value FROM json_each(?))`, string(js))
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*bulkDeal, len(ids))
	for rows.Next() {
		var d bulkDeal
		if err := rows.Scan(&d.ID, &d.Title, &d.PipelineID, &d.StageID, &d.StageName, &d.Status, &d.ResponsibleID, &d.Responsible,
			&d.deleted); err != nil {
			rows.Close()
			return nil, err
		}
		out[d.ID] = &d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.query(`SELECT deal_id, employee_id FROM deal_observers WHERE deal_id IN (SELECT value FROM json_each(?))
		ORDER BY deal_id, employee_id`, string(js))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d, e int64
		if err := rows.Scan(&d, &e); err != nil {
			return nil, err
		}
		if bd := out[d]; bd != nil {
			bd.Observers = append(bd.Observers, e)
		}
	}
	return out, rows.Err()
}

// bulkOne applies the action to one deal the employee may edit. It returns
// nil when it refused the deal (through refuse), else whether it changed
// anything.
func (tx *wtx) bulkOne(a Employee, d Deal, act BulkAction, stage Stage, emp Employee, refuse func(code, reason string)) (*bool, error) {
	yes, no := true, false
	switch act.Kind {
	case BulkToStage:
		if stage.PipelineID != d.PipelineID {
			refuse(RefusedWrongPipeline, "the stage is in another pipeline than this deal's")
			return nil, nil
		}
		if d.StageID == stage.ID {
			return &no, nil
		}
		return &yes, tx.moveStage(a.ID, d, stage, act.LostReason)
	case BulkReassign:
		if d.ResponsibleID == emp.ID {
			return &no, nil
		}
		if _, err := tx.exec(`UPDATE deals SET responsible_id = ?, updated_at = ? WHERE id = ?`, emp.ID, tx.s.now(), d.ID); err != nil {
			return nil, err
		}
		if _, err := tx.exec(`DELETE FROM deal_observers WHERE deal_id = ? AND employee_id = ?`, d.ID, emp.ID); err != nil {
			return nil, err
		}
		_, err := tx.addLifeEntry(d.ID, a.ID, EntryField, "", FieldData{Field: "responsible", Old: d.Responsible, New: emp.Name})
		return &yes, err
	case BulkAddObserver, BulkRemoveObserver:
		obs := slices.Clone(d.Observers)
		if act.Kind == BulkAddObserver {
			if emp.ID == d.ResponsibleID || slices.Contains(obs, emp.ID) {
				return &no, nil
			}
			obs = append(obs, emp.ID)
			slices.Sort(obs)
			if _, err := tx.exec(`INSERT INTO deal_observers (deal_id, employee_id) VALUES (?, ?)`, d.ID, emp.ID); err != nil {
				return nil, err
			}
		} else {
			if !slices.Contains(obs, emp.ID) {
				return &no, nil
			}
			obs = slices.DeleteFunc(obs, func(o int64) bool { return o == emp.ID })
			if _, err := tx.exec(`DELETE FROM deal_observers WHERE deal_id = ? AND employee_id = ?`, d.ID, emp.ID); err != nil {
				return nil, err
			}
		}
		if _, err := tx.exec(`UPDATE deals SET updated_at = ? WHERE id = ?`, tx.s.now(), d.ID); err != nil {
			return nil, err
		}
		_, err := tx.addLifeEntry(d.ID, a.ID, EntryField, "", FieldData{Field: "observers", Old: tx.names(d.Observers), New: tx.names(obs)})
		return &yes, err
	case BulkDelete:
		_, err := tx.trashDeal(a, d, 0, "")
		if errors.Is(err, ErrInvoiced) {
			refuse(RefusedInvoiced, "the deal is won and has an issued invoice: only an admin may delete it")
			return nil, nil
		}
		return &yes, err
	}
	return nil, fmt.Errorf("%q is not a bulk action", act.Kind)
}
