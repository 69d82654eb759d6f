package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Source says where a deal came from.
type Source string

// Deal sources.
const (
	SourceManual Source = "manual"
	SourceEmail  Source = "email"
	SourceCall   Source = "call"
	SourceImport Source = "import"
)

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	return s == SourceManual || s == SourceEmail || s == SourceCall || s == SourceImport
}

// Deal is a sale in progress or closed.
type Deal struct {
	ID            int64
	Title         string
	PipelineID    int64
	PipelineName  string
	StageID       int64
	StageName     string
	StageColor    string
	Status        Semantics // open, won or lost: the stage's semantics
	ContactID     int64
	ContactName   string
	CompanyID     int64
	CompanyName   string
	ResponsibleID int64
	Responsible   string
	Observers     []int64
	Amount        int64 // minor units
	Currency      string
	// Probability is the deal's own override, or nil to follow the stage.
	Probability *int
	// StageProbability is the stage's default probability.
	StageProbability int
	CloseDate        string // YYYY-MM-DD or ""
	Source           Source
	ClosedAt         time.Time
	LostReason       string
	AuthorID         int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
	HasLines         bool // the amount is the product lines' total
	Custom           map[string]string
}

// EffectiveProbability is the deal's override or else its stage's default.
func (d Deal) EffectiveProbability() int {
	if d.Probability != nil {
		return *d.Probability
	}
	return d.StageProbability
}

// ClientName is the contact's name, else the company's.
func (d Deal) ClientName() string {
	if d.ContactName != "" {
		return d.ContactName
	}
	return d.CompanyName
}

// DealInput is what a form, the CLI, an import or the mail gateway gives to
// create or change a deal.
type DealInput struct {
	Title         string
	PipelineID    int64 // 0: the first pipeline
	StageID       int64 // 0: the pipeline's first open stage
	ContactID     int64
	CompanyID     int64
	ResponsibleID int64 // 0: the acting employee
	Observers     []int64
	Amount        int64
	Currency      string // "": EUR
	Probability   *int
	CloseDate     string // YYYY-MM-DD or ""
	Source        Source // "": manual
	LostReason    string // required when StageID is a lost stage
	Custom        map[string]string
}

// Input returns the deal's fields as an input, to edit and save back.
func (d Deal) Input() DealInput {
	return DealInput{
		Title: d.Title, PipelineID: d.PipelineID, StageID: d.StageID, ContactID: d.ContactID, CompanyID: d.CompanyID,
		ResponsibleID: d.ResponsibleID, Observers: slices.Clone(d.Observers), Amount: d.Amount, Currency: d.Currency,
		Probability: d.Probability, CloseDate: d.CloseDate, Source: d.Source, LostReason: d.LostReason, Custom: maps.Clone(d.Custom),
	}
}

// Access says what an employee may do with a deal.
type Access int

// Access levels.
const (
	NoAccess Access = iota
	ReadAccess
	EditAccess
)

// dealAccess is the rule: admins and managers edit every deal; the
// responsible edits theirs; an observer reads.
func dealAccess(e Employee, responsible int64, observers []int64) Access {
	switch {
	case !e.Active:
		return NoAccess
	case e.SeesAll(), e.ID == responsible:
		return EditAccess
	case slices.Contains(observers, e.ID):
		return ReadAccess
	}
	return NoAccess
}

// DealAccess tells what the employee may do with the deal.
func (s *Store) DealAccess(ctx context.Context, actor int64, d Deal) (Access, error) {
	e, err := s.Employee(ctx, actor)
	if err != nil {
		return NoAccess, err
	}
	return dealAccess(e, d.ResponsibleID, d.Observers), nil
}

const dealSelect = `SELECT d.id, d.title, d.pipeline_id, p.name, d.stage_id, s.name, s.color, s.semantics, s.probability,
	coalesce(d.contact_id, 0), coalesce(c.name, ''), coalesce(d.company_id, 0), coalesce(co.name, ''),
	d.responsible_id, e.name, d.amount, d.currency, d.probability, coalesce(d.close_date, ''), d.source,
	d.closed_at, d.lost_reason, coalesce(d.author_id, 0), d.created_at, d.updated_at,
	EXISTS (SELECT 1 FROM deal_products l WHERE l.deal_id = d.id)
	FROM deals d
	JOIN pipelines p ON p.id = d.pipeline_id
	JOIN stages s ON s.id = d.stage_id
	JOIN employees e ON e.id = d.responsible_id
	LEFT JOIN contacts c ON c.id = d.contact_id
	LEFT JOIN companies co ON co.id = d.company_id`

