package data

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Saved filters of the deal list and board: a filter (DealFilter) kept
// under a name by its owner, who may pin it (it then stands in the list's
// toolbar). An admin may share one with everyone: every employee then sees
// it, and may pin it for themselves, but only its owner (or an admin)
// changes or deletes it. The filter is stored as JSON with the keys of
// filterSpec, a contract like an export's: keys are only ever added.

// KindFilter names saved filters in change events.
const KindFilter Kind = "filter"

// SavedFilter is a filter kept under a name.
type SavedFilter struct {
	ID      int64      `json:"id"`
	OwnerID int64      `json:"owner_id"`
	Owner   string     `json:"owner"` // the owner's name
	Name    string     `json:"name"`
	Filter  DealFilter `json:"-"`
	Shared  bool       `json:"shared"`
	// Pinned is the reading employee's pin.
	Pinned    bool      `json:"pinned"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SavedFilterInput creates (ID 0) or changes a saved filter.
type SavedFilterInput struct {
	ID     int64
	Name   string
	Filter DealFilter
	Shared bool // admins only
	Pinned bool // the owner's pin
}

// filterSpec is a DealFilter as stored.
type filterSpec struct {
	PipelineID    int64             `json:"pipeline_id,omitempty"`
	StageID       int64             `json:"stage_id,omitempty"`
	Status        Semantics         `json:"status,omitempty"`
	ResponsibleID int64             `json:"responsible_id,omitempty"`
	OnlyMine      bool              `json:"only_mine,omitempty"`
	Search        string            `json:"search,omitempty"`
	Sort          DealSort          `json:"sort,omitempty"`
	Descending    bool              `json:"descending,omitempty"`
	AmountMin     *int64            `json:"amount_min,omitempty"`
	AmountMax     *int64            `json:"amount_max,omitempty"`
	Currency      string            `json:"currency,omitempty"`
	CloseFrom     string            `json:"close_from,omitempty"`
	CloseTo       string            `json:"close_to,omitempty"`
	CreatedFrom   string            `json:"created_from,omitempty"`
	CreatedTo     string            `json:"created_to,omitempty"`
	Source        Source            `json:"source,omitempty"`
	Overdue       bool              `json:"overdue,omitempty"`
	Custom        []CustomCondition `json:"custom,omitempty"`
}

func specOf(f DealFilter) filterSpec {
	c := f.DealConditions
	return filterSpec{PipelineID: f.PipelineID, StageID: f.StageID, Status: f.Status, ResponsibleID: f.ResponsibleID,
		OnlyMine: f.OnlyMine, Search: f.Search, Sort: f.Sort, Descending: f.Descending,
		AmountMin: c.AmountMin, AmountMax: c.AmountMax, Currency: c.Currency, CloseFrom: c.CloseFrom, CloseTo: c.CloseTo,
		CreatedFrom: c.CreatedFrom, CreatedTo: c.CreatedTo, Source: c.Source, Overdue: c.Overdue, Custom: c.Custom}
}

func (sp filterSpec) filter() DealFilter {
	return DealFilter{PipelineID: sp.PipelineID, StageID: sp.StageID, Status: sp.Status, ResponsibleID: sp.ResponsibleID,
		OnlyMine: sp.OnlyMine, Search: sp.Search, Sort: sp.Sort, Descending: sp.Descending,
		DealConditions: DealConditions{AmountMin: sp.AmountMin, AmountMax: sp.AmountMax, Currency: sp.Currency,
			CloseFrom: sp.CloseFrom, CloseTo: sp.CloseTo, CreatedFrom: sp.CreatedFrom, CreatedTo: sp.CreatedTo,
			Source: sp.Source, Overdue: sp.Overdue, Custom: sp.Custom}}
}

// MarshalFilter writes a filter as saved filters store it (JSON).
func MarshalFilter(f DealFilter) ([]byte, error) { return json.Marshal(specOf(f)) }

// UnmarshalFilter reads a filter written by MarshalFilter.
func UnmarshalFilter(b []byte) (DealFilter, error) {
	var sp filterSpec
	if err := json.Unmarshal(b, &sp); err != nil {
		return DealFilter{}, err
	}
	return sp.filter(), nil
}

// SaveFilter saves a filter under a name, as the employee's (a new one) or
// changing one of theirs (an admin may change anyone's). Only an admin
// shares. The name is unique among the owner's filters (field "name", code
// "taken"); conditions are checked as the list checks them.
func (s *Store) SaveFilter(ctx context.Context, actor int64, in SavedFilterInput) (SavedFilter, error) {
	in.Name = CleanName(in.Name)
	var v validator
	if in.Name == "" {
		v.add("name", "required", "a saved filter needs a name")
	} else if len([]rune(in.Name)) > 100 {
		v.add("name", "too_long", "a filter's name is at most 100 characters")
	}
	if err := v.err(); err != nil {
		return SavedFilter{}, err
	}
	me, err := s.reader(ctx, actor)
	if err != nil {
		return SavedFilter{}, fmt.Errorf("save filter: %w", err)
	}
	if _, err := s.buildDealQuery(ctx, s.r, me, in.Filter); err != nil { // the same field errors as the list
		return SavedFilter{}, fmt.Errorf("save filter: %w", err)
	}
	spec, err := MarshalFilter(in.Filter)
	if err != nil {
		return SavedFilter{}, fmt.Errorf("save filter: %w", err)
	}
	id := in.ID
	err = s.writeTx(ctx, func(tx *wtx) error {
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		if in.Shared && !a.CanConfigure() {
			return fmt.Errorf("%s is not an admin: only admins share filters: %w", a.Email, ErrForbidden)
		}
		now := tx.s.now()
		if id == 0 {
			res, err := tx.exec(`INSERT INTO deal_filters (owner_id, name, spec, shared, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
				a.ID, in.Name, string(spec), in.Shared, now, now)
			if isUnique(err) {
				return &ValidationError{Fields: []FieldError{{Field: "name", Code: "taken", Message: "you have a filter of this name already"}}}
			}
			if err != nil {
				return err
			}
			id, _ = res.LastInsertId()
		} else {
			var owner int64
			var shared bool
			if err := tx.queryRow(`SELECT owner_id, shared FROM deal_filters WHERE id = ?`, id).Scan(&owner, &shared); err != nil {
				return notFound(err)
			}
			if owner != a.ID && !a.CanConfigure() {
				if shared {
					return fmt.Errorf("only its owner or an admin changes a shared filter: %w", ErrForbidden)
				}
				return ErrNotFound
			}
			_, err := tx.exec(`UPDATE deal_filters SET name = ?, spec = ?, shared = ?, updated_at = ? WHERE id = ?`,
				in.Name, string(spec), in.Shared, now, id)
			if isUnique(err) {
				return &ValidationError{Fields: []FieldError{{Field: "name", Code: "taken", Message: "a filter of this name exists already"}}}
			}
			if err != nil {
				return err
			}
		}
		if err := tx.pin(a.ID, id, in.Pinned); err != nil {
			return err
		}
		tx.changed(KindFilter, id)
		return nil
	})
	if err != nil {
		return SavedFilter{}, fmt.Errorf("save filter: %w", err)
	}
	return s.savedFilter(ctx, actor, id)
}

