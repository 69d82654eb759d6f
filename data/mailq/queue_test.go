package mailq_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/mailq"
)

func TestClaimIsExclusive(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	it := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "s", Text: "t"})
	var wg sync.WaitGroup
	got := make([]int, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := f.q.ClaimOutgoing(ctx, "w", []int64{it.ID})
			if err != nil {
				t.Error(err)
			}
			got[i] = len(out)
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range got {
		total += n
	}
	if total != 1 {
		t.Fatalf("%d workers claimed the email, want 1", total)
	}
	// claimed: neither editable nor cancellable
	if err := f.db.CancelEmail(ctx, f.db.Sales.ID, it.ID); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("cancel while sending: %v", err)
	}
	if _, err := f.db.PrepareEdit(ctx, f.db.Sales.ID, it.ID, data.ComposeInput{To: "claire@client.test", Subject: "x"}); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("edit while sending: %v", err)
	}
}

// TestClaimTakesBytesAndOrder: a claim hands over the exact bytes queued,
// the envelope and the attempt count, in the order asked; DueEnvelopes
// reads the oldest due first, up to its limit, and RecordAndClaim takes one
// only while it is queued and due.
func TestClaimTakesBytesAndOrder(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	a := f.queue(t, data.ComposeInput{To: "claire@client.test, Bob <bob@client.test>", Subject: "A", Text: "t"})
	b := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "B", Text: "t"})
	c := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "C", Text: "t"})
	out, err := f.q.ClaimOutgoing(ctx, "w", []int64{b.ID, a.ID})
	if err != nil || len(out) != 2 || out[0].ID != b.ID || out[1].ID != a.ID {
		t.Fatalf("claimed %+v, %v; want B then A", out, err)
	}
	o := out[1]
	if !strings.Contains(string(o.Raw), "Subject: A") || o.From != "sales@shop.test" || o.Attempts != 1 ||
		len(o.Recipients) != 2 || o.Recipients[1] != "bob@client.test" || o.MessageID != a.MessageID || o.DealID != f.deal.ID {
		t.Fatalf("claimed email %+v", o)
	}
	raw, err := f.q.OutgoingRaw(ctx, a.ID)
	if err != nil || string(raw) != string(o.Raw) {
		t.Fatalf("stored bytes %q, %v", raw, err)
	}
	due, err := f.q.DueEnvelopes(ctx, 5)
	if err != nil || len(due) != 1 || due[0].ID != c.ID || due[0].Raw != nil || due[0].From != "sales@shop.test" || due[0].Attempts != 0 {
		t.Fatalf("due: %+v, %v; want C alone, without its bytes", due, err)
	}
	if out, err := f.q.RecordAndClaim(ctx, nil, "w", []int64{a.ID, c.ID}); err != nil || len(out) != 1 || !strings.Contains(string(out[0].Raw), "Subject: C") {
		t.Fatalf("claim A (claimed already) and C: %+v %v; want C alone", out, err)
	}
	if due, err := f.q.DueEnvelopes(ctx, 5); err != nil || len(due) != 0 {
		t.Fatalf("due with nothing queued: %+v, %v", due, err)
	}
	if _, err := f.q.OutgoingRaw(ctx, 9999); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("bytes of no email: %v", err)
	}
}

