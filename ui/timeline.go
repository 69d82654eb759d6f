package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/ui/widgets"
)

// The Timeline tab of a deal: a composer for comments and the buttons that
// log calls, payments and deliveries and plan activities; the open
// activities pinned on top (a clock, red when overdue); then the feed, newest
// first, read page by page (keyset on Store.Timeline) as the person scrolls,
// so a deal with 5,000 entries opens as fast as one with 5.
//
// The feed is a VBox of pages inside a Scroll rather than a widget.List:
// entries have very different heights (a one-line stage move, a wrapped
// email), which a List would need measured by hand for every row; only the
// pages scrolled to are ever built.

// timelinePage is how many entries one read brings.
// It fills a tall window; more come as the person scrolls.
const timelinePage = 30

type timelineTab struct {
	f    *DealForm
	a    *App
	root fyne.CanvasObject

	comment    *widget.Entry
	addComment *widget.Button
	commentErr *widget.Label
	callBtn    *widget.Button
	planBtn    *widget.Button
	payBtn     *widget.Button
	deliverBtn *widget.Button
	phones     *fyne.Container // the client's numbers: dial, then log the call
	actions    *fyne.Container // log a call, plan, payment, delivery, write an email

	pinned *fyne.Container
	feed   *fyne.Container
	more   *widget.Button
	scroll *container.Scroll
	body   *fyne.Container

	pins    []*pinRow
	rows    []*entryRow
	acts    []data.Activity
	cursor  data.TimelineCursor
	end     bool
	loading bool
	loaded  bool // the first page is on screen
	gen     int  // a reload discards pages still in flight from before

	unsubscribe func()
	refresh     *time.Timer
	icons       bitmapIcons

	// The dialogs last opened from the tab (tests fill and submit them).
	callForm     *callForm
	paymentForm  *paymentForm
	deliveryForm *deliveryForm
	planForm     *planForm
	completeForm *completeForm
	commentForm  *commentForm
	confirm      *dialog.ConfirmDialog // delete an entry?
}

func (t *timelineTab) icon(r fyne.Resource) fyne.CanvasObject { return t.icons.icon(r) }

func (t *timelineTab) iconButton(r fyne.Resource, onTap func()) *widgets.TapBox {
	return t.icons.button(r, onTap)
}

func newTimelineTab(f *DealForm) *timelineTab {
	t := &timelineTab{f: f, a: f.App}
	t.comment = widget.NewMultiLineEntry()
	t.comment.SetPlaceHolder(lang.L("Write a comment…"))
	t.comment.Wrapping = fyne.TextWrapWord
	t.comment.SetMinRowsVisible(2)
	t.commentErr = newErrorLabel()
	t.addComment = widget.NewButtonWithIcon(lang.L("Add comment"), theme.MailSendIcon(), t.doComment)
	t.addComment.Importance = widget.HighImportance
	t.callBtn = widget.NewButtonWithIcon(lang.L("Log a call"), callIcon(), func() { t.callForm = logCallDialog(t.a, t.f.Window(), t.f.Deal.ID, "") })
	t.planBtn = widget.NewButtonWithIcon(lang.L("Plan an activity"), clockIcon(), func() { t.planForm = planActivityDialog(t.a, t.f.Window(), t.f.Deal.ID, nil) })
	t.payBtn = widget.NewButtonWithIcon(lang.L("Payment"), moneyIcon(), func() { t.paymentForm = paymentDialog(t.a, t.f.Window(), t.f.Deal) })
	t.deliverBtn = widget.NewButtonWithIcon(lang.L("Delivery"), truckIcon(), func() { t.deliveryForm = deliveryDialog(t.a, t.f.Window(), t.f.Deal.ID) })
	t.phones = container.NewHBox()
	t.pinned = container.NewVBox()
	t.feed = container.NewVBox()
	t.more = widget.NewButton(lang.L("Show older entries"), t.loadMore)
	t.more.Importance = widget.LowImportance
	t.more.Hide()

	composer := container.NewBorder(nil, nil, nil, container.NewVBox(t.addComment), t.comment)
	t.actions = container.NewHBox(t.callBtn, t.planBtn, t.payBtn, t.deliverBtn, writeEmailButton(f))
	top := container.NewVBox(composer, t.commentErr, container.NewHScroll(t.actions), t.phones)
	t.body = container.NewVBox(t.pinned, t.feed, t.more)
	t.scroll = container.NewVScroll(t.body)
	t.scroll.OnScrolled = func(p fyne.Position) {
		content := t.scroll.Content.MinSize().Height
		if !t.end && p.Y+t.scroll.Size().Height >= content-400 {
			t.loadMore()
		}
	}
	t.root = container.NewBorder(container.NewPadded(top), nil, nil, nil, t.scroll)
	t.applyAccess()
	t.reload()
	t.unsubscribe = t.a.subscribe(func(cs data.Changes) {
		if touchesDeal(cs, f.Deal.ID) {
			// several writes in a row (a bulk, a sync) refresh once
			t.a.stopTimer(t.refresh)
			t.refresh = t.a.after(150*time.Millisecond, t.reload)
		}
	})
	f.OnDealChanged = append(f.OnDealChanged, func(data.Deal) { t.applyAccess() })
	f.OnClose = append(f.OnClose, t.close)
	return t
}

