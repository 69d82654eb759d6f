package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// The dialogs of the Timeline tab: log a call (also from a bare phone
// number, which may create the contact and the deal), a payment, a delivery,
// plan or reschedule an activity, mark one done, edit or delete a comment.
// Each keeps its widgets in a struct so tests can fill and submit it; a
// refused field shows its error under the field and keeps the dialog open.

// formDialog is a dialog with Save and Cancel whose Save runs submit; submit
// calls close when the write succeeded.
type formDialog struct {
	d      *dialog.CustomDialog
	save   *widget.Button
	cancel *widget.Button
	errs   map[string]*widget.Label
	other  *widget.Label // errors that name no field shown here
	closed bool
}

func newFormDialog(title, saveLabel string, body fyne.CanvasObject, w fyne.Window, errs map[string]*widget.Label, submit func(fd *formDialog)) *formDialog {
	fd := &formDialog{errs: errs, other: newErrorLabel()}
	fd.save = widget.NewButtonWithIcon(saveLabel, theme.ConfirmIcon(), func() { submit(fd) })
	fd.save.Importance = widget.HighImportance
	fd.cancel = widget.NewButton(lang.L("Cancel"), fd.close)
	sc := container.NewVScroll(container.NewVBox(body, fd.other))
	sc.SetMinSize(fyne.NewSize(460, 380))
	fd.d = dialog.NewCustomWithoutButtons(title, sc, w)
	fd.d.SetButtons([]fyne.CanvasObject{fd.cancel, fd.save})
	fd.d.Show()
	return fd
}

func (fd *formDialog) close() {
	fd.closed = true
	fd.d.Hide()
}

// write runs fn off the UI goroutine; on success the dialog closes, on a
// validation error each field shows its message.
func (fd *formDialog) write(a *App, fn func(ctx context.Context) error, after func()) {
	for _, l := range fd.errs {
		setError(l, "")
	}
	setError(fd.other, "")
	fd.save.Disable()
	a.pending.Add(1)
	go func() {
		defer a.pending.Add(-1)
		err := fn(a.Ctx)
		a.do(func() {
			fd.save.Enable()
			if err == nil {
				fd.close()
				if after != nil {
					after()
				}
				return
			}
			fd.showErr(err)
		})
	}()
}

func (fd *formDialog) showErr(err error) {
	if v := data.FieldErrors(err); v != nil {
		var rest []string
		for _, f := range v.Fields {
			if l, ok := fd.errs[f.Field]; ok {
				setError(l, fieldMessage(f))
			} else {
				rest = append(rest, fieldMessage(f))
			}
		}
		setError(fd.other, strings.Join(rest, "\n"))
		return
	}
	setError(fd.other, errorText(err))
}

func errLabels(keys ...string) map[string]*widget.Label {
	m := make(map[string]*widget.Label, len(keys))
	for _, k := range keys {
		m[k] = newErrorLabel()
	}
	return m
}

// dateTimeFields is a date picker and an HH:MM entry.
type dateTimeFields struct {
	date *widget.DateEntry
	tm   *widget.Entry
}

func newDateTimeFields(t time.Time) *dateTimeFields {
	f := &dateTimeFields{date: widget.NewDateEntry(), tm: widget.NewEntry()}
	f.tm.SetPlaceHolder("HH:MM")
	f.set(t)
	return f
}

func (f *dateTimeFields) set(t time.Time) {
	if t.IsZero() {
		return
	}
	t = t.Local()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.Local)
	f.date.SetDate(&day)
	f.date.Date = &day
	f.tm.SetText(t.Format("15:04"))
}

// value is the local date and time, or zero when the date is missing; a
// bad time of day is an error.
func (f *dateTimeFields) value() (time.Time, error) {
	if f.date.Date == nil {
		return time.Time{}, nil
	}
	d := f.date.Date
	hh, mm := 9, 0
	if s := strings.TrimSpace(f.tm.Text); s != "" {
		t, err := time.Parse("15:04", strings.ReplaceAll(s, "h", ":"))
		if err != nil {
			return time.Time{}, errors.New(lang.L("Write the time as HH:MM."))
		}
		hh, mm = t.Hour(), t.Minute()
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, time.Local), nil
}