// TestEditableRuleIsOneRule: in every state, the outbox item says it is
// editable exactly when an edit goes through, and a cancelled email is
// never claimed.
func TestEditableRuleIsOneRule(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	mk := func(subject string) data.OutboxItem {
		return f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: subject, Text: "t"})
	}
	queued := mk("queued")
	sending, failed, unknown, sent := mk("sending"), mk("failed"), mk("unknown"), mk("sent")
	cancelled := mk("cancelled")
	if _, err := f.q.ClaimOutgoing(ctx, "w", []int64{sending.ID, failed.ID, unknown.ID, sent.ID}); err != nil {
		t.Fatal(err)
	}
	err := f.q.RecordSent(ctx, []mailq.SendResult{{ID: failed.ID, State: data.OutFailed, Error: "550 no"},
		{ID: unknown.ID, State: data.OutUnknown, Error: "cut"}, {ID: sent.ID, State: data.OutSent}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.CancelEmail(ctx, f.db.Sales.ID, cancelled.ID); err != nil {
		t.Fatal(err)
	}
	if out, _ := f.q.ClaimOutgoing(ctx, "w", []int64{cancelled.ID}); len(out) != 0 {
		t.Fatal("a cancelled email was claimed")
	}
	for _, it := range []data.OutboxItem{queued, sending, failed, unknown, sent, cancelled} {
		now, err := f.db.OutboxItem(ctx, f.db.Admin.ID, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if string(now.State) != it.Subject {
			t.Fatalf("%s is %s", it.Subject, now.State)
		}
		d, err := f.db.PrepareEmail(ctx, f.db.Sales.ID, data.ComposeInput{DealID: f.deal.ID, To: "claire@client.test", Subject: "edited", Text: "u"})
		if err != nil {
			t.Fatal(err)
		}
		d.OutboxID, d.MessageID = it.ID, it.MessageID
		_, err = f.db.QueueEmail(ctx, d, fakeBytes(d))
		if now.Editable() != (err == nil) || (err != nil && !errors.Is(err, data.ErrConflict)) {
			t.Errorf("%s: Editable() = %v, edit: %v", it.Subject, now.Editable(), err)
		}
	}
}

func TestResultsAndRecovery(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	a := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "A", Text: "t"})
	b := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "B", Text: "t"})
	c := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "C", Text: "t"})
	if out, _ := f.q.ClaimOutgoing(ctx, "w", []int64{a.ID, b.ID, c.ID}); len(out) != 3 {
		t.Fatalf("claimed %d", len(out))
	}
	retry := datatest.Start.Add(time.Minute)
	err := f.q.RecordSent(ctx, []mailq.SendResult{
		{ID: a.ID, State: data.OutQueued, Error: "451 try later", RetryAt: retry},
		{ID: b.ID, State: data.OutFailed, Error: "550 no such user"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if due, _ := f.q.DueOutgoing(ctx, 10); len(due) != 0 {
		t.Fatalf("due before backoff: %v", due)
	}
	if next, err := f.q.NextDue(ctx); err != nil || !next.Equal(retry) {
		t.Fatalf("next due %v (%v), want %v", next, err, retry)
	}
	f.db.Clock.Advance(2 * time.Minute)
	if due, _ := f.q.DueOutgoing(ctx, 10); len(due) != 1 || due[0] != a.ID {
		t.Fatalf("due after backoff: %v", due)
	}
	es, _ := f.db.Timeline(ctx, f.db.Sales.ID, f.deal.ID, data.TimelineCursor{}, 20)
	var note bool
	for _, e := range es {
		if e.Kind == data.EntryNote && strings.Contains(e.Text, "550 no such user") {
			note = true
		}
	}
	if !note {
		t.Fatal("the server's words are not on the timeline")
	}
	// c stays in sending: a crash. It becomes unknown.
	f.db.Clock.Advance(time.Hour)
	if n, err := f.q.StaleSending(ctx, 5*time.Minute); err != nil || n != (mailq.Settled{Unknown: 1}) {
		t.Fatalf("stale: %+v %v", n, err)
	}
	if n, err := f.q.StaleSending(ctx, 5*time.Minute); err != nil || n.Total() != 0 {
		t.Fatalf("stale twice: %+v %v", n, err)
	}
	u, _ := f.q.UncheckedUnknown(ctx)
	if len(u) != 1 || u[0].ID != c.ID {
		t.Fatalf("unknown %v", u)
	}
	if err := f.q.ResolveUnknown(ctx, c.ID, false); err != nil {
		t.Fatal(err)
	}
	if u, _ := f.q.UncheckedUnknown(ctx); len(u) != 0 {
		t.Fatal("checked twice")
	}
	if err := f.db.RetryEmail(ctx, f.db.Sales.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.RetryEmail(ctx, f.db.Sales.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	it, _ := f.db.OutboxItem(ctx, f.db.Admin.ID, b.ID)
	if it.State != data.OutQueued {
		t.Fatalf("retried failed email is %s", it.State)
	}
	if err := f.db.RetryEmail(ctx, f.db.Sales.ID, b.ID); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("retry of a queued email: %v, want ErrConflict", err)
	}
}

// TestAbandonedClaimsAndFoundInSent: the claims of a stopped worker become
// unknown (those another worker holds stay); an unknown email found in the
// Sent folder is sent, with its copy done.
func TestAbandonedClaimsAndFoundInSent(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	a := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "A", Text: "t"})
	b := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "B", Text: "t"})
	if _, err := f.q.ClaimOutgoing(ctx, "dead", []int64{a.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.ClaimOutgoing(ctx, "live", []int64{b.ID}); err != nil {
		t.Fatal(err)
	}
	claims, err := f.q.SendingClaims(ctx)
	if err != nil || claims[a.ID] != "dead" || claims[b.ID] != "live" {
		t.Fatalf("claims %v, %v", claims, err)
	}
	// b's claim is named with the wrong worker: it stays.
	if _, err := f.q.AbandonClaims(ctx, map[int64]string{a.ID: "dead", b.ID: "dead"}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]data.OutState{a.ID: data.OutUnknown, b.ID: data.OutSending} {
		if it, _ := f.db.OutboxItem(ctx, f.db.Admin.ID, id); it.State != want {
			t.Fatalf("email %d is %s, want %s", id, it.State, want)
		}
	}
	if err := f.q.ResolveUnknown(ctx, a.ID, true); err != nil {
		t.Fatal(err)
	}
	it, _ := f.db.OutboxItem(ctx, f.db.Admin.ID, a.ID)
	if it.State != data.OutSent || it.SentCopy != data.CopyDone || it.LastError != "" || it.SentAt.IsZero() {
		t.Fatalf("found in Sent: %+v", it)
	}
}

// TestSentCopyQueue: the copy of a sent email is claimed by one worker,
// given back or done, and a claim left by a stopped worker comes back after
// ten minutes.
func TestSentCopyQueue(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	a := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "A", Text: "t"})
	b := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "B", Text: "t"})
	if _, err := f.q.ClaimOutgoing(ctx, "w", []int64{a.ID, b.ID}); err != nil {
		t.Fatal(err)
	}
	err := f.q.RecordSent(ctx, []mailq.SendResult{{ID: a.ID, State: data.OutSent, NeedCopy: true}, {ID: b.ID, State: data.OutSent}})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := f.q.PendingCopies(ctx); err != nil || len(p) != 1 || p[0].ID != a.ID {
		t.Fatalf("pending copies %+v, %v; want A alone", p, err)
	}
	if ok, err := f.q.ClaimCopy(ctx, a.ID); err != nil || !ok {
		t.Fatalf("claim copy: %v %v", ok, err)
	}
	if ok, err := f.q.ClaimCopy(ctx, a.ID); err != nil || ok {
		t.Fatalf("second claim of the copy: %v %v", ok, err)
	}
	if ok, _ := f.q.ClaimCopy(ctx, b.ID); ok {
		t.Fatal("claimed the copy of an email that needs none")
	}
	if err := f.q.CopyDone(ctx, a.ID, false); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.q.PendingCopies(ctx); len(p) != 1 {
		t.Fatal("a copy given back is not pending")
	}
	if ok, _ := f.q.ClaimCopy(ctx, a.ID); !ok {
		t.Fatal("cannot claim a copy given back")
	}
	if err := f.q.StaleCopies(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.q.PendingCopies(ctx); len(p) != 0 {
		t.Fatal("a fresh claim was taken for stale")
	}
	f.db.Clock.Advance(11 * time.Minute)
	if err := f.q.StaleCopies(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := f.q.ClaimCopy(ctx, a.ID); !ok {
		t.Fatal("a stale claim did not come back")
	}
	if err := f.q.CopyDone(ctx, a.ID, true); err != nil {
		t.Fatal(err)
	}
	if it, _ := f.db.OutboxItem(ctx, f.db.Admin.ID, a.ID); it.SentCopy != data.CopyDone {
		t.Fatalf("copy is %s, want done", it.SentCopy)
	}
	if p, _ := f.q.PendingCopies(ctx); len(p) != 0 {
		t.Fatalf("pending after done: %+v", p)
	}
}
