package data

import (
	"database/sql"
	"errors"
)

// A stage move is stored as a timeline entry of kind stage, won, lost or
// reopened whose data is {"from", "to", "from_id", "to_id", "reason"}.
// stageMoveData is the one place that writes those keys; migration 0010 is
// the one place that reads them (to fill reached_stage_id from the history
// of deals written before it). Everything else reads how far a deal got from
// deals.reached_stage_id and deal_pipelines_left, which a move keeps in the
// same transaction (passStage).

// stageMoveData is the data of the timeline entry of a move from one stage
// to another, with the lost reason when there is one.
func stageMoveData(fromName string, fromID int64, to Stage, reason string) StageData {
	return StageData{From: fromName, To: to.Name, FromID: fromID, ToID: to.ID, Reason: reason}
}

// passStage returns the reached_stage_id a deal gets when it moves from
// where it is to stage to: the open stage furthest along (by position) that
// it has been in, in to's pipeline, or nil when it has been in none. A deal
// that moves to another pipeline leaves in deal_pipelines_left how far it got
// in the one it leaves, and takes back how far it had got in the new one if
// it had been there before.
func (tx *wtx) passStage(old Deal, to Stage) (any, error) {
	cur, err := tx.reachedIn(`SELECT s.id, s.position FROM deals d JOIN stages s ON s.id = coalesce(d.reached_stage_id, d.stage_id)
		WHERE d.id = ? AND s.pipeline_id = ? AND s.semantics = 'open'`, old.ID, old.PipelineID)
	if err != nil {
		return nil, err
	}
	if to.PipelineID != old.PipelineID {
		if _, err := tx.exec(`INSERT INTO deal_pipelines_left (pipeline_id, deal_id, reached_stage_id) VALUES (?, ?, ?)
			ON CONFLICT DO UPDATE SET reached_stage_id = excluded.reached_stage_id`, old.PipelineID, old.ID, cur.id()); err != nil {
			return nil, err
		}
		if cur, err = tx.reachedIn(`SELECT s.id, s.position FROM deal_pipelines_left l JOIN stages s ON s.id = l.reached_stage_id
			WHERE l.pipeline_id = ? AND l.deal_id = ? AND s.pipeline_id = l.pipeline_id AND s.semantics = 'open'`, to.PipelineID, old.ID); err != nil {
			return nil, err
		}
		if _, err := tx.exec(`DELETE FROM deal_pipelines_left WHERE pipeline_id = ? AND deal_id = ?`, to.PipelineID, old.ID); err != nil {
			return nil, err
		}
	}
	if to.Semantics == StatusOpen && (cur == nil || to.Position > cur.position) {
		return to.ID, nil
	}
	return cur.id(), nil
}

// reachedStage is an open stage a deal got to, with its position.
type reachedStage struct {
	stage    int64
	position int
}

func (r *reachedStage) id() any {
	if r == nil {
		return nil
	}
	return r.stage
}

// reachedIn reads one reachedStage; nil when the query finds none.
func (tx *wtx) reachedIn(query string, args ...any) (*reachedStage, error) {
	var r reachedStage
	err := tx.queryRow(query, args...).Scan(&r.stage, &r.position)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}
