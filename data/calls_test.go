package data_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	v := data.FieldErrors(err)
	if v == nil || v.Field(field) == nil {
		t.Fatalf("want a field error on %q, got %v", field, err)
	}
}

func TestLogCall(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Boiler")
	at := datatest.Start.Add(-time.Hour)
	e, err := db.LogCall(ctx, db.Sales.ID, d.ID, data.CallInput{Direction: data.CallOut, At: at, Duration: 95 * time.Second,
		Outcome: data.OutcomeAnswered, Notes: " wants a quote ", Phone: "+33 6 12 34 56 78"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != data.EntryCall || e.Text != "wants a quote" || !e.At.Equal(at) || e.AuthorID != db.Sales.ID {
		t.Fatalf("entry = %+v", e)
	}
	if e.Data != (data.CallData{Direction: data.CallOut, Seconds: 95, Outcome: data.OutcomeAnswered, Phone: "+33 6 12 34 56 78"}) {
		t.Fatalf("data = %v", e.Data)
	}
	page, err := db.Timeline(ctx, db.Sales.ID, d.ID, data.TimelineCursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].Kind != data.EntryCreated || page[1].ID != e.ID {
		t.Fatalf("timeline order (call an hour before creation goes below it): %+v", page)
	}

	_, err = db.LogCall(ctx, db.Sales.ID, d.ID, data.CallInput{Direction: data.CallIn, Duration: -time.Second})
	wantField(t, err, "duration")
	_, err = db.LogCall(ctx, db.Sales.ID, d.ID, data.CallInput{Direction: "sideways"})
	wantField(t, err, "direction")
	_, err = db.LogCall(ctx, db.Sales.ID, d.ID, data.CallInput{Direction: data.CallIn, Outcome: "maybe"})
	wantField(t, err, "outcome")
	_, err = db.LogCall(ctx, db.Sales.ID, d.ID, data.CallInput{Direction: data.CallIn, At: datatest.Start.Add(time.Hour)})
	wantField(t, err, "at")
	// a zero duration is fine (a call that was not answered)
	if _, err := db.LogCall(ctx, db.Sales.ID, d.ID, data.CallInput{Direction: data.CallIn, Outcome: data.OutcomeNoAnswer}); err != nil {
		t.Fatal(err)
	}
	// another sales employee may not log on a deal that is not theirs
	if _, err := db.LogCall(ctx, db.Sales2.ID, d.ID, data.CallInput{Direction: data.CallIn}); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("other sales: %v", err)
	}
}

func TestLogPaymentAndDelivery(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Windows")

	_, err := db.LogPayment(ctx, db.Sales.ID, d.ID, data.PaymentInput{Method: "cash"})
	wantField(t, err, "amount")
	_, err = db.LogPayment(ctx, db.Sales.ID, d.ID, data.PaymentInput{Amount: -5})
	wantField(t, err, "amount")
	_, err = db.LogPayment(ctx, db.Sales.ID, d.ID, data.PaymentInput{Amount: 5, Date: "12/11/2026"})
	wantField(t, err, "date")
	_, err = db.LogPayment(ctx, db.Sales.ID, d.ID, data.PaymentInput{Amount: 5, Currency: "XXQ"})
	wantField(t, err, "currency")

	p, err := db.LogPayment(ctx, db.Sales.ID, d.ID, data.PaymentInput{Amount: 120050, Method: "bank_transfer", Reference: "INV-7", Note: "deposit"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != data.EntryPayment || p.Text != "deposit" ||
		p.Data != (data.PaymentData{Amount: 120050, Currency: "EUR", Date: "2026-11-12", Method: "bank_transfer", Reference: "INV-7"}) {
		t.Fatalf("payment = %+v", p)
	}

	dl, err := db.LogDelivery(ctx, db.Sales.ID, d.ID, data.DeliveryInput{Date: "2026-11-20", Carrier: "Colissimo", Tracking: "6A123", Address: "3 rue Haute\nLyon"})
	if err != nil {
		t.Fatal(err)
	}
	if dl.Kind != data.EntryDelivery || dl.Data != (data.DeliveryData{Carrier: "Colissimo", Tracking: "6A123", Date: "2026-11-20", Address: "3 rue Haute\nLyon"}) {
		t.Fatalf("delivery = %+v", dl)
	}
	_, err = db.LogDelivery(ctx, db.Sales.ID, d.ID, data.DeliveryInput{Date: "tomorrow"})
	wantField(t, err, "date")

	// the author may delete a payment entry; another employee may not
	if err := db.DeleteEntry(ctx, db.Manager.ID, p.ID); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("manager deletes sales' payment: %v", err)
	}
	if err := db.DeleteEntry(ctx, db.Sales.ID, p.ID); err != nil {
		t.Fatal(err)
	}
}

func TestCommentRights(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Roof")
	c, err := db.AddComment(ctx, db.Manager.ID, d.ID, "call them back\nafter lunch")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteEntry(ctx, db.Sales.ID, c.ID); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("sales deletes the manager's comment: %v", err)
	}
	if _, err := db.EditComment(ctx, db.Sales.ID, c.ID, "x"); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("sales edits the manager's comment: %v", err)
	}
	if data.MayChangeEntry(db.Sales, c) || !data.MayChangeEntry(db.Manager, c) {
		t.Fatal("MayChangeEntry disagrees with DeleteEntry")
	}
	page, _ := db.Timeline(ctx, db.Sales.ID, d.ID, data.TimelineCursor{}, 10)
	created := page[len(page)-1]
	if data.MayChangeEntry(db.Sales, created) {
		t.Fatal("a history entry may be changed")
	}
	if err := db.DeleteEntry(ctx, db.Sales.ID, created.ID); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("delete a history entry: %v", err)
	}
}

