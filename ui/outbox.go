package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// The outbox in the main window: a counter in the top bar's status area
// (hidden while nothing waits), and the list it opens, with each email's
// state and the server's words, to edit or cancel a queued email, or send a
// failed or unknown one again. The window also runs the sender: it starts
// with the first email to send and delivers whenever the network allows
// (`comptoir sync` may run beside it: claims keep them from sending twice).

// kickOutbox makes the window's sender look at the outbox now.
func kickOutbox(a *App) { a.deps.Sender.Kick() }

type outboxStatus struct {
	a       *App
	btn     *widget.Button
	counts  data.OutboxCounts
	refresh *time.Timer
	list    *outboxList // the last list opened
}

func newOutboxStatus(a *App) *outboxStatus {
	o := &outboxStatus{a: a}
	o.btn = widget.NewButtonWithIcon("", theme.MailSendIcon(), func() { o.list = showOutboxList(a) })
	o.btn.Importance = widget.LowImportance
	o.btn.Hide()
	o.load(true)
	unsub := a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindOutbox, 0) {
			a.stopTimer(o.refresh)
			o.refresh = a.after(200*time.Millisecond, func() { o.load(false) })
		}
	})
	context.AfterFunc(a.Ctx, unsub)
	return o
}

// load reads the counts; at start-up, emails waiting (or unknown ones to
// look for in Sent) start the sender.
func (o *outboxStatus) load(first bool) {
	a, me := o.a, o.a.Me.ID
	load(a, func(ctx context.Context) (data.OutboxCounts, error) { return a.Store.OutboxCount(ctx, me) }, func(c data.OutboxCounts) {
		o.counts = c
		switch {
		case c.Waiting+c.Problems == 0:
			o.btn.Hide()
		case c.Problems > 0:
			o.btn.SetText(lang.L("Outbox: {{.N}}, {{.P}} to check", map[string]any{"N": c.Waiting + c.Problems, "P": c.Problems}))
			o.btn.Importance = widget.DangerImportance
			o.btn.Show()
		default:
			o.btn.SetText(lang.L("Outbox: {{.N}}", map[string]any{"N": c.Waiting}))
			o.btn.Importance = widget.LowImportance
			o.btn.Show()
		}
		o.btn.Refresh()
		if first && c.Waiting+c.Problems > 0 {
			kickOutbox(a)
		}
	})
}

// outStateLabel is a state in words.
func outStateLabel(s data.OutState) string {
	switch s {
	case data.OutQueued:
		return lang.L("Waiting to be sent")
	case data.OutSending:
		return lang.L("Sending")
	case data.OutSent:
		return lang.L("Sent")
	case data.OutFailed:
		return lang.L("Refused by the server")
	case data.OutUnknown:
		return lang.L("Maybe sent: check, then send again or cancel")
	case data.OutCancelled:
		return lang.L("Cancelled")
	}
	return string(s)
}

type outboxList struct {
	a       *App
	box     *fyne.Container
	rows    map[int64]*outboxRow
	d       dialog.Dialog
	unsub   func()
	compose *composeForm // the last queued email opened to edit
}

type outboxRow struct {
	item   data.OutboxItem
	state  *widget.Label
	err    *widget.Label
	edit   *widget.Button
	cancel *widget.Button
	retry  *widget.Button
}

func showOutboxList(a *App) *outboxList {
	l := &outboxList{a: a, box: container.NewVBox(), rows: map[int64]*outboxRow{}}
	sc := container.NewVScroll(l.box)
	sc.SetMinSize(fyne.NewSize(560, 420))
	l.d = dialog.NewCustom(lang.L("Outbox"), lang.L("Close"), sc, a.Win)
	l.d.Resize(dialogSize(a.Win, 640))
	l.unsub = a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindOutbox, 0) {
			l.reload()
		}
	})
	l.d.SetOnClosed(func() { l.unsub() })
	l.d.Show()
	l.reload()
	return l
}

func (l *outboxList) reload() {
	a, me := l.a, l.a.Me.ID
	load(a, func(ctx context.Context) ([]data.OutboxItem, error) { return a.Store.Outbox(ctx, me, 200) }, l.show)
}

func (l *outboxList) show(items []data.OutboxItem) {
	l.box.RemoveAll()
	l.rows = map[int64]*outboxRow{}
	if len(items) == 0 {
		l.box.Add(widget.NewLabel(lang.L("Nothing to send.")))
	}
	for _, it := range items {
		l.box.Add(l.row(it))
	}
	l.box.Refresh()
}

func (l *outboxList) row(it data.OutboxItem) fyne.CanvasObject {
	a := l.a
	r := &outboxRow{item: it}
	l.rows[it.ID] = r
	subject := widget.NewLabelWithStyle(it.Subject, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	subject.Truncation = fyne.TextTruncateEllipsis
	to := ""
	for i, x := range it.To {
		if i > 0 {
			to += ", "
		}
		to += x.Email
	}
	meta := widget.NewLabel(lang.L("To {{.To}} · deal {{.Deal}}", map[string]any{"To": to, "Deal": it.DealTitle}))
	meta.Truncation = fyne.TextTruncateEllipsis
	r.state = widget.NewLabel(outStateLabel(it.State))
	r.err = newErrorLabel()
	setError(r.err, it.LastError)
	if it.State == data.OutQueued && it.LastError != "" {
		r.err.Importance = widget.WarningImportance
	}
	r.edit = widget.NewButtonWithIcon(lang.L("Edit"), theme.DocumentCreateIcon(), func() {
		editQueuedDialog(a, a.Win, it, func(c *composeForm) { l.compose = c })
	})
	r.cancel = widget.NewButtonWithIcon(lang.L("Cancel sending"), theme.CancelIcon(), func() {
		dialog.ShowConfirm(lang.L("Cancel this email?"), it.Subject, func(ok bool) {
			if ok {
				l.act(func(ctx context.Context) error { return a.Store.CancelEmail(ctx, a.Me.ID, it.ID) })
			}
		}, a.Win)
	})
	r.retry = widget.NewButtonWithIcon(lang.L("Send again"), theme.MailSendIcon(), func() {
		l.act(func(ctx context.Context) error { return a.Store.RetryEmail(ctx, a.Me.ID, it.ID) })
	})
	open := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() {
		if it.DealID != 0 {
			a.openDeal(it.DealID)
		}
	})
	open.Importance = widget.LowImportance
	buttons := container.NewHBox()
	if it.Editable() {
		buttons.Add(r.edit)
	}
	if it.State == data.OutFailed || it.State == data.OutUnknown {
		buttons.Add(r.retry)
	}
	if it.State == data.OutQueued || it.State == data.OutFailed || it.State == data.OutUnknown {
		buttons.Add(r.cancel)
	}
	buttons.Add(open)
	return container.NewVBox(subject, meta, container.NewBorder(nil, nil, nil, buttons, r.state), r.err, widget.NewSeparator())
}

// act runs a change and kicks the sender (a retried email goes at once).
func (l *outboxList) act(fn func(ctx context.Context) error) {
	a := l.a
	a.run(func(ctx context.Context) error {
		if err := fn(ctx); err != nil {
			return err
		}
		a.do(func() { kickOutbox(a) })
		return nil
	})
}
