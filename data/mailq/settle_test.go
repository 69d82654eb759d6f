package mailq_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/mailq"
)

// TestStoppedSequentialSenderIsSettled: a sequential sender claimed a
// batch, had the first email accepted, the second refused, handed the
// third over and was killed. Its claims say what happened: the first is
// sent (its copy to file), the second stays failed, only the third is
// unknown, and the two it never reached are queued again as they were. A
// claim of another kind of worker is unknown; a settled email can no
// longer be handed over by the sender that claimed it.
func TestStoppedSequentialSenderIsSettled(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	var ids []int64
	for _, s := range []string{"A", "B", "C", "D", "E"} {
		ids = append(ids, f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: s, Text: "t"}).ID)
	}
	a, b, c, d, e := ids[0], ids[1], ids[2], ids[3], ids[4]
	tool := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "T", Text: "t"}).ID
	out, err := f.q.RecordAndClaim(ctx, nil, "w", ids)
	if err != nil || len(out) != 5 || out[0].Attempts != 1 {
		t.Fatalf("claimed %d (%v)", len(out), err)
	}
	if ok, err := f.q.Handover(ctx, "w", []mailq.SendResult{{ID: a, State: data.OutSent, NeedCopy: true}}, b); err != nil || !ok {
		t.Fatalf("hand over B: %v %v", ok, err)
	}
	if ok, err := f.q.Handover(ctx, "w", []mailq.SendResult{{ID: b, State: data.OutFailed, Error: "550 no such user"}}, c); err != nil || !ok {
		t.Fatalf("hand over C: %v %v", ok, err)
	}
	if _, err := f.q.ClaimOutgoing(ctx, "tool", []int64{tool}); err != nil {
		t.Fatal(err)
	}
	// Still claimed: A is accepted, not yet recorded sent.
	if it, _ := f.db.OutboxItem(ctx, f.db.Admin.ID, a); it.State != data.OutSending {
		t.Fatalf("A is %s before the batch is recorded", it.State)
	}
	claims, err := f.q.SendingClaims(ctx)
	if err != nil || len(claims) != 5 {
		t.Fatalf("claims %v (%v)", claims, err)
	}
	if w, ok := mailq.Sequential(claims[c]); !ok || w != "w" {
		t.Fatalf("claim name %q", claims[c])
	}
	if _, ok := mailq.Sequential(claims[tool]); ok {
		t.Fatal("a tool's claim taken for a sequential sender's")
	}
	n, err := f.q.AbandonClaims(ctx, claims)
	if err != nil || n != (mailq.Settled{Sent: 1, Unknown: 2, Queued: 2}) {
		t.Fatalf("settled %+v (%v)", n, err)
	}
	want := map[int64]data.OutState{a: data.OutSent, b: data.OutFailed, c: data.OutUnknown, d: data.OutQueued, e: data.OutQueued, tool: data.OutUnknown}
	for id, st := range want {
		it, err := f.db.OutboxItem(ctx, f.db.Admin.ID, id)
		if err != nil || it.State != st {
			t.Errorf("email %d is %s (%v), want %s", id, it.State, err, st)
		}
		if id == a && (it.SentCopy != data.CopyPending || it.SentAt.IsZero()) {
			t.Errorf("A: copy %s, sent at %v", it.SentCopy, it.SentAt)
		}
		if (id == d || id == e) && it.Attempts != 0 {
			t.Errorf("email %d never handed over counts %d attempts", id, it.Attempts)
		}
	}
	if due, _ := f.q.DueOutgoing(ctx, 10); len(due) != 2 || due[0] != d || due[1] != e {
		t.Fatalf("due after settling: %v, want D and E at once", due)
	}
	if ok, err := f.q.Handover(ctx, "w", nil, d); err != nil || ok {
		t.Fatalf("a settled claim was handed over: %v %v", ok, err)
	}
	// Settled twice: nothing moves.
	if n, err := f.q.AbandonClaims(ctx, claims); err != nil || n.Total() != 0 {
		t.Fatalf("settled again: %+v %v", n, err)
	}
}