func loadDeal(ctx context.Context, q querier, id int64) (Deal, error) {
	var d Deal
	var prob sql.NullInt64
	var closed sql.NullString
	var created, updated string
	err := q.QueryRowContext(ctx, dealSelect+` WHERE d.id = ? AND d.deleted_at IS NULL`, id).Scan(
		&d.ID, &d.Title, &d.PipelineID, &d.PipelineName, &d.StageID, &d.StageName, &d.StageColor, &d.Status, &d.StageProbability,
		&d.ContactID, &d.ContactName, &d.CompanyID, &d.CompanyName,
		&d.ResponsibleID, &d.Responsible, &d.Amount, &d.Currency, &prob, &d.CloseDate, &d.Source,
		&closed, &d.LostReason, &d.AuthorID, &created, &updated, &d.HasLines)
	if err != nil {
		return d, notFound(err)
	}
	if prob.Valid {
		p := int(prob.Int64)
		d.Probability = &p
	}
	d.ClosedAt = nullTime(closed)
	d.CreatedAt, d.UpdatedAt = parseTime(created), parseTime(updated)
	rows, err := q.QueryContext(ctx, `SELECT employee_id FROM deal_observers WHERE deal_id = ? ORDER BY employee_id`, id)
	if err != nil {
		return d, err
	}
	if d.Observers, err = scanIDs(rows); err != nil {
		return d, err
	}
	d.Custom, err = loadCustom(ctx, q, EntityDeal, id)
	return d, err
}

// Deal returns one deal if the employee may see it (ErrNotFound otherwise).
func (s *Store) Deal(ctx context.Context, actor, id int64) (Deal, error) {
	d, err := loadDeal(ctx, s.r, id)
	if err != nil {
		return d, fmt.Errorf("deal %d: %w", id, err)
	}
	e, err := s.Employee(ctx, actor)
	if err != nil {
		return Deal{}, fmt.Errorf("deal %d: %w", id, err)
	}
	if dealAccess(e, d.ResponsibleID, d.Observers) == NoAccess {
		return Deal{}, fmt.Errorf("deal %d: %w", id, ErrNotFound)
	}
	return d, nil
}

// checkFields checks the fields that need no database, filling defaults.
func (in *DealInput) checkFields(v *validator) {
	in.Title = CleanName(in.Title)
	if in.Title == "" {
		v.add("title", "required", "title is required")
	} else if len([]rune(in.Title)) > 500 {
		v.add("title", "too_long", "title is longer than 500 characters")
	}
	if in.Currency == "" {
		in.Currency = DefaultCurrency
	}
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if _, ok := CurrencyDigits(in.Currency); !ok {
		v.add("currency", "unknown_currency", "%q is not an ISO 4217 currency", in.Currency)
	}
	if in.Amount < 0 {
		v.add("amount", "negative", "amount cannot be negative")
	}
	if in.Probability != nil && (*in.Probability < 0 || *in.Probability > 100) {
		v.add("probability", "out_of_range", "probability must be between 0 and 100")
	}
	if in.CloseDate != "" {
		if _, err := time.Parse("2006-01-02", in.CloseDate); err != nil {
			v.add("close_date", "invalid_date", "%q is not a date (YYYY-MM-DD)", in.CloseDate)
		}
	}
	if in.Source == "" {
		in.Source = SourceManual
	}
	if !in.Source.Valid() {
		v.add("source", "invalid_source", "source must be manual, email, call or import")
	}
}

// checkLostReason: a deal closed as lost needs a reason; any other keeps none.
func (in *DealInput) checkLostReason(v *validator, stage Stage) {
	in.LostReason = strings.TrimSpace(CleanText(in.LostReason))
	if stage.Semantics == StatusLost && in.LostReason == "" {
		v.add("lost_reason", "required", "a lost deal needs a reason")
	}
	if stage.Semantics != StatusLost {
		in.LostReason = ""
	}
}

