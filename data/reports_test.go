package data_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// reportFixture is a small history counted by hand: two pipelines, deals in
// euros and pounds, a stage skipped, a deal reopened, one moved to the other
// pipeline, one deleted, some without a close date, times on either side of
// midnight in Paris (the business's default zone) and activity around them.
type reportFixture struct {
	db   *datatest.DB
	a, b data.Pipeline
	deal map[string]int64
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ts(v string) time.Time {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		panic(err)
	}
	return t
}

func stageNamed(t *testing.T, p data.Pipeline, name string) data.Stage {
	t.Helper()
	for _, st := range p.Stages {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("no stage %q in %s", name, p.Name)
	return data.Stage{}
}

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	db := datatest.Open(t)
	ctx := context.Background()
	f := &reportFixture{db: db, a: db.Pipeline(t), deal: map[string]int64{}}
	var err error
	f.b, err = db.CreatePipeline(ctx, db.Admin.ID, "Partners")
	must(t, err)
	admin := db.Admin.ID
	create := func(name, at string, p data.Pipeline, in data.DealInput) {
		t.Helper()
		db.Clock.Set(ts(at))
		in.Title, in.PipelineID = name, p.ID
		d, err := db.CreateDeal(ctx, admin, in)
		must(t, err)
		f.deal[name] = d.ID
	}
	move := func(name, at string, p data.Pipeline, stage, reason string) {
		t.Helper()
		db.Clock.Set(ts(at))
		_, err := db.MoveDeal(ctx, admin, f.deal[name], stageNamed(t, p, stage).ID, reason)
		must(t, err)
	}
	prob := 50
	a, b := f.a, f.b
	create("D6", "2026-10-01T10:00:00Z", a, data.DealInput{Amount: 70000, ResponsibleID: db.Sales.ID})
	move("D6", "2026-10-31T23:30:00Z", a, "Deal won", "") // 1 November in Paris
	create("D11", "2026-10-05T10:00:00Z", a, data.DealInput{Amount: 100000, CloseDate: "2026-10-20"})
	create("D12", "2026-10-31T23:30:00Z", b, data.DealInput{Amount: 5000, ResponsibleID: db.Manager.ID}) // 1 November in Paris
	create("D1", "2026-11-02T10:00:00Z", a, data.DealInput{Amount: 100000, ResponsibleID: db.Sales.ID})
	move("D1", "2026-11-05T10:00:00Z", a, "Invoice", "")  // skips Preparing documents
	move("D1", "2026-11-08T23:30:00Z", a, "Deal won", "") // Monday 9 November in Paris
	create("D2", "2026-11-02T11:00:00Z", a, data.DealInput{Amount: 50000, ResponsibleID: db.Sales2.ID})
	move("D2", "2026-11-03T10:00:00Z", a, "Preparing documents", "")
	move("D2", "2026-11-04T10:00:00Z", a, "Deal lost", "Price")
	move("D2", "2026-11-06T10:00:00Z", a, "New", "") // reopened
	create("D3", "2026-11-03T10:00:00Z", a, data.DealInput{Amount: 30000, Currency: "GBP", ResponsibleID: db.Manager.ID})
	move("D3", "2026-11-04T10:00:00Z", a, "Preparing documents", "")
	db.Clock.Set(ts("2026-11-06T10:00:00Z"))
	d3, err := db.Store.Deal(ctx, admin, f.deal["D3"])
	must(t, err)
	in := d3.Input()
	in.PipelineID, in.StageID = b.ID, 0 // to the other pipeline's first stage
	_, err = db.UpdateDeal(ctx, admin, d3.ID, in)
	must(t, err)
	move("D3", "2026-11-07T10:00:00Z", b, "Preparing documents", "")
	create("D4", "2026-11-04T10:00:00Z", a, data.DealInput{Amount: 200000, Currency: "GBP", ResponsibleID: db.Sales.ID,
		Observers: []int64{db.Sales2.ID}, Probability: &prob, CloseDate: "2026-12-15"})
	move("D4", "2026-11-05T10:00:00Z", a, "In progress", "") // skips two
	create("D5", "2026-11-05T10:00:00Z", a, data.DealInput{Amount: 10000})
	create("D7", "2026-11-06T10:00:00Z", a, data.DealInput{Amount: 25000, ResponsibleID: db.Sales.ID})
	move("D7", "2026-11-07T10:00:00Z", a, "Preparing documents", "")
	move("D7", "2026-11-08T10:00:00Z", a, "Invoice", "")
	create("D8", "2026-11-06T11:00:00Z", a, data.DealInput{Amount: 99900, ResponsibleID: db.Manager.ID})
	create("D9", "2026-11-07T10:00:00Z", a, data.DealInput{Amount: 40000, ResponsibleID: db.Sales2.ID, CloseDate: "2026-11-05"})
	move("D9", "2026-11-08T10:00:00Z", a, "Preparing documents", "")
	create("D10", "2026-11-08T10:00:00Z", a, data.DealInput{Amount: 12345, ResponsibleID: db.Sales2.ID, CloseDate: "2026-11-20"})
	create("D13", "2026-11-09T10:00:00Z", a, data.DealInput{Amount: 12345, ResponsibleID: db.Sales2.ID, CloseDate: "2026-11-25"})

	// Activity.
	db.Clock.Set(ts("2026-11-03T10:00:00Z"))
	_, err = db.AddComment(ctx, db.Sales.ID, f.deal["D1"], "Called back tomorrow")
	must(t, err)
	db.Clock.Set(ts("2026-11-03T12:00:00Z"))
	_, err = db.LogCall(ctx, db.Sales.ID, f.deal["D1"], data.CallInput{Direction: data.CallOut, At: ts("2026-11-03T11:00:00Z")})
	must(t, err)
	db.Clock.Set(ts("2026-11-08T23:30:00Z")) // Monday 9 November in Paris
	_, err = db.AddComment(ctx, db.Sales.ID, f.deal["D7"], "Waiting for the budget")
	must(t, err)
	db.Clock.Set(ts("2026-11-09T10:00:00Z"))
	_, err = db.AddComment(ctx, db.Sales2.ID, f.deal["D2"], "Price too high")
	must(t, err)
	db.Clock.Set(ts("2026-11-07T09:00:00Z"))
	_, err = db.AddComment(ctx, db.Manager.ID, f.deal["D8"], "On a deal deleted later")
	must(t, err)
	plan := func(actor int64, deal, due string, kind data.ActivityKind) int64 {
		t.Helper()
		act, err := db.PlanActivity(ctx, actor, f.deal[deal], data.ActivityInput{Kind: kind, Subject: string(kind), DueAt: ts(due)})
		must(t, err)
		return act.ID
	}
	meeting := plan(db.Sales.ID, "D4", "2026-11-09T09:00:00Z", data.ActivityMeeting)
	task := plan(db.Sales.ID, "D7", "2026-11-09T09:00:00Z", data.ActivityTask)
	plan(db.Sales.ID, "D4", "2026-11-10T09:00:00Z", data.ActivityCall)  // overdue on 12 November
	plan(db.Sales2.ID, "D9", "2026-11-20T09:00:00Z", data.ActivityCall) // not yet due
	call := plan(db.Manager.ID, "D3", "2026-11-07T09:00:00Z", data.ActivityCall)
	db.Clock.Set(ts("2026-11-10T10:00:00Z"))
	for _, id := range []int64{meeting, task} {
		_, err = db.CompleteActivity(ctx, db.Sales.ID, id, "done")
		must(t, err)
	}
	db.Clock.Set(ts("2026-11-07T15:00:00Z"))
	_, err = db.CompleteActivity(ctx, db.Manager.ID, call, "done")
	must(t, err)

	move("D7", "2026-11-11T10:00:00Z", a, "Deal lost", "Timing")
	db.Clock.Set(ts("2026-11-08T12:00:00Z"))
	must(t, db.DeleteDeal(ctx, admin, f.deal["D8"]))
	db.Clock.Set(datatest.Start) // 12 November 2026, 09:30 UTC
	return f
}

