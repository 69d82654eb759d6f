package ui

import (
	"context"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// Every kind of entry goes from its writer to the Timeline tab in words:
// written as the app writes it, read by the tab, described by its type —
// money in the person's format, the routing's reason and the notes in
// their words rather than the English stored with them.
func TestEveryEntryKindOnTheTimeline(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	ev := db.EveryEntryKind(t)
	p := db.Pipeline(t)
	won, _ := p.FinalStage(data.StatusWon)
	lost, _ := p.FinalStage(data.StatusLost)
	first, _ := p.FirstOpen()
	st1 := p.Stages[1].Name
	a := startTest(t, db, db.Sales, withSender(&fakeSender{})) // the queued email stays so
	tl := openTimeline(t, a, ev.Deal.ID)
	got := map[string]string{} // title → body
	for _, r := range tl.rows {
		body := ""
		if r.body != nil {
			body = r.body.Text
		}
		if _, dup := got[r.title.Text]; dup {
			t.Errorf("two entries titled %q", r.title.Text)
		}
		got[r.title.Text] = body
		if r.title.Text == string(r.e.Kind) {
			t.Errorf("%s entry not described: %+v", r.e.Kind, r.e)
		}
	}
	want := map[string]string{
		"Deal created":          first.Name + " · Manual",
		"Changed: Amount":       "€1,200.00 → €1,250.50",
		"Product lines changed": "€1,250.50 → €1,680.00",
		"Comment":               "They want oak",
		"Outgoing call · +33 6 12 34 56 78 · 1 min 35 · Answered":         "Agreed on the price",
		"Payment received: €500.00":                                       "Nov 12, 2026 · Card · Ref. DEP-1\ndeposit",
		"Payment received: " + formatMoney(ev.Invoice.Gross, "EUR", "en"): "Nov 12, 2026 · Bank transfer · Ref. VIR 42\n" + ev.Invoice.Number,
		"Delivery · Nov 12, 2026":                                         "Colissimo · Tracking 6A123\n3 rue Haute\nLyon",
		"Done: Call back":                                                 "Done, they agree",
		"Quote · " + ev.Quote.Number:                                      formatMoney(ev.Quote.Gross, "EUR", "en"),
		"Invoice · " + ev.Invoice.Number:                                  formatMoney(ev.Invoice.Gross, "EUR", "en"),
		"Email to the client · Your quote · " + outStateLabel(data.OutQueued): "From: Sophie Vente <sales@shop.test>\nTo: Claire Client <claire@client.test>\n" +
			"Hello Claire,\nhere it is.",
		"Email to the client · Your invoice · " + outStateLabel(data.OutFailed): "From: Sophie Vente <sales@shop.test>\nTo: Claire Client <claire@client.test>\n" +
			"Hello Claire,\nhere it is.\n550 no such user",
		"Email from the client · Re: Your quote": "From: Claire Client <claire@client.test>\nTo: sales@shop.test\nThank you,\nwe agree.\n📎 order.pdf\n" +
			"Linked because: a reply to an email of this deal",
		"Email not sent":   "Your invoice\nThe server said: 550 no such user",
		"Automatic reply":  "Out of office",
		"Delivery failure": "Undelivered Mail",
		"Stage changed":    first.Name + " → " + st1,
		"Deal won":         st1 + " → " + won.Name,
		"Deal reopened":    won.Name + " → " + st1,
		"Deal lost":        st1 + " → " + lost.Name + "\nReason: Too expensive",
	}
	for title, body := range want {
		g, ok := got[title]
		if !ok {
			t.Errorf("no entry titled %q", title)
			continue
		}
		if g != body {
			t.Errorf("%q reads %q, want %q", title, g, body)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d entries shown, want %d: %q", len(got), len(want), got)
	}
	for title, body := range got {
		for _, english := range []string{"Automatic message:", "Delivery failure:", "the server said:", "reply to Your quote"} {
			if strings.Contains(title+body, english) {
				t.Errorf("%q / %q shows data's English words %q", title, body, english)
			}
		}
	}
	es, err := db.Timeline(ctx, db.Sales.ID, ev.Deal.ID, data.TimelineCursor{}, 100)
	if err != nil || len(es) != len(tl.rows) {
		t.Fatalf("the tab shows %d entries of %d (%v)", len(tl.rows), len(es), err)
	}
}

// Rows in the shapes existing databases hold read in words too: amounts of
// the first documents (decimal strings), calls in minutes, a JPY quote.
func TestStoredEntriesDescribed(t *testing.T) {
	setupLanguage("en")
	db := datatest.Open(t)
	d := db.Deal(t, db.Sales.ID, "Old rows")
	ids := db.InsertStored(t, d.ID)
	es, err := db.Timeline(context.Background(), db.Sales.ID, d.ID, data.TimelineCursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]entryView{}
	for _, e := range es {
		byID[e.ID] = describeEntry(e, "en")
	}
	for _, c := range []struct {
		row         int
		title, body string
	}{
		{2, "Changed: Probability", "— → 40 %"},
		{6, "Incoming call · 12 min", "Rappel client"},
		{8, "Payment received: ¥9,007,199,254,740,993", "Nov 13, 2026 · Cash\nbig"},
		{9, "Payment received: €485.22", "Nov 20, 2026 · transfer\nFAC-2026-0001"},
		{12, "Quote · DEV-2026-0003", "¥150,000"},
		{13, "Invoice · FAC-2026-0001", "€1,200.50"},
		{15, "Email to the client · Sent from the phone", "From: Sophie <sales@comptoir.test>\nYes.\nLinked because: our own email in this conversation"},
		{17, "Email not sent", "The server said: 550 no such user"},
		{18, "Delivery failure", "Undelivered Mail"},
		{21, "future_kind", "from a newer version"},
	} {
		v := byID[ids[c.row]]
		if v.title != c.title || v.body != c.body {
			t.Errorf("row %d (%s): %q / %q, want %q / %q", c.row, datatest.StoredEntries[c.row].Kind, v.title, v.body, c.title, c.body)
		}
	}
}
