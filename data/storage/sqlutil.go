package storage

import (
	"database/sql"
	"errors"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// TimeLayout is how times are stored: UTC, fixed-width, so that stored
// times sort as text.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// FormatTime is t as stored text.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads a stored time (TimeLayout, or any RFC 3339 time); text
// that is neither reads as the zero time.
func ParseTime(v string) time.Time {
	t, err := time.Parse(TimeLayout, v)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, v)
	}
	return t.UTC()
}

// NullTime reads a nullable stored time: NULL is the zero time.
func NullTime(v sql.NullString) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return ParseTime(v.String)
}

// TimeOrNull is t as stored text, or NULL for the zero time.
func TimeOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return FormatTime(t)
}

// IsUnique reports whether err is a uniqueness (or primary key) violation.
func IsUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// IsNoRows reports whether err says that a query found no row.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// ScanIDs reads a one-column result of ids and closes it.
func ScanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