var november = data.Period{From: "2026-11-01", To: "2026-11-30"}

func (f *reportFixture) ids(names ...string) []int64 {
	var out []int64
	for _, n := range names {
		out = append(out, f.deal[n])
	}
	slices.Sort(out)
	return out
}

func (f *reportFixture) behind(t *testing.T, actor int64, q data.DealQuery, want ...string) {
	t.Helper()
	got, err := f.db.DealsBehind(context.Background(), actor, q)
	if err != nil {
		t.Fatalf("deals behind %+v: %v", q, err)
	}
	if w := f.ids(want...); !slices.Equal(got, w) {
		t.Errorf("deals behind %s %s %s: %v, want %v (%v)", q.Report, q.Measure, q.Key, got, w, want)
	}
}

func checkFigure(t *testing.T, what string, got data.Figure, count int, amounts ...data.Total) {
	t.Helper()
	if amounts == nil {
		amounts = []data.Total{}
	}
	if got.Count != count || !reflect.DeepEqual(got.Amounts, amounts) {
		t.Errorf("%s: %d deals %v, want %d %v", what, got.Count, got.Amounts, count, amounts)
	}
}

func eur(v int64) data.Total { return data.Total{Currency: "EUR", Amount: v} }
func gbp(v int64) data.Total { return data.Total{Currency: "GBP", Amount: v} }

