package data

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Semantics says whether a stage is still open or closes the deal.
type Semantics string

// Stage semantics.
const (
	StatusOpen Semantics = "open"
	StatusWon  Semantics = "won"
	StatusLost Semantics = "lost"
)

// Valid reports whether s is a known semantics.
func (s Semantics) Valid() bool { return s == StatusOpen || s == StatusWon || s == StatusLost }

// Stage is one step of a pipeline.
type Stage struct {
	ID          int64     `json:"id"`
	PipelineID  int64     `json:"pipeline_id"`
	Name        string    `json:"name"`
	Color       string    `json:"color"` // #rrggbb
	Probability int       `json:"probability"`
	Semantics   Semantics `json:"semantics"`
	Position    int       `json:"position"`
}

// Final reports whether the stage closes a deal.
func (s Stage) Final() bool { return s.Semantics != StatusOpen }

// Pipeline is an ordered list of stages a deal moves through.
type Pipeline struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name"`
	Position int     `json:"position"`
	Stages   []Stage `json:"stages"`
}

// Stage returns the pipeline's stage with that id.
func (p Pipeline) Stage(id int64) (Stage, bool) {
	for _, st := range p.Stages {
		if st.ID == id {
			return st, true
		}
	}
	return Stage{}, false
}

// FirstOpen returns the first open stage, where new deals start.
func (p Pipeline) FirstOpen() (Stage, bool) {
	for _, st := range p.Stages {
		if st.Semantics == StatusOpen {
			return st, true
		}
	}
	return Stage{}, false
}

// FinalStage returns the first stage with the given semantics.
func (p Pipeline) FinalStage(sem Semantics) (Stage, bool) {
	for _, st := range p.Stages {
		if st.Semantics == sem {
			return st, true
		}
	}
	return Stage{}, false
}

type defaultStage struct {
	en, fr string
	color  string
	prob   int
	sem    Semantics
}

// The default pipeline follows Bitrix24's default deal stages.
var defaultStages = []defaultStage{
	{"New", "Nouvelle", "#39a8ef", 10, StatusOpen},
	{"Preparing documents", "Préparation des documents", "#2fc6f6", 20, StatusOpen},
	{"Invoice", "Facture", "#55d0e0", 40, StatusOpen},
	{"In progress", "En cours", "#47e4c2", 60, StatusOpen},
	{"Final invoice", "Facture finale", "#ffa900", 80, StatusOpen},
	{"Deal won", "Affaire gagnée", "#7bd500", 100, StatusWon},
	{"Deal lost", "Affaire perdue", "#ff5752", 0, StatusLost},
}

// ensureDefaults gives a fresh database its default pipeline, named in the
// creator's language.
func (s *Store) ensureDefaults(ctx context.Context, lang string) error {
	// Read first: opening a database that has its pipelines never waits for
	// another connection's long write (an import, a sync).
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM pipelines`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return s.writeTx(ctx, func(tx *wtx) error {
		var n int
		if err := tx.queryRow(`SELECT count(*) FROM pipelines`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		fr := strings.HasPrefix(strings.ToLower(lang), "fr")
		name := "Sales"
		if fr {
			name = "Ventes"
		}
		res, err := tx.exec(`INSERT INTO pipelines (name, position) VALUES (?, 0)`, name)
		if err != nil {
			return err
		}
		pid, _ := res.LastInsertId()
		if err := tx.insertDefaultStages(pid, fr); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT OR IGNORE INTO settings (key, value) VALUES ('language', ?)`, map[bool]string{true: "fr", false: "en"}[fr]); err != nil {
			return err
		}
		tx.changed(KindPipeline, pid)
		return nil
	})
}

// insertDefaultStages gives a new pipeline the default stages, named in
// French or English.
func (tx *wtx) insertDefaultStages(pipelineID int64, fr bool) error {
	for i, d := range defaultStages {
		name := d.en
		if fr {
			name = d.fr
		}
		if _, err := tx.exec(`INSERT INTO stages (pipeline_id, name, color, probability, semantics, position) VALUES (?, ?, ?, ?, ?, ?)`,
			pipelineID, name, d.color, d.prob, d.sem, i); err != nil {
			return err
		}
	}
	return nil
}

// Pipelines lists every pipeline with its stages in order, to an active
// employee.
func (s *Store) Pipelines(ctx context.Context, actor int64) ([]Pipeline, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return nil, fmt.Errorf("pipelines: %w", err)
	}
	return s.pipelines(ctx)
}

func (s *Store) pipelines(ctx context.Context) ([]Pipeline, error) {
	ps, err := loadPipelinesQ(ctx, s.r)
	if err != nil {
		return nil, fmt.Errorf("pipelines: %w", err)
	}
	return ps, nil
}