func (f *dateTimeFields) box() fyne.CanvasObject {
	return container.NewGridWithColumns(2, f.date, f.tm)
}

// callForm is the "Log a call" dialog.
type callForm struct {
	a      *App
	dealID int64 // 0: found from the number
	fd     *formDialog

	phone     *widget.Entry
	target    *widget.Label // where the call will go, for a bare number
	name      *widget.Entry // a new contact's name (unknown number)
	dealTitle *widget.Entry
	dealPick  *widget.Select // several open deals
	newBox    *fyne.Container
	direction *widget.RadioGroup
	when      *dateTimeFields
	duration  *widget.Entry
	outcome   *widget.Select
	notes     *widget.Entry

	match    data.CallTarget
	checked  string // the number the target was looked up for
	onLogged func(data.CallLogged)
}

// logCallDialog opens "Log a call": on a deal (dealID ≠ 0), or from a
// phone number alone (dealID 0), in which case the number decides where the
// call goes: an unknown number creates the contact and a deal with source
// "call", a contact with one open deal gets the call on it, several deals
// are offered to choose from. The client's phone buttons call it after
// opening tel:.
func logCallDialog(a *App, w fyne.Window, dealID int64, phone string) *callForm {
	if w == nil {
		w = a.Win
	}
	c := &callForm{a: a, dealID: dealID}
	c.phone = widget.NewEntry()
	c.phone.SetText(phone)
	c.phone.SetPlaceHolder("+33 6 12 34 56 78")
	c.target = widget.NewLabel("")
	c.target.Wrapping = fyne.TextWrapWord
	c.name = widget.NewEntry()
	c.name.SetPlaceHolder(lang.L("The caller's name"))
	c.dealTitle = widget.NewEntry()
	c.dealTitle.SetPlaceHolder(lang.L("What they want (deal title)"))
	c.dealPick = widget.NewSelect(nil, nil)
	c.dealPick.Hide()
	c.direction = widget.NewRadioGroup([]string{lang.L("Incoming"), lang.L("Outgoing")}, nil)
	c.direction.Horizontal = true
	c.direction.Required = true
	if phone != "" && dealID != 0 {
		c.direction.SetSelected(lang.L("Outgoing")) // dialled from a phone button
	} else {
		c.direction.SetSelected(lang.L("Incoming"))
	}
	c.when = newDateTimeFields(a.now())
	c.duration = widget.NewEntry()
	c.duration.SetPlaceHolder(lang.L("minutes, or m:ss"))
	outcomes := []string{""}
	for _, o := range data.CallOutcomes {
		outcomes = append(outcomes, outcomeLabel(o))
	}
	c.outcome = widget.NewSelect(outcomes, nil)
	c.notes = widget.NewMultiLineEntry()
	c.notes.Wrapping = fyne.TextWrapWord
	c.notes.SetMinRowsVisible(3)

	errs := errLabels("phone", "direction", "at", "duration", "outcome", "name", "deal")
	body := container.NewVBox()
	if dealID == 0 {
		check := widget.NewButtonWithIcon(lang.L("Find"), theme.SearchIcon(), c.lookUp)
		c.phone.OnSubmitted = func(string) { c.lookUp() }
		c.newBox = container.NewVBox(fieldRow(lang.L("Name"), c.name, errs["name"]), fieldRow(lang.L("Deal"), c.dealTitle, errs["deal"]))
		c.newBox.Hide()
		body.Add(fieldRow(lang.L("Phone"), container.NewBorder(nil, nil, nil, check, c.phone), errs["phone"]))
		body.Add(c.target)
		body.Add(c.dealPick)
		body.Add(c.newBox)
	} else if phone != "" {
		body.Add(fieldRow(lang.L("Phone"), c.phone, errs["phone"]))
	}
	body.Add(fieldRow(lang.L("Direction"), c.direction, errs["direction"]))
	body.Add(fieldRow(lang.L("When"), c.when.box(), errs["at"]))
	body.Add(fieldRow(lang.L("Duration"), c.duration, errs["duration"]))
	body.Add(fieldRow(lang.L("Outcome"), c.outcome, errs["outcome"]))
	body.Add(fieldRow(lang.L("Notes"), c.notes, newErrorLabel()))
	c.fd = newFormDialog(lang.L("Log a call"), lang.L("Log the call"), body, w, errs, func(*formDialog) { c.submit() })
	if dealID == 0 && strings.TrimSpace(phone) != "" {
		c.lookUp()
	}
	return c
}