func TestFunnelCountsByHand(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	ctx := context.Background()
	fu, err := f.db.Funnel(ctx, f.db.Admin.ID, data.ReportFilter{PipelineID: f.a.ID, Period: november})
	must(t, err)
	if len(fu.Stages) != 5 || fu.Stages[2].Stage.Name != "Invoice" {
		t.Fatalf("stages %+v", fu.Stages)
	}
	// D1 won after skipping Preparing documents; D2 lost then reopened to
	// New; D3 moved to the other pipeline from Preparing documents; D4 jumped
	// to In progress; D7 lost at Invoice; D5, D10, D13 stayed new; D9 is
	// preparing. D6 and D11 were created in October, D8 is deleted.
	checkFigure(t, "cohort", fu.Cohort.Figure, 9, eur(249690), gbp(230000))
	want := []struct {
		reached, current, lostHere int
		toNext                     data.Ratio
	}{
		{9, 4, 0, data.Ratio{Part: 6, Whole: 9}},
		{6, 1, 0, data.Ratio{Part: 3, Whole: 6}},
		{3, 0, 1, data.Ratio{Part: 2, Whole: 3}},
		{2, 1, 0, data.Ratio{Part: 1, Whole: 2}},
		{1, 0, 0, data.Ratio{Part: 1, Whole: 1}},
	}
	for i, w := range want {
		s := fu.Stages[i]
		if s.Reached.Count != w.reached || s.Current.Count != w.current || s.LostHere.Count != w.lostHere || s.ToNext != w.toNext {
			t.Errorf("%s: reached %d, current %d, lost here %d, to next %+v; want %+v",
				s.Stage.Name, s.Reached.Count, s.Current.Count, s.LostHere.Count, s.ToNext, w)
		}
	}
	checkFigure(t, "reached Invoice", fu.Stages[2].Reached.Figure, 3, eur(125000), gbp(200000))
	checkFigure(t, "won", fu.Won.Figure, 1, eur(100000))
	checkFigure(t, "lost", fu.Lost.Figure, 1, eur(25000))
	checkFigure(t, "moved out", fu.MovedOut.Figure, 1, gbp(30000))
	if p, ok := fu.Stages[0].ToNext.Percent(); !ok || p < 66.6 || p > 66.7 {
		t.Errorf("New → Preparing documents: %v %%", p)
	}
	admin := f.db.Admin.ID
	f.behind(t, admin, fu.Stages[2].Reached.Deals, "D1", "D4", "D7")
	f.behind(t, admin, fu.Stages[1].Reached.Deals, "D1", "D2", "D3", "D4", "D7", "D9")
	f.behind(t, admin, fu.Stages[0].Current.Deals, "D2", "D5", "D10", "D13")
	f.behind(t, admin, fu.Stages[2].LostHere.Deals, "D7")
	f.behind(t, admin, fu.MovedOut.Deals, "D3")
	f.behind(t, admin, fu.Won.Deals, "D1")

	// The other pipeline: D3 arrived in New and went on; D12 was created at
	// 00:30 on 1 November in Paris (31 October in UTC).
	fb, err := f.db.Funnel(ctx, admin, data.ReportFilter{PipelineID: f.b.ID, Period: november})
	must(t, err)
	if fb.Cohort.Count != 2 || fb.Stages[0].Reached.Count != 2 || fb.Stages[1].Reached.Count != 1 || fb.Stages[1].Current.Count != 1 {
		t.Errorf("pipeline B: cohort %d, reached %d then %d", fb.Cohort.Count, fb.Stages[0].Reached.Count, fb.Stages[1].Reached.Count)
	}
	oct, err := f.db.Funnel(ctx, admin, data.ReportFilter{PipelineID: f.b.ID, Period: data.Period{From: "2026-10-01", To: "2026-10-31"}})
	must(t, err)
	if oct.Cohort.Count != 0 {
		t.Errorf("pipeline B in October: %d deals, want none", oct.Cohort.Count)
	}

	// One currency.
	fg, err := f.db.Funnel(ctx, admin, data.ReportFilter{PipelineID: f.a.ID, Period: november, Currency: "gbp"})
	must(t, err)
	checkFigure(t, "reached New in pounds", fg.Stages[0].Reached.Figure, 2, gbp(230000))
	f.behind(t, admin, fg.Stages[0].Reached.Deals, "D3", "D4")
}