// validateDeal checks a deal input against the database, filling defaults.
func (tx *wtx) validateDeal(in *DealInput, actor Employee) (Stage, error) {
	var v validator
	in.checkFields(&v)
	if in.PipelineID == 0 {
		if err := tx.queryRow(`SELECT id FROM pipelines ORDER BY position, id LIMIT 1`).Scan(&in.PipelineID); err != nil {
			return Stage{}, fmt.Errorf("no pipeline: %w", err)
		}
	}
	var stage Stage
	if in.StageID == 0 {
		err := tx.queryRow(`SELECT id FROM stages WHERE pipeline_id = ? AND semantics = 'open' ORDER BY position LIMIT 1`, in.PipelineID).Scan(&in.StageID)
		if err != nil {
			v.add("pipeline", "unknown_pipeline", "pipeline %d does not exist or has no open stage", in.PipelineID)
		}
	}
	if in.StageID != 0 {
		st, err := tx.stage(in.StageID)
		switch {
		case errors.Is(err, ErrNotFound):
			v.add("stage", "unknown_stage", "stage %d does not exist", in.StageID)
		case err != nil:
			return Stage{}, err
		case st.PipelineID != in.PipelineID:
			v.add("stage", "wrong_pipeline", "stage %q belongs to another pipeline", st.Name)
		default:
			stage = st
		}
	}
	in.checkLostReason(&v, stage)
	if in.ResponsibleID == 0 {
		in.ResponsibleID = actor.ID
	}
	var active bool
	if err := tx.queryRow(`SELECT active FROM employees WHERE id = ?`, in.ResponsibleID).Scan(&active); err != nil || !active {
		v.add("responsible", "unknown_employee", "the responsible must be an active employee")
	}
	obs := in.Observers[:0:0]
	for _, o := range in.Observers {
		if o == in.ResponsibleID || slices.Contains(obs, o) {
			continue
		}
		if ok, err := tx.employeeExists(o); err != nil {
			return Stage{}, err
		} else if !ok {
			v.add("observers", "unknown_employee", "employee %d does not exist", o)
			continue
		}
		obs = append(obs, o)
	}
	slices.Sort(obs)
	in.Observers = obs
	if in.ContactID != 0 {
		var x int
		if err := tx.queryRow(`SELECT 1 FROM contacts WHERE id = ?`, in.ContactID).Scan(&x); err != nil {
			v.add("contact", "unknown_contact", "contact %d does not exist", in.ContactID)
		}
	}
	if in.CompanyID != 0 {
		var x int
		if err := tx.queryRow(`SELECT 1 FROM companies WHERE id = ?`, in.CompanyID).Scan(&x); err != nil {
			v.add("company", "unknown_company", "company %d does not exist", in.CompanyID)
		}
	}
	if in.Custom == nil {
		in.Custom = map[string]string{}
	}
	if err := tx.validateCustom(&v, EntityDeal, in.Custom); err != nil {
		return Stage{}, err
	}
	return stage, v.err()
}

// CreateDeal adds a deal. Any active employee may; the creation is the first
// entry of its timeline.
func (s *Store) CreateDeal(ctx context.Context, actor int64, in DealInput) (Deal, error) {
	var id int64
	err := s.writeTx(ctx, func(tx *wtx) error {
		var err error
		id, err = tx.createDeal(actor, in)
		return err
	})
	if err != nil {
		return Deal{}, fmt.Errorf("create deal: %w", err)
	}
	return loadDeal(ctx, s.r, id)
}

