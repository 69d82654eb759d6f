package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
)

// reportDB is a database with a deal won, one lost for a reason a
// spreadsheet would run as a formula, and one open of an employee whose name
// starts with @, all in November 2026.
func reportDB(t *testing.T) *datatest.DB {
	t.Helper()
	ctx := context.Background()
	db := datatest.Open(t)
	admin := db.Admin.ID
	mallory, err := db.CreateEmployee(ctx, admin, data.EmployeeInput{Name: "@Mallory", Email: "mallory@comptoir.test", Role: data.RoleSales, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	p := db.Pipeline(t)
	won, _ := p.FinalStage(data.StatusWon)
	lost, _ := p.FinalStage(data.StatusLost)
	a, err := db.CreateDeal(ctx, admin, data.DealInput{Title: "Won", Amount: 100000, ResponsibleID: db.Sales.ID})
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.CreateDeal(ctx, admin, data.DealInput{Title: "Lost", Amount: 25000, Currency: "GBP", ResponsibleID: db.Sales2.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateDeal(ctx, admin, data.DealInput{Title: "Open", Amount: 1234, ResponsibleID: mallory.ID, CloseDate: "2026-11-20"}); err != nil {
		t.Fatal(err)
	}
	db.Clock.Advance(time.Hour)
	if _, err := db.MoveDeal(ctx, admin, a.ID, won.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MoveDeal(ctx, admin, b.ID, lost.ID, "=1+1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddComment(ctx, db.Sales.ID, a.ID, "Signed"); err != nil {
		t.Fatal(err)
	}
	return db
}

var novemberFlags = []string{"--from", "2026-11-01", "--to", "2026-11-30"}

func reportJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, out, errOut := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return v
}

func reportCSV(t *testing.T, args ...string) [][]string {
	t.Helper()
	code, out, errOut := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return rows
}

// path walks a decoded JSON value: keys of objects, indexes of arrays.
func path(t *testing.T, v any, keys ...any) any {
	t.Helper()
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v is not an object (at %q)", v, k)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("%v has no item %d", v, k)
			}
			v = a[k]
		}
	}
	return v
}

func TestReportFunnelJSONAndCSV(t *testing.T) {
	t.Parallel()
	db := reportDB(t)
	ctx := context.Background()
	v := reportJSON(t, append([]string{"report", "funnel", "--db", db.Path}, novemberFlags...)...)
	if path(t, v, "report") != "funnel" || path(t, v, "filter", "pipeline", "name") != "Sales" || path(t, v, "conversion") != nil {
		t.Errorf("head: %v", v)
	}
	if n := path(t, v, "stages", 0, "reached", "deals"); n != 3.0 {
		t.Errorf("reached New: %v deals", n)
	}
	amounts := path(t, v, "stages", 0, "reached", "amounts").([]any)
	if len(amounts) != 2 || path(t, amounts, 0, "amount") != "1012.34" || path(t, amounts, 1, "currency") != "GBP" || path(t, amounts, 1, "amount") != "250.00" {
		t.Errorf("reached New amounts %v", amounts)
	}
	if path(t, v, "won", "deals") != 1.0 || path(t, v, "lost", "deals") != 1.0 || path(t, v, "stages", 4, "to_next_percent") != 100.0 {
		t.Errorf("won %v, lost %v", path(t, v, "won"), path(t, v, "lost"))
	}
	rows := reportCSV(t, append([]string{"report", "funnel", "--format", "csv", "--db", db.Path}, novemberFlags...)...)
	if !slices.Equal(rows[0], []string{"row", "stage_id", "stage", "deals", "to_next_percent", "EUR", "GBP"}) || len(rows) != 1+5*3+4 {
		t.Fatalf("CSV: %v", rows)
	}
	if !slices.Equal(rows[1], []string{"reached", rows[1][1], "New", "3", "33.3", "1012.34", "250.00"}) {
		t.Errorf("first row %v", rows[1])
	}

	// With a rate for pounds, one converted total, and the rate named.
	if _, err := db.SetCurrencyRates(ctx, db.Admin.ID, "EUR", map[string]string{"GBP": "1.2"}); err != nil {
		t.Fatal(err)
	}
	v = reportJSON(t, append([]string{"report", "funnel", "--db", db.Path}, novemberFlags...)...)
	if c := path(t, v, "stages", 0, "reached", "converted"); c == nil || path(t, c, "amount") != "1312.34" {
		t.Errorf("converted reached New: %v", c)
	}
	if path(t, v, "conversion", "rates", 0, "rate") != "1.2" {
		t.Errorf("conversion %v", path(t, v, "conversion"))
	}
	rows = reportCSV(t, append([]string{"report", "funnel", "--format", "csv", "--db", db.Path}, novemberFlags...)...)
	if rows[0][len(rows[0])-1] != "converted_EUR" || rows[1][len(rows[1])-1] != "1312.34" {
		t.Errorf("converted column: %v / %v", rows[0], rows[1])
	}
}

func TestReportCSVNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	db := reportDB(t)
	rows := reportCSV(t, append([]string{"report", "wonlost", "--format", "csv", "--db", db.Path}, novemberFlags...)...)
	var reason []string
	for _, r := range rows {
		if r[0] == "lost_reason" {
			reason = r
		}
	}
	if reason == nil || reason[3] != "'=1+1" {
		t.Errorf("lost reason row %v", reason)
	}
	rows = reportCSV(t, append([]string{"report", "activity", "--format", "csv", "--db", db.Path}, novemberFlags...)...)
	found := false
	for _, r := range rows {
		found = found || r[2] == "'@Mallory"
		if r[2] == "@Mallory" {
			t.Errorf("a name read as a formula: %v", r)
		}
	}
	if !found {
		t.Errorf("no row for @Mallory: %v", rows)
	}
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+33 6 12 34 56 78": "'+33 6 12 34 56 78", "-x": "'-x", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "-12.50": "-12.50", "12": "12", "+3": "+3", "a=b": "a=b", "": "",
	} {
		if got := formats.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReportDatesInTheLanguage(t *testing.T) {
	t.Parallel()
	db := reportDB(t)
	iso := reportJSON(t, append([]string{"report", "wonlost", "--db", db.Path}, novemberFlags...)...)
	fr := reportJSON(t, "--lang", "fr", "report", "wonlost", "--from", "01/11/2026", "--to", "30/11/2026", "--db", db.Path)
	if path(t, fr, "filter", "from") != "2026-11-01" || path(t, fr, "total", "won", "deals") != path(t, iso, "total", "won", "deals") {
		t.Errorf("French dates: %v", path(t, fr, "filter"))
	}
	en := reportJSON(t, "--lang", "en", "report", "wonlost", "--from", "Nov 1, 2026", "--to", "November 30, 2026", "--db", db.Path)
	if path(t, en, "filter", "to") != "2026-11-30" {
		t.Errorf("English dates: %v", path(t, en, "filter"))
	}
	code, _, errOut := run(t, "--lang", "en", "report", "wonlost", "--from", "11/01/2026", "--to", "11/30/2026", "--db", db.Path)
	if code != 2 || !strings.Contains(errOut, "two ways") {
		t.Errorf("an English date with slashes: exit %d, %s", code, errOut)
	}
	wk := reportJSON(t, append([]string{"report", "wonlost", "--by", "week", "--db", db.Path}, novemberFlags...)...)
	if b := path(t, wk, "buckets").([]any); len(b) != 6 || path(t, b, 1, "from") != "2026-11-02" {
		t.Errorf("weeks %v", b)
	}
}

func TestReportRightsAndMistakes(t *testing.T) {
	t.Parallel()
	db := reportDB(t)
	base := append([]string{"report", "funnel", "--db", db.Path}, novemberFlags...)
	mine := reportJSON(t, append(base, "--as", "sales@comptoir.test")...)
	if path(t, mine, "cohort", "deals") != 1.0 || path(t, mine, "filter", "employee", "email") != "sales@comptoir.test" {
		t.Errorf("a sales employee's funnel: %v", path(t, mine, "cohort"))
	}
	code, out, errOut := run(t, append(base, "--as", "sales@comptoir.test", "--employee", "sales2@comptoir.test")...)
	if code != 1 || out != "" || !strings.Contains(errOut, "only see their own") {
		t.Errorf("someone else's figures: exit %d, %q, %q", code, out, errOut)
	}
	theirs := reportJSON(t, append(base, "--as", "manager@comptoir.test", "--employee", "sales2@comptoir.test")...)
	if path(t, theirs, "cohort", "deals") != 1.0 || path(t, theirs, "lost", "deals") != 1.0 {
		t.Errorf("a manager's view of one employee: %v", path(t, theirs, "cohort"))
	}
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"report", "funnel", "--format", "pdf"}, 2, "PDF"},
		{[]string{"report", "funnel", "--format", "xml"}, 2, "json or csv"},
		{[]string{"report", "bills"}, 2, "no report"},
		{[]string{"report"}, 2, "which report"},
		{[]string{"report", "activity", "--pipeline", "1"}, 2, "every pipeline"},
		{[]string{"report", "funnel", "--by", "week"}, 2, "wonlost only"},
		{[]string{"report", "funnel", "--from", "2026-11-01"}, 2, "both"},
		{[]string{"report", "funnel", "--period", "year", "--from", "2026-11-01", "--to", "2026-11-02"}, 2, "not both"},
		{[]string{"report", "funnel", "--period", "week"}, 2, "month, quarter or year"},
		{[]string{"report", "funnel", "--employee", "nobody@comptoir.test"}, 1, "no such employee"},
		{[]string{"report", "funnel", "--currency", "XXQ"}, 1, "ISO 4217"},
		{[]string{"report", "funnel", "--pipeline", "99"}, 1, "does not exist"},
		{[]string{"report", "funnel", "--from", "2026-11-30", "--to", "2026-11-01"}, 1, "ends before it starts"},
	} {
		code, out, errOut := run(t, append(c.args, "--db", db.Path)...)
		if code != c.code || out != "" || !strings.Contains(errOut, c.says) {
			t.Errorf("%v: exit %d (want %d), %q, %q", c.args, code, c.code, out, errOut)
		}
	}
}

func TestReportOutFile(t *testing.T) {
	t.Parallel()
	db := reportDB(t)
	out := filepath.Join(t.TempDir(), "forecast.json")
	code, stdout, errOut := run(t, "report", "forecast", "--out", out, "--period", "year", "--db", db.Path)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, %q, %s", code, stdout, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil || v["report"] != "forecast" {
		t.Fatalf("%s: %v", b, err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".forecast.json.*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	code, _, _ = run(t, "report", "forecast", "--out", filepath.Join(t.TempDir(), "no", "such", "dir.json"), "--db", db.Path)
	if code != 1 {
		t.Errorf("an unwritable --out: exit %d", code)
	}
}