func TestForecastCountsByHand(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	ctx := context.Background()
	fc, err := f.db.Forecast(ctx, f.db.Admin.ID, data.ReportFilter{Period: data.Period{From: "2026-11-01", To: "2026-12-31"}})
	must(t, err)
	if fc.Today != "2026-11-12" || len(fc.Months) != 2 || fc.Months[0].Key != "2026-11" || fc.Months[1].Key != "2026-12" {
		t.Fatalf("today %s, months %+v", fc.Today, fc.Months)
	}
	// November from today: D10 and D13, 123.45 € each at 10 %: 24.69 €
	// weighted, rounded once on the sum (deal by deal, 12.35 + 12.35).
	nov := fc.Months[0]
	checkFigure(t, "November", nov.Raw, 2, eur(24690))
	checkFigure(t, "November weighted", nov.Weighted, 2, eur(2469))
	if len(nov.People) != 1 || nov.People[0].EmployeeID != f.db.Sales2.ID {
		t.Errorf("November people %+v", nov.People)
	}
	// December: D4, £2,000 at its own 50 %.
	checkFigure(t, "December", fc.Months[1].Raw, 1, gbp(200000))
	checkFigure(t, "December weighted", fc.Months[1].Weighted, 1, gbp(100000))
	// Overdue: D9 (5 November, preparing, 20 %) and D11 (October, new, 10 %).
	checkFigure(t, "overdue", fc.Overdue.Raw, 2, eur(140000))
	checkFigure(t, "overdue weighted", fc.Overdue.Weighted, 2, eur(18000))
	// No date: D2, D5 and D12 (new, 10 %) and D3 (preparing, 20 %, in
	// pounds, now in the other pipeline).
	checkFigure(t, "needs a date", fc.NeedsDate.Raw, 4, eur(65000), gbp(30000))
	checkFigure(t, "needs a date weighted", fc.NeedsDate.Weighted, 4, eur(6500), gbp(6000))
	checkFigure(t, "total", fc.Total.Raw, 3, eur(24690), gbp(200000))

	admin := f.db.Admin.ID
	f.behind(t, admin, fc.Overdue.Deals, "D9", "D11")
	f.behind(t, admin, fc.NeedsDate.Deals, "D2", "D3", "D5", "D12")
	f.behind(t, admin, fc.Months[1].Deals, "D4")
	f.behind(t, admin, nov.People[0].Deals, "D10", "D13")
	f.behind(t, admin, fc.Total.Deals, "D4", "D10", "D13")

	// A manager picking Sales2: the same November.
	one, err := f.db.Forecast(ctx, f.db.Manager.ID, data.ReportFilter{Period: data.Period{From: "2026-11-01", To: "2026-11-30"}, EmployeeID: f.db.Sales2.ID})
	must(t, err)
	checkFigure(t, "Sales2's November", one.Months[0].Weighted, 2, eur(2469))
}

func TestWeightedRoundsHalfAwayFromZero(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	// 123.45 € at 10 % is 12.345 €: 12.35 €.
	_, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Half", Amount: 12345, CloseDate: "2026-11-20"})
	must(t, err)
	fc, err := db.Forecast(ctx, db.Admin.ID, data.ReportFilter{Period: data.Period{From: "2026-11-01", To: "2026-11-30"}})
	must(t, err)
	checkFigure(t, "weighted", fc.Months[0].Weighted, 1, eur(1235))
}

