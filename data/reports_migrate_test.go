package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
)

// TestReachedFilledOnUpgrade opens a file made before migration 10, whose
// deals moved through stages (written as that build wrote moves: the stage
// change and its timeline entry), and finds how far each got filled from
// that history, including in a pipeline a deal left; the first report then
// builds its summaries and counts them.
func TestReachedFilledOnUpgrade(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := Open(ctx, path, OpenOptions{Language: "en", migrations: withMigrations(t, 9, nil)})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := old.CreateFirstAdmin(ctx, "Ada Admin", "ada@comptoir.test")
	if err != nil {
		t.Fatal(err)
	}
	other, err := old.CreatePipeline(ctx, admin.ID, "Partners")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := old.Pipelines(ctx, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	a := ps[0]
	st := func(p Pipeline, i int) Stage { return p.Stages[i] } // 0 New … 4 Final invoice, 5 won, 6 lost
	deal := func(title string) Deal {
		d, err := old.CreateDeal(ctx, admin.ID, DealInput{Title: title, Amount: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// move writes a stage change as the build before migration 10 did.
	move := func(d *Deal, to Stage, kind EntryKind) {
		t.Helper()
		from := old.stagesByID(t, d.StageID)
		js, _ := json.Marshal(map[string]any{"from": from.Name, "to": to.Name, "from_id": from.ID, "to_id": to.ID})
		closed := sql.NullString{String: old.now(), Valid: to.Final()}
		if err := old.writeTx(ctx, func(tx *wtx) error {
			_, err := tx.exec(`UPDATE deals SET stage_id = ?, pipeline_id = ?, closed_at = ? WHERE id = ?`,
				to.ID, to.PipelineID, closed, d.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := old.writeTx(ctx, func(tx *wtx) error {
			_, err := tx.exec(`INSERT INTO timeline (deal_id, kind, author_id, at, data) VALUES (?, ?, ?, ?, ?)`,
				d.ID, kind, admin.ID, old.now(), string(js))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		d.StageID = to.ID
	}
	x := deal("skipped, then back") // New → Invoice → Preparing documents
	move(&x, st(a, 2), EntryStage)
	move(&x, st(a, 1), EntryStage)
	y := deal("lost, reopened") // New → Preparing documents → lost → New
	move(&y, st(a, 1), EntryStage)
	move(&y, st(a, 6), EntryLost)
	move(&y, st(a, 0), EntryReopened)
	z := deal("moved to partners") // New → Invoice, then the other pipeline's New → Preparing documents
	move(&z, st(a, 2), EntryStage)
	move(&z, st(other, 0), EntryStage)
	move(&z, st(other, 1), EntryStage)
	w := deal("never moved")
	won := deal("won from In progress")
	move(&won, st(a, 3), EntryStage)
	move(&won, st(a, 5), EntryWon)
	old.Close()

	s, err := Open(ctx, path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	reached := func(id int64) int64 {
		var v sql.NullInt64
		if err := s.r.QueryRowContext(ctx, `SELECT reached_stage_id FROM deals WHERE id = ?`, id).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v.Int64
	}
	for _, c := range []struct {
		name string
		id   int64
		want int64
	}{
		{"skipped, then back", x.ID, st(a, 2).ID},
		{"lost, reopened", y.ID, st(a, 1).ID},
		{"moved", z.ID, st(other, 1).ID},
		{"never moved", w.ID, 0},
		{"won", won.ID, st(a, 3).ID},
	} {
		if got := reached(c.id); got != c.want {
			t.Errorf("%s: reached stage %d, want %d", c.name, got, c.want)
		}
	}
	var left, leftStage int64
	if err := s.r.QueryRowContext(ctx, `SELECT deal_id, reached_stage_id FROM deal_pipelines_left WHERE pipeline_id = ?`, a.ID).Scan(&left, &leftStage); err != nil {
		t.Fatalf("the deal that left: %v", err)
	}
	if left != z.ID || leftStage != st(a, 2).ID {
		t.Errorf("left pipeline A: deal %d at stage %d, want %d at %d", left, leftStage, z.ID, st(a, 2).ID)
	}
	day := s.Now().Format("2006-01-02")
	fu, err := s.Funnel(ctx, admin.ID, ReportFilter{PipelineID: a.ID, Period: Period{From: day, To: day}})
	if err != nil {
		t.Fatal(err)
	}
	// Reached: New 5; Preparing documents: x, y, z, won; Invoice: x, z, won;
	// In progress: won; Final invoice: won.
	var got []int
	for _, st := range fu.Stages {
		got = append(got, st.Reached.Count)
	}
	if want := []int{5, 4, 3, 1, 1}; !slices.Equal(got, want) || fu.MovedOut.Count != 1 || fu.Won.Count != 1 {
		t.Errorf("funnel after the upgrade: %v, moved out %d, won %d", got, fu.MovedOut.Count, fu.Won.Count)
	}
	if zone, _ := s.Setting(ctx, reportZoneSetting); zone != "Europe/Paris" {
		t.Errorf("summaries built in zone %q", zone)
	}
}

func (s *Store) stagesByID(t *testing.T, id int64) Stage {
	t.Helper()
	st, err := loadStage(context.Background(), s.r, id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
