package data

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The deal list's and the board's filter is one type, DealFilter: its
// first fields (pipeline, stage, status, responsible, mine, search, sort)
// are the list's own; DealConditions, embedded in it, are the conditions a
// person adds (amount, dates, source, overdue activity, custom fields) and
// saves with a name (savedfilters.go). The same conditions read the list
// (DealList), the board (Board with BoardOptions.Filter), the count and ids
// of "select all N matching" (DealCount, DealIDs) and the bulk actions'
// selection.
//
// How a page stays fast on 100,000 deals: a condition on a custom field
// first counts its matches in an index of custom_values (migration 0015),
// stopping at driverLimit. Few matches: those deals are read by id and
// sorted (a few thousand at most). Many: the list walks its sort order as
// without a filter and checks each deal in custom_values' primary key; as
// at least driverLimit deals match, a page is found after reading about
// limit × deals / driverLimit of them. A search is the same: its ids drive.

// DealConditions narrow the deal list and the board beyond the list's own
// filters. The zero value matches every deal.
type DealConditions struct {
	AmountMin *int64 // minor units, inclusive; nil: no bound
	AmountMax *int64
	Currency  string // ISO 4217; "": any
	// CloseFrom and CloseTo bound the expected close date (YYYY-MM-DD,
	// inclusive; "": open). A deal without one does not match a bound.
	CloseFrom string
	CloseTo   string
	// CreatedFrom and CreatedTo bound the day the deal was created, in the
	// business's time zone (YYYY-MM-DD, inclusive).
	CreatedFrom string
	CreatedTo   string
	Source      Source // "": any
	// Overdue keeps the deals with an open activity past due.
	Overdue bool
	// Custom are conditions on custom fields, all of which must hold.
	Custom []CustomCondition
}

// CustomCondition is a condition on one custom field of deals, by its
// type: a range for a number or money field (Min, Max: decimal numbers; a
// money field compares its amount, whatever its currency), a date range for
// a date field (YYYY-MM-DD, inclusive), one of Values for a list field, yes
// or no for a yes/no field (Yes; a deal that never set it is a no), and a
// text field containing Values[0] (case-insensitive).
type CustomCondition struct {
	Key    string   `json:"key"`
	Min    string   `json:"min,omitempty"`
	Max    string   `json:"max,omitempty"`
	Values []string `json:"values,omitempty"`
	Yes    *bool    `json:"yes,omitempty"`
}

// Any reports whether any condition is set.
func (c DealConditions) Any() bool {
	return c.AmountMin != nil || c.AmountMax != nil || c.Currency != "" || c.CloseFrom != "" || c.CloseTo != "" ||
		c.CreatedFrom != "" || c.CreatedTo != "" || c.Source != "" || c.Overdue || len(c.Custom) > 0
}

// narrows reports whether the filter keeps fewer deals than a pipeline's
// board shows: conditions, a search, a responsible, a stage or a status.
func (f DealFilter) narrows() bool {
	return f.DealConditions.Any() || strings.TrimSpace(f.Search) != "" || f.ResponsibleID != 0 || f.StageID != 0 || f.Status != ""
}

// Same reports whether two filters select and sort the same deals.
func (f DealFilter) Same(g DealFilter) bool {
	if len(f.Custom) == 0 && len(g.Custom) == 0 {
		f.Custom, g.Custom = nil, nil
	}
	return reflect.DeepEqual(f, g)
}

// driverLimit is the number of matches under which a condition's deals are
// read by id and sorted, rather than found by walking the sort order.
const driverLimit = 5000

// driverOverride replaces driverLimit when not 0 (tests, to read both ways
// on a few deals; either way reads the same deals).
var driverOverride atomic.Int64

// driverLimit is driverLimit, or a test's.
func (s *Store) driverLimit() int {
	if n := driverOverride.Load(); n > 0 {
		return int(n)
	}
	return driverLimit
}

// dealQuery is the FROM and WHERE of a filtered read of deals (d).
type dealQuery struct {
	from  string // "deals d", or a driver's ids joined to deals
	args  []any  // the from's arguments, then the conditions'
	conds []string
	none  bool // a driver matched nothing: no deal matches
}

func (q *dealQuery) where(cond string, args ...any) {
	q.conds = append(q.conds, cond)
	q.args = append(q.args, args...)
}

func (q *dealQuery) whereSQL() string {
	if len(q.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.conds, " AND ")
}

// driver is a set of deal ids that may drive a read, and its size.
type driver struct {
	count int    // matches, at most driverLimit+1
	sql   string // the ids' query (custom field) or "" for ids
	args  []any
	ids   []int64 // a search's
	cond  string  // the condition when it does not drive
	cargs []any
}