func (tx *wtx) createDeal(actorID int64, in DealInput) (int64, error) {
	actor, err := tx.actor(actorID)
	if err != nil {
		return 0, err
	}
	stage, err := tx.validateDeal(&in, actor)
	if err != nil {
		return 0, err
	}
	now := tx.s.now()
	var closed any
	if stage.Final() {
		closed = now
	}
	res, err := tx.exec(`INSERT INTO deals (title, pipeline_id, stage_id, contact_id, company_id, responsible_id, amount, currency,
		probability, close_date, source, closed_at, lost_reason, author_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.Title, in.PipelineID, in.StageID, nullID(in.ContactID), nullID(in.CompanyID), in.ResponsibleID, in.Amount, in.Currency,
		in.Probability, nullString(in.CloseDate), in.Source, closed, in.LostReason, actor.ID, now, now)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	for _, o := range in.Observers {
		if _, err := tx.exec(`INSERT INTO deal_observers (deal_id, employee_id) VALUES (?, ?)`, id, o); err != nil {
			return 0, err
		}
	}
	if err := tx.writeCustom(EntityDeal, id, in.Custom); err != nil {
		return 0, err
	}
	if err := tx.addEntry(id, actor.ID, EntryCreated, "", CreatedData{Stage: stage.Name, Source: in.Source}); err != nil {
		return 0, err
	}
	tx.changed(KindDeal, id)
	return id, tx.indexDeal(id)
}

// UpdateDeal saves a deal's fields. The responsible, a manager or an admin
// may; an observer may not. Every changed field, and a stage move, is written
// to the timeline in the same transaction.
func (s *Store) UpdateDeal(ctx context.Context, actor, id int64, in DealInput) (Deal, error) {
	err := s.writeTx(ctx, func(tx *wtx) error {
		return tx.updateDeal(actor, id, in)
	})
	if err != nil {
		return Deal{}, fmt.Errorf("update deal %d: %w", id, err)
	}
	return loadDeal(ctx, s.r, id)
}

// editableDeal loads a deal for writing and checks the actor may edit it.
func (tx *wtx) editableDeal(actorID, id int64) (Employee, Deal, error) {
	actor, err := tx.actor(actorID)
	if err != nil {
		return actor, Deal{}, err
	}
	old, err := loadDeal(tx.ctx, tx, id)
	if err != nil {
		return actor, old, err
	}
	switch dealAccess(actor, old.ResponsibleID, old.Observers) {
	case NoAccess:
		return actor, old, ErrNotFound
	case ReadAccess:
		return actor, old, fmt.Errorf("%s observes this deal and cannot edit it: %w", actor.Email, ErrForbidden)
	}
	return actor, old, nil
}

func (tx *wtx) updateDeal(actorID, id int64, in DealInput) error {
	actor, old, err := tx.editableDeal(actorID, id)
	if err != nil {
		return err
	}
	if in.PipelineID == 0 {
		in.PipelineID = old.PipelineID
	}
	if in.StageID == 0 && in.PipelineID == old.PipelineID {
		in.StageID = old.StageID
	}
	if old.HasLines {
		in.Amount, in.Currency = old.Amount, old.Currency // the lines own the amount
	}
	stage, err := tx.validateDeal(&in, actor)
	if err != nil {
		return err
	}
	now := tx.s.now()
	// The stage (with closed_at and lost_reason) changes in moveStage, so that
	// a move writes its own timeline entry; a lost deal that stays lost may
	// have its reason corrected here.
	lostReason := old.LostReason
	if in.StageID == old.StageID && stage.Semantics == StatusLost {
		lostReason = in.LostReason
	}
	if _, err := tx.exec(`UPDATE deals SET title = ?, pipeline_id = ?, contact_id = ?, company_id = ?, responsible_id = ?, amount = ?,
		currency = ?, probability = ?, close_date = ?, source = ?, lost_reason = ?, updated_at = ? WHERE id = ?`,
		in.Title, in.PipelineID, nullID(in.ContactID), nullID(in.CompanyID), in.ResponsibleID, in.Amount,
		in.Currency, in.Probability, nullString(in.CloseDate), in.Source, lostReason, now, id); err != nil {
		return err
	}
	if !slices.Equal(old.Observers, in.Observers) {
		if _, err := tx.exec(`DELETE FROM deal_observers WHERE deal_id = ?`, id); err != nil {
			return err
		}
		for _, o := range in.Observers {
			if _, err := tx.exec(`INSERT INTO deal_observers (deal_id, employee_id) VALUES (?, ?)`, id, o); err != nil {
				return err
			}
		}
	}
	if err := tx.writeCustom(EntityDeal, id, in.Custom); err != nil {
		return err
	}
	if err := tx.auditFields(actor.ID, old, in); err != nil {
		return err
	}
	if in.StageID != old.StageID {
		if err := tx.moveStage(actor.ID, old, stage, in.LostReason); err != nil {
			return err
		}
	}
	tx.changed(KindDeal, id)
	return tx.indexDeal(id)
}

// auditFields writes one "field" timeline entry per changed field, with the
// old and new values as a person reads them.
func (tx *wtx) auditFields(author int64, old Deal, in DealInput) error {
	type change struct{ field, from, to string }
	var cs []change
	add := func(field, from, to string) {
		if from != to {
			cs = append(cs, change{field, from, to})
		}
	}
	add("title", old.Title, in.Title)
	if in.PipelineID != old.PipelineID {
		add("pipeline", old.PipelineName, tx.name("pipelines", in.PipelineID))
	}
	if in.StageID == old.StageID {
		add("lost_reason", old.LostReason, in.LostReason)
	}
	add("contact", old.ContactName, tx.name("contacts", in.ContactID))
	add("company", old.CompanyName, tx.name("companies", in.CompanyID))
	add("responsible", old.Responsible, tx.name("employees", in.ResponsibleID))
	add("amount", Money{old.Amount, old.Currency}.String(), Money{in.Amount, in.Currency}.String())
	add("probability", probText(old.Probability), probText(in.Probability))
	add("close_date", old.CloseDate, in.CloseDate)
	add("source", string(old.Source), string(in.Source))
	if !slices.Equal(old.Observers, in.Observers) {
		add("observers", tx.names(old.Observers), tx.names(in.Observers))
	}
	keys := slices.Sorted(maps.Keys(in.Custom))
	for k := range old.Custom {
		if _, ok := in.Custom[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		add("custom."+k, old.Custom[k], in.Custom[k])
	}
	for _, c := range cs {
		if err := tx.addEntry(old.ID, author, EntryField, "", FieldData{Field: c.field, Old: c.from, New: c.to}); err != nil {
			return err
		}
	}
	return nil
}

func probText(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p) + " %"
}

func (tx *wtx) name(table string, id int64) string {
	if id == 0 {
		return ""
	}
	var n string
	_ = tx.queryRow(`SELECT name FROM `+table+` WHERE id = ?`, id).Scan(&n)
	return n
}

func (tx *wtx) names(ids []int64) string {
	ns := make([]string, len(ids))
	for i, id := range ids {
		ns[i] = tx.name("employees", id)
	}
	return strings.Join(ns, ", ")
}

// MoveDeal moves a deal to a stage of its pipeline. Moving to a won or lost
// stage closes the deal (a lost one needs a reason); moving a closed deal to
// an open stage reopens it. The deal's own probability is kept.
func (s *Store) MoveDeal(ctx context.Context, actor, id, stageID int64, lostReason string) (Deal, error) {
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, old, err := tx.editableDeal(actor, id)
		if err != nil {
			return err
		}
		st, err := tx.stage(stageID)
		if errors.Is(err, ErrNotFound) || (err == nil && st.PipelineID != old.PipelineID) {
			return &ValidationError{Fields: []FieldError{{Field: "stage", Code: "wrong_pipeline", Message: "the stage is not in this deal's pipeline"}}}
		}
		if err != nil {
			return err
		}
		lostReason = strings.TrimSpace(lostReason)
		if st.Semantics == StatusLost && lostReason == "" {
			return &ValidationError{Fields: []FieldError{{Field: "lost_reason", Code: "required", Message: "a lost deal needs a reason"}}}
		}
		if st.ID == old.StageID {
			return nil
		}
		if err := tx.moveStage(a.ID, old, st, lostReason); err != nil {
			return err
		}
		tx.changed(KindDeal, id)
		return nil
	})
	if err != nil {
		return Deal{}, fmt.Errorf("move deal %d: %w", id, err)
	}
	return loadDeal(ctx, s.r, id)
}

// moveStage writes a stage change and its timeline entries.
func (tx *wtx) moveStage(author int64, old Deal, to Stage, lostReason string) error {
	now := tx.s.now()
	var closed any
	kind := EntryStage
	switch {
	case to.Final():
		closed = now
		kind = EntryWon
		if to.Semantics == StatusLost {
			kind = EntryLost
		}
	case old.Status != StatusOpen:
		kind = EntryReopened
	}
	if to.Semantics != StatusLost {
		lostReason = ""
	}
	reached, err := tx.passStage(old, to) // how far it got, for the funnel (stagemoves.go)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE deals SET stage_id = ?, closed_at = ?, lost_reason = ?, updated_at = ?, reached_stage_id = ? WHERE id = ?`,
		to.ID, closed, lostReason, now, reached, old.ID); err != nil {
		return err
	}
	return tx.addEntry(old.ID, author, kind, lostReason, stageMoveData(old.StageName, old.StageID, to, lostReason))
}

// DeleteDeal removes a deal from every list; its data stays in the file (a
// reply to it starts a new deal). Managers, admins and the responsible may.
// It goes to the trash for TrashDays, whole (trash.go, which says who may
// delete a won deal with an issued invoice).
func (s *Store) DeleteDeal(ctx context.Context, actor, id int64) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		return tx.trashLiveDeal(actor, id)
	})
	if err != nil {
		return fmt.Errorf("delete deal %d: %w", id, err)
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
