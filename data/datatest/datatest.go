// Package datatest opens real, throw-away Comptoir databases for tests of
// any package: a SQLite file in the test's temporary directory, with a first
// admin, a manager and a sales employee, and a clock the test can move.
package datatest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"comptoir/data"
)

// Clock is a settable clock for Store.Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// DB is a test database with three employees.
type DB struct {
	*data.Store
	Path    string
	Clock   *Clock
	Admin   data.Employee
	Manager data.Employee
	Sales   data.Employee // a sales employee
	Sales2  data.Employee // another sales employee
}

// Start is the time test clocks start at.
var Start = time.Date(2026, 11, 12, 9, 30, 0, 0, time.UTC)

// Open creates a database file in t.TempDir() (English default pipeline).
func Open(t testing.TB) *DB {
	return OpenLang(t, "en")
}

// OpenLang creates a database whose default pipeline is named in lang.
func OpenLang(t testing.TB, lang string) *DB {
	t.Helper()
	ctx := context.Background()
	clock := &Clock{t: Start}
	path := filepath.Join(t.TempDir(), "comptoir.db")
	s, err := data.Open(ctx, path, data.OpenOptions{Language: lang, Now: clock.Now})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	db := &DB{Store: s, Path: path, Clock: clock}
	if db.Admin, err = s.CreateFirstAdmin(ctx, "Alice Admin", "admin@comptoir.test"); err != nil {
		t.Fatalf("first admin: %v", err)
	}
	mk := func(name, email string, role data.Role) data.Employee {
		e, err := s.CreateEmployee(ctx, db.Admin.ID, data.EmployeeInput{Name: name, Email: email, Role: role, Active: true})
		if err != nil {
			t.Fatalf("employee %s: %v", email, err)
		}
		return e
	}
	db.Manager = mk("Marc Manager", "manager@comptoir.test", data.RoleManager)
	db.Sales = mk("Sophie Vente", "sales@comptoir.test", data.RoleSales)
	db.Sales2 = mk("Samuel Sales", "sales2@comptoir.test", data.RoleSales)
	return db
}

// Pipeline returns the default pipeline.
func (db *DB) Pipeline(t testing.TB) data.Pipeline {
	t.Helper()
	ps, err := db.Pipelines(context.Background(), db.Admin.ID)
	if err != nil || len(ps) == 0 {
		t.Fatalf("pipelines: %v (%d)", err, len(ps))
	}
	return ps[0]
}

// Deal creates a deal as actor with the given title (and otherwise defaults).
func (db *DB) Deal(t testing.TB, actor int64, title string) data.Deal {
	t.Helper()
	d, err := db.CreateDeal(context.Background(), actor, data.DealInput{Title: title})
	if err != nil {
		t.Fatalf("create deal %q: %v", title, err)
	}
	return d
}