// touchesDeal reports whether the changes name the deal, or deals in bulk
// (a change of ID 0). Changes.Has(kind, 0) would match any deal.
func touchesDeal(cs data.Changes, id int64) bool {
	for _, c := range cs {
		if c.Kind == data.KindDeal && (c.ID == id || c.ID == 0) {
			return true
		}
	}
	return false
}

func (t *timelineTab) close() {
	if t.unsubscribe != nil {
		t.unsubscribe()
		t.unsubscribe = nil
	}
	t.a.stopTimer(t.refresh)
}

// applyAccess hides what an observer may not do: an observer may still
// comment (data/ allows whoever sees the deal to).
func (t *timelineTab) applyAccess() {
	for _, b := range []*widget.Button{t.callBtn, t.planBtn, t.payBtn, t.deliverBtn} {
		if t.f.ReadOnly() {
			b.Hide()
		} else {
			b.Show()
		}
	}
}

// timelineFirst is what the tab shows first, read in one go.
type timelineFirst struct {
	acts    []data.Activity
	entries []data.Entry
	phones  []string
}

// reload reads the pinned activities and the newest page again.
func (t *timelineTab) reload() {
	t.gen++
	gen := t.gen
	a, me, id, deal := t.a, t.a.Me.ID, t.f.Deal.ID, t.f.Deal
	t.loading = true
	load(a, func(ctx context.Context) (timelineFirst, error) {
		return readTimelineFirst(ctx, a.Store, me, id, deal)
	}, func(v timelineFirst) {
		if gen != t.gen {
			return
		}
		t.loading = false
		t.icons.reset()
		t.showPinned(v.acts)
		t.feed.RemoveAll()
		t.rows = nil
		t.cursor, t.end = data.TimelineCursor{}, false
		t.appendPage(v.entries)
		t.showPhones(v.phones)
		t.loaded = true
	})
}

func readTimelineFirst(ctx context.Context, st *data.Store, me, id int64, deal data.Deal) (timelineFirst, error) {
	var v timelineFirst
	var err error
	if v.acts, err = st.DealActivities(ctx, me, id); err != nil {
		return v, err
	}
	if v.entries, err = st.Timeline(ctx, me, id, data.TimelineCursor{}, timelinePage); err != nil {
		return v, err
	}
	if deal.ContactID != 0 {
		if c, err := st.Contact(ctx, me, deal.ContactID); err == nil {
			v.phones = append(v.phones, c.Phones...)
		}
	}
	if deal.CompanyID != 0 {
		if c, err := st.Company(ctx, me, deal.CompanyID); err == nil {
			v.phones = append(v.phones, c.Phones...)
		}
	}
	return v, nil
}

// loadMore reads the next older page.
func (t *timelineTab) loadMore() {
	if t.loading || t.end || !t.loaded {
		return
	}
	t.loading = true
	gen := t.gen
	a, me, id, cur := t.a, t.a.Me.ID, t.f.Deal.ID, t.cursor
	load(a, func(ctx context.Context) ([]data.Entry, error) {
		return a.Store.Timeline(ctx, me, id, cur, timelinePage)
	}, func(es []data.Entry) {
		if gen != t.gen {
			return
		}
		t.loading = false
		t.appendPage(es)
	})
}

func (t *timelineTab) appendPage(es []data.Entry) {
	if len(es) > 0 {
		last := es[len(es)-1]
		t.cursor = data.TimelineCursor{At: last.At, ID: last.ID}
	}
	t.end = len(es) < timelinePage
	objs := make([]fyne.CanvasObject, 0, len(es))
	for _, e := range es {
		r := newEntryRow(t, e)
		t.rows = append(t.rows, r)
		objs = append(objs, r.box)
	}
	t.feed.Objects = append(t.feed.Objects, objs...)
	if t.end {
		t.more.Hide()
	} else {
		t.more.Show()
	}
	relayout(t.scroll, t.body, t.feed)
}