func TestWonLostCountsByHand(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	ctx := context.Background()
	admin := f.db.Admin.ID
	wl, err := f.db.WonLost(ctx, admin, data.ReportFilter{Period: november})
	must(t, err)
	if len(wl.Buckets) != 1 || wl.Buckets[0].From != "2026-11-01" || wl.Buckets[0].To != "2026-11-30" {
		t.Fatalf("buckets %+v", wl.Buckets)
	}
	// Won: D6 (1 November in Paris, 30 days after its creation) and D1 (6
	// days). Lost: D7. D2 was lost, then reopened: it counts no more.
	b := wl.Buckets[0]
	checkFigure(t, "won", b.Won.Figure, 2, eur(170000))
	checkFigure(t, "lost", b.Lost.Figure, 1, eur(25000))
	if b.WinRate != (data.Ratio{Part: 2, Whole: 3}) || b.MedianDaysToClose == nil || *b.MedianDaysToClose != 18 {
		t.Errorf("win rate %+v, median %v", b.WinRate, b.MedianDaysToClose)
	}
	if len(wl.LostReasons) != 1 || wl.LostReasons[0].Reason != "Timing" || wl.LostReasons[0].Count != 1 {
		t.Errorf("lost reasons %+v", wl.LostReasons)
	}
	f.behind(t, admin, b.Won.Deals, "D1", "D6")
	f.behind(t, admin, wl.LostReasons[0].Deals, "D7")

	// By week: Sunday 1 November alone, then Monday to Sunday.
	wk, err := f.db.WonLost(ctx, admin, data.ReportFilter{Period: november, Interval: data.ByWeek})
	must(t, err)
	var froms []string
	for _, b := range wk.Buckets {
		froms = append(froms, b.From)
	}
	if !slices.Equal(froms, []string{"2026-11-01", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"}) {
		t.Fatalf("weeks %v", froms)
	}
	checkFigure(t, "week of 1 November, won", wk.Buckets[0].Won.Figure, 1, eur(70000))
	checkFigure(t, "week of 9 November, won", wk.Buckets[2].Won.Figure, 1, eur(100000))
	checkFigure(t, "week of 9 November, lost", wk.Buckets[2].Lost.Figure, 1, eur(25000))
	if m := wk.Buckets[2].MedianDaysToClose; m == nil || *m != 6 {
		t.Errorf("median of the week of 9 November: %v", m)
	}
	f.behind(t, admin, wk.Buckets[2].Won.Deals, "D1")
	f.behind(t, admin, wk.Buckets[2].Lost.Deals, "D7")
	if wk.Buckets[1].Won.Count != 0 || wk.Buckets[1].MedianDaysToClose != nil {
		t.Errorf("week of 2 November: %+v", wk.Buckets[1])
	}
}

func TestActivityCountsByHand(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	ctx := context.Background()
	admin := f.db.Admin.ID
	ar, err := f.db.ActivityReport(ctx, admin, data.ReportFilter{Period: november})
	must(t, err)
	if len(ar.Weeks) != 6 || ar.Weeks[2] != (data.Period{From: "2026-11-09", To: "2026-11-15"}) {
		t.Fatalf("weeks %+v", ar.Weeks)
	}
	rows := map[int64]data.ActivityRow{}
	for _, r := range ar.People {
		rows[r.EmployeeID] = r
	}
	if len(rows) != 4 {
		t.Fatalf("%d people, want every active employee", len(rows))
	}
	sales := rows[f.db.Sales.ID]
	// A comment and a call in the week of 2 November; a comment at 00:30 on
	// Monday 9 November in Paris, a meeting and a task done that week; a call
	// due on the 10th still open.
	w2, w9 := sales.Weeks[1], sales.Weeks[2]
	if w2.Calls != 1 || w2.Comments != 1 || w9.Comments != 1 || w9.Meetings != 1 || w9.Tasks != 1 || w9.Calls != 0 || sales.Overdue != 1 {
		t.Errorf("sales: %+v / %+v, overdue %d", w2, w9, sales.Overdue)
	}
	if sales.Total.Calls != 1 || sales.Total.Comments != 2 || sales.Total.Meetings != 1 || sales.Total.Tasks != 1 {
		t.Errorf("sales total %+v", sales.Total)
	}
	// The manager's comment was on a deal deleted since; their call on D3
	// counts.
	mgr := rows[f.db.Manager.ID]
	if mgr.Total.Comments != 0 || mgr.Weeks[1].Calls != 1 {
		t.Errorf("manager %+v", mgr.Total)
	}
	if s2 := rows[f.db.Sales2.ID]; s2.Weeks[2].Comments != 1 || s2.Overdue != 0 {
		t.Errorf("sales2 %+v", s2)
	}
	if ar.Total.Calls != 2 || ar.Total.Comments != 3 {
		t.Errorf("everyone %+v", ar.Total)
	}
	f.behind(t, admin, w9.Deals, "D4", "D7")
	f.behind(t, admin, w2.Deals, "D1")
	f.behind(t, admin, sales.OverdueDeals, "D4")
}

// TestSalesSeesOnlyTheirDeals: a sales employee's figures count the deals
// they are responsible for or observe, and no one else's.
func TestSalesSeesOnlyTheirDeals(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	ctx := context.Background()
	me := f.db.Sales2.ID // responsible for D2, D9, D10, D13; observes D4
	fu, err := f.db.Funnel(ctx, me, data.ReportFilter{PipelineID: f.a.ID, Period: november})
	must(t, err)
	checkFigure(t, "sales2 cohort", fu.Cohort.Figure, 5, eur(114690), gbp(200000))
	if fu.Filter.EmployeeID != me {
		t.Errorf("filter employee %d, want themselves", fu.Filter.EmployeeID)
	}
	f.behind(t, me, fu.Stages[0].Reached.Deals, "D2", "D4", "D9", "D10", "D13")
	fc, err := f.db.Forecast(ctx, me, data.ReportFilter{Period: data.Period{From: "2026-11-01", To: "2026-12-31"}})
	must(t, err)
	checkFigure(t, "sales2 overdue", fc.Overdue.Raw, 1, eur(40000))
	checkFigure(t, "sales2 December", fc.Months[1].Raw, 1, gbp(200000)) // D4, observed
	wl, err := f.db.WonLost(ctx, me, data.ReportFilter{Period: november})
	must(t, err)
	if wl.Total.Won.Count != 0 || wl.Total.Lost.Count != 0 {
		t.Errorf("sales2 closed nothing in November: %+v", wl.Total)
	}
	ar, err := f.db.ActivityReport(ctx, me, data.ReportFilter{Period: november})
	must(t, err)
	if len(ar.People) != 1 || ar.People[0].EmployeeID != me || ar.Total.Comments != 1 {
		t.Errorf("sales2 activity %+v", ar.People)
	}

	// Someone else's figures are refused, and a query made by an admin
	// gives them only the deals they see.
	for _, kind := range []func() error{
		func() error {
			_, err := f.db.Funnel(ctx, me, data.ReportFilter{EmployeeID: f.db.Sales.ID})
			return err
		},
		func() error {
			_, err := f.db.ActivityReport(ctx, me, data.ReportFilter{EmployeeID: f.db.Sales.ID})
			return err
		},
	} {
		if err := kind(); !errors.Is(err, data.ErrForbidden) {
			t.Errorf("another employee's figures: %v", err)
		}
	}
	all, err := f.db.Funnel(ctx, f.db.Admin.ID, data.ReportFilter{PipelineID: f.a.ID, Period: november})
	must(t, err)
	q := all.Stages[0].Reached.Deals
	f.behind(t, me, q, "D2", "D4", "D9", "D10", "D13")

	// A manager picking one employee counts the deals they are responsible for.
	one, err := f.db.Funnel(ctx, f.db.Manager.ID, data.ReportFilter{PipelineID: f.a.ID, Period: november, EmployeeID: f.db.Sales.ID})
	must(t, err)
	checkFigure(t, "Sales's cohort", one.Cohort.Figure, 3, eur(125000), gbp(200000))
}

// TestReportsConvertWithRates: with rates set, figures have one converted
// total and the report names the rates it used.
func TestReportsConvertWithRates(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	ctx := context.Background()
	admin := f.db.Admin.ID
	if _, err := f.db.SetCurrencyRates(ctx, f.db.Sales.ID, "EUR", map[string]string{"GBP": "1.17"}); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("a sales employee sets rates: %v", err)
	}
	f.db.Clock.Set(ts("2026-11-10T08:00:00Z"))
	rates, err := f.db.SetCurrencyRates(ctx, admin, "eur", map[string]string{"gbp": "1,17"})
	must(t, err)
	if rates.Base != "EUR" || len(rates.Rates) != 1 || rates.Rates[0].Rate != "1.17" || !rates.Rates[0].SetAt.Equal(ts("2026-11-10T08:00:00Z")) {
		t.Fatalf("rates %+v", rates)
	}
	f.db.Clock.Set(datatest.Start)
	fu, err := f.db.Funnel(ctx, admin, data.ReportFilter{PipelineID: f.a.ID, Period: november})
	must(t, err)
	// 2,496.90 € + £2,300 × 1.17 = 5,187.90 €.
	if c := fu.Stages[0].Reached.Converted; c == nil || *c != eur(518790) {
		t.Errorf("converted reached New: %v", c)
	}
	if c := fu.Won.Converted; c == nil || *c != eur(100000) {
		t.Errorf("converted won: %v", c)
	}
	if fu.Conversion == nil || fu.Conversion.Base != "EUR" || len(fu.Conversion.Used) != 1 || fu.Conversion.Used[0].Currency != "GBP" {
		t.Errorf("conversion %+v", fu.Conversion)
	}
	// Weighted values convert on their exact sum: £1,000 × 1.17.
	fc, err := f.db.Forecast(ctx, admin, data.ReportFilter{Period: data.Period{From: "2026-11-01", To: "2026-12-31"}})
	must(t, err)
	if c := fc.Months[1].Weighted.Converted; c == nil || *c != eur(117000) {
		t.Errorf("converted weighted December: %v", c)
	}
	// Setting the same rate again keeps its date; a deal in dollars, which
	// has no rate, leaves figures unconverted and is named.
	f.db.Clock.Set(ts("2026-11-11T08:00:00Z"))
	rates, err = f.db.SetCurrencyRates(ctx, admin, "EUR", map[string]string{"GBP": "1.170"})
	must(t, err)
	if !rates.Rates[0].SetAt.Equal(ts("2026-11-10T08:00:00Z")) {
		t.Errorf("an unchanged rate was dated again: %v", rates.Rates[0].SetAt)
	}
	f.db.Clock.Set(ts("2026-11-11T09:00:00Z"))
	_, err = f.db.CreateDeal(ctx, admin, data.DealInput{Title: "Dollars", PipelineID: f.a.ID, Amount: 1000, Currency: "USD"})
	must(t, err)
	f.db.Clock.Set(datatest.Start)
	fu, err = f.db.Funnel(ctx, admin, data.ReportFilter{PipelineID: f.a.ID, Period: november})
	must(t, err)
	if fu.Cohort.Converted != nil || fu.Conversion == nil || !slices.Equal(fu.Conversion.Missing, []string{"USD"}) {
		t.Errorf("without a dollar rate: converted %v, conversion %+v", fu.Cohort.Converted, fu.Conversion)
	}
	if fu.Won.Converted == nil {
		t.Error("a figure without dollars is still converted")
	}
	for _, bad := range []map[string]string{{"GBP": "0"}, {"GBP": "-1"}, {"XXY": "1"}, {"EUR": "1"}, {"GBP": "1.1234567891"}} {
		if _, err := f.db.SetCurrencyRates(ctx, admin, "EUR", bad); data.FieldErrors(err) == nil {
			t.Errorf("rates %v: %v", bad, err)
		}
	}
	rates, err = f.db.SetCurrencyRates(ctx, admin, "", nil)
	must(t, err)
	if rates.Base != "" || len(rates.Rates) != 0 {
		t.Errorf("cleared rates %+v", rates)
	}
}