// buildDealQuery turns a filter into the FROM and WHERE that read the
// deals the employee may see: conditions are checked, with field errors
// (ValidationError) for values that are not what their field holds.
func (s *Store) buildDealQuery(ctx context.Context, q querier, me Employee, f DealFilter) (dealQuery, error) {
	var v validator
	dq := dealQuery{from: "deals d"}
	var drivers []driver
	if f.PipelineID != 0 {
		dq.where("d.pipeline_id = ?", f.PipelineID)
	}
	if f.StageID != 0 {
		dq.where("d.stage_id = ?", f.StageID)
	}
	if f.Status != "" {
		dq.where("+d.stage_id IN (SELECT id FROM stages WHERE semantics = ?)", f.Status)
	}
	if f.ResponsibleID != 0 {
		dq.where("d.responsible_id = ?", f.ResponsibleID)
	}
	c := f.DealConditions
	if c.AmountMin != nil {
		dq.where("d.amount >= ?", *c.AmountMin)
	}
	if c.AmountMax != nil {
		dq.where("d.amount <= ?", *c.AmountMax)
	}
	if c.AmountMin != nil && c.AmountMax != nil && *c.AmountMin > *c.AmountMax {
		v.add("amount", "empty_range", "the smallest amount is larger than the largest")
	}
	if c.Currency != "" {
		dq.where("d.currency = ?", strings.ToUpper(strings.TrimSpace(c.Currency)))
	}
	for _, b := range []struct {
		field, value, op string
	}{{"close_from", c.CloseFrom, ">="}, {"close_to", c.CloseTo, "<="}} {
		if b.value == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, b.value); err != nil {
			v.add(b.field, "invalid_date", "%q is not a date (YYYY-MM-DD)", b.value)
			continue
		}
		dq.where("d.close_date "+b.op+" ?", b.value)
	}
	if c.CreatedFrom != "" || c.CreatedTo != "" {
		loc, err := s.location(ctx)
		if err != nil {
			return dq, err
		}
		if c.CreatedFrom != "" {
			if day, err := time.ParseInLocation(time.DateOnly, c.CreatedFrom, loc); err != nil {
				v.add("created_from", "invalid_date", "%q is not a date (YYYY-MM-DD)", c.CreatedFrom)
			} else {
				dq.where("d.created_at >= ?", fmtTime(day))
			}
		}
		if c.CreatedTo != "" {
			if day, err := time.ParseInLocation(time.DateOnly, c.CreatedTo, loc); err != nil {
				v.add("created_to", "invalid_date", "%q is not a date (YYYY-MM-DD)", c.CreatedTo)
			} else {
				dq.where("d.created_at < ?", fmtTime(day.AddDate(0, 0, 1)))
			}
		}
	}
	if c.Source != "" {
		if !c.Source.Valid() {
			v.add("source", "invalid_source", "source must be manual, email, call or import")
		}
		dq.where("d.source = ?", c.Source)
	}
	if c.Overdue {
		dq.where("EXISTS (SELECT 1 FROM activities a WHERE a.deal_id = d.id AND a.done_at IS NULL AND a.due_at < ?)", s.now())
	}
	if len(c.Custom) > 0 {
		defs, err := loadFieldDefs(ctx, q, EntityDeal)
		if err != nil {
			return dq, err
		}
		for _, cc := range c.Custom {
			i := slices.IndexFunc(defs, func(d FieldDef) bool { return d.Key == cc.Key })
			if i < 0 {
				v.add("custom."+cc.Key, "unknown_field", "no custom field %q", cc.Key)
				continue
			}
			dr, ok, err := customDriver(ctx, q, &v, defs[i], cc, s.driverLimit())
			if err != nil {
				return dq, err
			}
			if ok {
				drivers = append(drivers, dr)
			}
		}
	}
	if err := v.err(); err != nil {
		return dq, err
	}
	if strings.TrimSpace(f.Search) != "" {
		ids, err := s.searchDealIDs(ctx, me, f.Search, s.driverLimit())
		if err != nil {
			return dq, err
		}
		js, _ := json.Marshal(nonNilIDs(ids))
		drivers = append(drivers, driver{count: len(ids), ids: ids,
			cond: "d.id IN (SELECT value FROM json_each(?))", cargs: []any{string(js)}})
	}
	// the most selective driver under the limit reads the deals by id; the
	// others are conditions
	best := -1
	for i, d := range drivers {
		if d.count <= s.driverLimit() && (best < 0 || d.count < drivers[best].count) {
			best = i
		}
	}
	for i, d := range drivers {
		if i != best {
			dq.where(d.cond, d.cargs...)
			continue
		}
		if d.count == 0 {
			dq.none = true
		}
		if d.ids != nil || d.sql == "" {
			js, _ := json.Marshal(nonNilIDs(d.ids))
			dq.from = "json_each(?) j CROSS JOIN deals d ON d.id = j.value"
			dq.args = append([]any{string(js)}, dq.args...)
			continue
		}
		dq.from = "(" + d.sql + ") j CROSS JOIN deals d ON d.id = j.record_id"
		dq.args = append(slices.Clone(d.args), dq.args...)
	}
	dq.where("d.deleted_at IS NULL")
	vis, vargs := visibility(me, f.OnlyMine)
	if vis != "" {
		dq.where(strings.TrimPrefix(vis, " AND "), vargs...)
	}
	return dq, nil
}