// TestStaleSequentialClaims: claims older than the limit are settled — the
// accepted one is sent — but a claim the sender renewed is left alone, and
// the one after it was never reached.
func TestStaleSequentialClaims(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	var ids []int64
	for _, s := range []string{"A", "B", "C"} {
		ids = append(ids, f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: s, Text: "t"}).ID)
	}
	if out, err := f.q.RecordAndClaim(ctx, nil, "w", ids); err != nil || len(out) != 3 {
		t.Fatalf("claimed %d %v", len(out), err)
	}
	f.db.Clock.Advance(9 * time.Minute)
	if ok, err := f.q.Handover(ctx, "w", []mailq.SendResult{{ID: ids[0], State: data.OutSent}}, ids[1]); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if n, err := f.q.Renew(ctx, "w", ids[1:2]); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	f.db.Clock.Advance(2 * time.Minute)
	n, err := f.q.StaleSending(ctx, 10*time.Minute)
	if err != nil || n != (mailq.Settled{Sent: 1, Queued: 1}) {
		t.Fatalf("stale: %+v %v; want A sent, C back in the queue", n, err)
	}
	for id, st := range map[int64]data.OutState{ids[0]: data.OutSent, ids[1]: data.OutSending, ids[2]: data.OutQueued} {
		if it, _ := f.db.OutboxItem(ctx, f.db.Admin.ID, id); it.State != st {
			t.Errorf("email %d is %s, want %s", id, it.State, st)
		}
	}
	// The sender goes on: B accepted, the batch recorded.
	if err := f.q.RecordSent(ctx, []mailq.SendResult{{ID: ids[0], State: data.OutSent}, {ID: ids[1], State: data.OutSent}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[:2] {
		if it, _ := f.db.OutboxItem(ctx, f.db.Admin.ID, id); it.State != data.OutSent {
			t.Errorf("email %d is %s", id, it.State)
		}
	}
}

// TestPostponeReleaseAndPartial: an email of a server that cannot be
// reached is postponed without a claim (and the wait counts); a claim never
// handed over is released as it was; a partial delivery leaves only the
// recipients still to be given the email, for the claim's sender alone.
func TestPostponeReleaseAndPartial(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	a := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "A", Text: "t"})
	b := f.queue(t, data.ComposeInput{To: "claire@client.test, bob@client.test, eve@client.test", Subject: "B", Text: "t"})
	retry := datatest.Start.Add(time.Hour)
	if err := f.q.Postpone(ctx, []mailq.SendResult{{ID: a.ID, State: data.OutQueued, Error: "cannot reach the server", RetryAt: retry}}); err != nil {
		t.Fatal(err)
	}
	it, _ := f.db.OutboxItem(ctx, f.db.Admin.ID, a.ID)
	if it.State != data.OutQueued || it.Attempts != 1 || it.LastError != "cannot reach the server" || !it.NextAttempt.Equal(retry) {
		t.Fatalf("postponed: %+v", it)
	}
	tab, _ := outEntries(t, f)
	if e, ok := tab["A"].Data.(data.EmailData); !ok || e.State != data.OutQueued || e.Error != "cannot reach the server" {
		t.Fatalf("timeline of a postponed email: %+v", tab["A"].Data)
	}
	if err := f.q.Postpone(ctx, []mailq.SendResult{{ID: a.ID, State: data.OutSent}}); err == nil {
		t.Fatal("postponed as sent")
	}
	out, err := f.q.RecordAndClaim(ctx, nil, "w", []int64{a.ID, b.ID})
	if err != nil || len(out) != 1 || out[0].ID != b.ID {
		t.Fatalf("claimed %+v %v: want B alone (A is not due)", out, err)
	}
	if err := f.q.RecordPartial(ctx, "other", b.ID, []string{"eve@client.test"}); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("partial by another sender: %v", err)
	}
	if err := f.q.RecordPartial(ctx, "w", b.ID, []string{"eve@client.test"}); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Release(ctx, "w", []int64{b.ID}); err != nil {
		t.Fatal(err)
	}
	it, _ = f.db.OutboxItem(ctx, f.db.Admin.ID, b.ID)
	if it.State != data.OutQueued || it.Attempts != 0 {
		t.Fatalf("released: %+v", it)
	}
	out, err = f.q.RecordAndClaim(ctx, nil, "w", []int64{b.ID})
	if err != nil || len(out) != 1 || len(out[0].Recipients) != 1 || out[0].Recipients[0] != "eve@client.test" {
		t.Fatalf("claimed again: %+v %v; want eve alone", out, err)
	}
	if _, err := f.q.RecordAndClaim(ctx, nil, "w", []int64{b.ID, a.ID}); err == nil {
		t.Fatal("claimed out of order")
	}
}