// TestSummariesMatchDealByDeal: on the fixture, every report read from the
// summaries equals the same report counted deal by deal, and the summaries
// kept as deals change equal a rebuild from scratch.
func TestSummariesMatchDealByDeal(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	compareReports(t, f.db.Store, f.db.Admin.ID, []data.ReportFilter{
		{Period: november}, {PipelineID: f.b.ID, Period: november}, {Period: data.Period{From: "2026-10-15", To: "2026-12-31"}},
		{Period: november, Currency: "EUR"}, {Period: november, EmployeeID: f.db.Sales.ID}, {Period: november, Interval: data.ByWeek},
	})
	compareSummaries(t, f.db.Store)
}

// firstDifference shows where two values, printed, first differ.
func firstDifference(a, b any) string {
	bx, _ := json.Marshal(a)
	by, _ := json.Marshal(b)
	x, y := string(bx), string(by)
	i := 0
	for i < len(x) && i < len(y) && x[i] == y[i] {
		i++
	}
	from := max(0, i-300)
	return "…" + x[from:min(len(x), i+150)] + "\n    deal by deal:\n…" + y[from:min(len(y), i+150)]
}

// compareReports checks each report of each filter against the same report
// counted deal by deal.
func compareReports(t *testing.T, st *data.Store, actor int64, filters []data.ReportFilter) {
	t.Helper()
	ctx := context.Background()
	for _, fl := range filters {
		if fl.PipelineID != 0 || fl.Currency == "" {
			a, err1 := st.Funnel(ctx, actor, fl)
			b, err2 := st.FunnelExact(ctx, actor, fl)
			if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
				t.Errorf("funnel %+v differs from deal by deal (%v, %v):\n%s", fl, err1, err2, firstDifference(a, b))
			}
		}
		fl2 := fl
		fl2.PipelineID = 0
		c, err1 := st.Forecast(ctx, actor, fl2)
		d, err2 := st.ForecastExact(ctx, actor, fl2)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(c, d) {
			t.Errorf("forecast %+v differs from deal by deal (%v, %v):\n%s", fl2, err1, err2, firstDifference(c, d))
		}
		e, err1 := st.WonLost(ctx, actor, fl)
		g, err2 := st.WonLostExact(ctx, actor, fl)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(e, g) {
			t.Errorf("won and lost %+v differ from deal by deal (%v, %v):\n%s", fl, err1, err2, firstDifference(e, g))
		}
		fl3 := fl
		fl3.PipelineID, fl3.Currency, fl3.Interval = 0, "", ""
		h, err1 := st.ActivityReport(ctx, actor, fl3)
		i, err2 := st.ActivityReportExact(ctx, actor, fl3)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(h, i) {
			t.Errorf("activity %+v differs from action by action (%v, %v):\n%s", fl3, err1, err2, firstDifference(h, i))
		}
	}
}

