package data_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// payloadKeys is the JSON object a payload writes, key by key.
func payloadKeys(t testing.TB, p data.Payload) map[string]json.RawMessage {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatalf("encode %T: %v", p, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%T writes no object: %s", p, b)
	}
	return m
}

// storedData reads the data column of timeline entries as stored.
func storedData(t testing.TB, db *datatest.DB, dealID int64) map[int64]string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT id, data FROM timeline WHERE deal_id = ?`, dealID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var js string
		if err := rows.Scan(&id, &js); err != nil {
			t.Fatal(err)
		}
		out[id] = js
	}
	return out
}

// sameKeys reports whether a payload writes exactly the keys of the stored
// JSON, with the same values.
func sameJSON(t testing.TB, p data.Payload, stored string) bool {
	t.Helper()
	var want map[string]any
	if err := json.Unmarshal([]byte(stored), &want); err != nil {
		t.Fatalf("stored %s: %v", stored, err)
	}
	var got map[string]any
	b, _ := json.Marshal(p)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("written %s: %v", b, err)
	}
	return reflect.DeepEqual(got, want)
}

// Every kind of entry, written as the app writes it, reads back as its
// type with the values written, and its typed payload writes back the very
// keys and values stored (what the export flattens).
func TestEveryEntryKindRoundTrips(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	ev := db.EveryEntryKind(t)
	es, err := db.Timeline(ctx, db.Sales.ID, ev.Deal.ID, data.TimelineCursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	stored := storedData(t, db, ev.Deal.ID)
	p := db.Pipeline(t)
	won, _ := p.FinalStage(data.StatusWon)
	lost, _ := p.FinalStage(data.StatusLost)
	first, _ := p.FirstOpen()
	seen := map[data.EntryKind]int{}
	notes := map[data.NoteCause]data.NoteData{}
	for _, e := range es {
		seen[e.Kind]++
		if js, ok := stored[e.ID]; !ok || !sameJSON(t, e.Data, js) {
			b, _ := json.Marshal(e.Data)
			t.Errorf("%s entry %d writes %s, stored %s", e.Kind, e.ID, b, js)
		}
		switch d := e.Data.(type) {
		case data.CreatedData:
			if e.Kind != data.EntryCreated || d != (data.CreatedData{Stage: first.Name, Source: data.SourceManual}) {
				t.Errorf("created: %s %+v", e.Kind, d)
			}
		case data.FieldData:
			old, nw, ok := d.Money()
			if e.Kind != data.EntryField || !ok || old != (data.Money{Minor: 120000, Currency: "EUR"}) || nw != (data.Money{Minor: 125050, Currency: "EUR"}) {
				t.Errorf("field: %s %+v", e.Kind, d)
			}
		case data.ProductsData:
			if e.Kind != data.EntryProducts || d.Lines != 1 || d.Old != (data.Money{Minor: 125050, Currency: "EUR"}) || d.New.Minor != 168000 {
				t.Errorf("products: %s %+v", e.Kind, d)
			}
		case data.CommentData:
			if e.Kind != data.EntryComment || e.Text != "They want oak" {
				t.Errorf("comment: %+v", e)
			}
		case data.CallData:
			if e.Kind != data.EntryCall || d.Duration() != 95*time.Second || d.Direction != data.CallOut || d.Outcome != data.OutcomeAnswered ||
				d.Phone != "+33 6 12 34 56 78" {
				t.Errorf("call: %s %+v", e.Kind, d)
			}
		case data.PaymentData:
			if d.Document == "" && d != (data.PaymentData{Amount: 50000, Currency: "EUR", Date: "2026-11-12", Method: "card", Reference: "DEP-1"}) ||
				d.Document != "" && (d.Document != ev.Invoice.Number || d.DocumentID != ev.Invoice.ID || d.Money() != (data.Money{Minor: ev.Invoice.Gross, Currency: "EUR"})) {
				t.Errorf("payment: %s %+v", e.Kind, d)
			}
		case data.DeliveryData:
			if d != (data.DeliveryData{Date: "2026-11-12", Carrier: "Colissimo", Tracking: "6A123", Address: "3 rue Haute\nLyon"}) {
				t.Errorf("delivery: %+v", d)
			}
		case data.ActivityData:
			if d.ActivityKind != data.ActivityCall || d.Subject != "Call back" || d.ActivityID == 0 || e.Text != "Done, they agree" {
				t.Errorf("activity: %+v %q", d, e.Text)
			}
		case data.DocumentData:
			want := ev.Quote
			if d.Kind == data.DocInvoice {
				want = ev.Invoice
			}
			if d != (data.DocumentData{DocumentID: want.ID, Number: want.Number, Kind: want.Kind, Gross: want.Gross, Currency: "EUR"}) {
				t.Errorf("document: %+v, want %+v", d, want)
			}
		case data.EmailData:
			switch {
			case e.Kind == data.EntryEmailIn:
				if d.EmailID == 0 || d.LinkedReason != data.ReasonReply || d.From != "Claire Client <claire@client.test>" ||
					d.Text != "Thank you,\nwe agree." || !slices.Equal(d.Attachments, []data.EntryAttachment{{Name: "order.pdf", Size: 2048}}) {
					t.Errorf("email in: %+v", d)
				}
			case d.OutboxID == ev.Queued.ID:
				if d.State != data.OutQueued || d.Subject != "Your quote" || !slices.Equal(d.Cc, []string{"boss@shop.test"}) ||
					!slices.Equal(d.To, []string{"Claire Client <claire@client.test>"}) || d.Text != "Hello Claire,\nhere it is." {
					t.Errorf("email out: %+v", d)
				}
			case d.OutboxID == ev.Refused.ID:
				if d.State != data.OutFailed || d.Error != "550 no such user" {
					t.Errorf("refused email out: %+v", d)
				}
			default:
				t.Errorf("unexpected email entry %s %+v", e.Kind, d)
			}
		case data.NoteData:
			notes[d.Cause()] = d
		case data.StageData:
			switch e.Kind {
			case data.EntryStage, data.EntryReopened:
				if d.To != p.Stages[1].Name || d.ToID != p.Stages[1].ID {
					t.Errorf("%s: %+v", e.Kind, d)
				}
			case data.EntryWon:
				if d != (data.StageData{From: p.Stages[1].Name, FromID: p.Stages[1].ID, To: won.Name, ToID: won.ID}) {
					t.Errorf("won: %+v", d)
				}
			case data.EntryLost:
				if d != (data.StageData{From: p.Stages[1].Name, FromID: p.Stages[1].ID, To: lost.Name, ToID: lost.ID, Reason: "Too expensive"}) ||
					e.Text != "Too expensive" {
					t.Errorf("lost: %+v", d)
				}
			}
		default:
			t.Errorf("%s entry read as %T", e.Kind, e.Data)
		}
	}
	for _, k := range []data.EntryKind{data.EntryCreated, data.EntryStage, data.EntryWon, data.EntryLost, data.EntryReopened,
		data.EntryField, data.EntryProducts, data.EntryComment, data.EntryCall, data.EntryPayment, data.EntryDelivery,
		data.EntryActivity, data.EntryEmailIn, data.EntryEmailOut, data.EntryNote, data.EntryDocument} {
		if seen[k] == 0 {
			t.Errorf("no %s entry written", k)
		}
	}
	if n := notes[data.NoteNotSent]; n.Subject != "Your invoice" || n.Error != "550 no such user" || n.OutboxID != ev.Refused.ID || n.State != data.OutFailed {
		t.Errorf("refusal note %+v", n)
	}
	if n := notes[data.NoteAutoReply]; n.EmailID == 0 || n.Subject != "Out of office" || n.LinkedReason != data.ReasonAutoReply {
		t.Errorf("auto-reply note %+v", n)
	}
	if n := notes[data.NoteBounce]; n.EmailID == 0 || n.Subject != "Undelivered Mail" {
		t.Errorf("bounce note %+v", n)
	}
	if len(notes) != 3 {
		t.Errorf("notes %v", slices.Collect(maps.Keys(notes)))
	}
}

// Rows in the shapes existing databases hold decode into their types, with
// every amount exact (no float on the way: 2^53+1 minor units stay so), and
// write back the keys they were stored with.
func TestStoredEntriesDecode(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Old rows")
	ids := db.InsertStored(t, d.ID)
	es, err := db.Timeline(ctx, db.Sales.ID, d.ID, data.TimelineCursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]data.Entry{}
	for _, e := range es {
		byID[e.ID] = e
	}
	got := func(i int) data.Payload { return byID[ids[i]].Data }
	want := []data.Payload{
		data.CreatedData{Stage: "New", Source: data.SourceEmail},
		data.FieldData{Field: "amount", Old: "100.00 EUR", New: "125.50 EUR"},
		data.FieldData{Field: "probability", Old: "", New: "40 %"},
		data.ProductsData{Lines: 2, Old: data.Money{Minor: 50000, Currency: "EUR"}, New: data.Money{Minor: 7053, Currency: "EUR"}},
		data.CommentData{},
		data.CallData{Direction: data.CallOut, Seconds: 95, Outcome: data.OutcomeAnswered, Phone: "+33 6 12 34 56 78"},
		data.CallData{Direction: data.CallIn, Seconds: 720, Minutes: 12},
		data.PaymentData{Amount: 120050, Currency: "EUR", Date: "2026-11-12", Method: "bank_transfer", Reference: "INV-7"},
		data.PaymentData{Amount: 9007199254740993, Currency: "JPY", Date: "2026-11-13", Method: "cash"},
		data.PaymentData{Amount: 48522, Currency: "EUR", Date: "2026-11-20", Method: "transfer", Document: "FAC-2026-0001", DocumentID: 1},
		data.DeliveryData{Date: "2026-11-20", Carrier: "Colissimo", Tracking: "6A123", Address: "3 rue Haute\nLyon"},
		data.ActivityData{ActivityID: 3, ActivityKind: data.ActivityCall, Subject: "Call back"},
		data.DocumentData{DocumentID: 3, Number: "DEV-2026-0003", Kind: data.DocQuote, Gross: 150000, Currency: "JPY"},
		data.DocumentData{DocumentID: 1, Number: "FAC-2026-0001", Kind: data.DocInvoice, Gross: 120050, Currency: "EUR"},
	}
	for i, w := range want {
		if g := got(i); g != w {
			t.Errorf("row %d (%s): %#v, want %#v", i, datatest.StoredEntries[i].Kind, g, w)
		}
	}
	in := got(14).(data.EmailData)
	if in.EmailID != 7 || in.LinkedReason != data.ReasonReply || in.LinkedBecause != "reply to an email of this deal" ||
		!slices.Equal(in.To, []string{"sales@ourshop.test"}) || in.Attachments[0] != (data.EntryAttachment{Name: "plan.pdf", Size: 1234}) {
		t.Errorf("email in %+v", in)
	}
	if own := got(15).(data.EmailData); own.OutboxID != 0 || own.LinkedReason != data.ReasonOwnReply || len(own.To) != 0 {
		t.Errorf("own reply %+v", own)
	}
	if out := got(16).(data.EmailData); out.OutboxID != 4 || out.State != data.OutFailed || out.Error != "550 no such user" ||
		out.InReplyTo != "r0@client.test" || !slices.Equal(out.Cc, []string{"boss@shop.test"}) {
		t.Errorf("email out %+v", out)
	}
	if n := got(17).(data.NoteData); n.Cause() != data.NoteNotSent || n.Error != "550 no such user" || n.Subject != "" {
		t.Errorf("refusal note %+v", n)
	}
	if n := got(18).(data.NoteData); n.Cause() != data.NoteBounce || n.EmailID != 10 {
		t.Errorf("bounce note %+v", n)
	}
	if s := got(19).(data.StageData); s != (data.StageData{From: "New", FromID: 1, To: "Proposal", ToID: 3}) {
		t.Errorf("stage %+v", s)
	}
	if s := got(20).(data.StageData); s.Reason != "Too expensive" {
		t.Errorf("lost %+v", s)
	}
	if u, ok := got(21).(data.UnknownData); !ok || string(u.JSON) != datatest.StoredEntries[21].JSON {
		t.Errorf("unknown kind %#v", got(21))
	}
	if len(want) != 14 || len(datatest.StoredEntries) != 22 {
		t.Fatalf("the rows and this test disagree: %d rows", len(datatest.StoredEntries))
	}
	// Each writes back what it was stored with, keys and values; the rows
	// of older shapes only gain what they lacked (an amount in minor units,
	// a call's seconds).
	for i, r := range datatest.StoredEntries {
		keys := payloadKeys(t, got(i))
		var stored map[string]json.RawMessage
		_ = json.Unmarshal([]byte(r.JSON), &stored)
		for k, v := range stored {
			w, ok := keys[k]
			if !ok {
				t.Errorf("row %d (%s) lost key %q: %s", i, r.Kind, k, keys)
				continue
			}
			var a, b any
			_ = json.Unmarshal(w, &a)
			_ = json.Unmarshal(v, &b)
			if legacy := i == 6 || i == 9 || i == 13; !legacy && !reflect.DeepEqual(a, b) {
				t.Errorf("row %d (%s) key %q: %s, stored %s", i, r.Kind, k, w, v)
			}
		}
	}
	if keys := payloadKeys(t, got(9)); string(keys["amount"]) != "48522" {
		t.Errorf("a decimal-string amount is written in minor units: %s", keys["amount"])
	}
}

// An entry's data of another kind is refused, not stored under the wrong
// kind.
func TestPayloadOfAnotherKindRefused(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	d := db.Deal(t, db.Sales.ID, "Bulk")
	err := db.Bulk(context.Background(), db.Admin.ID, func(b *data.BulkTx) error {
		return b.Entry(d.ID, db.Sales.ID, data.EntryCall, "", data.PaymentData{Amount: 5, Currency: "EUR"}, datatest.Start)
	})
	if err == nil {
		t.Fatal("a payment's data was stored as a call's")
	}
}
