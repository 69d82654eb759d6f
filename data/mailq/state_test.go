package mailq_test

import (
	"context"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/mailq"
)

// outEntries returns the email_out entries of the fixture's deal by
// subject, as the Timeline tab and the export read them.
func outEntries(t *testing.T, f outFixture) (tab, export map[string]data.Entry) {
	t.Helper()
	ctx := context.Background()
	es, err := f.db.Timeline(ctx, f.db.Sales.ID, f.deal.ID, data.TimelineCursor{}, 50)
	if err != nil {
		t.Fatal(err)
	}
	sn, err := f.db.Snapshot(ctx, f.db.Sales.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	all, err := sn.Timeline(f.deal.ID)
	if err != nil {
		t.Fatal(err)
	}
	tab, export = map[string]data.Entry{}, map[string]data.Entry{}
	for _, l := range []struct {
		es []data.Entry
		m  map[string]data.Entry
	}{{es, tab}, {all, export}} {
		for _, e := range l.es {
			if e.Kind == data.EntryEmailOut {
				l.m[e.Text] = e
			}
		}
	}
	return tab, export
}

// A sent email's entry shows state sent and no error (the server's words of
// an earlier temporary failure are gone), in the Timeline tab and in the
// export, while the others show their own state; its text stays whole.
func TestSentStateOnTimeline(t *testing.T) {
	t.Parallel()
	f := newOutFixture(t)
	ctx := context.Background()
	a := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "A", Text: "the text of A"})
	b := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "B", Text: "the text of B"})
	c := f.queue(t, data.ComposeInput{To: "claire@client.test", Subject: "C", Text: "the text of C"})
	if out, err := f.q.ClaimOutgoing(ctx, "w", []int64{a.ID, b.ID, c.ID}); err != nil || len(out) != 3 {
		t.Fatalf("claimed %d %v", len(out), err)
	}
	err := f.q.RecordSent(ctx, []mailq.SendResult{
		{ID: a.ID, State: data.OutQueued, Error: "451 try later", RetryAt: datatest.Start},
		{ID: b.ID, State: data.OutFailed, Error: "550 no such user"},
		{ID: c.ID, State: data.OutSent},
	})
	if err != nil {
		t.Fatal(err)
	}
	tab, export := outEntries(t, f)
	for _, m := range []map[string]data.Entry{tab, export} {
		for subj, want := range map[string][2]string{"A": {"queued", "451 try later"}, "B": {"failed", "550 no such user"}, "C": {"sent", ""}} {
			e, ok := m[subj]
			if !ok {
				t.Fatalf("no entry %s", subj)
			}
			if ed := e.Data.(data.EmailData); string(ed.State) != want[0] || ed.Error != want[1] {
				t.Errorf("entry %s: state %v error %q, want %s %q", subj, ed.State, ed.Error, want[0], want[1])
			}
		}
		if ed := m["C"].Data.(data.EmailData); ed.Text != "the text of C" || ed.OutboxID != c.ID {
			t.Errorf("sent entry data %v", m["C"].Data)
		}
	}
	// a, retried after its temporary failure, is sent: its error goes.
	f.db.Clock.Advance(time.Minute)
	if out, err := f.q.RecordAndClaim(ctx, nil, "w", []int64{a.ID}); err != nil || len(out) != 1 {
		t.Fatalf("claimed %v %v", out, err)
	}
	if err := f.q.RecordSent(ctx, []mailq.SendResult{{ID: a.ID, State: data.OutSent}}); err != nil {
		t.Fatal(err)
	}
	tab, export = outEntries(t, f)
	for _, m := range []map[string]data.Entry{tab, export} {
		if ed := m["A"].Data.(data.EmailData); ed.State != data.OutSent || ed.Error != "" {
			t.Errorf("retried entry: state %v error %q", ed.State, ed.Error)
		}
		if ed := m["B"].Data.(data.EmailData); ed.State != data.OutFailed {
			t.Errorf("failed entry: state %v", ed.State)
		}
	}
	// The stored email keeps its text once sent (read through its entry).
	m, err := f.db.EmailByMessageID(ctx, f.db.Admin.ID, c.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	full, err := f.db.Email(ctx, f.db.Admin.ID, m.ID)
	if err != nil || full.Text != "the text of C" {
		t.Fatalf("stored text %q %v", full.Text, err)
	}
}
