package mailq_test

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/mailq"
)

// BenchmarkOutboxDatabaseSide is the database side of draining the outbox:
// 1,000 queued emails read ahead and claimed by 32 (one transaction between
// two batches), each one's acceptance marked before the next is handed
// over (one small transaction between two emails). cpu-ms/op is the CPU time of the benchmark's own
// thread over the timed part (the database work runs on it).
//
//	go test ./data/mailq/ -run '^$' -bench OutboxDatabaseSide -benchtime 5x
func BenchmarkOutboxDatabaseSide(b *testing.B) {
	ctx := context.Background()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newOutFixture(b)
		body := strings.Repeat("Thank you for your visit; here is what we discussed, with the prices. ", 25)
		for range 1000 {
			d, err := f.db.PrepareEmail(ctx, f.db.Sales.ID, data.ComposeInput{DealID: f.deal.ID, To: "claire@client.test", Subject: "Offer", Text: body})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := f.db.QueueEmail(ctx, d, fakeBytes(d)); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		cpu0 := threadCPU()
		var rs []mailq.SendResult
		sent := 0
		for {
			due, err := f.q.DueEnvelopes(ctx, 32)
			if err != nil {
				b.Fatal(err)
			}
			if len(due) == 0 {
				break
			}
			ids := make([]int64, len(due))
			for j, e := range due {
				ids[j] = e.ID
			}
			slices.Sort(ids)
			out, err := f.q.RecordAndClaim(ctx, rs, "w", ids)
			if err != nil || len(out) != len(ids) {
				b.Fatal(len(out), err)
			}
			rs = nil
			var last []mailq.SendResult
			for j, o := range out {
				if j > 0 {
					if ok, err := f.q.Handover(ctx, "w", last, o.ID); err != nil || !ok {
						b.Fatal(ok, err)
					}
					rs = append(rs, last...)
				}
				last = []mailq.SendResult{{ID: o.ID, State: data.OutSent}}
				sent++
			}
			rs = append(rs, last...)
		}
		if err := f.q.RecordSent(ctx, rs); err != nil {
			b.Fatal(err)
		}
		cpu += threadCPU() - cpu0
		if c, _ := f.db.OutboxCount(ctx, f.db.Admin.ID); sent != 1000 || c.Waiting != 0 {
			b.Fatalf("claimed %d, %d still waiting", sent, c.Waiting)
		}
	}
	if cpu > 0 {
		b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/op")
	}
}