func TestCallFromUnknownNumber(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	tg, err := db.CallTarget(ctx, db.Sales.ID, "06 12 34 56 78")
	if err != nil {
		t.Fatal(err)
	}
	if tg.Match != data.CallUnknown || len(tg.Contacts) != 0 {
		t.Fatalf("target = %+v", tg)
	}
	got, err := db.LogCallFromNumber(ctx, db.Sales.ID, "06 12 34 56 78", data.NewCaller{Name: "Jeanne Client"},
		data.CallInput{Direction: data.CallIn, Duration: time.Minute, Notes: "needs a new boiler"})
	if err != nil {
		t.Fatal(err)
	}
	if !got.CreatedContact || !got.CreatedDeal || got.DealID == 0 || got.ContactID == 0 || got.Entry.Kind != data.EntryCall {
		t.Fatalf("logged = %+v", got)
	}
	d, err := db.Store.Deal(ctx, db.Sales.ID, got.DealID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Source != data.SourceCall || d.ContactID != got.ContactID || d.Title != "Jeanne Client" || d.ResponsibleID != db.Sales.ID {
		t.Fatalf("deal = %+v", d)
	}
	c, err := db.Contact(ctx, db.Admin.ID, got.ContactID)
	if err != nil || c.Name != "Jeanne Client" || len(c.Phones) != 1 || c.Phones[0] != "06 12 34 56 78" {
		t.Fatalf("contact = %+v, %v", c, err)
	}

	// the same number in international form now matches one open deal
	tg, err = db.CallTarget(ctx, db.Sales.ID, "+33 6 12 34 56 78")
	if err != nil {
		t.Fatal(err)
	}
	if tg.Match != data.CallOneDeal || tg.DealID != got.DealID || len(tg.Deals) != 1 {
		t.Fatalf("target = %+v", tg)
	}
	again, err := db.LogCallFromNumber(ctx, db.Sales.ID, "+33612345678", data.NewCaller{}, data.CallInput{Direction: data.CallOut})
	if err != nil {
		t.Fatal(err)
	}
	if again.CreatedDeal || again.CreatedContact || again.DealID != got.DealID || again.ContactID != got.ContactID {
		t.Fatalf("second call = %+v", again)
	}
	page, _ := db.Timeline(ctx, db.Sales.ID, got.DealID, data.TimelineCursor{}, 10)
	calls := 0
	for _, e := range page {
		if e.Kind == data.EntryCall {
			calls++
		}
	}
	if calls != 2 {
		t.Fatalf("calls on the deal = %d", calls)
	}

	// a second open deal for the contact makes the number ambiguous
	if _, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Second", ContactID: got.ContactID}); err != nil {
		t.Fatal(err)
	}
	tg, _ = db.CallTarget(ctx, db.Sales.ID, "0612345678")
	if tg.Match != data.CallSeveral || len(tg.Deals) != 2 {
		t.Fatalf("target = %+v", tg)
	}
	if _, err := db.LogCallFromNumber(ctx, db.Sales.ID, "0612345678", data.NewCaller{}, data.CallInput{Direction: data.CallIn}); !errors.Is(err, data.ErrAmbiguousCaller) {
		t.Fatalf("ambiguous: %v", err)
	}

	// bad input creates nothing
	_, err = db.LogCallFromNumber(ctx, db.Sales.ID, "07 00 00 00 01", data.NewCaller{}, data.CallInput{Direction: data.CallIn, Duration: -time.Minute})
	wantField(t, err, "duration")
	if cs, _ := db.ContactsByPhone(ctx, db.Admin.ID, "07 00 00 00 01"); len(cs) != 0 {
		t.Fatalf("a refused call created a contact")
	}
}

