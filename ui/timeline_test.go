package ui

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/data/datatest"
)

// openTimeline opens a deal's form as the app's employee and waits for its
// Timeline tab to show the first page.
func openTimeline(t testing.TB, a *App, dealID int64) *timelineTab {
	t.Helper()
	onUI(a, func() { a.openDeal(dealID) })
	var tl *timelineTab
	waitFor(t, a, "the timeline", func() bool {
		if f := a.dealForm(dealID); f != nil {
			tl = f.timeline
		}
		return tl != nil && tl.loaded
	})
	return tl
}

func TestTimelineCommentOnTop(t *testing.T) {
	db := datatest.Open(t)
	d := db.Deal(t, db.Sales.ID, "Boiler")
	a := startTest(t, db, db.Sales)
	tl := openTimeline(t, a, d.ID)
	if len(tl.rows) != 1 || tl.rows[0].e.Kind != data.EntryCreated {
		t.Fatalf("a new deal's timeline: %d rows", len(tl.rows))
	}
	// an empty comment is refused next to the composer
	onUI(a, func() { test.Tap(tl.addComment) })
	waitFor(t, a, "the error", func() bool { return tl.commentErr.Visible() })
	db.Clock.Advance(time.Minute)
	onUI(a, func() {
		tl.comment.SetText("They want two units.\nCall back Friday.")
		test.Tap(tl.addComment)
	})
	waitFor(t, a, "the comment on top", func() bool {
		return len(tl.rows) == 2 && tl.rows[0].e.Kind == data.EntryComment && tl.rows[0].e.Text == "They want two units.\nCall back Friday."
	})
	if tl.comment.Text != "" || tl.commentErr.Visible() {
		t.Fatal("the composer was not cleared")
	}
	r := tl.rows[0]
	if r.edit == nil || r.del == nil || r.body.Text != "They want two units.\nCall back Friday." {
		t.Fatal("own comment without edit/delete or text")
	}
	// edit it
	onUI(a, func() { test.Tap(r.edit) })
	cf := tl.commentForm
	onUI(a, func() {
		cf.text.SetText("Two units, call Friday")
		test.Tap(cf.fd.save)
	})
	waitFor(t, a, "the edited comment", func() bool {
		return len(tl.rows) == 2 && tl.rows[0].e.Text == "Two units, call Friday" && !tl.rows[0].e.EditedAt.IsZero()
	})
	// delete asks first; "no" keeps it
	onUI(a, func() { test.Tap(tl.rows[0].del) })
	onUI(a, func() { tl.confirm.Dismiss() })
	waitIdle(a)
	if len(tl.rows) != 2 {
		t.Fatal("dismissing the confirmation deleted the comment")
	}
	onUI(a, func() { test.Tap(tl.rows[0].del) })
	onUI(a, func() { tl.confirm.Confirm() })
	waitFor(t, a, "the comment gone", func() bool { return len(tl.rows) == 1 })
}

func TestTimelineNoDeleteForSomeoneElsesComment(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Boiler")
	theirs, err := db.AddComment(ctx, db.Manager.ID, d.ID, "Manager's note")
	if err != nil {
		t.Fatal(err)
	}
	db.Clock.Advance(time.Minute)
	if _, err := db.AddComment(ctx, db.Sales.ID, d.ID, "My note"); err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales)
	tl := openTimeline(t, a, d.ID)
	var mine, other, created *entryRow
	for _, r := range tl.rows {
		switch {
		case r.e.ID == theirs.ID:
			other = r
		case r.e.Kind == data.EntryComment:
			mine = r
		case r.e.Kind == data.EntryCreated:
			created = r
		}
	}
	if mine == nil || other == nil || created == nil {
		t.Fatal("entries missing")
	}
	if mine.del == nil {
		t.Fatal("no delete button on one's own comment")
	}
	if other.del != nil || other.edit != nil {
		t.Fatal("delete or edit offered on the manager's comment")
	}
	if created.del != nil {
		t.Fatal("delete offered on a history entry")
	}
	if err := db.DeleteEntry(ctx, db.Sales.ID, theirs.ID); err == nil {
		t.Fatal("data let a sales employee delete the manager's comment")
	}
}

