package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Card is a deal as the board and lists show it.
type Card struct {
	ID          int64
	Title       string
	StageID     int64
	Client      string
	Amount      int64
	Currency    string
	Responsible string
	UpdatedAt   time.Time
	// NextActivity is the due time of the earliest open activity, or zero.
	NextActivity time.Time
}

// Overdue reports whether the card's next activity is past due at now.
func (c Card) Overdue(now time.Time) bool {
	return !c.NextActivity.IsZero() && c.NextActivity.Before(now)
}

// Total is a sum of money in one currency.
type Total struct {
	Currency string
	Amount   int64
}

// Column is one stage of the board.
type Column struct {
	Stage  Stage
	Count  int
	Totals []Total // one per currency, largest first
	Cards  []Card  // the first cards, most recently updated first
}

// CardCursor is a keyset position in a board column or list.
type CardCursor struct {
	UpdatedAt time.Time
	ID        int64
}

// BoardOptions narrow the board.
type BoardOptions struct {
	OnlyMine bool // only deals the actor is responsible for
	Cards    int  // cards per column; 0 means 50
	// Filter, when it narrows (conditions, a search, a responsible), makes
	// the board the deals it matches: counts and totals are then counted
	// (dealfilter.go).
	Filter DealFilter
}

// Board returns a pipeline's columns: per stage its deal count, amount totals
// and first cards. Totals come from per-stage sums kept on every write, so
// the board costs the same with 100 or 100,000 deals. A sales employee sees
// only the deals they are responsible for or observe.
func (s *Store) Board(ctx context.Context, actor, pipelineID int64, opt BoardOptions) ([]Column, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("board: %w", err)
	}
	p, err := s.pipeline(ctx, pipelineID)
	if err != nil {
		return nil, fmt.Errorf("board: %w", err)
	}
	if opt.Cards <= 0 {
		opt.Cards = 50
	}
	if opt.Filter.narrows() {
		f := opt.Filter
		f.OnlyMine = f.OnlyMine || opt.OnlyMine
		cols, err := s.filteredBoard(ctx, me, p, f, opt.Cards)
		if err != nil {
			return nil, fmt.Errorf("board: %w", err)
		}
		return cols, nil
	}
	restricted := opt.OnlyMine || !me.SeesAll()
	var totals map[int64]*Column
	if restricted {
		totals, err = s.restrictedTotals(ctx, me, opt.OnlyMine)
	} else {
		totals, err = s.pipelineTotals(ctx, p.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("board: %w", err)
	}
	var cards map[int64][]Card
	if !restricted {
		if cards, err = s.firstCards(ctx, p, opt.Cards); err != nil {
			return nil, fmt.Errorf("board: %w", err)
		}
	}
	cols := make([]Column, len(p.Stages))
	for i, st := range p.Stages {
		cols[i].Stage = st
		if c := totals[st.ID]; c != nil {
			cols[i].Count, cols[i].Totals = c.Count, c.Totals
		}
		if !restricted {
			cols[i].Cards = cards[st.ID]
			continue
		}
		cols[i].Cards, err = s.columnCards(ctx, me, st.ID, opt.OnlyMine, CardCursor{}, opt.Cards)
		if err != nil {
			return nil, fmt.Errorf("board: %w", err)
		}
	}
	return cols, nil
}

