package imapsync

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/mail/mailtest"
	"comptoir/mail/parse"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

var benchWords = strings.Fields(`bonjour merci devis commande livraison chaises tables bureaux prix remise
	délai facture quantité référence modèle couleur chêne acier montage installation garantie stock semaine
	please quote order delivery price discount invoice quantity model colour oak steel assembly warranty week
	nous vous pourriez confirmer rappeler demain lundi mardi mercredi jeudi vendredi rendez-vous showroom`)

// benchCorpus generates n realistic client messages, deterministically:
// about one sender in ten is new, the others reply to their previous
// message; 2–30 KB each, one in eight with an attachment, one in five with
// an HTML alternative, a few newsletters and out-of-office replies.
func benchCorpus(n int) [][]byte {
	r := rand.New(rand.NewPCG(42, 2026))
	senders := n / 10
	last := make([]string, senders)
	out := make([][]byte, 0, n)
	base := time.Now().Add(-48 * time.Hour)
	for i := range n {
		s := r.IntN(senders)
		id := fmt.Sprintf("m%06d.%d@client%04d.test", i, s, s)
		var h strings.Builder
		fmt.Fprintf(&h, "From: Client %d <buyer%d@client%04d.test>\r\nTo: Sales <sales@ourshop.test>\r\n", s, s, s)
		fmt.Fprintf(&h, "Date: %s\r\nMessage-ID: <%s>\r\n", base.Add(time.Duration(i)*time.Second).Format(time.RFC1123Z), id)
		subject := fmt.Sprintf("Devis %d : %s %s", s, benchWords[r.IntN(len(benchWords))], benchWords[r.IntN(len(benchWords))])
		switch {
		case i%97 == 0:
			h.WriteString("List-Unsubscribe: <mailto:unsub@news.test>\r\n")
			subject = "Newsletter " + subject
		case i%89 == 0 && last[s] != "":
			h.WriteString("Auto-Submitted: auto-replied\r\n")
			subject = "Absent : " + subject
		}
		if last[s] != "" {
			fmt.Fprintf(&h, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", last[s], last[s])
			subject = "Re: " + subject
		}
		last[s] = id
		fmt.Fprintf(&h, "Subject: %s\r\nMIME-Version: 1.0\r\n", subject)
		u := r.Float64()
		size := 2<<10 + int(28<<10*u*u*u*u) // 2–30 KB, most of them small
		var body strings.Builder
		for body.Len() < size*2/3 {
			line := 0
			for line < 70 {
				w := benchWords[r.IntN(len(benchWords))]
				body.WriteString(w + " ")
				line += len(w) + 1
			}
			body.WriteString("\r\n")
		}
		text := body.String()
		switch {
		case i%8 == 0:
			att := make([]byte, size/3)
			for j := range att {
				att[j] = byte(r.IntN(256))
			}
			enc := base64.StdEncoding.EncodeToString(att)
			var wrapped strings.Builder
			for len(enc) > 76 {
				wrapped.WriteString(enc[:76] + "\r\n")
				enc = enc[76:]
			}
			wrapped.WriteString(enc + "\r\n")
			h.WriteString("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n")
			h.WriteString("--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text)
			fmt.Fprintf(&h, "--b1\r\nContent-Type: application/pdf; name=\"plan-%d.pdf\"\r\nContent-Disposition: attachment; filename=\"plan-%d.pdf\"\r\n"+
				"Content-Transfer-Encoding: base64\r\n\r\n%s--b1--\r\n", i, i, wrapped.String())
		case i%5 == 0:
			h.WriteString("Content-Type: multipart/alternative; boundary=\"a1\"\r\n\r\n")
			h.WriteString("--a1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text)
			h.WriteString("--a1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>" +
				strings.ReplaceAll(text, "\r\n", "</p>\r\n<p>") + "</p></body></html>\r\n--a1--\r\n")
		default:
			h.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text)
		}
		out = append(out, []byte(h.String()))
	}
	return out
}

// fetchAll runs one UID FETCH 1:* BODY.PEEK[] and returns the bodies.
func fetchAll(b testing.TB, c *imapclient.Client) [][]byte {
	b.Helper()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		b.Fatal(err)
	}
	var all imap.UIDSet
	all.AddRange(1, 0)
	cmd := c.Fetch(all, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
	var out [][]byte
	for {
		m := cmd.Next()
		if m == nil {
			break
		}
		for {
			it := m.Next()
			if it == nil {
				break
			}
			if bs, ok := it.(imapclient.FetchItemDataBodySection); ok {
				raw, err := io.ReadAll(bs.Literal)
				if err != nil {
					b.Fatal(err)
				}
				out = append(out, raw)
			}
		}
	}
	if err := cmd.Close(); err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkIngest10k measures, against a real Dovecot and in one run: the
// bare fetch of 10,000 messages, their parse on one goroutine, and the whole
// sync into deals; it reports the ratio ingest / (fetch + parse) and the
// messages per second of the ingest. Each iteration measures all three;
// the figures reported are the medians over the iterations (run it with
// -benchtime=5x: the first one, on a cold heap and a cold page cache, is
// slower than the others).
func BenchmarkIngest10k(b *testing.B) {
	const n = 10000
	dc := mailtest.StartDovecot(b)
	msgs := benchCorpus(n)
	var total int64
	for _, m := range msgs {
		dc.DeliverMaildir(b, "INBOX", m)
		total += int64(len(m))
	}
	c := dc.Login(b)
	fetchAll(b, c) // Dovecot indexes the new files and the page cache warms
	figures := map[string][]float64{}
	add := func(name string, v float64) { figures[name] = append(figures[name], v) }
	for b.Loop() {
		t0, c0 := time.Now(), cpuTime()
		raws := fetchAll(b, c)
		fetch, fetchCPU := time.Since(t0), cpuTime()-c0
		if len(raws) != n {
			b.Fatalf("fetched %d of %d", len(raws), n)
		}
		t0, c0 = time.Now(), cpuTime()
		for _, raw := range raws {
			parse.Parse(raw, parse.Options{})
		}
		parsed, parseCPU := time.Since(t0), cpuTime()-c0
		raws = nil

		f := newFixture(b, dc, data.AccountInput{ImportDays: 30})
		f.sync = New(f.db.Store, Options{Secrets: f.sec, Logger: quietLogger(), BatchSize: benchBatch})
		t0, c0 = time.Now(), cpuTime()
		st := f.syncOnce(b)
		ingest, ingestCPU := time.Since(t0), cpuTime()-c0
		if st.Fetched != n || st.Stored+st.Duplicates != n {
			b.Fatalf("ingest: %+v", st)
		}
		t0 = time.Now()
		if st := f.syncOnce(b); st.Fetched != 0 {
			b.Fatalf("nothing-new sync fetched %d", st.Fetched)
		}
		idle := time.Since(t0)
		// The sync's last batches are still in the write-ahead log, which
		// the store's checkpointer copies into the database file once the
		// writer is quiet: how long copying the rest takes.
		t0 = time.Now()
		copyLog(b, f.db.Path)
		logCopy := time.Since(t0)
		add("fetch-s", fetch.Seconds())
		add("parse-s", parsed.Seconds())
		add("ingest-s", ingest.Seconds())
		add("ratio", ingest.Seconds()/(fetch.Seconds()+parsed.Seconds()))
		add("msgs/s", float64(n)/ingest.Seconds())
		add("MB", float64(total)/(1<<20))
		add("new-deals", float64(st.NewDeals))
		// CPU seconds of this process (Dovecot's excluded in both), which a
		// loaded machine does not distort as much as wall time.
		add("ratio-cpu", ingestCPU.Seconds()/(fetchCPU.Seconds()+parseCPU.Seconds()))
		add("ingest-cpu-s", ingestCPU.Seconds())
		add("store-s", st.StoreTime.Seconds())
		add("nothing-new-ms", float64(idle.Milliseconds()))
		add("log-copy-after-s", logCopy.Seconds())
		f.db.Close()
	}
	for name, vs := range figures {
		b.ReportMetric(median(vs), name)
	}
	if rs := figures["ratio"]; len(rs) > 1 {
		b.ReportMetric(slices.Max(rs), "ratio-max")
	}
}

// median is the middle value of vs (the mean of the two middle ones).
func median(vs []float64) float64 {
	s := slices.Sorted(slices.Values(vs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// copyLog copies what the write-ahead log of the database at path still
// holds into the database file.
func copyLog(b *testing.B, path string) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var busy, log, done int
	if err := db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
		b.Fatal(err)
	}
	if log != done {
		b.Fatalf("log copy: %d of %d pages copied", done, log)
	}
}

// benchBatch is the batch size of the ingest benchmark (0: the default).
var benchBatch = 0

// cpuTime is the user and system CPU time this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkNothingNew measures a whole sync (connect, login, EXAMINE, logout)
// of an account whose folder has nothing new, against Dovecot.
func BenchmarkNothingNew(b *testing.B) {
	dc := mailtest.StartDovecot(b)
	for i, m := range benchCorpus(500) {
		_ = i
		dc.DeliverMaildir(b, "INBOX", m)
	}
	f := newFixture(b, dc, data.AccountInput{})
	f.sync = New(f.db.Store, Options{Secrets: f.sec, Logger: quietLogger()})
	f.syncOnce(b)
	for b.Loop() {
		if st := f.syncOnce(b); st.Fetched != 0 {
			b.Fatalf("fetched %d", st.Fetched)
		}
	}
}

// BenchmarkIdleLatency measures the time from a message's APPEND to its
// deal, with the sync idling on Dovecot.
func BenchmarkIdleLatency(b *testing.B) {
	dc := mailtest.StartDovecot(b)
	f := newFixture(b, dc, data.AccountInput{})
	f.sync.opt.PollInterval = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.sync.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(b, 10*time.Second, "the first sync", func() bool {
		a, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
		return a.Status == data.AccountOK
	})
	i := 0
	var worst time.Duration
	for b.Loop() {
		i++
		b.StopTimer()
		c := client(fmt.Sprintf("idle%d@client.test", i), fmt.Sprintf("idle%d@client%d.test", i, i), "Pushed")
		raw := c.bytes()
		b.StartTimer()
		t0 := time.Now()
		dc.Append(b, "INBOX", raw)
		waitFor(b, 30*time.Second, "the pushed mail", func() bool { return f.deals(b) == i })
		worst = max(worst, time.Since(t0))
	}
	b.ReportMetric(worst.Seconds(), "worst-s")
}

// BenchmarkStoreOnly measures data.Store.Ingest alone (routing and writing)
// on 10,000 pre-parsed messages, in batches of 500: the database's share of
// the ingest, without the network.
func BenchmarkStoreOnly(b *testing.B) {
	const n = 10000
	var emails []*data.Email
	for _, raw := range benchCorpus(n) {
		emails = append(emails, parse.Parse(raw, parse.Options{}))
	}
	for b.Loop() {
		b.StopTimer()
		srv := mailtest.NewIMAPMemServer(b, "u", "p")
		f := newFixture(b, srv, data.AccountInput{})
		// The sync prepares each message on its fetching goroutine.
		batches := make([][]data.Incoming, 0, n/500)
		for i := 0; i < n; i += 500 {
			var batch []data.Incoming
			for j := i; j < i+500; j++ {
				in := data.Incoming{UID: uint32(j + 1), Email: emails[j]}
				in.Prepare()
				batch = append(batch, in)
			}
			batches = append(batches, batch)
		}
		b.StartTimer()
		c0 := cpuTime()
		for k, batch := range batches {
			i := k * 500
			if _, err := f.db.Ingest(context.Background(), f.acc.ID, "INBOX", 1, uint32(i+500), batch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((cpuTime() - c0).Seconds(), "cpu-s")
	}
}

// heapPeak samples, every few milliseconds until stop is called, the Go
// heap that the last collection found live (garbage not yet collected
// excluded), and returns the highest figure seen.
func heapPeak() (stop func() uint64) {
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var top uint64
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			top = max(top, sample[0].Value.Uint64())
			select {
			case <-done:
				peak <- top
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-peak }
}

// liveHeap is the Go heap live after a collection.
func liveHeap() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// largeMessage is a client's mail of about size bytes: a short text and a
// base64 attachment making up the rest.
func largeMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Big Client <big@client.test>\r\nTo: sales@ourshop.test\r\nSubject: Plans\r\n" +
		"Message-ID: <large@client.test>\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Bonjour, voici les plans du magasin.\r\n--b\r\nContent-Type: application/pdf; name=\"plans.pdf\"\r\n" +
		"Content-Disposition: attachment; filename=\"plans.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	r := rand.New(rand.NewPCG(1, 2))
	line := make([]byte, 57)
	for b.Len() < size {
		for i := range line {
			line[i] = byte(r.IntN(256))
		}
		b.WriteString(base64.StdEncoding.EncodeToString(line) + "\r\n")
	}
	b.WriteString("--b--\r\n")
	return b.Bytes()
}

// BenchmarkLargeMessageMemory measures the live Go heap's peak while a 30 MB
// message (over the 25 MB cap: its headers and text are kept) is synced
// from Dovecot, against the heap before the sync and the message's size.
func BenchmarkLargeMessageMemory(b *testing.B) {
	dc := mailtest.StartDovecot(b)
	raw := largeMessage(30 << 20)
	dc.DeliverMaildir(b, "INBOX", raw)
	for b.Loop() {
		st, grew := syncHeapGrowth(b, dc, data.AccountInput{})
		if st.Stored != 1 {
			b.Fatalf("stored %d", st.Stored)
		}
		b.ReportMetric(float64(len(raw))/(1<<20), "message-MB")
		b.ReportMetric(grew, "heap-growth-MB")
		b.ReportMetric(grew/(float64(len(raw))/(1<<20)), "x-message")
	}
}

// BenchmarkIngestMemory measures the live Go heap's peak during a sync of 10,000
// messages (68 MB) from Dovecot: batches keep it to a few of them at once.
func BenchmarkIngestMemory(b *testing.B) {
	const n = 10000
	dc := mailtest.StartDovecot(b)
	var total int64
	for _, m := range benchCorpus(n) {
		dc.DeliverMaildir(b, "INBOX", m)
		total += int64(len(m))
	}
	for b.Loop() {
		st, grew := syncHeapGrowth(b, dc, data.AccountInput{ImportDays: 30})
		if st.Fetched != n {
			b.Fatalf("fetched %d", st.Fetched)
		}
		b.ReportMetric(float64(total)/(1<<20), "messages-MB")
		b.ReportMetric(grew, "heap-growth-MB")
	}
}

// syncHeapGrowth syncs a new account of srv into a new database and returns
// how many megabytes the live heap's peak grew over the heap before it.
func syncHeapGrowth(b *testing.B, srv mailtest.IMAP, in data.AccountInput) (Stats, float64) {
	b.StopTimer()
	f := newFixture(b, srv, in)
	f.sync = New(f.db.Store, Options{Secrets: f.sec, Logger: quietLogger()})
	before := liveHeap()
	stop := heapPeak()
	b.StartTimer()
	st := f.syncOnce(b)
	peak := stop()
	return st, float64(peak-min(peak, before)) / (1 << 20)
}
