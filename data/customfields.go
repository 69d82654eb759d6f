package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Entity names what a custom field belongs to.
type Entity string

// Entities with custom fields.
const (
	EntityDeal    Entity = "deal"
	EntityContact Entity = "contact"
	EntityCompany Entity = "company"
)

// FieldType is the type of a custom field.
type FieldType string

// Custom field types.
const (
	FieldText   FieldType = "text"
	FieldNumber FieldType = "number"
	FieldMoney  FieldType = "money" // "12.50 EUR"
	FieldDate   FieldType = "date"  // "2026-11-28"
	FieldBool   FieldType = "bool"  // "true" / "false"
	FieldList   FieldType = "list"  // one of Options
)

// FieldDef defines a custom field.
type FieldDef struct {
	ID       int64     `json:"id"`
	Entity   Entity    `json:"entity"`
	Key      string    `json:"key"`
	Label    string    `json:"label"`
	Type     FieldType `json:"type"`
	Options  []string  `json:"options,omitempty"`
	Required bool      `json:"required"`
	Position int       `json:"position"`
}

var fieldKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// FieldDefs lists the custom fields of an entity in order, to an active
// employee.
func (s *Store) FieldDefs(ctx context.Context, actor int64, entity Entity) ([]FieldDef, error) {
	if _, err := s.reader(ctx, actor); err != nil {
		return nil, fmt.Errorf("custom fields of %s: %w", entity, err)
	}
	defs, err := loadFieldDefs(ctx, s.r, entity)
	if err != nil {
		return nil, fmt.Errorf("custom fields of %s: %w", entity, err)
	}
	return defs, nil
}