func loadPipelinesQ(ctx context.Context, q querier) ([]Pipeline, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name, p.position, s.id, s.name, s.color, s.probability, s.semantics, s.position
		FROM pipelines p JOIN stages s ON s.pipeline_id = p.id ORDER BY p.position, p.id, s.position, s.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pipeline
	for rows.Next() {
		var p Pipeline
		var st Stage
		if err := rows.Scan(&p.ID, &p.Name, &p.Position, &st.ID, &st.Name, &st.Color, &st.Probability, &st.Semantics, &st.Position); err != nil {
			return nil, err
		}
		st.PipelineID = p.ID
		if len(out) == 0 || out[len(out)-1].ID != p.ID {
			out = append(out, p)
		}
		last := &out[len(out)-1]
		last.Stages = append(last.Stages, st)
	}
	return out, rows.Err()
}

// Pipeline returns one pipeline with its stages, to an active employee.
func (s *Store) Pipeline(ctx context.Context, actor, id int64) (Pipeline, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return Pipeline{}, fmt.Errorf("pipeline %d: %w", id, err)
	}
	return s.pipeline(ctx, id)
}

func (s *Store) pipeline(ctx context.Context, id int64) (Pipeline, error) {
	ps, err := s.pipelines(ctx)
	if err != nil {
		return Pipeline{}, err
	}
	for _, p := range ps {
		if p.ID == id {
			return p, nil
		}
	}
	return Pipeline{}, fmt.Errorf("pipeline %d: %w", id, ErrNotFound)
}

// StageInput describes a stage to add or change.
type StageInput struct {
	Name        string
	Color       string
	Probability int
	Semantics   Semantics
}

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

func (in *StageInput) validate() error {
	var v validator
	in.Name = CleanName(in.Name)
	if in.Name == "" {
		v.add("name", "required", "stage name is required")
	}
	if in.Color == "" {
		in.Color = "#8c9aa6"
	}
	if !colorRE.MatchString(in.Color) {
		v.add("color", "invalid_color", "colour must look like #rrggbb")
	}
	if in.Probability < 0 || in.Probability > 100 {
		v.add("probability", "out_of_range", "probability must be between 0 and 100")
	}
	if in.Semantics == "" {
		in.Semantics = StatusOpen
	}
	if !in.Semantics.Valid() {
		v.add("semantics", "invalid_semantics", "semantics must be open, won or lost")
	}
	return v.err()
}

// CreatePipeline adds a pipeline with a copy of the default stages; admins only.
func (s *Store) CreatePipeline(ctx context.Context, actor int64, name string) (Pipeline, error) {
	name = CleanName(name)
	if name == "" {
		return Pipeline{}, &ValidationError{Fields: []FieldError{{Field: "name", Code: "required", Message: "pipeline name is required"}}}
	}
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		lang := tx.setting("language")
		res, err := tx.exec(`INSERT INTO pipelines (name, position) VALUES (?, (SELECT coalesce(max(position), -1) + 1 FROM pipelines))`, name)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		if err := tx.insertDefaultStages(id, lang == "fr"); err != nil {
			return err
		}
		tx.changed(KindPipeline, id)
		return nil
	})
	if err != nil {
		return Pipeline{}, fmt.Errorf("create pipeline: %w", err)
	}
	return s.pipeline(ctx, id)
}

