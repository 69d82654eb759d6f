package data

import (
	"errors"
	"fmt"
	"strings"

	"comptoir/data/storage"
)

var (
	// ErrNotFound is returned when a record does not exist (or is not visible
	// to the acting employee).
	ErrNotFound = errors.New("not found")
	// ErrConflict is returned when a write would break a uniqueness rule.
	ErrConflict = errors.New("already exists")
	// ErrForbidden is returned when the acting employee lacks the right.
	ErrForbidden = errors.New("not allowed")
	// ErrNewerSchema is returned by Open for a database written by a newer
	// version of Comptoir (the storage's error).
	ErrNewerSchema = storage.ErrNewerSchema
)

// FieldError is a validation error tied to one field of a form, so the UI can
// show it next to that field.
type FieldError struct {
	Field   string // the field's key, e.g. "title", "amount", "lines[2].quantity"
	Message string // plain words, in English; the UI may translate by Code
	Code    string // stable machine code, e.g. "required", "negative", "unknown_currency"
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError gathers every field error of one write. Nothing is written
// when a write returns it.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Field returns the error for one field, or nil.
func (e *ValidationError) Field(name string) *FieldError {
	for i := range e.Fields {
		if e.Fields[i].Field == name {
			return &e.Fields[i]
		}
	}
	return nil
}

// FieldErrors returns the validation error inside err, or nil.
func FieldErrors(err error) *ValidationError {
	var v *ValidationError
	if errors.As(err, &v) {
		return v
	}
	return nil
}

// validator accumulates field errors.
type validator struct{ errs []FieldError }

func (v *validator) add(field, code, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Fields: v.errs}
}
