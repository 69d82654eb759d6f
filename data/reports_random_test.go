package data_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/mailq"
	"comptoir/data/seed"
)

// TestSummariesFollowEveryWrite seeds a database, then writes to it the
// ways people do — stage moves (won, lost, reopened), edits of amount,
// currency, close date, probability and responsible, moves to another
// pipeline, product lines, deletions, comments, calls, activities done,
// emails sent, a change of time zone — and after each round checks every
// report against the same report counted deal by deal, and the summaries
// kept by folding in the changed deals against a rebuild from scratch.
func TestSummariesFollowEveryWrite(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	admin := db.Admin.ID
	if _, err := seed.Fill(ctx, db.Store, seed.Options{Deals: 300, Seed: 9, Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	other, err := db.CreatePipeline(ctx, admin, "Partners")
	must(t, err)
	main := db.Pipeline(t)
	rng := rand.New(rand.NewPCG(4, 2))
	deals, err := db.DealList(ctx, admin, data.DealFilter{}, nil, 1000)
	must(t, err)
	people := []int64{db.Admin.ID, db.Manager.ID, db.Sales.ID, db.Sales2.ID}

	// Emails: one sent, one failed, one cancelled.
	acc, err := db.CreateAccount(ctx, admin, data.AccountInput{Email: "sales@shop.test", IMAPHost: "127.0.0.1",
		IMAPSecurity: data.SecurityNone, SMTPHost: "127.0.0.1", SMTPPort: 2525, SMTPSecurity: data.SecurityNone})
	must(t, err)
	_ = acc
	c, err := db.CreateContact(ctx, admin, data.ContactInput{Name: "Claire Client", Emails: []string{"claire@client.test"}})
	must(t, err)
	mailDeal, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Mail", ContactID: c.ID, Amount: 1000})
	must(t, err)
	var queued []int64
	for _, subject := range []string{"sent", "failed", "cancelled"} {
		d, err := db.PrepareEmail(ctx, db.Sales.ID, data.ComposeInput{DealID: mailDeal.ID, To: "claire@client.test", Subject: subject, Text: "t"})
		must(t, err)
		it, err := db.QueueEmail(ctx, d, []byte("Message-ID: <"+d.MessageID+">\r\n\r\nt\r\n"))
		must(t, err)
		queued = append(queued, it.ID)
	}
	must(t, db.CancelEmail(ctx, db.Sales.ID, queued[2]))
	q := mailq.New(db.Store)
	_, err = q.ClaimOutgoing(ctx, "w", queued[:2])
	must(t, err)
	must(t, q.RecordSent(ctx, []mailq.SendResult{{ID: queued[0], State: data.OutSent}, {ID: queued[1], State: data.OutFailed, Error: "550"}}))

	filters := func() []data.ReportFilter {
		year := data.Period{From: "2025-11-13", To: "2026-11-12"}
		return []data.ReportFilter{
			{Period: year},
			{Period: year, PipelineID: main.ID, Interval: data.ByWeek},
			{Period: year, PipelineID: other.ID},
			{Period: year, Currency: "GBP"},
			{Period: year, EmployeeID: db.Sales.ID},
			{Period: data.Period{From: "2026-11-01", To: "2026-11-30"}},
			{Period: data.Period{From: "2026-06-17", To: "2026-09-02"}, Interval: data.ByWeek},
			{Period: data.Period{From: "2026-11-19", To: "2026-11-19"}, PipelineID: main.ID},
		}
	}
	check := func(round string) {
		t.Helper()
		if t.Failed() {
			t.FailNow()
		}
		compareReports(t, db.Store, admin, filters())
		compareSummaries(t, db.Store)
		if t.Failed() {
			t.Fatalf("after %s", round)
		}
	}
	check("the seed")

	live := func() data.ListRow {
		for {
			d := deals[rng.IntN(len(deals))]
			if _, err := db.Store.Deal(ctx, admin, d.ID); err == nil {
				return d
			}
		}
	}
	for round := range 3 {
		for range 60 {
			db.Clock.Advance(time.Duration(rng.IntN(300)) * time.Minute)
			d := live()
			cur, err := db.Store.Deal(ctx, admin, d.ID)
			must(t, err)
			p := main
			if cur.PipelineID == other.ID {
				p = other
			}
			switch op := rng.IntN(10); op {
			case 0, 1, 2: // a stage move, maybe a close or a reopening
				st := p.Stages[rng.IntN(len(p.Stages))]
				_, err = db.MoveDeal(ctx, admin, d.ID, st.ID, "Budget")
			case 3: // edit what the figures read
				in := cur.Input()
				in.Amount = int64(rng.IntN(500000))
				in.Currency = []string{"EUR", "GBP", "USD"}[rng.IntN(3)]
				in.CloseDate = []string{"", "2026-10-30", "2026-11-12", "2026-11-20", "2027-01-15"}[rng.IntN(5)]
				in.ResponsibleID = people[rng.IntN(len(people))]
				if rng.IntN(2) == 0 {
					prob := rng.IntN(101)
					in.Probability = &prob
				} else {
					in.Probability = nil
				}
				if len(in.Custom) > 0 {
					in.Custom = nil
				}
				_, err = db.UpdateDeal(ctx, admin, d.ID, in)
			case 4: // to the other pipeline and back
				in := cur.Input()
				in.PipelineID, in.StageID = other.ID, 0
				if p.ID == other.ID {
					in.PipelineID = main.ID
				}
				_, err = db.UpdateDeal(ctx, admin, d.ID, in)
			case 5:
				_, err = db.SetLines(ctx, admin, d.ID, []data.LineInput{{Name: "Line", Price: int64(1 + rng.IntN(90000)), Quantity: 1000,
					DiscountKind: data.DiscountPercent, TaxRate: 2000}})
			case 6:
				if rng.IntN(3) == 0 {
					err = db.DeleteDeal(ctx, admin, d.ID)
				}
			case 7:
				var e data.Entry
				e, err = db.AddComment(ctx, admin, d.ID, "note")
				if err == nil && rng.IntN(3) == 0 {
					err = db.DeleteEntry(ctx, admin, e.ID)
				}
			case 8:
				_, err = db.LogCall(ctx, admin, d.ID, data.CallInput{Direction: data.CallIn, At: db.Clock.Now().Add(-time.Hour)})
			case 9:
				acts, _ := db.DealActivities(ctx, admin, d.ID)
				if len(acts) > 0 {
					_, err = db.CompleteActivity(ctx, admin, acts[0].ID, "done")
				} else {
					_, err = db.PlanActivity(ctx, admin, d.ID, data.ActivityInput{Kind: data.ActivityMeeting, Subject: "Visit",
						DueAt: db.Clock.Now().Add(-48 * time.Hour), ResponsibleID: people[rng.IntN(len(people))]})
				}
			}
			if err != nil && data.FieldErrors(err) == nil && !errors.Is(err, data.ErrForbidden) {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		check("a round of writes")
	}

	// Another time zone: the days move, the summaries are rebuilt. A deal
	// created at 02:00 UTC on 20 November is of the 20th in Paris and of
	// the 19th in New York.
	db.Clock.Set(ts("2026-11-20T02:00:00Z"))
	late, err := db.CreateDeal(ctx, admin, data.DealInput{Title: "Late", PipelineID: main.ID, Amount: 100})
	must(t, err)
	day := func(d string) int {
		t.Helper()
		fu, err := db.Funnel(ctx, admin, data.ReportFilter{PipelineID: main.ID, Period: data.Period{From: d, To: d}})
		must(t, err)
		ids, err := db.DealsBehind(ctx, admin, fu.Cohort.Deals)
		must(t, err)
		return len(ids) - len(slices.DeleteFunc(ids, func(id int64) bool { return id == late.ID }))
	}
	if day("2026-11-20") != 1 || day("2026-11-19") != 0 {
		t.Fatal("in Paris, the late deal is not of the 20th")
	}
	seller := data.DefaultSeller()
	seller.Name, seller.TimeZone = "Comptoir", "America/New_York"
	must(t, db.SetSeller(ctx, admin, seller))
	check("a change of time zone")
	if day("2026-11-19") != 1 || day("2026-11-20") != 0 {
		t.Error("in New York, the late deal is not of the 19th")
	}
}