// lookUp asks where a call with the typed number would go.
func (c *callForm) lookUp() {
	phone := strings.TrimSpace(c.phone.Text)
	if phone == "" {
		return
	}
	a, me := c.a, c.a.Me.ID
	load(a, func(ctx context.Context) (data.CallTarget, error) {
		return a.Store.CallTarget(ctx, me, phone)
	}, func(t data.CallTarget) {
		c.match, c.checked = t, phone
		c.dealPick.Hide()
		c.newBox.Hide()
		switch t.Match {
		case data.CallUnknown:
			c.target.SetText(lang.L("Nobody has this number yet: a contact and a deal will be created."))
			c.newBox.Show()
		case data.CallNoDeal:
			c.target.SetText(lang.L("{{.Name}} has no open deal: a new deal will be created.", map[string]any{"Name": t.Contacts[0].Name}))
			c.name.SetText(t.Contacts[0].Name)
			c.newBox.Show()
		case data.CallOneDeal:
			title := ""
			for _, d := range t.Deals {
				if d.ID == t.DealID {
					title = d.Title
				}
			}
			c.target.SetText(lang.L("The call will be logged on {{.Title}}.", map[string]any{"Title": title}))
		default:
			c.target.SetText(lang.L("This number has several open deals: choose one."))
			opts := make([]string, len(t.Deals))
			for i, d := range t.Deals {
				opts[i] = dealOption(d)
			}
			c.dealPick.Options = opts
			if len(opts) > 0 {
				c.dealPick.SetSelectedIndex(0)
			}
			c.dealPick.Show()
		}
	})
}

func dealOption(d data.Card) string {
	if d.Client != "" {
		return fmt.Sprintf("%s — %s (#%d)", d.Title, d.Client, d.ID)
	}
	return fmt.Sprintf("%s (#%d)", d.Title, d.ID)
}

// input reads the call's fields; a field that cannot be read is reported
// under it.
func (c *callForm) input() (data.CallInput, bool) {
	in := data.CallInput{Direction: data.CallIn, Notes: c.notes.Text, Phone: strings.TrimSpace(c.phone.Text)}
	if c.direction.Selected == lang.L("Outgoing") {
		in.Direction = data.CallOut
	}
	ok := true
	at, err := c.when.value()
	if err != nil {
		setError(c.fd.errs["at"], err.Error())
		ok = false
	}
	in.At = at
	d, err := data.ParseCallDuration(c.duration.Text)
	if err != nil {
		setError(c.fd.errs["duration"], lang.L("Write the duration in minutes, or as m:ss."))
		ok = false
	}
	in.Duration = d
	for i, o := range data.CallOutcomes {
		if c.outcome.SelectedIndex() == i+1 {
			in.Outcome = o
		}
	}
	return in, ok
}

func (c *callForm) submit() {
	for _, l := range c.fd.errs {
		setError(l, "")
	}
	in, ok := c.input()
	if !ok {
		return
	}
	a, me := c.a, c.a.Me.ID
	if c.dealID != 0 {
		dealID := c.dealID
		c.fd.write(a, func(ctx context.Context) error {
			_, err := a.Store.LogCall(ctx, me, dealID, in)
			return err
		}, nil)
		return
	}
	phone := strings.TrimSpace(c.phone.Text)
	if phone == "" {
		setError(c.fd.errs["phone"], lang.L("This field is required."))
		return
	}
	if c.checked == phone && c.match.Match == data.CallSeveral {
		idx := c.dealPick.SelectedIndex()
		if idx < 0 || idx >= len(c.match.Deals) {
			setError(c.fd.other, lang.L("Choose the deal."))
			return
		}
		dealID := c.match.Deals[idx].ID
		c.fd.write(a, func(ctx context.Context) error {
			_, err := a.Store.LogCall(ctx, me, dealID, in)
			return err
		}, func() { a.openDeal(dealID) })
		return
	}
	who := data.NewCaller{Name: c.name.Text, DealTitle: c.dealTitle.Text}
	var got data.CallLogged
	c.fd.write(a, func(ctx context.Context) error {
		var err error
		got, err = a.Store.LogCallFromNumber(ctx, me, phone, who, in)
		if errors.Is(err, data.ErrAmbiguousCaller) {
			a.do(c.lookUp)
		}
		return err
	}, func() {
		if c.onLogged != nil {
			c.onLogged(got)
		}
		if got.CreatedDeal {
			a.openDeal(got.DealID)
		}
	})
}

