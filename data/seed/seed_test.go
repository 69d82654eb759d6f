package seed_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/seed"
)

var now = time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)

func fill(t *testing.T, deals int, s int64) (*data.Store, string, seed.Summary) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "seed.db")
	st, err := data.Open(ctx, path, data.OpenOptions{Language: "fr", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sum, err := seed.Fill(ctx, st, seed.Options{Deals: deals, Seed: s, Lang: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	return st, path, sum
}

func raw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dump hashes every seeded table, row by row, in id order.
func dump(t *testing.T, path string) map[string]string {
	t.Helper()
	db := raw(t, path)
	out := map[string]string{}
	for _, table := range []string{"employees", "companies", "contacts", "contact_emails", "contact_phones", "products",
		"deals", "deal_observers", "deal_products", "timeline", "activities", "stage_totals"} {
		rows, err := db.Query(`SELECT * FROM ` + table + ` ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		h := sha256.New()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
		out[table] = fmt.Sprintf("%x", h.Sum(nil))
	}
	return out
}

func TestSameSeedSameData(t *testing.T) {
	st1, p1, s1 := fill(t, 400, 7)
	st2, p2, s2 := fill(t, 400, 7)
	if s1 != s2 {
		t.Fatalf("summaries differ: %+v / %+v", s1, s2)
	}
	// A few deals as the export reads them, field by field.
	ctx := context.Background()
	a1, _ := st1.FirstAdmin(ctx)
	a2, _ := st2.FirstAdmin(ctx)
	for _, id := range []int64{1, 2, 77, 250, 400} {
		d1, err1 := st1.Deal(ctx, a1.ID, id)
		d2, err2 := st2.Deal(ctx, a2.ID, id)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(d1, d2) {
			t.Fatalf("deal %d differs:\n%+v\n%+v", id, d1, d2)
		}
		e1, _ := st1.Timeline(ctx, a1.ID, id, data.TimelineCursor{}, 500)
		e2, _ := st2.Timeline(ctx, a2.ID, id, data.TimelineCursor{}, 500)
		if len(e1) == 0 || !reflect.DeepEqual(e1, e2) {
			t.Fatalf("timeline of deal %d differs", id)
		}
		l1, _ := st1.Lines(ctx, a1.ID, id)
		l2, _ := st2.Lines(ctx, a2.ID, id)
		if !reflect.DeepEqual(l1, l2) {
			t.Fatalf("lines of deal %d differ", id)
		}
	}
	// And every table, whole.
	d1, d2 := dump(t, p1), dump(t, p2)
	for table, h := range d1 {
		if d2[table] != h {
			t.Errorf("table %s differs between two runs with the same seed", table)
		}
	}
	_, p3, _ := fill(t, 400, 8)
	if dump(t, p3)["deals"] == d1["deals"] {
		t.Error("another seed gives the same deals")
	}
}

func TestSeedShape(t *testing.T) {
	const n = 1200
	st, path, sum := fill(t, n, 1)
	db := raw(t, path)
	q := func(query string, args ...any) int {
		t.Helper()
		var v int
		if err := db.QueryRow(query, args...).Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return v
	}
	if got := q(`SELECT count(*) FROM deals`); got != n || sum.Deals != n {
		t.Fatalf("%d deals (summary %d), want %d", got, sum.Deals, n)
	}
	// Counts per stage add up, and the kept totals match the deals.
	ctx := context.Background()
	admin, err := st.FirstAdmin(ctx)
	if err != nil || admin.Email != "admin@comptoir.example" {
		t.Fatalf("first admin: %+v, %v", admin, err)
	}
	ps, _ := st.Pipelines(ctx, admin.ID)
	cols, err := st.Board(ctx, admin.ID, ps[0].ID, data.BoardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	bySem := map[data.Semantics]int{}
	for _, c := range cols {
		total += c.Count
		bySem[c.Stage.Semantics] += c.Count
		if c.Count != q(`SELECT count(*) FROM deals WHERE stage_id = ?`, c.Stage.ID) {
			t.Errorf("stage %s: board says %d", c.Stage.Name, c.Count)
		}
		var sum int64
		for _, tot := range c.Totals {
			sum += tot.Amount
		}
		if want := q(`SELECT coalesce(sum(amount), 0) FROM deals WHERE stage_id = ?`, c.Stage.ID); sum != int64(want) {
			t.Errorf("stage %s: totals %d, deals %d", c.Stage.Name, sum, want)
		}
	}
	if total != n {
		t.Fatalf("board counts %d deals, want %d", total, n)
	}
	if bySem[data.StatusOpen] < n/2 || bySem[data.StatusWon] == 0 || bySem[data.StatusLost] == 0 {
		t.Fatalf("spread over stages: %v", bySem)
	}
	for _, c := range cols {
		if c.Count == 0 {
			t.Errorf("stage %s is empty", c.Stage.Name)
		}
	}
	if q(`SELECT count(*) FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.semantics = 'lost' AND d.lost_reason = ''`) != 0 ||
		q(`SELECT count(*) FROM deals d JOIN stages s ON s.id = d.stage_id WHERE (s.semantics = 'open') <> (d.closed_at IS NULL)`) != 0 {
		t.Fatal("closed deals without closed time or lost reason")
	}
	// Deals with lines have the lines' total as amount.
	rows, err := db.Query(`SELECT DISTINCT deal_id FROM deal_products ORDER BY 1 LIMIT 40`)
	if err != nil {
		t.Fatal(err)
	}
	var withLines []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		withLines = append(withLines, id)
	}
	rows.Close()
	if len(withLines) < 20 {
		t.Fatalf("only %d deals with lines", len(withLines))
	}
	for _, id := range withLines {
		d, err := st.Deal(ctx, admin.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		ls, _ := st.Lines(ctx, admin.ID, id)
		var in []data.LineInput
		for _, l := range ls {
			in = append(in, l.Input())
		}
		if d.Amount != data.ComputeTotals(in).Gross {
			t.Fatalf("deal %d: amount %d, lines total %d", id, d.Amount, data.ComputeTotals(in).Gross)
		}
	}
	// The rich deal.
	if sum.RichDeal == 0 || q(`SELECT count(*) FROM timeline WHERE deal_id = ?`, sum.RichDeal) != 200 ||
		q(`SELECT count(*) FROM deal_products WHERE deal_id = ?`, sum.RichDeal) != 20 {
		t.Fatalf("rich deal %d", sum.RichDeal)
	}
	// Timeline and activities: every deal has its creation entry; activities
	// overdue, due today and upcoming relative to the store's clock.
	if q(`SELECT count(DISTINCT deal_id) FROM timeline WHERE kind = 'created'`) != n ||
		q(`SELECT count(*) FROM timeline WHERE kind IN ('comment', 'call')`) == 0 {
		t.Fatal("timeline entries missing")
	}
	if sum.Entries != q(`SELECT count(*) FROM timeline`) || sum.Activities != q(`SELECT count(*) FROM activities`) ||
		sum.Lines != q(`SELECT count(*) FROM deal_products`) {
		t.Fatalf("summary %+v does not match the rows", sum)
	}
	day := now.Truncate(24 * time.Hour)
	overdue := q(`SELECT count(*) FROM activities WHERE done_at IS NULL AND due_at < ?`, day.Format("2006-01-02"))
	today := q(`SELECT count(*) FROM activities WHERE done_at IS NULL AND due_at >= ? AND due_at < ?`, day.Format("2006-01-02"), day.AddDate(0, 0, 1).Format("2006-01-02"))
	upcoming := q(`SELECT count(*) FROM activities WHERE done_at IS NULL AND due_at >= ?`, day.AddDate(0, 0, 1).Format("2006-01-02"))
	done := q(`SELECT count(*) FROM activities WHERE done_at IS NOT NULL`)
	if overdue == 0 || today == 0 || upcoming <= overdue || done == 0 {
		t.Fatalf("activities: %d overdue, %d today, %d upcoming, %d done", overdue, today, upcoming, done)
	}
	// Clients: French and English, with accents, several emails and phones.
	if q(`SELECT count(*) FROM contacts WHERE name GLOB '*[éèêëïîôçÉ]*'`) == 0 ||
		q(`SELECT count(*) FROM contact_phones WHERE phone LIKE '+44 7%'`) == 0 ||
		q(`SELECT count(*) FROM contact_phones WHERE phone LIKE '+33 6 %'`) == 0 ||
		q(`SELECT count(*) FROM (SELECT contact_id FROM contact_emails GROUP BY 1 HAVING count(*) > 1)`) == 0 ||
		q(`SELECT count(*) FROM (SELECT contact_id FROM contact_phones GROUP BY 1 HAVING count(*) > 1)`) == 0 {
		t.Fatal("contacts lack variety")
	}
	if q(`SELECT count(*) FROM contact_emails WHERE email NOT LIKE '%.example'`) != 0 {
		t.Fatal("a sample email outside the reserved .example domain")
	}
	if q(`SELECT count(*) FROM products`) != 50 || q(`SELECT count(DISTINCT tax_rate) FROM products`) != 3 {
		t.Fatal("catalog: want 50 products at 5.5, 10 and 20 %")
	}
	if q(`SELECT count(*) FROM deals WHERE currency = 'GBP'`) == 0 {
		t.Fatal("no English clients' deals in pounds")
	}
	// Company numbers: SIREN with its Luhn digit, FR VAT with its key.
	vat := regexp.MustCompile(`^FR(\d{2})(\d{9})$`)
	crows, err := db.Query(`SELECT vat_number, registration FROM companies WHERE vat_number LIKE 'FR%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer crows.Close()
	nFR := 0
	for crows.Next() {
		var v, siren string
		crows.Scan(&v, &siren)
		m := vat.FindStringSubmatch(v)
		if m == nil || m[2] != siren || !luhn(siren) {
			t.Fatalf("VAT %q / SIREN %q", v, siren)
		}
		key, _ := strconv.Atoi(m[1])
		s, _ := strconv.ParseInt(siren, 10, 64)
		if int64(key) != (12+3*(s%97))%97 {
			t.Fatalf("VAT %q: wrong key", v)
		}
		nFR++
	}
	if nFR == 0 {
		t.Fatal("no French companies")
	}
	// Search works on the seeded data.
	hits, err := st.Search(ctx, admin.ID, "sarl", 10)
	if err != nil || len(hits) == 0 {
		t.Fatalf("search sarl: %v, %v", hits, err)
	}
}

func luhn(s string) bool {
	sum := 0
	for i := range s {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// TestSeedIntoUsedDatabase: an existing admin is kept and acts; seeding
// twice adds deals and reuses the employees.
func TestSeedIntoUsedDatabase(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	s1, err := seed.Fill(ctx, db.Store, seed.Options{Deals: 50, Seed: 3, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := seed.Fill(ctx, db.Store, seed.Options{Deals: 50, Seed: 3, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := db.FirstAdmin(ctx)
	if admin.ID != db.Admin.ID || s1.Employees < 2 || s2.Employees != 0 {
		t.Fatalf("admin %d (want %d), employees added %d then %d", admin.ID, db.Admin.ID, s1.Employees, s2.Employees)
	}
	rows, err := db.DealList(ctx, db.Admin.ID, data.DealFilter{}, nil, 1000)
	if err != nil || len(rows) != 100 {
		t.Fatalf("%d deals, %v", len(rows), err)
	}
	cos, err := db.CompanyList(ctx, db.Admin.ID, data.ListCursor{}, 1000)
	if err != nil || !strings.Contains(fmt.Sprint(cos), " Ltd") {
		t.Errorf("an English seed without English companies: %v", err)
	}
}

// fillAt seeds a database whose clock reads now, anchored on anchor (zero:
// the clock's day).
func fillAt(t *testing.T, deals int, s int64, clock, anchor time.Time) (*data.Store, *sql.DB, seed.Summary) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "seed.db")
	st, err := data.Open(ctx, path, data.OpenOptions{Language: "fr", Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sum, err := seed.Fill(ctx, st, seed.Options{Deals: deals, Seed: s, Lang: "fr", Anchor: anchor})
	if err != nil {
		t.Fatal(err)
	}
	return st, raw(t, path), sum
}

// TestSeedLooksAliveOnItsDay: seeded on any day, open deals close over the
// coming months, won and lost ones closed over the past year, activities are
// due around that day, and every deal went through the stages before its own.
func TestSeedLooksAliveOnItsDay(t *testing.T) {
	t.Parallel()
	day := time.Date(2027, 6, 15, 16, 20, 0, 0, time.UTC)
	st, db, sum := fillAt(t, 2000, 5, day, time.Time{})
	anchor := "2027-06-15"
	q := func(query string, args ...any) int {
		t.Helper()
		var v int
		if err := db.QueryRow(query, args...).Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return v
	}
	open := `SELECT d.* FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.semantics = 'open'`
	nOpen := q(`SELECT count(*) FROM (` + open + `)`)
	ahead := q(`SELECT count(*) FROM (`+open+`) WHERE close_date >= ? AND close_date <= date(?, '+181 days')`, anchor, anchor)
	overdue := q(`SELECT count(*) FROM (`+open+`) WHERE close_date < ?`, anchor)
	noDate := q(`SELECT count(*) FROM (` + open + `) WHERE close_date IS NULL`)
	if ahead < nOpen*3/4 || overdue == 0 || noDate == 0 || ahead+overdue+noDate != nOpen {
		t.Errorf("open deals: %d close in the coming six months, %d overdue, %d without a date, of %d", ahead, overdue, noDate, nOpen)
	}
	if n := q(`SELECT count(*) FROM (`+open+`) WHERE close_date > date(?, '+93 days')`, anchor); n == 0 || n > nOpen/2 {
		t.Errorf("%d open deals close after three months", n)
	}
	if q(`SELECT count(*) FROM deals WHERE closed_at IS NOT NULL AND (closed_at >= ? OR closed_at < date(?, '-366 days'))`, anchor, anchor) != 0 ||
		q(`SELECT count(*) FROM deals WHERE closed_at >= date(?, '-31 days')`, anchor) == 0 ||
		q(`SELECT count(*) FROM deals WHERE closed_at < date(?, '-300 days')`, anchor) == 0 {
		t.Error("won and lost deals do not spread over the past year")
	}
	if q(`SELECT count(*) FROM deals WHERE created_at > date(?, '+1 day') OR created_at < date(?, '-516 days')`, anchor, anchor) != 0 ||
		q(`SELECT count(*) FROM (`+open+`) WHERE created_at < date(?, '-181 days')`, anchor) > 1 {
		t.Error("deals created long before the anchor, or after it")
	}
	if q(`SELECT count(*) FROM activities WHERE done_at IS NULL AND (due_at < date(?, '-3 days') OR due_at > date(?, '+28 days'))`, anchor, anchor) != 0 ||
		q(`SELECT count(*) FROM activities WHERE done_at IS NULL AND due_at < ?`, anchor) == 0 ||
		q(`SELECT count(*) FROM activities WHERE done_at > date(?, '+1 day')`, anchor) != 0 ||
		q(`SELECT count(*) FROM activities`) < 3*sum.Deals/2 {
		t.Errorf("activities: %d for %d deals, or due away from the anchor", q(`SELECT count(*) FROM activities`), sum.Deals)
	}
	// The stage history: each move starts where the last one ended and the
	// last ends in the deal's stage; how far each deal got is the furthest
	// open stage of its history.
	rows, err := db.Query(`SELECT d.id, d.stage_id, coalesce(d.reached_stage_id, d.stage_id),
		coalesce(json_extract(t.data, '$.from_id'), 0), coalesce(json_extract(t.data, '$.to_id'), 0), t.kind
		FROM deals d LEFT JOIN timeline t ON t.deal_id = d.id AND t.kind IN ('stage', 'won', 'lost', 'reopened')
		ORDER BY d.id, t.at, t.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	admin, err := st.FirstAdmin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := st.Pipelines(context.Background(), admin.ID)
	pos := map[int64]data.Stage{}
	for _, s := range ps[0].Stages {
		pos[s.ID] = s
	}
	type deal struct {
		stage, reached, at, furthest int64
		moves                        int
		skipped, reopened            bool
	}
	deals := map[int64]*deal{}
	var order []int64
	for rows.Next() {
		var id, stage, reached, from, to int64
		var kind sql.NullString
		if err := rows.Scan(&id, &stage, &reached, &from, &to, &kind); err != nil {
			t.Fatal(err)
		}
		d := deals[id]
		if d == nil {
			first := ps[0].Stages[0].ID
			d = &deal{stage: stage, reached: reached, at: first, furthest: first}
			deals[id] = d
			order = append(order, id)
		}
		if !kind.Valid {
			continue
		}
		if from != d.at {
			t.Fatalf("deal %d moves from stage %d, but was in %d", id, from, d.at)
		}
		if pos[to].Semantics == data.StatusOpen && pos[from].Semantics == data.StatusOpen && pos[to].Position > pos[from].Position+1 {
			d.skipped = true
		}
		d.reopened = d.reopened || kind.String == "reopened"
		d.at = to
		d.moves++
		if pos[to].Semantics == data.StatusOpen && pos[to].Position > pos[d.furthest].Position {
			d.furthest = to
		}
	}
	var moved, skipped, reopened int
	for _, id := range order {
		d := deals[id]
		if d.at != d.stage {
			t.Fatalf("deal %d's history ends in stage %d, it is in %d", id, d.at, d.stage)
		}
		want := d.furthest
		if pos[d.stage].Semantics == data.StatusOpen && d.moves == 0 {
			want = d.stage
		}
		if d.reached != want && !(pos[d.reached].Final() && d.moves == 0) {
			t.Fatalf("deal %d reached %d, its history says %d", id, d.reached, want)
		}
		if d.moves >= 2 {
			moved++
		}
		if d.skipped {
			skipped++
		}
		if d.reopened {
			reopened++
		}
	}
	if moved < len(order)/3 || skipped == 0 || reopened == 0 {
		t.Errorf("%d deals moved twice or more, %d skipped a stage, %d were reopened, of %d", moved, skipped, reopened, len(order))
	}
	// So the funnel of the past year narrows stage after stage.
	admin, _ = st.FirstAdmin(context.Background())
	fu, err := st.Funnel(context.Background(), admin.ID, data.ReportFilter{Period: data.Period{From: "2026-06-15", To: anchor}})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range fu.Stages {
		if s.Reached.Count == 0 || i > 0 && s.Reached.Count >= fu.Stages[i-1].Reached.Count {
			t.Errorf("funnel: %s reached by %d", s.Stage.Name, s.Reached.Count)
		}
	}
	if fu.Won.Count == 0 || fu.Lost.Count == 0 || fu.Cohort.Count < sum.Deals*9/10 {
		t.Errorf("funnel: %d won, %d lost, %d deals of %d", fu.Won.Count, fu.Lost.Count, fu.Cohort.Count, sum.Deals)
	}
}

// TestSameSeedSameDataRelativeToTheAnchor: the same seed on another anchor
// day gives the same data, shifted by the days between the anchors.
func TestSameSeedSameDataRelativeToTheAnchor(t *testing.T) {
	t.Parallel()
	a1 := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	a2 := a1.AddDate(0, 0, 45)
	_, db1, s1 := fillAt(t, 300, 11, now, a1)
	_, db2, s2 := fillAt(t, 300, 11, now, a2)
	if s1 != s2 {
		t.Fatalf("summaries differ: %+v / %+v", s1, s2)
	}
	shift := func(db *sql.DB, by int) []string {
		t.Helper()
		var out []string
		for _, q := range []string{
			`SELECT id, title, stage_id, coalesce(reached_stage_id, 0), amount, currency, responsible_id,
				created_at, updated_at, coalesce(closed_at, ''), coalesce(close_date, '') FROM deals ORDER BY id`,
			`SELECT id, deal_id, kind, at, '', '', data, '', '', '', '' FROM timeline ORDER BY id`,
			`SELECT id, deal_id, kind, due_at, coalesce(done_at, ''), created_at, '', '', '', '', '' FROM activities ORDER BY id`,
		} {
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				v := make([]string, 11)
				ptrs := make([]any, 11)
				for i := range v {
					ptrs[i] = &v[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, s := range v {
					if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
						d, err := time.Parse("2006-01-02", s[:10])
						if err == nil {
							v[i] = d.AddDate(0, 0, by).Format("2006-01-02") + s[10:]
						}
					}
				}
				out = append(out, strings.Join(v, "|"))
			}
			rows.Close()
		}
		return out
	}
	r1, r2 := shift(db1, 45), shift(db2, 0)
	if len(r1) != len(r2) || len(r1) < 1000 {
		t.Fatalf("%d and %d rows", len(r1), len(r2))
	}
	for i := range r1 {
		if r1[i] != r2[i] {
			t.Fatalf("row %d differs once shifted by 45 days:\n%s\n%s", i, r1[i], r2[i])
		}
	}
}