// compareSummaries checks the summaries kept as deals changed against a
// rebuild.
func compareSummaries(t *testing.T, st *data.Store) {
	t.Helper()
	ctx := context.Background()
	kept, err := st.ReportSummaries(ctx)
	must(t, err)
	must(t, st.RebuildReports(ctx))
	rebuilt, err := st.ReportSummaries(ctx)
	must(t, err)
	for table, rows := range rebuilt {
		if !slices.Equal(kept[table], rows) {
			t.Errorf("%s kept as deals changed differs from a rebuild:\n%v\n%v", table, kept[table], rows)
		}
	}
	if len(kept) != len(rebuilt) {
		t.Errorf("summaries kept %d tables, rebuilt %d", len(kept), len(rebuilt))
	}
}

// TestDealBackInAPipelineKeepsHowFarItGot: a deal that leaves a pipeline
// counts there up to where it left it; back, it keeps that and goes on.
func TestDealBackInAPipelineKeepsHowFarItGot(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	admin := db.Admin.ID
	a := db.Pipeline(t)
	b, err := db.CreatePipeline(ctx, admin, "Partners")
	must(t, err)
	d, err := db.CreateDeal(ctx, admin, data.DealInput{Title: "Round trip", Amount: 1000})
	must(t, err)
	_, err = db.MoveDeal(ctx, admin, d.ID, stageNamed(t, a, "Invoice").ID, "")
	must(t, err)
	to := func(p data.Pipeline) {
		t.Helper()
		cur, err := db.Store.Deal(ctx, admin, d.ID)
		must(t, err)
		in := cur.Input()
		in.PipelineID, in.StageID = p.ID, 0
		_, err = db.UpdateDeal(ctx, admin, d.ID, in)
		must(t, err)
	}
	reached := func(p data.Pipeline) (stages []int, movedOut int) {
		t.Helper()
		fu, err := db.Funnel(ctx, admin, data.ReportFilter{PipelineID: p.ID, Period: data.Period{From: "2026-11-12", To: "2026-11-12"}})
		must(t, err)
		for _, s := range fu.Stages {
			stages = append(stages, s.Reached.Count)
		}
		return stages, fu.MovedOut.Count
	}
	to(b)
	_, err = db.MoveDeal(ctx, admin, d.ID, stageNamed(t, b, "Preparing documents").ID, "")
	must(t, err)
	if got, out := reached(a); !slices.Equal(got, []int{1, 1, 1, 0, 0}) || out != 1 {
		t.Errorf("A once left: %v, moved out %d", got, out)
	}
	if got, out := reached(b); !slices.Equal(got, []int{1, 1, 0, 0, 0}) || out != 0 {
		t.Errorf("B: %v, moved out %d", got, out)
	}
	to(a) // back to A's first stage: it had got to Invoice there
	if got, out := reached(a); !slices.Equal(got, []int{1, 1, 1, 0, 0}) || out != 0 {
		t.Errorf("A again: %v, moved out %d", got, out)
	}
	if got, out := reached(b); !slices.Equal(got, []int{1, 1, 0, 0, 0}) || out != 1 {
		t.Errorf("B once left: %v, moved out %d", got, out)
	}
	_, err = db.MoveDeal(ctx, admin, d.ID, stageNamed(t, a, "In progress").ID, "")
	must(t, err)
	if got, _ := reached(a); !slices.Equal(got, []int{1, 1, 1, 1, 0}) {
		t.Errorf("A after going on: %v", got)
	}
	compareSummaries(t, db.Store)
}

// TestSummariesAfterBulkLoadAndPrunedLog: a bulk load names no deal in the
// change log and a pruned log may have lost some; the next report counts
// them all the same.
func TestSummariesAfterBulkLoadAndPrunedLog(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	admin := db.Admin.ID
	cohort := func() int {
		t.Helper()
		fu, err := db.Funnel(ctx, admin, data.ReportFilter{Period: data.Period{From: "2026-11-12", To: "2026-11-12"}})
		must(t, err)
		return fu.Cohort.Count
	}
	db.Deal(t, admin, "One")
	if n := cohort(); n != 1 {
		t.Fatalf("%d deals", n)
	}
	must(t, db.Bulk(ctx, admin, func(b *data.BulkTx) error {
		_, err := b.Deal(data.BulkDeal{DealInput: data.DealInput{Title: "Loaded"}})
		return err
	}))
	if n := cohort(); n != 2 {
		t.Errorf("after a bulk load: %d deals, want 2", n)
	}
	db.Deal(t, admin, "Three")
	must(t, db.PruneChanges(ctx, 0))
	db.Deal(t, admin, "Four")
	if n := cohort(); n != 4 {
		t.Errorf("after the log was pruned: %d deals, want 4", n)
	}
	compareSummaries(t, db.Store)
}