func TestCallFromKnownContactWithoutDeal(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	c, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Paul Prospect", Phones: []string{"+32 470 11 22 33"}})
	if err != nil {
		t.Fatal(err)
	}
	tg, _ := db.CallTarget(ctx, db.Sales.ID, "0470112233")
	if tg.Match != data.CallNoDeal || len(tg.Contacts) != 1 || tg.Contacts[0].ID != c.ID {
		t.Fatalf("target = %+v", tg)
	}
	got, err := db.LogCallFromNumber(ctx, db.Sales.ID, "0470112233", data.NewCaller{DealTitle: "Kitchen"}, data.CallInput{Direction: data.CallIn})
	if err != nil {
		t.Fatal(err)
	}
	if got.CreatedContact || !got.CreatedDeal || got.ContactID != c.ID {
		t.Fatalf("logged = %+v", got)
	}
	d, _ := db.Store.Deal(ctx, db.Sales.ID, got.DealID)
	if d.Title != "Kitchen" || d.Source != data.SourceCall || d.ContactID != c.ID {
		t.Fatalf("deal = %+v", d)
	}
}

func TestEditCommentEditsOnlyComments(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Fence")
	p, err := db.LogPayment(ctx, db.Sales.ID, d.ID, data.PaymentInput{Amount: 1200, Note: "deposit"})
	if err != nil {
		t.Fatal(err)
	}
	dl, err := db.LogDelivery(ctx, db.Sales.ID, d.ID, data.DeliveryInput{Carrier: "Colissimo", Note: "left at the door"})
	if err != nil {
		t.Fatal(err)
	}
	call, err := db.LogCall(ctx, db.Sales.ID, d.ID, data.CallInput{Direction: data.CallIn, Notes: "asked for a quote"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []data.Entry{p, dl, call} {
		if !data.MayChangeEntry(db.Sales, e) {
			t.Errorf("the author may not change (delete) their own %s", e.Kind)
		}
		if _, err := db.EditComment(ctx, db.Sales.ID, e.ID, "rewritten"); !errors.Is(err, data.ErrForbidden) {
			t.Errorf("EditComment on a %s: %v, want ErrForbidden", e.Kind, err)
		}
		got, err := db.Store.Timeline(ctx, db.Sales.ID, d.ID, data.TimelineCursor{}, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range got {
			if g.ID == e.ID && (g.Text != e.Text || !g.EditedAt.Equal(e.EditedAt)) {
				t.Errorf("%s rewritten: %q", e.Kind, g.Text)
			}
		}
	}
	c, err := db.AddComment(ctx, db.Sales.ID, d.ID, "first")
	if err != nil {
		t.Fatal(err)
	}
	if c, err = db.EditComment(ctx, db.Sales.ID, c.ID, "second"); err != nil || c.Text != "second" {
		t.Fatalf("edit own comment: %+v, %v", c, err)
	}
}

func TestParseCallDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"":         0,
		"0":        0,
		"5":        5 * time.Minute,
		" 12 ":     12 * time.Minute,
		"2.5":      150 * time.Second,
		"2,5":      150 * time.Second,
		"4:30":     4*time.Minute + 30*time.Second,
		"0:59":     59 * time.Second,
		"90:00":    90 * time.Minute,
		"1:05:09":  time.Hour + 5*time.Minute + 9*time.Second,
		"24:00:00": 24 * time.Hour,
		"1440":     24 * time.Hour,
		"90s":      90 * time.Second,
	} {
		got, err := data.ParseCallDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseCallDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"1:90", "1:60", "1:5", "1:60:00", "1:2:3:4", ":30", "4:", "-5", "-1:30", "NaN", "Inf", "+Inf",
		"1e300", "1e3", "0x10", "abc", "5 min", "24:00:01", "1441", "99999999999", "25:00:00", ".", "1.2.3", "s"} {
		if got, err := data.ParseCallDuration(in); err == nil {
			t.Errorf("ParseCallDuration(%q) = %v, want an error", in, got)
		}
	}
	// A duration built in code is bounded too.
	db := datatest.Open(t)
	d := db.Deal(t, db.Sales.ID, "Gate")
	_, err := db.LogCall(context.Background(), db.Sales.ID, d.ID, data.CallInput{Direction: data.CallOut, Duration: 25 * time.Hour})
	wantField(t, err, "duration")
}