// customDriver turns a condition on a custom field into a driver: its
// matches counted in an index (up to driverLimit+1), the query of their
// ids, and the condition that checks one deal. ok is false when the
// condition holds for every deal (nothing set) or when it cannot drive
// (a "no"), which then comes back as a condition alone.
func customDriver(ctx context.Context, q querier, v *validator, def FieldDef, cc CustomCondition, limit int) (driver, bool, error) {
	field := "custom." + def.Key
	var expr string
	var args []any
	negate := false
	switch def.Type {
	case FieldNumber, FieldMoney:
		for _, b := range []struct {
			value, op string
		}{{cc.Min, ">="}, {cc.Max, "<="}} {
			if strings.TrimSpace(b.value) == "" {
				continue
			}
			n, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(strings.Fields(b.value)[0]), ",", "."), 64)
			if err != nil {
				v.add(field, FieldCodeNotNumber, "%s: %q is not a number", def.Label, b.value)
				return driver{}, false, nil
			}
			expr += " AND CAST(value AS REAL) " + b.op + " ?"
			args = append(args, n)
		}
	case FieldDate:
		for _, b := range []struct {
			value, op string
		}{{cc.Min, ">="}, {cc.Max, "<="}} {
			if b.value == "" {
				continue
			}
			if _, err := time.Parse(time.DateOnly, b.value); err != nil {
				v.add(field, FieldCodeNotDate, "%s: %q is not a date (YYYY-MM-DD)", def.Label, b.value)
				return driver{}, false, nil
			}
			expr += " AND value " + b.op + " ?"
			args = append(args, b.value)
		}
	case FieldList:
		var vals []any
		for _, val := range cc.Values {
			i := slices.IndexFunc(def.Options, func(o string) bool { return strings.EqualFold(o, strings.TrimSpace(val)) })
			if i < 0 {
				v.add(field, FieldCodeNotAnOption, "%s: %q is not one of %s", def.Label, val, strings.Join(def.Options, ", "))
				return driver{}, false, nil
			}
			vals = append(vals, def.Options[i])
		}
		if len(vals) > 0 {
			expr = " AND value IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ") + ")"
			args = vals
		}
	case FieldBool:
		if cc.Yes != nil {
			expr, args = " AND value = 'true'", nil
			negate = !*cc.Yes
		}
	case FieldText:
		if len(cc.Values) > 0 && strings.TrimSpace(cc.Values[0]) != "" {
			expr = ` AND value LIKE ? ESCAPE '\'`
			args = []any{"%" + likeEscape(strings.TrimSpace(cc.Values[0])) + "%"}
		}
	}
	if expr == "" {
		return driver{}, false, nil
	}
	sel := "SELECT record_id FROM custom_values WHERE field_id = ?" + expr
	sargs := append([]any{def.ID}, args...)
	// One deal's value, read by custom_values' primary key: the unary +
	// keeps SQLite from reading the field's whole range in an index by value
	// for each deal instead.
	check := "EXISTS (SELECT 1 FROM custom_values v WHERE v.record_id = d.id AND +v.field_id = ?" + strings.ReplaceAll(expr, "value", "v.value") + ")"
	if negate {
		return driver{count: limit + 1, cond: "NOT " + check, cargs: sargs}, true, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM ("+sel+" LIMIT ?)", append(slices.Clone(sargs), limit+1)...).Scan(&n); err != nil {
		return driver{}, false, err
	}
	return driver{count: n, sql: sel, args: sargs, cond: check, cargs: sargs}, true, nil
}

// likeEscape escapes LIKE's wildcards.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// dealListFiltered is DealList for a filter with conditions: one statement
// over the FROM and WHERE of buildDealQuery, sorted, after the cursor.
func (s *Store) dealListFiltered(ctx context.Context, me Employee, f DealFilter, expr string, after *ListCursorValue, limit int) ([]ListRow, error) {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("deal list: %w", err)
	}
	defer tx.Rollback()
	dq, err := s.buildDealQuery(ctx, tx, me, f)
	if err != nil || dq.none {
		return nil, err
	}
	dir, cmp := "ASC", ">"
	if f.Descending {
		dir, cmp = "DESC", "<"
	}
	if after != nil {
		dq.where(expr+" "+cmp+"= ?", after.Key)
		dq.where("("+expr+", d.id) "+cmp+" (?, ?)", after.Key, after.ID)
	}
	q := listSelect(expr, dq.from) + dq.whereSQL() + ` ORDER BY ` + expr + ` ` + dir + `, d.id ` + dir + ` LIMIT ?`
	return queryList(ctx, tx, q, append(dq.args, limit)...)
}

