package data

import (
	"time"
)

// BulkMove is one stage move in the history of a deal loaded in bulk.
type BulkMove struct {
	StageID int64
	At      time.Time
	// LostReason is the reason of a move to a lost stage; the deal's own
	// LostReason stands for the last move when this is empty.
	LostReason string
}

// checkPath checks a deal's stage history: stages of its pipeline, each
// different from the one before, in time order, ending where the deal is.
// A closed deal without a ClosedAt is closed at its last move.
func (b *BulkTx) checkPath(v *validator, in *BulkDeal) {
	if len(in.Path) == 0 {
		return
	}
	prev := b.firstOpen[in.PipelineID]
	last := in.Path[len(in.Path)-1]
	var at time.Time
	for i, m := range in.Path {
		st, ok := b.stages[m.StageID]
		switch {
		case !ok || st.PipelineID != in.PipelineID:
			v.add("path", "wrong_pipeline", "stage %d is not a stage of the deal's pipeline", m.StageID)
			return
		case m.StageID == prev:
			v.add("path", "same_stage", "a move to stage %q from itself", st.Name)
			return
		case m.At.Before(at) || (!in.CreatedAt.IsZero() && m.At.Before(in.CreatedAt)):
			v.add("path", "out_of_order", "the moves are not in time order after the creation")
			return
		case st.Semantics == StatusLost && m.LostReason == "" && i < len(in.Path)-1:
			v.add("path", "required", "a move to a lost stage needs a reason")
			return
		}
		prev, at = m.StageID, m.At
	}
	if last.StageID != in.StageID {
		v.add("path", "wrong_end", "the moves end in stage %d, not in the deal's stage %d", last.StageID, in.StageID)
		return
	}
	if b.stages[in.StageID].Final() && in.ClosedAt.IsZero() {
		in.ClosedAt = last.At
	}
}

// pathReached is the reached_stage_id of a deal loaded with its history:
// the open stage furthest along it has been in, starting from the first
// open one; nil without a history (its current stage is as far as it got).
func (b *BulkTx) pathReached(in BulkDeal) any {
	if len(in.Path) == 0 {
		return nil
	}
	best := b.stages[b.firstOpen[in.PipelineID]]
	for _, m := range in.Path {
		if st := b.stages[m.StageID]; st.Semantics == StatusOpen && st.Position > best.Position {
			best = st
		}
	}
	if best.ID == 0 {
		return nil
	}
	return best.ID
}

// writePath writes one timeline entry per move of a deal's history, by its
// responsible, as moveStage writes them.
func (b *BulkTx) writePath(id int64, in BulkDeal, first Stage) error {
	prev := first
	for i, m := range in.Path {
		to := b.stages[m.StageID]
		reason := m.LostReason
		if reason == "" && i == len(in.Path)-1 {
			reason = in.LostReason
		}
		kind := EntryStage
		switch {
		case to.Final():
			kind = EntryWon
			if to.Semantics == StatusLost {
				kind = EntryLost
			}
		case prev.Final():
			kind = EntryReopened
		}
		if to.Semantics != StatusLost {
			reason = ""
		}
		if err := b.Entry(id, in.ResponsibleID, kind, reason, stageMoveData(prev.Name, prev.ID, to, reason), m.At); err != nil {
			return err
		}
		prev = to
	}
	return nil
}