func loadFieldDefs(ctx context.Context, q querier, entity Entity) ([]FieldDef, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, entity, key, label, type, options, required, position
		FROM custom_fields WHERE entity = ? ORDER BY position, id`, entity)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FieldDef
	for rows.Next() {
		var d FieldDef
		var opts string
		if err := rows.Scan(&d.ID, &d.Entity, &d.Key, &d.Label, &d.Type, &opts, &d.Required, &d.Position); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(opts), &d.Options)
		out = append(out, d)
	}
	return out, rows.Err()
}

// SaveFieldDef creates (ID 0) or updates a custom field definition; admins only.
func (s *Store) SaveFieldDef(ctx context.Context, actor int64, d FieldDef) (FieldDef, error) {
	var v validator
	d.Key = strings.TrimSpace(d.Key)
	d.Label = CleanName(d.Label)
	if d.Entity != EntityDeal && d.Entity != EntityContact && d.Entity != EntityCompany {
		v.add("entity", "invalid_entity", "custom fields belong to a deal, a contact or a company")
	}
	if !fieldKeyRE.MatchString(d.Key) {
		v.add("key", "invalid_key", "key must be lower-case letters, digits and _ (starting with a letter)")
	}
	if d.Label == "" {
		v.add("label", "required", "label is required")
	}
	switch d.Type {
	case FieldText, FieldNumber, FieldMoney, FieldDate, FieldBool:
	case FieldList:
		d.Options = cleanList(d.Options)
		if len(d.Options) == 0 {
			v.add("options", "required", "a list needs at least one option")
		}
	default:
		v.add("type", "invalid_type", "type must be text, number, money, date, bool or list")
	}
	if err := v.err(); err != nil {
		return FieldDef{}, err
	}
	opts, _ := json.Marshal(d.Options)
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		var err error
		if d.ID == 0 {
			var res interface{ LastInsertId() (int64, error) }
			res, err = tx.exec(`INSERT INTO custom_fields (entity, key, label, type, options, required, position)
				VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(position), -1) + 1 FROM custom_fields WHERE entity = ?))`,
				d.Entity, d.Key, d.Label, d.Type, string(opts), d.Required, d.Entity)
			if err == nil {
				d.ID, _ = res.LastInsertId()
			}
		} else {
			_, err = tx.exec(`UPDATE custom_fields SET key = ?, label = ?, type = ?, options = ?, required = ?, position = ? WHERE id = ?`,
				d.Key, d.Label, d.Type, string(opts), d.Required, d.Position, d.ID)
		}
		if isUnique(err) {
			return &ValidationError{Fields: []FieldError{{Field: "key", Code: "taken", Message: "another field has this key"}}}
		}
		tx.changed(KindField, d.ID)
		return err
	})
	if err != nil {
		return FieldDef{}, fmt.Errorf("save custom field: %w", err)
	}
	return d, nil
}

// DeleteFieldDef removes a custom field and its values; admins only.
func (s *Store) DeleteFieldDef(ctx context.Context, actor, id int64) error {
	err := s.writeTx(ctx, func(tx *wtx) error {
		if err := tx.requireAdmin(actor); err != nil {
			return err
		}
		_, err := tx.exec(`DELETE FROM custom_fields WHERE id = ?`, id)
		tx.changed(KindField, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete custom field %d: %w", id, err)
	}
	return nil
}

// Codes of the errors NormalizeFieldValue returns (FieldError.Code), for
// screens to say in the person's language what the field expects.
const (
	FieldCodeRequired    = "required"      // a required field is empty
	FieldCodeNotNumber   = "not_a_number"  // a number field
	FieldCodeNotDate     = "not_a_date"    // a date field: YYYY-MM-DD
	FieldCodeNotYesNo    = "not_yes_no"    // a yes/no field
	FieldCodeNotAnOption = "not_an_option" // a list field: one of its options
	FieldCodeBadMoney    = "bad_money"     // a money field: "12.50 EUR"
	FieldCodeInvalid     = "invalid"       // a field of an unknown type
)

// NormalizeFieldValue checks one value against its definition and returns the
// stored form. An empty value is "" (and an error when the field is required).
// Errors are *FieldError, with Field "custom.<key>", one of the FieldCode
// codes and an English message naming the field.
func NormalizeFieldValue(d FieldDef, raw string) (string, error) {
	fail := func(code, format string, args ...any) (string, error) {
		return "", &FieldError{Field: "custom." + d.Key, Code: code, Message: d.Label + ": " + fmt.Sprintf(format, args...)}
	}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		if d.Required {
			return "", &FieldError{Field: "custom." + d.Key, Code: FieldCodeRequired, Message: d.Label + " is required"}
		}
		return "", nil
	}
	switch d.Type {
	case FieldText:
		return strings.TrimSpace(CleanText(raw)), nil
	case FieldNumber:
		v, err := parseScaled(raw, 6)
		if err != nil {
			return fail(FieldCodeNotNumber, "%v", err)
		}
		return trimZeros(formatScaled(v, 6)), nil
	case FieldMoney:
		amount, code, _ := strings.Cut(raw, " ")
		if code == "" {
			code = DefaultCurrency
		}
		code = strings.ToUpper(strings.TrimSpace(code))
		minor, err := ParseMinor(amount, code)
		if err != nil {
			return fail(FieldCodeBadMoney, "%v", err)
		}
		return FormatMinor(minor, code) + " " + code, nil
	case FieldDate:
		t, err := time.Parse("2006-01-02", raw)
		if err != nil {
			return fail(FieldCodeNotDate, "%q is not a date (YYYY-MM-DD)", raw)
		}
		return t.Format("2006-01-02"), nil
	case FieldBool:
		switch strings.ToLower(raw) {
		case "true", "yes", "1", "oui", "vrai":
			return "true", nil
		case "false", "no", "0", "non", "faux":
			return "false", nil
		}
		return fail(FieldCodeNotYesNo, "%q is not yes or no", raw)
	case FieldList:
		if i := slices.IndexFunc(d.Options, func(o string) bool { return strings.EqualFold(o, raw) }); i >= 0 {
			return d.Options[i], nil
		}
		return fail(FieldCodeNotAnOption, "%q is not one of %s", raw, strings.Join(d.Options, ", "))
	}
	return fail(FieldCodeInvalid, "unknown type %s", d.Type)
}

// validateCustom checks and normalises custom values in place. Unknown keys
// are refused, so a typo never silently drops data.
func (tx *wtx) validateCustom(v *validator, entity Entity, values map[string]string) error {
	defs, err := tx.fieldDefs(entity)
	if err != nil {
		return err
	}
	checkCustom(v, defs, values)
	return nil
}

// checkCustom validates and normalises values against the definitions.
func checkCustom(v *validator, defs []FieldDef, values map[string]string) {
	known := map[string]bool{}
	for _, d := range defs {
		known[d.Key] = true
		norm, err := NormalizeFieldValue(d, values[d.Key])
		if err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				v.add(fe.Field, fe.Code, "%s", fe.Message)
			} else {
				v.add("custom."+d.Key, FieldCodeInvalid, "%v", err)
			}
			continue
		}
		if values != nil {
			if norm == "" {
				delete(values, d.Key)
			} else {
				values[d.Key] = norm
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if !known[k] {
			v.add("custom."+k, "unknown_field", "no custom field %q", k)
		}
	}
}

// writeCustom replaces the record's custom values with the (validated) map.
func (tx *wtx) writeCustom(entity Entity, id int64, values map[string]string) error {
	if _, err := tx.exec(`DELETE FROM custom_values WHERE record_id = ? AND field_id IN (SELECT id FROM custom_fields WHERE entity = ?)`, id, entity); err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		val := values[k]
		if _, err := tx.exec(`INSERT INTO custom_values (field_id, record_id, value) SELECT id, ?, ? FROM custom_fields WHERE entity = ? AND key = ?`,
			id, val, entity, k); err != nil {
			return err
		}
	}
	return nil
}

func loadCustom(ctx context.Context, q querier, entity Entity, id int64) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT f.key, v.value FROM custom_values v JOIN custom_fields f ON f.id = v.field_id
		WHERE v.record_id = ? AND f.entity = ?`, id, entity)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, val string
		if err := rows.Scan(&k, &val); err != nil {
			return nil, err
		}
		out[k] = val
	}
	return out, rows.Err()
}