// RenamePipeline renames a pipeline; admins only.
func (s *Store) RenamePipeline(ctx context.Context, actor, id int64, name string) error {
	name = CleanName(name)
	if name == "" {
		return &ValidationError{Fields: []FieldError{{Field: "name", Code: "required", Message: "pipeline name is required"}}}
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE pipelines SET name = ? WHERE id = ?`, name, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		tx.changed(KindPipeline, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("rename pipeline %d: %w", id, err)
	}
	return nil
}

// AddStage inserts a stage into a pipeline at position (0 first; a position
// past the end appends); admins only.
func (s *Store) AddStage(ctx context.Context, actor, pipelineID int64, position int, in StageInput) (Stage, error) {
	if err := in.validate(); err != nil {
		return Stage{}, err
	}
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(`SELECT count(*) FROM pipelines WHERE id = ?`, pipelineID).Scan(&n); err != nil || n == 0 {
			return fmt.Errorf("pipeline %d: %w", pipelineID, ErrNotFound)
		}
		if position < 0 {
			position = 0
		}
		if _, err := tx.exec(`UPDATE stages SET position = position + 1 WHERE pipeline_id = ? AND position >= ?`, pipelineID, position); err != nil {
			return err
		}
		res, err := tx.exec(`INSERT INTO stages (pipeline_id, name, color, probability, semantics, position)
			VALUES (?, ?, ?, ?, ?, min(?, (SELECT coalesce(max(position), -1) + 1 FROM stages WHERE pipeline_id = ?)))`,
			pipelineID, in.Name, in.Color, in.Probability, in.Semantics, position, pipelineID)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		tx.changed(KindPipeline, pipelineID)
		return tx.renumberStages(pipelineID)
	})
	if err != nil {
		return Stage{}, fmt.Errorf("add stage: %w", err)
	}
	return s.stage(ctx, id)
}

// UpdateStage renames, recolours or changes a stage; admins only. A stage
// that holds deals keeps its semantics, so closed deals stay consistent.
func (s *Store) UpdateStage(ctx context.Context, actor, id int64, in StageInput) (Stage, error) {
	if err := in.validate(); err != nil {
		return Stage{}, err
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		var pid int64
		var sem Semantics
		if err := tx.queryRow(`SELECT pipeline_id, semantics FROM stages WHERE id = ?`, id).Scan(&pid, &sem); err != nil {
			return notFound(err)
		}
		if sem != in.Semantics {
			var n int
			if err := tx.queryRow(`SELECT count(*) FROM deals WHERE stage_id = ? AND deleted_at IS NULL`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return &ValidationError{Fields: []FieldError{{Field: "semantics", Code: "stage_in_use",
					Message: fmt.Sprintf("%d deals are in this stage; move them before changing whether it is open, won or lost", n)}}}
			}
		}
		if _, err := tx.exec(`UPDATE stages SET name = ?, color = ?, probability = ?, semantics = ? WHERE id = ?`,
			in.Name, in.Color, in.Probability, in.Semantics, id); err != nil {
			return err
		}
		tx.changed(KindPipeline, pid)
		return nil
	})
	if err != nil {
		return Stage{}, fmt.Errorf("update stage %d: %w", id, err)
	}
	return s.stage(ctx, id)
}

// MoveStage moves a stage to a new position in its pipeline; admins only.
func (s *Store) MoveStage(ctx context.Context, actor, id int64, position int) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		var pid int64
		var old int
		if err := tx.queryRow(`SELECT pipeline_id, position FROM stages WHERE id = ?`, id).Scan(&pid, &old); err != nil {
			return notFound(err)
		}
		// Take the stage out, close the gap, open a new one, put it back.
		if _, err := tx.exec(`UPDATE stages SET position = -1 WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE stages SET position = position - 1 WHERE pipeline_id = ? AND position > ?`, pid, old); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE stages SET position = position + 1 WHERE pipeline_id = ? AND position >= ?`, pid, position); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE stages SET position = ? WHERE id = ?`, position, id); err != nil {
			return err
		}
		tx.changed(KindPipeline, pid)
		return tx.renumberStages(pid)
	})
	if err != nil {
		return fmt.Errorf("move stage %d: %w", id, err)
	}
	return nil
}

// DeleteStage removes an empty stage; admins only.
func (s *Store) DeleteStage(ctx context.Context, actor, id int64) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		var pid int64
		if err := tx.queryRow(`SELECT pipeline_id FROM stages WHERE id = ?`, id).Scan(&pid); err != nil {
			return notFound(err)
		}
		var n int
		if err := tx.queryRow(`SELECT count(*) FROM deals WHERE stage_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &ValidationError{Fields: []FieldError{{Field: "stage", Code: "stage_in_use",
				Message: fmt.Sprintf("%d deals are in this stage; move them first", n)}}}
		}
		if _, err := tx.exec(`DELETE FROM stages WHERE id = ?`, id); err != nil {
			return err
		}
		tx.changed(KindPipeline, pid)
		return tx.renumberStages(pid)
	})
	if err != nil {
		return fmt.Errorf("delete stage %d: %w", id, err)
	}
	return nil
}

func (tx *wtx) renumberStages(pipelineID int64) error {
	_, err := tx.exec(`UPDATE stages SET position = (
		SELECT count(*) FROM stages o WHERE o.pipeline_id = stages.pipeline_id
		AND (o.position < stages.position OR (o.position = stages.position AND o.id < stages.id)))
		WHERE pipeline_id = ?`, pipelineID)
	return err
}

func (s *Store) stage(ctx context.Context, id int64) (Stage, error) {
	st, err := loadStage(ctx, s.r, id)
	if err != nil {
		return st, fmt.Errorf("stage %d: %w", id, err)
	}
	return st, nil
}

func (tx *wtx) stage(id int64) (Stage, error) { return loadStage(tx.ctx, tx, id) }

// loadStage reads one stage; ErrNotFound when there is none.
func loadStage(ctx context.Context, q querier, id int64) (Stage, error) {
	var st Stage
	err := q.QueryRowContext(ctx, `SELECT id, pipeline_id, name, color, probability, semantics, position FROM stages WHERE id = ?`, id).
		Scan(&st.ID, &st.PipelineID, &st.Name, &st.Color, &st.Probability, &st.Semantics, &st.Position)
	return st, notFound(err)
}