func (tx *wtx) pin(employee, filter int64, pinned bool) error {
	if pinned {
		_, err := tx.exec(`INSERT INTO deal_filter_pins (employee_id, filter_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, employee, filter)
		return err
	}
	_, err := tx.exec(`DELETE FROM deal_filter_pins WHERE employee_id = ? AND filter_id = ?`, employee, filter)
	return err
}

// PinFilter pins (or unpins) a saved filter the employee sees, for them.
func (s *Store) PinFilter(ctx context.Context, actor, id int64, pinned bool) error {
	if _, err := s.savedFilter(ctx, actor, id); err != nil {
		return fmt.Errorf("pin filter %d: %w", id, err)
	}
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		if err := tx.pin(a.ID, id, pinned); err != nil {
			return err
		}
		tx.changed(KindFilter, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("pin filter %d: %w", id, err)
	}
	return nil
}

// DeleteFilter deletes a saved filter: its owner, or an admin.
func (s *Store) DeleteFilter(ctx context.Context, actor, id int64) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		a, err := tx.actor(actor)
		if err != nil {
			return err
		}
		var owner int64
		var shared bool
		if err := tx.queryRow(`SELECT owner_id, shared FROM deal_filters WHERE id = ?`, id).Scan(&owner, &shared); err != nil {
			return notFound(err)
		}
		if owner != a.ID && !a.CanConfigure() {
			if shared {
				return fmt.Errorf("only its owner or an admin deletes a shared filter: %w", ErrForbidden)
			}
			return ErrNotFound
		}
		if _, err := tx.exec(`DELETE FROM deal_filters WHERE id = ?`, id); err != nil {
			return err
		}
		tx.changed(KindFilter, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete filter %d: %w", id, err)
	}
	return nil
}

const savedFilterSelect = `SELECT f.id, f.owner_id, e.name, f.name, f.spec, f.shared,
	EXISTS (SELECT 1 FROM deal_filter_pins p WHERE p.filter_id = f.id AND p.employee_id = ?), f.created_at, f.updated_at
	FROM deal_filters f JOIN employees e ON e.id = f.owner_id`

func scanSavedFilter(sc interface{ Scan(...any) error }) (SavedFilter, error) {
	var sf SavedFilter
	var spec, created, updated string
	if err := sc.Scan(&sf.ID, &sf.OwnerID, &sf.Owner, &sf.Name, &spec, &sf.Shared, &sf.Pinned, &created, &updated); err != nil {
		return sf, err
	}
	sf.CreatedAt, sf.UpdatedAt = parseTime(created), parseTime(updated)
	f, err := UnmarshalFilter([]byte(spec))
	sf.Filter = f
	return sf, err
}

// SavedFilters lists the filters the employee sees (theirs and the shared
// ones): pinned first, then by name.
func (s *Store) SavedFilters(ctx context.Context, actor int64) ([]SavedFilter, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return nil, fmt.Errorf("saved filters: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, savedFilterSelect+` WHERE f.owner_id = ? OR f.shared = 1`, me.ID, me.ID)
	if err != nil {
		return nil, fmt.Errorf("saved filters: %w", err)
	}
	defer rows.Close()
	out := []SavedFilter{}
	for rows.Next() {
		sf, err := scanSavedFilter(rows)
		if err != nil {
			return nil, fmt.Errorf("saved filters: %w", err)
		}
		out = append(out, sf)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("saved filters: %w", err)
	}
	sortSavedFilters(out)
	return out, nil
}

func sortSavedFilters(fs []SavedFilter) {
	slices.SortStableFunc(fs, func(a, b SavedFilter) int {
		if a.Pinned != b.Pinned {
			if a.Pinned {
				return -1
			}
			return 1
		}
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

func (s *Store) savedFilter(ctx context.Context, actor, id int64) (SavedFilter, error) {
	me, err := s.reader(ctx, actor)
	if err != nil {
		return SavedFilter{}, err
	}
	sf, err := scanSavedFilter(s.r.QueryRowContext(ctx, savedFilterSelect+` WHERE f.id = ? AND (f.owner_id = ? OR f.shared = 1)`, me.ID, id, me.ID))
	if err != nil {
		return SavedFilter{}, fmt.Errorf("saved filter %d: %w", id, notFound(err))
	}
	return sf, nil
}