// pipelineTotals reads the per-stage sums the triggers keep.
func (s *Store) pipelineTotals(ctx context.Context, pipelineID int64) (map[int64]*Column, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT t.stage_id, t.currency, t.count, t.amount FROM stage_totals t
		JOIN stages s ON s.id = t.stage_id WHERE s.pipeline_id = ? AND t.count > 0 ORDER BY t.stage_id, t.amount DESC`, pipelineID)
	if err != nil {
		return nil, err
	}
	return scanStageTotals(rows)
}

// firstCards reads the first cards of every stage in one statement: one
// index range per stage, glued with UNION ALL.
func (s *Store) firstCards(ctx context.Context, p Pipeline, limit int) (map[int64][]Card, error) {
	parts := make([]string, len(p.Stages))
	args := make([]any, 0, 2*len(p.Stages))
	for i, st := range p.Stages {
		parts[i] = `SELECT * FROM (` + cardSelect + ` WHERE d.stage_id = ? AND d.deleted_at IS NULL
			ORDER BY d.updated_at DESC, d.id DESC LIMIT ?)`
		args = append(args, st.ID, limit)
	}
	rows, err := s.r.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, err
	}
	all, err := scanCards(rows)
	if err != nil {
		return nil, err
	}
	out := map[int64][]Card{}
	for _, c := range all {
		out[c.StageID] = append(out[c.StageID], c)
	}
	return out, nil
}

// restrictedTotals counts, per stage, the deals an employee is responsible
// for (and, unless onlyMine, observes), from the deals_responsible index.
func (s *Store) restrictedTotals(ctx context.Context, me Employee, onlyMine bool) (map[int64]*Column, error) {
	q := `SELECT stage_id, currency, amount FROM deals WHERE responsible_id = ?1 AND deleted_at IS NULL`
	if !onlyMine {
		q += ` UNION ALL SELECT d.stage_id, d.currency, d.amount FROM deal_observers o CROSS JOIN deals d ON d.id = o.deal_id
			WHERE o.employee_id = ?1 AND d.responsible_id <> ?1 AND d.deleted_at IS NULL`
	}
	rows, err := s.r.QueryContext(ctx, `SELECT stage_id, currency, count(*), sum(amount) FROM (`+q+`)
		GROUP BY stage_id, currency ORDER BY stage_id, 4 DESC`, me.ID)
	if err != nil {
		return nil, err
	}
	return scanStageTotals(rows)
}

// scanStageTotals reads rows of (stage, currency, count, amount), largest
// amount first within a stage.
func scanStageTotals(rows *sql.Rows) (map[int64]*Column, error) {
	defer rows.Close()
	out := map[int64]*Column{}
	for rows.Next() {
		var stage int64
		var t Total
		var n int
		if err := rows.Scan(&stage, &t.Currency, &n, &t.Amount); err != nil {
			return nil, err
		}
		c := out[stage]
		if c == nil {
			c = &Column{}
			out[stage] = c
		}
		c.Count += n
		c.Totals = append(c.Totals, t)
	}
	return out, rows.Err()
}

const cardSelect = `SELECT d.id, d.title, d.stage_id, coalesce(c.name, co.name, ''), d.amount, d.currency, e.name, d.updated_at,
	(SELECT min(a.due_at) FROM activities a WHERE a.deal_id = d.id AND a.done_at IS NULL)
	FROM deals d JOIN employees e ON e.id = d.responsible_id
	LEFT JOIN contacts c ON c.id = d.contact_id LEFT JOIN companies co ON co.id = d.company_id`

func scanCards(rows *sql.Rows) ([]Card, error) {
	defer rows.Close()
	var out []Card
	for rows.Next() {
		var c Card
		var updated string
		var next sql.NullString
		if err := rows.Scan(&c.ID, &c.Title, &c.StageID, &c.Client, &c.Amount, &c.Currency, &c.Responsible, &updated, &next); err != nil {
			return nil, err
		}
		c.UpdatedAt, c.NextActivity = parseTime(updated), nullTime(next)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ColumnCards returns the cards of one stage after the cursor, most recently
// updated first, that the employee may see: the board loads more as a
// column scrolls.
func (s *Store) ColumnCards(ctx context.Context, actor, stageID int64, onlyMine bool, after CardCursor, limit int) ([]Card, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("cards of stage %d: %w", stageID, err)
	}
	return s.columnCards(ctx, me, stageID, onlyMine, after, limit)
}

func (s *Store) columnCards(ctx context.Context, me Employee, stageID int64, onlyMine bool, after CardCursor, limit int) ([]Card, error) {
	at, id := "9999", int64(1<<62-1)
	if !after.UpdatedAt.IsZero() {
		at, id = fmtTime(after.UpdatedAt), after.ID
	}
	var rows *sql.Rows
	var err error
	if me.SeesAll() && !onlyMine {
		rows, err = s.r.QueryContext(ctx, cardSelect+` WHERE d.stage_id = ? AND d.deleted_at IS NULL AND (d.updated_at, d.id) < (?, ?)
			ORDER BY d.updated_at DESC, d.id DESC LIMIT ?`, stageID, at, id, limit)
	} else {
		// The employee's own deals come from the deals_responsible index in
		// order, the observed ones from deal_observers (CROSS JOIN keeps
		// SQLite from scanning the stage instead): no scan of the stage.
		q := `SELECT id FROM (SELECT id FROM deals WHERE responsible_id = ?1 AND stage_id = ?2 AND deleted_at IS NULL
			AND (updated_at, id) < (?3, ?4) ORDER BY updated_at DESC, id DESC LIMIT ?5)`
		if !onlyMine {
			q += ` UNION ALL SELECT d.id FROM deal_observers o CROSS JOIN deals d ON d.id = o.deal_id
				WHERE o.employee_id = ?1 AND d.responsible_id <> ?1 AND d.stage_id = ?2 AND d.deleted_at IS NULL
				AND (d.updated_at, d.id) < (?3, ?4)`
		}
		rows, err = s.r.QueryContext(ctx, cardSelect+` WHERE d.id IN (`+q+`) ORDER BY d.updated_at DESC, d.id DESC LIMIT ?5`,
			me.ID, stageID, at, id, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("cards of stage %d: %w", stageID, err)
	}
	cards, err := scanCards(rows)
	if err != nil {
		return nil, fmt.Errorf("cards of stage %d: %w", stageID, err)
	}
	return cards, nil
}

// visibility is the SQL condition for the deals an employee may see.
func visibility(me Employee, onlyMine bool) (string, []any) {
	switch {
	case onlyMine:
		return ` AND d.responsible_id = ?`, []any{me.ID}
	case me.SeesAll():
		return "", nil
	}
	return ` AND (d.responsible_id = ? OR d.id IN (SELECT deal_id FROM deal_observers WHERE employee_id = ?))`, []any{me.ID, me.ID}
}

// DealSort names a sortable column of the deal list.
type DealSort string

// Sortable columns.
const (
	SortUpdated     DealSort = "updated"
	SortTitle       DealSort = "title"
	SortAmount      DealSort = "amount"
	SortClient      DealSort = "client"
	SortStage       DealSort = "stage"
	SortResponsible DealSort = "responsible"
)

// sortExpr is each sort's key. client_name (the contact's name, else the
// company's, else empty) and responsible_name are copies the deal keeps
// (migration 0009), declared COLLATE NOCASE: a keyset condition on them seeks
// in their index, which it could not with a COLLATE written here.
var sortExpr = map[DealSort]string{
	SortUpdated:     "d.updated_at",
	SortTitle:       "d.title COLLATE NOCASE",
	SortAmount:      "d.amount",
	SortClient:      "d.client_name",
	SortStage:       "s.position",
	SortResponsible: "d.responsible_name",
}

// DealFilter narrows the deal list.
type DealFilter struct {
	PipelineID    int64
	StageID       int64
	Status        Semantics // "" for any
	ResponsibleID int64
	OnlyMine      bool
	Search        string
	Sort          DealSort // "" is SortUpdated
	Descending    bool
	// DealConditions are the conditions a person adds and saves
	// (dealfilter.go).
	DealConditions
}

// ListCursorValue is a keyset position in a sorted deal list: the sort key
// of the last row shown and its id.
type ListCursorValue struct {
	Key any
	ID  int64
}

// ListRow is one line of the deal list.
type ListRow struct {
	Card
	Stage   string
	SortKey any // pass back in the cursor to read the next page
}

// DealList returns up to limit deals matching the filter, sorted, after the
// cursor (nil: from the start). Pages are read by keyset, never by OFFSET.
func (s *Store) DealList(ctx context.Context, actor int64, f DealFilter, after *ListCursorValue, limit int) ([]ListRow, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("deal list: %w", err)
	}
	if f.Sort == "" {
		f.Sort, f.Descending = SortUpdated, true
	}
	expr, ok := sortExpr[f.Sort]
	if !ok {
		return nil, fmt.Errorf("deal list: unknown sort %q", f.Sort)
	}
	if f.DealConditions.Any() {
		return s.dealListFiltered(ctx, me, f, expr, after, limit)
	}
	if stageWalk[f.Sort] && strings.TrimSpace(f.Search) == "" {
		rows, done, err := s.dealListByStage(ctx, me, f, after, limit)
		if done || err != nil {
			return rows, err
		}
	}
	var conds []string
	var args []any
	conds = append(conds, "d.deleted_at IS NULL")
	if f.PipelineID != 0 {
		conds, args = append(conds, "d.pipeline_id = ?"), append(args, f.PipelineID)
	}
	if f.StageID != 0 {
		conds, args = append(conds, "d.stage_id = ?"), append(args, f.StageID)
	}
	if f.Status != "" {
		// The unary + keeps SQLite from reading each stage's index range and
		// sorting them all: walking the sort order's index and skipping the
		// other statuses finds a page after a few rows.
		conds, args = append(conds, "+d.stage_id IN (SELECT id FROM stages WHERE semantics = ?)"), append(args, f.Status)
	}
	if f.ResponsibleID != 0 {
		conds, args = append(conds, "d.responsible_id = ?"), append(args, f.ResponsibleID)
	}
	if strings.TrimSpace(f.Search) != "" {
		ids, err := s.searchDealIDs(ctx, me, f.Search, 5000)
		if err != nil {
			return nil, fmt.Errorf("deal list: %w", err)
		}
		if len(ids) == 0 {
			return nil, nil
		}
		js, _ := json.Marshal(ids)
		conds, args = append(conds, "d.id IN (SELECT value FROM json_each(?))"), append(args, string(js))
	}
	vis, vargs := visibility(me, f.OnlyMine)
	dir, cmp := "ASC", ">"
	if f.Descending {
		dir, cmp = "DESC", "<"
	}
	limitArg := "?"
	if f.Sort == SortUpdated && len(conds) == 1 && vis != "" {
		// An employee's own list by last update: their deals come in order
		// from deals_responsible_updated and the observed ones from
		// deal_observers, instead of filtering the whole list.
		var key any = "9999"
		var id int64 = 1<<62 - 1
		if !f.Descending {
			key, id = "", 0
		}
		if after != nil {
			key, id = after.Key, after.ID
		}
		own := `SELECT id FROM (SELECT id FROM deals WHERE responsible_id = ?1 AND deleted_at IS NULL
			AND (updated_at, id) ` + cmp + ` (?2, ?3) ORDER BY updated_at ` + dir + `, id ` + dir + ` LIMIT ?4)`
		if !f.OnlyMine {
			own += ` UNION ALL SELECT d2.id FROM deal_observers o CROSS JOIN deals d2 ON d2.id = o.deal_id
				WHERE o.employee_id = ?1 AND d2.responsible_id <> ?1 AND d2.deleted_at IS NULL AND (d2.updated_at, d2.id) ` + cmp + ` (?2, ?3)`
		}
		conds, args, vis, vargs = []string{"d.id IN (" + own + ")"}, []any{me.ID, key, id}, "", nil
		limitArg = "?4"
	} else if after != nil {
		// The key alone first: SQLite seeks in the sort's index with it,
		// which it does not with the row value when the key has a COLLATE.
		conds = append(conds, expr+" "+cmp+"= ?", "("+expr+", d.id) "+cmp+" (?, ?)")
		args = append(args, after.Key, after.Key, after.ID)
	}
	q := listSelect(expr, "deals d") + ` WHERE ` + strings.Join(conds, " AND ") + vis + `
		ORDER BY ` + expr + ` ` + dir + `, d.id ` + dir + ` LIMIT ` + limitArg
	return queryList(ctx, s.r, q, append(append(args, vargs...), limit)...)
}

// listSelect reads a deal list row from deals (its deals are d), with key
// as its sort key (the last column, the 11th).
func listSelect(key, deals string) string {
	return `SELECT d.id, d.title, d.stage_id, coalesce(c.name, co.name, ''), d.amount, d.currency, e.name, d.updated_at,
		(SELECT min(a.due_at) FROM activities a WHERE a.deal_id = d.id AND a.done_at IS NULL), s.name, ` + key + `
		FROM ` + deals + ` JOIN employees e ON e.id = d.responsible_id JOIN stages s ON s.id = d.stage_id
		LEFT JOIN contacts c ON c.id = d.contact_id LEFT JOIN companies co ON co.id = d.company_id`
}

func queryList(ctx context.Context, db querier, q string, args ...any) ([]ListRow, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("deal list: %w", err)
	}
	defer rows.Close()
	var out []ListRow
	for rows.Next() {
		var r ListRow
		var updated string
		var next sql.NullString
		if err := rows.Scan(&r.ID, &r.Title, &r.StageID, &r.Client, &r.Amount, &r.Currency, &r.Responsible, &updated, &next, &r.Stage, &r.SortKey); err != nil {
			return nil, fmt.Errorf("deal list: %w", err)
		}
		r.UpdatedAt, r.NextActivity = parseTime(updated), nullTime(next)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("deal list: %w", err)
	}
	return out, nil
}

// stageWalk are the sorts whose pages dealListByStage reads (a search's
// few thousand deals at most are sorted as the other sorts sort them).
var stageWalk = map[DealSort]bool{SortClient: true, SortResponsible: true, SortStage: true}

// stageIndex is the per-stage index each of those sorts walks (migration
// 0009), and the key it is in order of after the stage.
var stageIndex = map[DealSort]struct{ name, key string }{
	SortClient:      {"deals_stage_client", "d.client_name"},
	SortResponsible: {"deals_stage_responsible", "d.responsible_name"},
	// The stage's position, the same for all its deals. Read from the arm's
	// one stage row, SQLite knows it is constant; written as a number, it
	// would sort the stage.
	SortStage: {"deals_stage_id", "st.position"},
}

// dealListByStage reads a page of the list sorted by client, responsible or
// stage without sorting the matching deals. Each stage the filter allows (a
// deal's stage belongs to its pipeline, so a pipeline, a status or a stage
// is a set of stages) is one arm of a UNION ALL that reads that stage's range
// of a per-stage index, already in the sort order and holding every column
// the conditions need; SQLite merges the arms as it goes and stops at the
// limit, so a page reads about limit index entries per arm at most, and
// then the page's deals, in the merged order. The order is the one a full
// sort gives: key, then deal id. INDEXED BY holds each arm to its index:
// were SQLite to read a responsible's deals from deals_responsible instead,
// it would have to sort them, and if the index went missing the statement
// would fail rather than quietly sort. The stages and the page are read in
// one transaction, so they agree on the stages' positions.
// It reads nothing (done false) when the filter allows more stages than a
// statement can hold arms: the caller then sorts.
func (s *Store) dealListByStage(ctx context.Context, me Employee, f DealFilter, after *ListCursorValue, limit int) (rows []ListRow, done bool, err error) {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("deal list: %w", err)
	}
	defer tx.Rollback()
	q, args, err := dealListByStageQuery(ctx, tx, me, f, after, limit)
	switch {
	case errors.Is(err, errTooManyStages):
		return nil, false, nil
	case err != nil || q == "":
		return nil, true, err
	}
	rows, err = queryList(ctx, tx, q, args...)
	return rows, true, err
}

// maxStageArms bounds the arms of one statement (SQLite refuses a compound
// SELECT of more than 500). A variable for tests.
var maxStageArms = 200

var errTooManyStages = errors.New("too many stages for one statement")

// dealListByStageQuery builds dealListByStage's statement; "" when no stage
// can match.
func dealListByStageQuery(ctx context.Context, db querier, me Employee, f DealFilter, after *ListCursorValue, limit int) (string, []any, error) {
	stages, err := listStages(ctx, db, f)
	if err != nil {
		return "", nil, fmt.Errorf("deal list: %w", err)
	}
	if len(stages) > maxStageArms {
		return "", nil, errTooManyStages
	}
	idx := stageIndex[f.Sort]
	dir, cmp := "", ">"
	if f.Descending {
		dir, cmp = " DESC", "<"
	}
	// Conditions on the responsible, checked in the index (its last column).
	var conds []string
	var cargs []any
	if f.ResponsibleID != 0 {
		conds, cargs = append(conds, "d.responsible_id = ?"), append(cargs, f.ResponsibleID)
	}
	switch {
	case f.OnlyMine:
		conds, cargs = append(conds, "d.responsible_id = ?"), append(cargs, me.ID)
	case !me.SeesAll():
		conds = append(conds, "(d.responsible_id = ? OR d.id IN (SELECT deal_id FROM deal_observers WHERE employee_id = ?))")
		cargs = append(cargs, me.ID, me.ID)
	}
	if one := f.ResponsibleID; f.Sort == SortResponsible && (one != 0 || f.OnlyMine) {
		// One responsible: every row has their name, so the range of that
		// name is where to read (the condition holds for every row it keeps).
		if one == 0 {
			one = me.ID
		}
		conds, cargs = append(conds, "d.responsible_name = (SELECT name FROM employees WHERE id = ?)"), append(cargs, one)
	}
	from := "deals d INDEXED BY " + idx.name
	if f.Sort == SortStage {
		from = "stages st CROSS JOIN " + from
	}
	var arms []string
	var args []any
	for _, st := range stages {
		where := []string{"d.stage_id = ?", "d.deleted_at IS NULL"}
		args = append(args, st.id)
		if f.Sort == SortStage {
			where, args = append(where, "st.id = ?"), append(args, st.id)
			if after != nil {
				pos, err := cursorPosition(after.Key)
				if err != nil {
					return "", nil, fmt.Errorf("deal list: %w", err)
				}
				if pos == st.position {
					where, args = append(where, "d.id "+cmp+" ?"), append(args, after.ID)
				} else if (st.position < pos) != f.Descending {
					args = args[:len(args)-2]
					continue // the whole stage comes before the cursor
				}
			}
		} else if after != nil {
			where, args = append(where, "("+idx.key+", d.id) "+cmp+" (?, ?)"), append(args, after.Key, after.ID)
		}
		where = append(where, conds...)
		args = append(args, cargs...)
		arms = append(arms, `SELECT d.id, `+idx.key+` AS k FROM `+from+` WHERE `+strings.Join(where, " AND "))
	}
	if len(arms) == 0 {
		return "", nil, nil
	}
	page := strings.Join(arms, "\nUNION ALL\n") + "\nORDER BY 2" + dir + ", 1" + dir + " LIMIT ?"
	q := listSelect("p.k", "("+page+") p CROSS JOIN deals d ON d.id = p.id") + " ORDER BY p.k" + dir + ", p.id" + dir
	return q, append(args, limit), nil
}

type listStage struct {
	id       int64
	position int
}

// listStages are the stages a filter allows.
func listStages(ctx context.Context, db querier, f DealFilter) ([]listStage, error) {
	q := `SELECT id, position FROM stages WHERE 1`
	var args []any
	if f.PipelineID != 0 {
		q, args = q+` AND pipeline_id = ?`, append(args, f.PipelineID)
	}
	if f.StageID != 0 {
		q, args = q+` AND id = ?`, append(args, f.StageID)
	}
	if f.Status != "" {
		q, args = q+` AND semantics = ?`, append(args, f.Status)
	}
	rows, err := db.QueryContext(ctx, q+` ORDER BY position, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []listStage
	for rows.Next() {
		var st listStage
		if err := rows.Scan(&st.id, &st.position); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// cursorPosition reads a stage sort's cursor key: a stage position.
func cursorPosition(key any) (int, error) {
	switch k := key.(type) {
	case int64:
		return int(k), nil
	case int:
		return k, nil
	case float64:
		if k == float64(int(k)) {
			return int(k), nil
		}
	}
	return 0, fmt.Errorf("cursor key %v is not a stage position", key)
}
