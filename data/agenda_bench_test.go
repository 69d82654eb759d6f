package data_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// rawInsert fills a test database through its own connection, in one
// transaction, far faster than the API: only for benchmarks' volumes.
func rawInsert(tb testing.TB, path string, fn func(tx *sql.Tx) error) {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(`ANALYZE`); err != nil {
		tb.Fatal(err)
	}
}

const benchTime = "2006-01-02T15:04:05.000000Z"

// BenchmarkTimelineFirstPage reads what the Timeline tab shows first for a
// deal with 5,000 entries: the pinned open activities and the newest page.
func BenchmarkTimelineFirstPage(b *testing.B) {
	db := datatest.Open(b)
	ctx := context.Background()
	d := db.Deal(b, db.Sales.ID, "Busy deal")
	other := db.Deal(b, db.Sales.ID, "Quiet deal")
	start := datatest.Start.Add(-5000 * time.Minute)
	rawInsert(b, db.Path, func(tx *sql.Tx) error {
		st, err := tx.Prepare(`INSERT INTO timeline (deal_id, kind, author_id, at, text, data) VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for i := range 5000 {
			at := start.Add(time.Duration(i) * time.Minute).Format(benchTime)
			kind, text, js := "comment", fmt.Sprintf("comment %d about the quote", i), "{}"
			switch i % 4 {
			case 1:
				kind, js = "call", `{"direction":"out","duration_s":120,"outcome":"answered"}`
			case 2:
				kind, js = "field", `{"field":"amount","old":"100.00","new":"120.00"}`
			}
			if _, err := st.Exec(d.ID, kind, db.Sales.ID, at, text, js); err != nil {
				return err
			}
			if i%10 == 0 { // another deal's entries interleave
				if _, err := st.Exec(other.ID, "comment", db.Sales.ID, at, "x", "{}"); err != nil {
					return err
				}
			}
		}
		return nil
	})
	for i := range 3 {
		plan(b, db, db.Sales.ID, d.ID, fmt.Sprintf("follow-up %d", i), datatest.Start.Add(time.Duration(i-1)*time.Hour), time.Time{})
	}
	b.Run("5000-entries", func(b *testing.B) {
		for b.Loop() {
			acts, err := db.DealActivities(ctx, db.Sales.ID, d.ID)
			if err != nil || len(acts) != 3 {
				b.Fatal(len(acts), err)
			}
			page, err := db.Timeline(ctx, db.Sales.ID, d.ID, data.TimelineCursor{}, 50)
			if err != nil || len(page) != 50 {
				b.Fatal(len(page), err)
			}
		}
	})
	b.Run("5000-entries-last-page", func(b *testing.B) {
		cur := data.TimelineCursor{At: start.Add(60 * time.Minute), ID: 1 << 40}
		for b.Loop() {
			page, err := db.Timeline(ctx, db.Sales.ID, d.ID, cur, 50)
			if err != nil || len(page) == 0 {
				b.Fatal(len(page), err)
			}
		}
	})
}

// BenchmarkAgenda opens the Activities screen over 100,000 deals with
// 200,000 activities (20 employees): the three section counts and the first
// page of each section.
func BenchmarkAgenda(b *testing.B) {
	db := datatest.Open(b)
	ctx := context.Background()
	var emps []int64
	for i := range 16 {
		e, err := db.CreateEmployee(ctx, db.Admin.ID, data.EmployeeInput{Name: fmt.Sprintf("Rep %d", i), Email: fmt.Sprintf("rep%d@comptoir.test", i), Role: data.RoleSales, Active: true})
		if err != nil {
			b.Fatal(err)
		}
		emps = append(emps, e.ID)
	}
	emps = append(emps, db.Sales.ID, db.Sales2.ID, db.Manager.ID, db.Admin.ID)
	p := db.Pipeline(b)
	now := datatest.Start
	rawInsert(b, db.Path, func(tx *sql.Tx) error {
		deal, err := tx.Prepare(`INSERT INTO deals (title, pipeline_id, stage_id, responsible_id, source, created_at, updated_at) VALUES (?, ?, ?, ?, 'manual', ?, ?)`)
		if err != nil {
			return err
		}
		act, err := tx.Prepare(`INSERT INTO activities (deal_id, kind, subject, due_at, responsible_id, remind_at, done_at, author_id, created_at)
			VALUES (?, 'call', ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		created := now.Add(-90 * 24 * time.Hour).Format(benchTime)
		for i := range 100_000 {
			resp := emps[i%len(emps)]
			st := p.Stages[i%len(p.Stages)]
			res, err := deal.Exec(fmt.Sprintf("Deal %d", i), p.ID, st.ID, resp, created, created)
			if err != nil {
				return err
			}
			id, _ := res.LastInsertId()
			for j := range 2 {
				// due times spread from 60 days ago to 60 days ahead; half
				// of the past ones are done
				off := time.Duration((i*7919+j*104729)%(120*24*60)-60*24*60) * time.Minute
				due := now.Add(off)
				var done, remind any
				if off < 0 && (i+j)%2 == 0 {
					done = due.Format(benchTime)
				}
				if j == 1 {
					remind = due.Add(-15 * time.Minute).Format(benchTime)
				}
				if _, err := act.Exec(id, fmt.Sprintf("Call %d/%d", i, j), due.Format(benchTime), resp, remind, done, resp, created); err != nil {
					return err
				}
			}
		}
		return nil
	})
	q := data.AgendaQuery{Now: now, Location: time.UTC}
	open := func(b *testing.B, actor int64, q data.AgendaQuery) {
		if _, err := db.AgendaCount(ctx, actor, q); err != nil {
			b.Fatal(err)
		}
		for _, part := range []data.AgendaPart{data.AgendaOverdue, data.AgendaToday, data.AgendaUpcoming} {
			page, err := db.Agenda(ctx, actor, q, part, data.AgendaCursor{}, 50)
			if err != nil || (part != data.AgendaToday && len(page) != 50) {
				b.Fatal(part, len(page), err)
			}
		}
	}
	b.Run("mine", func(b *testing.B) {
		for b.Loop() {
			open(b, db.Sales.ID, q)
		}
	})
	b.Run("manager-filter", func(b *testing.B) {
		q := q
		q.EmployeeID = emps[3]
		for b.Loop() {
			open(b, db.Manager.ID, q)
		}
	})
	b.Run("count", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.AgendaCount(ctx, db.Sales.ID, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, part := range []data.AgendaPart{data.AgendaOverdue, data.AgendaToday, data.AgendaUpcoming} {
		b.Run(fmt.Sprintf("page-%d", part), func(b *testing.B) {
			for b.Loop() {
				if _, err := db.Agenda(ctx, db.Sales.ID, q, part, data.AgendaCursor{}, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("due-reminders", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.DueReminders(ctx, db.Sales.ID, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}