// paymentForm is the "Payment" dialog.
type paymentForm struct {
	fd        *formDialog
	amount    *widget.Entry
	currency  *widget.Entry
	date      *widget.DateEntry
	method    *widget.SelectEntry
	reference *widget.Entry
	note      *widget.Entry
}

func paymentDialog(a *App, w fyne.Window, deal data.Deal) *paymentForm {
	p := &paymentForm{amount: widget.NewEntry(), currency: widget.NewEntry(), date: widget.NewDateEntry(),
		reference: widget.NewEntry(), note: widget.NewMultiLineEntry()}
	p.amount.SetPlaceHolder("0")
	p.currency.SetText(deal.Currency)
	today := a.now()
	p.date.SetDate(&today)
	p.date.Date = &today
	methods := make([]string, len(data.PaymentMethods))
	for i, m := range data.PaymentMethods {
		methods[i] = paymentMethodLabel(m)
	}
	p.method = widget.NewSelectEntry(methods)
	errs := errLabels("amount", "currency", "date")
	body := container.NewVBox(
		fieldRow(lang.L("Amount"), container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(80, p.currency.MinSize().Height), p.currency), p.amount), errs["amount"]),
		errs["currency"],
		fieldRow(lang.L("Date"), p.date, errs["date"]),
		fieldRow(lang.L("Method"), p.method, newErrorLabel()),
		fieldRow(lang.L("Reference"), p.reference, newErrorLabel()),
		fieldRow(lang.L("Note"), p.note, newErrorLabel()),
	)
	dealID := deal.ID
	p.fd = newFormDialog(lang.L("Payment received"), lang.L("Save"), body, w, errs, func(fd *formDialog) {
		cur := strings.ToUpper(strings.TrimSpace(p.currency.Text))
		var amount int64
		if s := strings.TrimSpace(p.amount.Text); s != "" {
			v, err := parseAmountInput(s, cur, a.Lang)
			if err != nil {
				setError(errs["amount"], lang.L("This is not an amount."))
				return
			}
			amount = v
		}
		in := data.PaymentInput{Amount: amount, Currency: cur, Method: methodKey(p.method.Text), Reference: p.reference.Text, Note: p.note.Text}
		if p.date.Date != nil {
			in.Date = p.date.Date.Format("2006-01-02")
		}
		fd.write(a, func(ctx context.Context) error {
			_, err := a.Store.LogPayment(ctx, a.Me.ID, dealID, in)
			return err
		}, nil)
	})
	return p
}

// methodKey stores a suggested method by its key, free text as typed.
func methodKey(label string) string {
	label = strings.TrimSpace(label)
	for _, m := range data.PaymentMethods {
		if paymentMethodLabel(m) == label {
			return m
		}
	}
	return label
}

// deliveryForm is the "Delivery" dialog.
type deliveryForm struct {
	fd       *formDialog
	date     *widget.DateEntry
	carrier  *widget.Entry
	tracking *widget.Entry
	address  *widget.Entry
	note     *widget.Entry
}