func TestPlanActivityPinnedOnCardThenDone(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Boiler")
	a := startTest(t, db, db.Sales)
	tl := openTimeline(t, a, d.ID)

	onUI(a, func() { test.Tap(tl.planBtn) })
	p := tl.planForm
	// no subject: refused, named
	onUI(a, func() { test.Tap(p.fd.save) })
	waitFor(t, a, "the subject error", func() bool { return p.fd.errs["subject"].Visible() })
	if p.fd.closed {
		t.Fatal("a refused plan closed the dialog")
	}
	due := datatest.Start.Add(48 * time.Hour)
	onUI(a, func() {
		test.Type(p.subject, "Send the revised quote")
		p.kind.SetSelectedIndex(3) // documents
		p.due.set(due)
		test.Tap(p.fd.save)
	})
	waitFor(t, a, "the pinned activity", func() bool { return len(tl.pins) == 1 && p.fd.closed })
	pin := tl.pins[0]
	if pin.act.Subject != "Send the revised quote" || pin.act.Kind != data.ActivityDocuments || !pin.act.DueAt.Equal(due.Truncate(time.Minute)) {
		t.Fatalf("pinned = %+v", pin.act)
	}
	if pin.overdue || pin.due.Importance == widget.DangerImportance {
		t.Fatal("a future activity shows as overdue")
	}
	if !pin.act.RemindAt.Equal(pin.act.DueAt.Add(-15 * time.Minute)) {
		t.Fatalf("default reminder = %v", pin.act.RemindAt)
	}
	// on the board card, in the main window and in the data it reads
	first, _ := db.Pipeline(t).FirstOpen()
	waitFor(t, a, "the card's next activity", func() bool {
		c := a.main.deals.board.column(first.ID)
		return c != nil && len(c.cards) == 1 && c.cards[0].NextActivity.Equal(pin.act.DueAt)
	})
	cols, err := db.Board(ctx, db.Sales.ID, db.Pipeline(t).ID, data.BoardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := cols[0].Cards[0]; c.ID != d.ID || !c.NextActivity.Equal(pin.act.DueAt) {
		t.Fatalf("card = %+v", c)
	}

	onUI(a, func() { test.Tap(pin.done) })
	cf := tl.completeForm
	onUI(a, func() {
		test.Type(cf.result, "Sent, they sign Monday")
		test.Tap(cf.fd.save)
	})
	waitFor(t, a, "the result entry", func() bool {
		return len(tl.pins) == 0 && len(tl.rows) > 0 && tl.rows[0].e.Kind == data.EntryActivity && tl.rows[0].e.Text == "Sent, they sign Monday"
	})
	if tl.rows[0].title.Text != "Done: Send the revised quote" {
		t.Fatalf("result title = %q", tl.rows[0].title.Text)
	}
}

func TestOverdueActivityPinnedInRed(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Boiler")
	if _, err := db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityCall, Subject: "Call back", DueAt: datatest.Start.Add(-2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityMeeting, Subject: "Visit", DueAt: datatest.Start.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales)
	tl := openTimeline(t, a, d.ID)
	if len(tl.pins) != 2 {
		t.Fatalf("pins = %d", len(tl.pins))
	}
	over, later := tl.pins[0], tl.pins[1]
	if !over.overdue || over.due.Importance != widget.DangerImportance || !strings.HasPrefix(over.due.Text, "Overdue") {
		t.Fatalf("overdue pin: overdue=%v importance=%v text=%q", over.overdue, over.due.Importance, over.due.Text)
	}
	if later.overdue || later.due.Importance == widget.DangerImportance {
		t.Fatal("the later activity shows as overdue")
	}
}

func TestLogCallPaymentDeliveryForms(t *testing.T) {
	db := datatest.Open(t)
	d := db.Deal(t, db.Sales.ID, "Boiler")
	a := startTest(t, db, db.Sales)
	tl := openTimeline(t, a, d.ID)

	onUI(a, func() { test.Tap(tl.callBtn) })
	c := tl.callForm
	onUI(a, func() {
		test.Type(c.duration, "1:90") // 90 seconds is not ss
		test.Tap(c.fd.save)
	})
	waitFor(t, a, "the duration error", func() bool { return c.fd.errs["duration"].Visible() })
	if c.fd.closed {
		t.Fatal("a duration of 1:90 closed the dialog")
	}
	onUI(a, func() {
		c.duration.SetText("4:30")
		c.direction.SetSelected("Outgoing")
		c.outcome.SetSelectedIndex(1) // answered
		test.Type(c.notes, "Agreed on the price")
		test.Tap(c.fd.save)
	})
	waitFor(t, a, "the call entry", func() bool { return len(tl.rows) > 0 && tl.rows[0].e.Kind == data.EntryCall })
	if e := tl.rows[0].e; e.Data != (data.CallData{Direction: data.CallOut, Seconds: 270, Outcome: data.OutcomeAnswered}) || e.Text != "Agreed on the price" {
		t.Fatalf("call = %+v", e)
	}
	if got := tl.rows[0].title.Text; got != "Outgoing call · 4 min 30 · Answered" {
		t.Fatalf("call title = %q", got)
	}

	onUI(a, func() { test.Tap(tl.payBtn) })
	p := tl.paymentForm
	onUI(a, func() { test.Tap(p.fd.save) })
	waitFor(t, a, "the amount error", func() bool { return p.fd.errs["amount"].Visible() })
	onUI(a, func() {
		test.Type(p.amount, "1200.50")
		test.Type(p.reference, "INV-7")
		test.Tap(p.fd.save)
	})
	waitFor(t, a, "the payment entry", func() bool { return len(tl.rows) > 0 && tl.rows[0].e.Kind == data.EntryPayment })
	if pd, _ := tl.rows[0].e.Data.(data.PaymentData); pd.Amount != 120050 || pd.Reference != "INV-7" {
		e := tl.rows[0].e
		t.Fatalf("payment = %+v", e)
	}

	onUI(a, func() { test.Tap(tl.deliverBtn) })
	dl := tl.deliveryForm
	onUI(a, func() {
		test.Type(dl.carrier, "Colissimo")
		test.Type(dl.tracking, "6A123")
		test.Tap(dl.fd.save)
	})
	waitFor(t, a, "the delivery entry", func() bool { return len(tl.rows) > 0 && tl.rows[0].e.Kind == data.EntryDelivery })
	if b := tl.rows[0].body.Text; !strings.Contains(b, "Colissimo · Tracking 6A123") {
		t.Fatalf("delivery body = %q", b)
	}
}

func TestCallFromUnknownNumberCreatesContactAndDeal(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	a := startTest(t, db, db.Sales)
	var c *callForm
	onUI(a, func() { c = logCallDialog(a, a.Win, 0, "06 99 88 77 66") })
	waitFor(t, a, "the number looked up", func() bool { return c.checked != "" })
	if c.match.Match != data.CallUnknown || !c.newBox.Visible() {
		t.Fatalf("match = %+v", c.match)
	}
	var logged data.CallLogged
	c.onLogged = func(l data.CallLogged) { logged = l }
	onUI(a, func() {
		test.Type(c.name, "Jeanne Client")
		test.Type(c.dealTitle, "New boiler")
		test.Tap(c.fd.save)
	})
	waitFor(t, a, "the call logged and its deal opened", func() bool { return logged.DealID != 0 && a.dealForm(logged.DealID) != nil })
	deal, err := db.Store.Deal(ctx, db.Sales.ID, logged.DealID)
	if err != nil {
		t.Fatal(err)
	}
	if deal.Source != data.SourceCall || deal.Title != "New boiler" || deal.ContactName != "Jeanne Client" {
		t.Fatalf("deal = %+v", deal)
	}
	cs, _ := db.ContactsByPhone(ctx, db.Admin.ID, "+33 6 99 88 77 66")
	if len(cs) != 1 || cs[0].Name != "Jeanne Client" {
		t.Fatalf("contacts = %+v", cs)
	}
	// the same number now goes to that deal
	onUI(a, func() { c = logCallDialog(a, a.Win, 0, "+33699887766") })
	waitFor(t, a, "the second look-up", func() bool { return c.checked != "" })
	if c.match.Match != data.CallOneDeal || c.match.DealID != deal.ID || c.newBox.Visible() {
		t.Fatalf("second match = %+v", c.match)
	}
}

func TestDescribeHistoryAndEmails(t *testing.T) {
	setupLanguage("en")
	cases := []struct {
		e           data.Entry
		title, body string
	}{
		{data.Entry{Kind: data.EntryField, Data: data.FieldData{Field: "amount", Old: "100.00 EUR", New: "120.00 EUR"}}, "Changed: Amount", "€100.00 → €120.00"},
		{data.Entry{Kind: data.EntryField, Data: data.FieldData{Field: "title", New: "Boiler"}}, "Changed: Title", "— → Boiler"},
		{data.Entry{Kind: data.EntryStage, Data: data.StageData{From: "New", To: "Proposal"}}, "Stage changed", "New → Proposal"},
		{data.Entry{Kind: data.EntryLost, Text: "too expensive", Data: data.StageData{From: "Proposal", To: "Lost", Reason: "too expensive"}}, "Deal lost", "Proposal → Lost\nReason: too expensive"},
		{data.Entry{Kind: data.EntryReopened, Data: data.StageData{From: "Lost", To: "New"}}, "Deal reopened", "Lost → New"},
		{data.Entry{Kind: data.EntryDocument, Text: "Q-2026-0007", Data: data.DocumentData{DocumentID: 3, Number: "Q-2026-0007", Kind: data.DocQuote, Gross: 120050, Currency: "EUR"}},
			"Quote · Q-2026-0007", formatMoney(120050, "EUR", "en")},
		{data.Entry{Kind: data.EntryEmailOut, Data: data.EmailData{From: "sales@comptoir.test", To: []string{"a@x.test", "b@x.test"}, Subject: "Quote",
			Text: "Here it is", State: data.OutFailed, Error: "550 mailbox unknown"}}, "Email to the client · Quote · Refused by the server",
			"From: sales@comptoir.test\nTo: a@x.test, b@x.test\nHere it is\n550 mailbox unknown"},
		{data.Entry{Kind: data.EntryEmailIn, Data: data.EmailData{From: "client@example.test", Subject: "Quote?", Text: "Hello,\nhow much?",
			Attachments: []data.EntryAttachment{{Name: "plan.pdf"}, {Name: "photo.jpg"}}, LinkedReason: data.ReasonReply, LinkedBecause: "reply to Quote of 2 Nov 2026"}},
			"Email from the client · Quote?", "From: client@example.test\nHello,\nhow much?\n📎 plan.pdf, photo.jpg\nLinked because: a reply to an email of this deal"},
	}
	for _, c := range cases {
		v := describeEntry(c.e, "en")
		if v.title != c.title || v.body != c.body {
			t.Errorf("%s: got %q / %q, want %q / %q", c.e.Kind, v.title, v.body, c.title, c.body)
		}
	}
	long := strings.Repeat("word ", 200)
	v := describeEntry(data.Entry{Kind: data.EntryEmailOut, Data: data.EmailData{From: "me@x.test", To: []string{"c@x.test"}, Subject: "S", Text: long}}, "en")
	if v.full != long || len([]rune(v.body)) > 500 {
		t.Fatalf("long email: full %d, body %d", len(v.full), len(v.body))
	}
}

// BenchmarkTimelineTabOpen builds the Timeline tab of a deal with 5,000
// entries and waits until its first page is on screen.
func BenchmarkTimelineTabOpen(b *testing.B) {
	db := datatest.Open(b)
	ctx := context.Background()
	d := db.Deal(b, db.Sales.ID, "Busy deal")
	err := db.Bulk(ctx, db.Admin.ID, func(bt *data.BulkTx) error {
		for i := range 5000 {
			at := datatest.Start.Add(time.Duration(i-5000) * time.Minute)
			kind, data_ := data.EntryComment, data.Payload(nil)
			if i%3 == 1 {
				kind, data_ = data.EntryField, data.FieldData{Field: "amount", Old: "1.00 EUR", New: "2.00 EUR"}
			}
			if err := bt.Entry(d.ID, db.Sales.ID, kind, "entry text that is a little longer than a word", data_, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 3 {
		if _, err := db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityCall, Subject: "follow-up", DueAt: datatest.Start.Add(time.Duration(i) * time.Hour)}); err != nil {
			b.Fatal(err)
		}
	}
	a := startTest(b, db, db.Sales)
	deal, _ := db.Store.Deal(ctx, db.Sales.ID, d.ID)
	f := &DealForm{App: a, Deal: deal, Access: data.EditAccess}
	w := test.NewWindow(nil)
	defer w.Close()
	for b.Loop() {
		var tl *timelineTab
		onUI(a, func() {
			tl = newTimelineTab(f)
			w.SetContent(tl.root)
		})
		waitIdle(a)
		if !tl.loaded || len(tl.rows) != timelinePage || len(tl.pins) != 3 {
			b.Fatalf("loaded=%v rows=%d pins=%d", tl.loaded, len(tl.rows), len(tl.pins))
		}
		tl.close()
	}
}

// Every string the Timeline tab and the Activities screen show has an
// English and a French entry.
func TestTimelineTranslationsComplete(t *testing.T) {
	en, fr := translations(t, "timeline.en.json"), translations(t, "timeline.fr.json")
	checkTranslated(t, regexp.MustCompile(`lang\.L\("([^"]+)"`),
		[]string{"timeline.go", "timeline_forms.go", "activities.go", "activities_reminders.go"},
		[]string{"Timeline", "Activities"}, en, fr)
	if fr["Log a call"] == "Log a call" {
		t.Error("fr: English text left in the French file")
	}
}

func TestTimelinePagesByKeyset(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Busy")
	err := db.Bulk(ctx, db.Admin.ID, func(bt *data.BulkTx) error {
		for i := range 120 {
			// two entries share each timestamp: the id breaks the tie
			at := datatest.Start.Add(-time.Duration(i/2+1) * time.Minute)
			if err := bt.Entry(d.ID, db.Sales.ID, data.EntryComment, fmt.Sprintf("c%d", i), nil, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales)
	tl := openTimeline(t, a, d.ID)
	if len(tl.rows) != timelinePage || !tl.more.Visible() {
		t.Fatalf("first page: %d rows", len(tl.rows))
	}
	for want := 2 * timelinePage; want < 121+timelinePage; want += timelinePage {
		onUI(a, func() { test.Tap(tl.more) })
		waitFor(t, a, "the next page", func() bool { return len(tl.rows) == min(want, 121) })
	}
	if tl.more.Visible() {
		t.Fatal("'show older' still offered at the end")
	}
	seen := map[int64]bool{}
	for i, r := range tl.rows {
		if seen[r.e.ID] {
			t.Fatalf("entry %d shown twice", r.e.ID)
		}
		seen[r.e.ID] = true
		if i > 0 {
			p := tl.rows[i-1].e
			if r.e.At.After(p.At) || (r.e.At.Equal(p.At) && r.e.ID > p.ID) {
				t.Fatalf("row %d is newer than the row above it", i)
			}
		}
	}
	if tl.rows[0].e.Kind != data.EntryCreated || tl.rows[120].e.Text != "c118" {
		t.Fatalf("first %s, last %q", tl.rows[0].e.Kind, tl.rows[120].e.Text)
	}
}

func TestEmailEntryFullTextAndPhoneButton(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	c, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Jeanne Client", Phones: []string{"06 12 34 56 78"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Boiler", ContactID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("All the details of the building. ", 40)
	err = db.Bulk(ctx, db.Admin.ID, func(bt *data.BulkTx) error {
		return bt.Entry(d.ID, 0, data.EntryEmailIn, "", data.EmailData{From: "jeanne@example.test", To: []string{"sales@comptoir.test"},
			Subject: "Our project", Text: long, Attachments: []data.EntryAttachment{{Name: "plan.pdf"}}}, datatest.Start.Add(time.Minute))
	})
	if err != nil {
		t.Fatal(err)
	}
	var opened []string
	a := startTest(t, db, db.Sales, func(a *App) {
		a.openExternal = func(u *url.URL) error { opened = append(opened, u.String()); return nil }
	})
	tl := openTimeline(t, a, d.ID)
	r := tl.rows[0]
	if r.e.Kind != data.EntryEmailIn || r.full == nil || r.title.Text != "Email from the client · Our project" ||
		!strings.Contains(r.body.Text, "From: jeanne@example.test") || !strings.Contains(r.body.Text, "plan.pdf") {
		t.Fatalf("email row: %q / %q", r.title.Text, r.body.Text)
	}
	if r.del != nil {
		t.Fatal("an email entry can be deleted")
	}
	onUI(a, func() { test.Tap(r.full) })
	onUI(a, func() {
		if _, ok := tl.f.Window().Canvas().Overlays().Top().(*widget.PopUp); !ok {
			t.Errorf("no full-text dialog on top (%T)", tl.f.Window().Canvas().Overlays().Top())
		}
	})

	// the client's number: dial, then log the call on this deal
	if len(tl.phones.Objects) != 1 {
		t.Fatalf("phone buttons: %d", len(tl.phones.Objects))
	}
	onUI(a, func() { test.Tap(tl.phones.Objects[0].(*widget.Button)) })
	if len(opened) != 1 || opened[0] != "tel:0612345678" {
		t.Fatalf("opened %v", opened)
	}
	cf := tl.callForm
	if cf == nil || cf.dealID != d.ID || cf.phone.Text != "06 12 34 56 78" || cf.direction.Selected != "Outgoing" {
		t.Fatal("the call form is not ready for this deal and number")
	}
	onUI(a, func() { test.Tap(cf.fd.save) })
	// the call is placed at its time, under the email that came a minute later
	waitFor(t, a, "the call entry", func() bool { return len(tl.rows) == 3 && tl.rows[1].e.Kind == data.EntryCall })
	if cd, _ := tl.rows[1].e.Data.(data.CallData); cd.Phone != "06 12 34 56 78" || cd.Direction != data.CallOut {
		e := tl.rows[1].e
		t.Fatalf("call = %+v", e)
	}
}

func TestObserverMayCommentButNotLog(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Observed", Observers: []int64{db.Sales2.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityTask, Subject: "Prepare", DueAt: datatest.Start.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales2)
	tl := openTimeline(t, a, d.ID)
	waitFor(t, a, "read-only buttons", func() bool { return tl.f.ReadOnly() && !tl.callBtn.Visible() && !tl.planBtn.Visible() })
	if tl.payBtn.Visible() || tl.deliverBtn.Visible() || tl.pins[0].done.Visible() {
		t.Fatal("an observer is offered to log or complete")
	}
	onUI(a, func() {
		tl.comment.SetText("Seen, looks good")
		test.Tap(tl.addComment)
	})
	waitFor(t, a, "the observer's comment", func() bool { return len(tl.rows) == 2 && tl.rows[0].e.Text == "Seen, looks good" })
}

func TestTouchesDeal(t *testing.T) {
	cs := data.Changes{{Kind: data.KindDeal, ID: 7}, {Kind: data.KindContact, ID: 3}}
	if touchesDeal(cs, 3) || !touchesDeal(cs, 7) || !touchesDeal(data.Changes{{Kind: data.KindDeal}}, 3) {
		t.Fatal("touchesDeal")
	}
}

func TestTimelineLoadsOlderOnScroll(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Busy")
	err := db.Bulk(ctx, db.Admin.ID, func(bt *data.BulkTx) error {
		for i := range 100 {
			if err := bt.Entry(d.ID, db.Sales.ID, data.EntryComment, fmt.Sprintf("c%d", i), nil, datatest.Start.Add(-time.Duration(i+1)*time.Minute)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales)
	tl := openTimeline(t, a, d.ID)
	onUI(a, func() { tl.f.tabs.SelectIndex(1) })
	if len(tl.rows) != timelinePage {
		t.Fatalf("first page: %d", len(tl.rows))
	}
	onUI(a, func() { tl.scroll.ScrollToBottom() })
	waitFor(t, a, "the next page after scrolling", func() bool { return len(tl.rows) == 2*timelinePage })
}

// TestDocumentEntryOpensPDF: a quote in the timeline has "Open PDF", which
// writes the document's PDF and hands it to the system viewer.
func TestDocumentEntryOpensPDF(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	seller := data.DefaultSeller()
	seller.Name = "Comptoir Test SAS"
	if err := db.SetSeller(ctx, db.Admin.ID, seller); err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Inès Roux"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Pumps", ContactID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetLines(ctx, db.Sales.ID, d.ID, []data.LineInput{{Name: "Pump", Price: 10000, Quantity: 1000, TaxRate: 2000}}); err != nil {
		t.Fatal(err)
	}
	doc, err := db.CreateDocument(ctx, db.Sales.ID, d.ID, data.DocQuote)
	if err != nil {
		t.Fatal(err)
	}
	var path string // the file handed to the viewer
	a := startTest(t, db, db.Sales, func(a *App) {
		a.pdfOpened = func(p string) { path = p }
	})
	tl := openTimeline(t, a, d.ID)
	var row *entryRow
	for _, r := range tl.rows {
		if r.e.Kind == data.EntryDocument {
			row = r
		}
	}
	if row == nil || row.open == nil || row.save == nil {
		t.Fatalf("the quote's timeline entry has no Open PDF / Save PDF buttons")
	}
	onUI(a, func() { test.Tap(row.open) })
	waitFor(t, a, "the PDF handed to the viewer", func() bool { return path != "" })
	t.Cleanup(func() { os.Remove(path) })
	if filepath.Base(path) != doc.FileName() {
		t.Errorf("the viewer got %s, want a file named %s", path, doc.FileName())
	}
	if b, err := os.ReadFile(path); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Fatalf("the file handed to the viewer is no PDF (%v)", err)
	}
}

// TestTimelineShowsEmailActions: the Timeline tab offers "Write an email",
// and Reply and Move… on an email entry, nothing more on a comment.
func TestTimelineShowsEmailActions(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Boiler")
	if _, err := db.AddComment(ctx, db.Sales.ID, d.ID, "A comment"); err != nil {
		t.Fatal(err)
	}
	err := db.Bulk(ctx, db.Admin.ID, func(bt *data.BulkTx) error {
		return bt.Entry(d.ID, 0, data.EntryEmailIn, "", data.EmailData{From: "jeanne@example.test", Subject: "Our project",
			Text: "Hello", EmailID: 41}, datatest.Start.Add(time.Minute))
	})
	if err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales)
	tl := openTimeline(t, a, d.ID)
	var write bool
	for _, o := range tl.actions.Objects {
		if b, ok := o.(*widget.Button); ok && b.Text == "Write an email" && b.Visible() {
			write = true
		}
	}
	if !write {
		t.Error(`no "Write an email" button among the timeline's actions`)
	}
	emails := 0
	for _, r := range tl.rows {
		var labels []string
		for _, o := range r.extra {
			labels = append(labels, o.(*widget.Button).Text)
		}
		want := []string(nil)
		if r.e.Kind == data.EntryEmailIn {
			emails++
			want = []string{"Reply", "Move…"}
		}
		if !slices.Equal(labels, want) {
			t.Errorf("%s entry: actions %q, want %q", r.e.Kind, labels, want)
		}
	}
	if emails != 1 {
		t.Fatalf("%d email entries shown, want 1", emails)
	}
}