// relayout places rows again after some were added to or removed from
// boxes inside a scrolled VBox: each box lays its rows out, the scroll takes
// the content's new height, the VBox moves what follows a grown box, and the
// canvas repaints — without refreshing every row (Container.Refresh would:
// that doubled the cost of showing a page).
func relayout(sc *container.Scroll, body *fyne.Container, boxes ...*fyne.Container) {
	for _, b := range boxes {
		b.Layout.Layout(b.Objects, b.Size())
	}
	sc.Refresh()
	body.Layout.Layout(body.Objects, body.Size())
	for _, b := range boxes {
		b.Layout.Layout(b.Objects, b.Size())
		canvas.Refresh(b)
	}
}

// showPhones offers to dial the client's numbers; after the call the
// person is offered to log it.
func (t *timelineTab) showPhones(phones []string) {
	t.phones.RemoveAll()
	if t.f.ReadOnly() {
		return
	}
	for _, p := range phones {
		t.phones.Add(widget.NewButtonWithIcon(p, callIcon(), func() { t.callForm = dialThenLog(t.a, t.f.Window(), t.f.Deal.ID, p) }))
	}
}

// dialThenLog opens tel: for the number and then offers to log the call:
// what the phone buttons of a client call. It returns the call's dialog.
func dialThenLog(a *App, w fyne.Window, dealID int64, phone string) *callForm {
	if err := a.openExternal(telURL(phone)); err != nil {
		a.showErrorIn(w, err)
	}
	return logCallDialog(a, w, dealID, phone)
}

func (t *timelineTab) doComment() {
	text := t.comment.Text
	a, me, id := t.a, t.a.Me.ID, t.f.Deal.ID
	setError(t.commentErr, "")
	t.addComment.Disable()
	a.pending.Add(1)
	go func() {
		defer a.pending.Add(-1)
		_, err := a.Store.AddComment(a.Ctx, me, id, text)
		a.do(func() {
			t.addComment.Enable()
			if v := data.FieldErrors(err); v != nil {
				setError(t.commentErr, errorText(err))
				return
			}
			if err != nil {
				a.showErrorIn(t.f.Window(), err)
				return
			}
			t.comment.SetText("")
			t.reload()
		})
	}()
}

// pinRow is an open activity pinned above the feed.
type pinRow struct {
	act     data.Activity
	box     fyne.CanvasObject
	due     *widget.Label
	overdue bool
	done    *widget.Button
	edit    *widget.Button
}

func (t *timelineTab) showPinned(acts []data.Activity) {
	t.acts = acts
	t.pins = nil
	t.pinned.RemoveAll()
	if len(acts) == 0 {
		return
	}
	now := t.a.now()
	for _, act := range acts {
		p := &pinRow{act: act, overdue: act.Overdue(now)}
		subject := widget.NewLabelWithStyle(act.Subject, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		subject.Wrapping = fyne.TextWrapWord
		dueText := activityKindLabel(act.Kind) + " · " + formatDateTime(act.DueAt, t.a.Lang) + " · " + act.Responsible
		if p.overdue {
			dueText = lang.L("Overdue") + " · " + dueText
		}
		p.due = widget.NewLabel(dueText)
		p.due.Wrapping = fyne.TextWrapWord
		ic := widget.NewIcon(clockIcon())
		if p.overdue {
			p.due.Importance = widget.DangerImportance
			ic.SetResource(theme.NewErrorThemedResource(clockIcon()))
		}
		p.done = widget.NewButtonWithIcon(lang.L("Done"), theme.ConfirmIcon(), func() { t.completeForm = completeActivityDialog(t.a, t.f.Window(), act) })
		p.edit = widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { t.planForm = planActivityDialog(t.a, t.f.Window(), t.f.Deal.ID, &act) })
		if t.f.ReadOnly() {
			p.done.Hide()
			p.edit.Hide()
		}
		p.box = container.NewBorder(nil, nil, container.NewVBox(ic), container.NewVBox(container.NewHBox(p.done, p.edit)), container.NewVBox(subject, p.due))
		t.pins = append(t.pins, p)
		t.pinned.Add(p.box)
	}
	t.pinned.Add(widget.NewSeparator())
}

