package send

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wneessen/go-mail"

	"comptoir/data"
)

// BenchmarkDrain1000 drains an outbox of 1,000 queued messages to a
// loopback SMTP server, and in the same run sends the same 1,000 messages,
// pre-built as go-mail messages, with go-mail alone over one connection.
// It reports both times per 1,000, the ratio of their sums (drain /
// go-mail) and the median of the runs' ratios, and the same for the
// process's CPU time (the SMTP server's work included, the same on both
// sides): on a shared machine wall time includes waiting for a core.
//
//	go test ./mail/send/ -run '^$' -bench Drain1000 -benchtime 5x
func BenchmarkDrain1000(b *testing.B) {
	const n = 1000
	f := newFixture(b, memIMAP(b), true) // the server files sent mail: no APPEND, the same work as go-mail alone
	ctx := context.Background()
	body := strings.Repeat("Thank you for your visit; here is what we discussed, with the prices. ", 25)
	in := func(i int) data.ComposeInput {
		return data.ComposeInput{DealID: f.deal.ID, To: "Claire Client <claire@client.test>", Subject: fmt.Sprintf("Offer %d", i), Text: body}
	}
	var drainTime, goMailTime, drainCPU, goMailCPU time.Duration
	var ratios, cpuRatios []float64
	for i := 0; i < b.N; i++ {
		d0, g0, dc0, gc0 := drainTime, goMailTime, drainCPU, goMailCPU
		b.StopTimer()
		msgs := make([]*mail.Msg, n)
		for j := range n {
			f.queue(b, in(j))
			d, err := f.db.PrepareEmail(ctx, f.db.Sales.ID, in(j))
			if err != nil {
				b.Fatal(err)
			}
			if msgs[j], err = newMsg(d); err != nil {
				b.Fatal(err)
			}
			if err := msgs[j].EnvelopeFrom(d.From.Email); err != nil {
				b.Fatal(err)
			}
		}
		c, err := mail.NewClient(f.smtp.Host(), mail.WithPort(f.smtp.Port()), mail.WithTLSPolicy(mail.NoTLS), mail.WithHELO("localhost"))
		if err != nil {
			b.Fatal(err)
		}
		s := f.sender(Options{})
		b.StartTimer()

		// alternate the order so neither always runs on a warm server
		runDrain := func() {
			t0, c0 := time.Now(), processCPU()
			st, err := s.DrainOnce(ctx)
			drainTime += time.Since(t0)
			drainCPU += processCPU() - c0
			if err != nil || st.Sent != n {
				b.Fatalf("drain: %+v %v", st, err)
			}
		}
		runGoMail := func() {
			t0, c0 := time.Now(), processCPU()
			if err := c.DialAndSendWithContext(ctx, msgs...); err != nil {
				b.Fatal(err)
			}
			goMailTime += time.Since(t0)
			goMailCPU += processCPU() - c0
		}
		if i%2 == 0 {
			runDrain()
			runGoMail()
		} else {
			runGoMail()
			runDrain()
		}
		ratios = append(ratios, float64(drainTime-d0)/float64(goMailTime-g0))
		cpuRatios = append(cpuRatios, float64(drainCPU-dc0)/float64(max(goMailCPU-gc0, 1)))
	}
	// The machine is shared: the median of the runs' ratios says more than
	// their sums, which one busy moment can skew.
	slices.Sort(ratios)
	b.ReportMetric(float64(drainTime.Milliseconds())/float64(b.N), "drain-ms/1000")
	b.ReportMetric(float64(goMailTime.Milliseconds())/float64(b.N), "gomail-ms/1000")
	b.ReportMetric(float64(drainTime)/float64(goMailTime), "ratio")
	b.ReportMetric(ratios[len(ratios)/2], "median-ratio")
	slices.Sort(cpuRatios)
	b.ReportMetric(float64(drainCPU.Milliseconds())/float64(b.N), "drain-cpu-ms/1000")
	b.ReportMetric(float64(goMailCPU.Milliseconds())/float64(b.N), "gomail-cpu-ms/1000")
	b.ReportMetric(cpuRatios[len(cpuRatios)/2], "median-cpu-ratio")
}