func deliveryDialog(a *App, w fyne.Window, dealID int64) *deliveryForm {
	d := &deliveryForm{date: widget.NewDateEntry(), carrier: widget.NewEntry(), tracking: widget.NewEntry(),
		address: widget.NewMultiLineEntry(), note: widget.NewMultiLineEntry()}
	today := a.now()
	d.date.SetDate(&today)
	d.date.Date = &today
	errs := errLabels("date")
	body := container.NewVBox(
		fieldRow(lang.L("Date"), d.date, errs["date"]),
		fieldRow(lang.L("Carrier"), d.carrier, newErrorLabel()),
		fieldRow(lang.L("Tracking number"), d.tracking, newErrorLabel()),
		fieldRow(lang.L("Address"), d.address, newErrorLabel()),
		fieldRow(lang.L("Note"), d.note, newErrorLabel()),
	)
	d.fd = newFormDialog(lang.L("Delivery"), lang.L("Save"), body, w, errs, func(fd *formDialog) {
		in := data.DeliveryInput{Carrier: d.carrier.Text, Tracking: d.tracking.Text, Address: d.address.Text, Note: d.note.Text}
		if d.date.Date != nil {
			in.Date = d.date.Date.Format("2006-01-02")
		}
		fd.write(a, func(ctx context.Context) error {
			_, err := a.Store.LogDelivery(ctx, a.Me.ID, dealID, in)
			return err
		}, nil)
	})
	return d
}

// reminderChoices are the reminder offsets a planning form offers.
var reminderChoices = []time.Duration{-1, 0, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 24 * time.Hour}

func reminderLabel(d time.Duration) string {
	switch {
	case d < 0:
		return lang.L("No reminder")
	case d == 0:
		return lang.L("At the due time")
	case d < time.Hour:
		return lang.L("{{.N}} minutes before", map[string]any{"N": int(d / time.Minute)})
	case d < 24*time.Hour:
		return lang.L("{{.N}} hour before", map[string]any{"N": int(d / time.Hour)})
	}
	return lang.L("1 day before")
}

// planForm plans or reschedules an activity.
type planForm struct {
	fd       *formDialog
	kind     *widget.Select
	subject  *widget.Entry
	due      *dateTimeFields
	resp     *widget.Select
	reminder *widget.Select
	emps     []data.Employee
}

var activityKinds = []data.ActivityKind{data.ActivityCall, data.ActivityMeeting, data.ActivityTask, data.ActivityDocuments}

// planActivityDialog plans an activity on a deal, or edits act.
func planActivityDialog(a *App, w fyne.Window, dealID int64, act *data.Activity) *planForm {
	p := &planForm{subject: widget.NewEntry()}
	kinds := make([]string, len(activityKinds))
	for i, k := range activityKinds {
		kinds[i] = activityKindLabel(k)
	}
	p.kind = widget.NewSelect(kinds, nil)
	p.kind.SetSelectedIndex(0)
	p.subject.SetPlaceHolder(lang.L("Call back about the quote"))
	p.due = newDateTimeFields(time.Time{})
	p.resp = widget.NewSelect(nil, nil)
	rems := make([]string, len(reminderChoices))
	for i, d := range reminderChoices {
		rems[i] = reminderLabel(d)
	}
	p.reminder = widget.NewSelect(rems, nil)
	p.reminder.SetSelectedIndex(3) // 15 minutes before
	title := lang.L("Plan an activity")
	if act != nil {
		title = lang.L("Edit the activity")
		for i, k := range activityKinds {
			if k == act.Kind {
				p.kind.SetSelectedIndex(i)
			}
		}
		p.subject.SetText(act.Subject)
		p.due.set(act.DueAt)
		p.reminder.SetSelectedIndex(0)
		if !act.RemindAt.IsZero() {
			before := act.DueAt.Sub(act.RemindAt)
			for i, d := range reminderChoices {
				if d == before {
					p.reminder.SetSelectedIndex(i)
				}
			}
		}
	} else {
		p.due.set(a.now().Add(24 * time.Hour).Truncate(time.Hour))
	}
	p.resp.Options = []string{a.Me.Name}
	p.resp.SetSelectedIndex(0)
	p.emps = []data.Employee{a.Me}
	respID := a.Me.ID
	if act != nil {
		respID = act.ResponsibleID
	}
	me := a.Me.ID
	load(a, func(ctx context.Context) ([]data.Employee, error) { return a.Store.Employees(ctx, me) }, func(es []data.Employee) {
		p.emps = p.emps[:0]
		var names []string
		sel := 0
		for _, e := range es {
			if !e.Active && e.ID != respID {
				continue
			}
			if e.ID == respID {
				sel = len(names)
			}
			p.emps = append(p.emps, e)
			names = append(names, e.Name)
		}
		p.resp.Options = names
		p.resp.SetSelectedIndex(sel)
	})
	errs := errLabels("kind", "subject", "due_at", "responsible", "remind_at")
	body := container.NewVBox(
		fieldRow(lang.L("Kind"), p.kind, errs["kind"]),
		fieldRow(lang.L("Subject"), p.subject, errs["subject"]),
		fieldRow(lang.L("Due"), p.due.box(), errs["due_at"]),
		fieldRow(lang.L("Responsible"), p.resp, errs["responsible"]),
		fieldRow(lang.L("Reminder"), p.reminder, errs["remind_at"]),
	)
	p.fd = newFormDialog(title, lang.L("Save"), body, w, errs, func(fd *formDialog) {
		due, err := p.due.value()
		if err != nil {
			setError(errs["due_at"], err.Error())
			return
		}
		in := data.ActivityInput{Subject: p.subject.Text, DueAt: due}
		if i := p.kind.SelectedIndex(); i >= 0 {
			in.Kind = activityKinds[i]
		}
		if i := p.resp.SelectedIndex(); i >= 0 && i < len(p.emps) {
			in.ResponsibleID = p.emps[i].ID
		}
		if i := p.reminder.SelectedIndex(); i > 0 && !due.IsZero() {
			in.RemindAt = due.Add(-reminderChoices[i])
		}
		fd.write(a, func(ctx context.Context) error {
			if act != nil {
				_, err := a.Store.UpdateActivity(ctx, a.Me.ID, act.ID, in)
				return err
			}
			_, err := a.Store.PlanActivity(ctx, a.Me.ID, dealID, in)
			return err
		}, nil)
	})
	return p
}