// entryRow is one entry of the feed.
type entryRow struct {
	e     data.Entry
	box   fyne.CanvasObject
	title *widget.Label
	body  *widget.Label
	edit  *widgets.TapBox     // own comments only
	del   *widgets.TapBox     // own comments, calls, payments and deliveries
	full  *widget.Button      // emails: the whole text
	extra []fyne.CanvasObject // emails: reply, move
	open  *widget.Button      // documents: open the PDF
	save  *widget.Button      // documents: save the PDF
}

func newEntryRow(t *timelineTab, e data.Entry) *entryRow {
	r := &entryRow{e: e}
	v := describeEntry(e, t.a.Lang)
	if lv, ok := describeLife(e); ok { // timeline_life.go
		v = lv
	}
	author := e.Author
	if e.AuthorID == 0 || author == "" {
		author = "Comptoir"
	}
	meta := author + " · " + formatDateTime(e.At, t.a.Lang)
	if !e.EditedAt.IsZero() {
		meta += " · " + lang.L("edited")
	}
	r.title = widget.NewLabelWithStyle(v.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.title.Wrapping = fyne.TextWrapWord
	metaL := widget.NewLabel(meta)
	metaL.Importance = widget.LowImportance
	metaL.SizeName = theme.SizeNameCaptionText
	parts := []fyne.CanvasObject{r.title}
	if v.body != "" {
		r.body = widget.NewLabel(v.body)
		r.body.Wrapping = fyne.TextWrapWord
		if e.Kind.History() || e.Kind == data.EntryNote {
			r.body.Importance = widget.LowImportance
		}
		parts = append(parts, r.body)
	}
	if v.full != "" {
		full := v.full
		r.full = widget.NewButton(lang.L("Full text"), func() { showFullText(t.f.Window(), v.title, full) })
		r.full.Importance = widget.LowImportance
		parts = append(parts, container.NewHBox(r.full))
	}
	if pv := lifePreview(t, e); pv != nil { // a file's thumbnail
		parts = append(parts, pv)
	}
	if doc := entryDocument(e); doc.DocumentID != 0 {
		id, number := doc.DocumentID, doc.Number
		r.open = widget.NewButtonWithIcon(lang.L("Open PDF"), theme.FileIcon(), func() { openDocumentPDF(t.a, id, nil) })
		r.save = widget.NewButtonWithIcon(lang.L("Save PDF…"), theme.DocumentSaveIcon(), func() {
			saveDocumentPDF(t.a, t.f.Window(), id, data.Document{Number: number}.FileName())
		})
		r.open.Importance, r.save.Importance = widget.LowImportance, widget.LowImportance
		parts = append(parts, container.NewHBox(r.open, r.save))
	}
	var extra []fyne.CanvasObject
	for _, o := range []fyne.CanvasObject{replyButton(t.f, e), timelineMoveAction(t.f, e)} { // an email's
		if o != nil {
			extra = append(extra, o)
		}
	}
	if len(extra) > 0 {
		r.extra = extra
		parts = append(parts, container.NewHBox(extra...))
	}
	parts = append(parts, metaL)
	var buttons []fyne.CanvasObject
	if data.MayChangeEntry(t.a.Me, e) {
		if e.Kind == data.EntryComment {
			r.edit = t.iconButton(theme.DocumentCreateIcon(), func() { t.commentForm = editCommentDialog(t.a, t.f.Window(), e) })
			buttons = append(buttons, r.edit)
		}
		r.del = t.iconButton(theme.DeleteIcon(), func() { t.confirm = confirmDeleteEntry(t.a, t.f.Window(), e) })
		buttons = append(buttons, r.del)
	}
	r.box = container.NewBorder(nil, nil, container.NewVBox(t.icon(v.icon)), container.NewHBox(buttons...), container.NewVBox(parts...))
	return r
}

// entryDocument is the document a document entry names (ID 0 for none).
func entryDocument(e data.Entry) data.DocumentData {
	d, _ := e.Data.(data.DocumentData)
	return d
}

// entryView is how an entry reads: a title line, a body, and for emails
// the whole text one click away.
type entryView struct {
	icon  fyne.Resource
	title string
	body  string
	full  string
}

// join writes the non-blank parts on one line, between dots.
func join(parts ...string) string { return joinNonBlank(" · ", parts) }

// stack writes the non-blank parts one per line.
func stack(parts ...string) string { return joinNonBlank("\n", parts) }

func joinNonBlank(sep string, parts []string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// move writes a stage move: "Proposal → Won".
func move(d data.StageData) string { return d.From + " → " + d.To }

// describeEntry turns an entry and its typed data into words in the
// person's language.
func describeEntry(e data.Entry, language string) entryView {
	switch d := e.Data.(type) {
	case data.CommentData:
		return entryView{icon: commentIcon(), title: lang.L("Comment"), body: e.Text}
	case data.CallData:
		title := lang.L("Outgoing call")
		if d.Direction == data.CallIn {
			title = lang.L("Incoming call")
		}
		var dur string
		if d.Seconds > 0 {
			dur = formatCallDuration(d.Duration())
		}
		return entryView{icon: callIcon(), title: join(title, d.Phone, dur, outcomeLabel(d.Outcome)), body: e.Text}
	case data.PaymentData:
		amount := formatMoney(d.Amount, d.Currency, language)
		return entryView{icon: moneyIcon(), title: lang.L("Payment received") + ": " + amount,
			body: stack(join(formatDay(d.Date, language), paymentMethodLabel(d.Method), refLabel(d.Reference)), e.Text)}
	case data.DeliveryData:
		return entryView{icon: truckIcon(), title: join(lang.L("Delivery"), formatDay(d.Date, language)),
			body: stack(join(d.Carrier, trackingLabel(d.Tracking)), d.Address, e.Text)}
	case data.ActivityData:
		return entryView{icon: theme.ConfirmIcon(), title: lang.L("Done") + ": " + d.Subject, body: e.Text}
	case data.EmailData:
		return describeEmail(e.Kind, d, e.Text)
	case data.NoteData:
		return describeNote(d, e.Text)
	case data.DocumentData:
		label := lang.L("Document")
		switch d.Kind {
		case data.DocQuote:
			label = lang.L("Quote")
		case data.DocInvoice:
			label = lang.L("Invoice")
		}
		var amount string
		if d.Currency != "" {
			amount = formatMoney(d.Gross, d.Currency, language)
		}
		return entryView{icon: theme.FileTextIcon(), title: join(label, d.Number), body: amount}
	case data.CreatedData:
		return entryView{icon: theme.ContentAddIcon(), title: lang.L("Deal created"), body: join(d.Stage, sourceLabel(d.Source))}
	case data.StageData:
		switch e.Kind {
		case data.EntryWon:
			return entryView{icon: theme.ConfirmIcon(), title: lang.L("Deal won"), body: move(d)}
		case data.EntryLost:
			reason := d.Reason
			if reason == "" {
				reason = e.Text
			}
			return entryView{icon: theme.CancelIcon(), title: lang.L("Deal lost"), body: stack(move(d), lang.L("Reason")+": "+reason)}
		case data.EntryReopened:
			return entryView{icon: theme.ViewRefreshIcon(), title: lang.L("Deal reopened"), body: move(d)}
		}
		return entryView{icon: theme.NavigateNextIcon(), title: lang.L("Stage changed"), body: move(d)}
	case data.FieldData:
		old, nw := d.Old, d.New
		if o, n, ok := d.Money(); ok {
			old, nw = formatMoney(o.Minor, o.Currency, language), formatMoney(n.Minor, n.Currency, language)
		}
		if old == "" {
			old = "—"
		}
		if nw == "" {
			nw = "—"
		}
		return entryView{icon: theme.DocumentCreateIcon(), title: lang.L("Changed") + ": " + fieldLabel(d.Field), body: old + " → " + nw}
	case data.ProductsData:
		body := e.Text
		if d.Old.Currency != "" && d.New.Currency != "" {
			body = formatMoney(d.Old.Minor, d.Old.Currency, language) + " → " + formatMoney(d.New.Minor, d.New.Currency, language)
		}
		return entryView{icon: theme.ListIcon(), title: lang.L("Product lines changed"), body: body}
	}
	return entryView{icon: theme.InfoIcon(), title: string(e.Kind), body: e.Text}
}

// describeEmail is how an email's entry reads: who wrote to whom, its
// text (cut, the whole one click away), its attachments, an outgoing one's
// sending state and why the sync linked it to the deal.
func describeEmail(kind data.EntryKind, d data.EmailData, entryText string) entryView {
	title := lang.L("Email from the client")
	ic := theme.MailReplyIcon()
	if kind == data.EntryEmailOut {
		title, ic = lang.L("Email to the client"), theme.MailSendIcon()
	}
	text := d.Text
	if text == "" {
		text = entryText
	}
	var state string
	if d.State != "" && d.State != data.OutSent {
		state = outStateLabel(d.State) // ui/outbox.go
	}
	v := entryView{icon: ic, title: join(title, d.Subject, state)}
	head := lang.L("From") + ": " + d.From
	if len(d.To) > 0 {
		head += "\n" + lang.L("To") + ": " + strings.Join(d.To, ", ")
	}
	var att []string
	for _, a := range d.Attachments {
		att = append(att, a.Name)
	}
	attLine := ""
	if len(att) > 0 {
		attLine = "📎 " + strings.Join(att, ", ")
	}
	short := text
	if r := []rune(short); len(r) > 400 {
		short = string(r[:400]) + "…"
	}
	v.body = stack(head, short, attLine)
	if short != text {
		v.full = text
	}
	if kind == data.EntryEmailOut && d.Error != "" {
		v.body = stack(v.body, d.Error)
	}
	if why := linkedBecause(d.LinkedReason, d.LinkedBecause); why != "" { // ui/mailmove.go
		v.body = stack(v.body, lang.L("Linked because")+": "+why)
	}
	return v
}

// describeNote is how a quiet note of the system reads, from what it
// records rather than the English words stored with it.
func describeNote(d data.NoteData, entryText string) entryView {
	v := entryView{icon: theme.InfoIcon()}
	switch d.Cause() {
	case data.NoteAutoReply:
		v.title, v.body = lang.L("Automatic reply"), d.Subject
	case data.NoteBounce:
		v.title, v.body = lang.L("Delivery failure"), d.Subject
	case data.NoteNotSent:
		v.title = lang.L("Email not sent")
		v.body = stack(d.Subject, lang.L("The server said: {{.Words}}", map[string]any{"Words": d.Error}))
	default:
		v.title, v.body = lang.L("Note"), entryText
	}
	return v
}

// fieldLabel names a deal field as the history records it.
func fieldLabel(f string) string {
	switch f {
	case "title":
		return lang.L("Title")
	case "amount":
		return lang.L("Amount")
	case "currency":
		return lang.L("Currency")
	case "responsible":
		return lang.L("Responsible")
	case "contact":
		return lang.L("Contact")
	case "company":
		return lang.L("Company")
	case "probability":
		return lang.L("Probability")
	case "close_date":
		return lang.L("Expected close")
	case "pipeline":
		return lang.L("Pipeline")
	case "source":
		return lang.L("Source")
	case "observers":
		return lang.L("Observers")
	case "lost_reason":
		return lang.L("Reason")
	}
	return f
}

func activityKindLabel(k data.ActivityKind) string {
	switch k {
	case data.ActivityCall:
		return lang.L("Call")
	case data.ActivityMeeting:
		return lang.L("Meeting")
	case data.ActivityDocuments:
		return lang.L("Documents")
	}
	return lang.L("Task")
}

func outcomeLabel(o data.CallOutcome) string {
	switch o {
	case data.OutcomeAnswered:
		return lang.L("Answered")
	case data.OutcomeNoAnswer:
		return lang.L("No answer")
	case data.OutcomeBusy:
		return lang.L("Busy")
	case data.OutcomeVoicemail:
		return lang.L("Voicemail")
	case data.OutcomeWrong:
		return lang.L("Wrong number")
	}
	return ""
}

func paymentMethodLabel(m string) string {
	switch m {
	case "bank_transfer":
		return lang.L("Bank transfer")
	case "card":
		return lang.L("Card")
	case "cash":
		return lang.L("Cash")
	case "cheque":
		return lang.L("Cheque")
	case "direct_debit":
		return lang.L("Direct debit")
	}
	return m
}

func refLabel(r string) string {
	if r == "" {
		return ""
	}
	return lang.L("Ref.") + " " + r
}

func trackingLabel(r string) string {
	if r == "" {
		return ""
	}
	return lang.L("Tracking") + " " + r
}

// formatCallDuration is "45 s", "3 min", "1 h 05".
func formatCallDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
		if s == 0 {
			return fmt.Sprintf("%d min", m)
		}
		return fmt.Sprintf("%d min %02d", m, s)
	}
	return fmt.Sprintf("%d h %02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// showFullText shows an email's whole text.
func showFullText(w fyne.Window, title, text string) {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	sc := container.NewVScroll(l)
	sc.SetMinSize(fyne.NewSize(560, 420))
	dialog.NewCustom(title, lang.L("Close"), sc, w).Show()
}