// DealCount counts the deals a filter matches that the employee may see.
func (s *Store) DealCount(ctx context.Context, actor int64, f DealFilter) (int, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return 0, fmt.Errorf("deal count: %w", err)
	}
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("deal count: %w", err)
	}
	defer tx.Rollback()
	dq, err := s.buildDealQuery(ctx, tx, me, f)
	if err != nil || dq.none {
		return 0, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+dq.from+dq.whereSQL(), dq.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("deal count: %w", err)
	}
	return n, nil
}

// DealIDs returns the ids of the deals a filter matches that the employee
// may see, ascending, at most max: "select all N matching" of the list.
func (s *Store) DealIDs(ctx context.Context, actor int64, f DealFilter, max int) ([]int64, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("deal ids: %w", err)
	}
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("deal ids: %w", err)
	}
	defer tx.Rollback()
	dq, err := s.buildDealQuery(ctx, tx, me, f)
	if err != nil || dq.none {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT d.id FROM `+dq.from+dq.whereSQL()+` ORDER BY d.id LIMIT ?`, append(dq.args, max)...)
	if err != nil {
		return nil, fmt.Errorf("deal ids: %w", err)
	}
	return scanIDs(rows)
}

// filteredBoard is Board for a filter with conditions: per stage, the
// count and totals of the matching deals and their first cards.
func (s *Store) filteredBoard(ctx context.Context, me Employee, p Pipeline, f DealFilter, cards int) ([]Column, error) {
	f.PipelineID, f.StageID = p.ID, 0
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	dq, err := s.buildDealQuery(ctx, tx, me, f)
	if err != nil {
		return nil, err
	}
	totals := map[int64]*Column{}
	if !dq.none {
		rows, err := tx.QueryContext(ctx, `SELECT d.stage_id, d.currency, count(*), sum(d.amount) FROM `+dq.from+dq.whereSQL()+`
			GROUP BY d.stage_id, d.currency ORDER BY d.stage_id, 4 DESC`, dq.args...)
		if err != nil {
			return nil, err
		}
		if totals, err = scanStageTotals(rows); err != nil {
			return nil, err
		}
	}
	cols := make([]Column, len(p.Stages))
	for i, st := range p.Stages {
		cols[i].Stage = st
		c := totals[st.ID]
		if c == nil {
			continue
		}
		cols[i].Count, cols[i].Totals = c.Count, c.Totals
		if cols[i].Cards, err = s.stageCards(ctx, tx, me, f, st.ID, CardCursor{}, cards); err != nil {
			return nil, err
		}
	}
	return cols, nil
}

// stageCards are the cards of one stage a filter matches, most recently
// updated first, after the cursor.
func (s *Store) stageCards(ctx context.Context, q querier, me Employee, f DealFilter, stageID int64, after CardCursor, limit int) ([]Card, error) {
	f.StageID, f.Sort, f.Descending = stageID, SortUpdated, true
	dq, err := s.buildDealQuery(ctx, q, me, f)
	if err != nil || dq.none {
		return nil, err
	}
	if !after.UpdatedAt.IsZero() {
		dq.where("(d.updated_at, d.id) < (?, ?)", fmtTime(after.UpdatedAt), after.ID)
	}
	rows, err := q.QueryContext(ctx, cardSelectFrom(dq.from)+dq.whereSQL()+` ORDER BY d.updated_at DESC, d.id DESC LIMIT ?`, append(dq.args, limit)...)
	if err != nil {
		return nil, err
	}
	return scanCards(rows)
}

// cardSelectFrom is cardSelect over another FROM of deals d.
func cardSelectFrom(from string) string {
	return strings.Replace(cardSelect, "FROM deals d", "FROM "+from, 1)
}

// FilteredColumnCards is ColumnCards for a filter with conditions: the
// board loads more cards of a filtered column as it scrolls.
func (s *Store) FilteredColumnCards(ctx context.Context, actor, stageID int64, f DealFilter, after CardCursor, limit int) ([]Card, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("cards of stage %d: %w", stageID, err)
	}
	cards, err := s.stageCards(ctx, s.r, me, f, stageID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("cards of stage %d: %w", stageID, err)
	}
	return cards, nil
}