// completeForm marks an activity done with its result.
type completeForm struct {
	fd     *formDialog
	result *widget.Entry
}

func completeActivityDialog(a *App, w fyne.Window, act data.Activity) *completeForm {
	c := &completeForm{result: widget.NewMultiLineEntry()}
	c.result.SetPlaceHolder(lang.L("What came of it"))
	c.result.Wrapping = fyne.TextWrapWord
	c.result.SetMinRowsVisible(3)
	subject := widget.NewLabelWithStyle(act.Subject, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	subject.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(subject, fieldRow(lang.L("Result"), c.result, newErrorLabel()))
	c.fd = newFormDialog(lang.L("Mark as done"), lang.L("Done"), body, w, errLabels("done"), func(fd *formDialog) {
		result := c.result.Text
		fd.write(a, func(ctx context.Context) error {
			_, err := a.Store.CompleteActivity(ctx, a.Me.ID, act.ID, result)
			return err
		}, nil)
	})
	return c
}

// commentForm edits one's own comment.
type commentForm struct {
	fd   *formDialog
	text *widget.Entry
}

func editCommentDialog(a *App, w fyne.Window, e data.Entry) *commentForm {
	c := &commentForm{text: widget.NewMultiLineEntry()}
	c.text.SetText(e.Text)
	c.text.Wrapping = fyne.TextWrapWord
	c.text.SetMinRowsVisible(4)
	errs := errLabels("text")
	body := container.NewVBox(c.text, errs["text"])
	c.fd = newFormDialog(lang.L("Edit the comment"), lang.L("Save"), body, w, errs, func(fd *formDialog) {
		text := c.text.Text
		fd.write(a, func(ctx context.Context) error {
			_, err := a.Store.EditComment(ctx, a.Me.ID, e.ID, text)
			return err
		}, nil)
	})
	return c
}

// confirmDeleteEntry asks before deleting one's own entry.
func confirmDeleteEntry(a *App, w fyne.Window, e data.Entry) *dialog.ConfirmDialog {
	msg := lang.L("Delete this comment?")
	if e.Kind != data.EntryComment {
		msg = lang.L("Delete this entry?")
	}
	d := dialog.NewConfirm(lang.L("Delete"), msg, func(ok bool) {
		if !ok {
			return
		}
		a.run(func(ctx context.Context) error { return a.Store.DeleteEntry(ctx, a.Me.ID, e.ID) })
	}, w)
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
	return d
}
