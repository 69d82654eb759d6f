package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// The deal form's Emails tab: the emails linked to the deal, each with why
// it was linked and its attachments to save, and — for those who may edit
// the deal — "Move to another deal…" and "Move to a new deal" for an email
// the sync put in the wrong place. (The Timeline tab shows the same emails
// among the other entries; it has no hook for per-entry actions yet.)

func init() {
	registerDealTab(dealTab{ID: "emails", Label: "Emails", IconName: theme.IconNameMailReply, Order: 25,
		Make: func(f *DealForm) fyne.CanvasObject { return newDealEmailsTab(f).root }})
}

// lastDealEmails is the last built tab (tests).
var lastDealEmails *dealEmailsTab

type dealEmailsTab struct {
	f       *DealForm
	a       *App
	root    fyne.CanvasObject
	box     *fyne.Container
	emails  []data.StoredEmail
	moveTo  map[int64]*widget.Button // by email id
	moveNew map[int64]*widget.Button
	refresh *time.Timer
}

func newDealEmailsTab(f *DealForm) *dealEmailsTab {
	t := &dealEmailsTab{f: f, a: f.App}
	lastDealEmails = t
	t.box = container.NewVBox()
	t.root = container.NewVScroll(container.NewPadded(t.box))
	t.load()
	unsub := t.a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindEmail, 0) || cs.Has(data.KindDeal, f.Deal.ID) {
			t.a.stopTimer(t.refresh)
			t.refresh = t.a.after(150*time.Millisecond, t.load)
		}
	})
	f.OnClose = append(f.OnClose, unsub)
	return t
}

func (t *dealEmailsTab) load() {
	a := t.a
	me, id := a.Me.ID, t.f.Deal.ID
	if id == 0 {
		return
	}
	load(a, func(ctx context.Context) ([]data.StoredEmail, error) { return a.Store.DealEmails(ctx, me, id) }, t.show)
}

func (t *dealEmailsTab) show(ms []data.StoredEmail) {
	t.emails = ms
	t.box.RemoveAll()
	t.moveTo, t.moveNew = map[int64]*widget.Button{}, map[int64]*widget.Button{}
	if len(ms) == 0 {
		l := widget.NewLabel(lang.L("No email on this deal yet."))
		l.Importance = widget.LowImportance
		t.box.Add(l)
	}
	win := t.f.Window()
	for i := len(ms) - 1; i >= 0; i-- { // newest first
		m := ms[i]
		ic := theme.MailReplyIcon()
		who := lang.L("From: {{.From}}", map[string]any{"From": senderText(m.From)})
		if m.Direction == "out" {
			ic = theme.MailSendIcon()
			var to []string
			for _, x := range m.To {
				to = append(to, x.Email)
			}
			who = lang.L("To: {{.To}}", map[string]any{"To": joinComma(to)})
		}
		subject := widget.NewLabelWithStyle(subjectText(m.Subject), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		subject.Wrapping = fyne.TextWrapWord
		meta := widget.NewLabel(who + " · " + formatDateTime(m.Date, t.a.Lang))
		meta.Importance = widget.LowImportance
		meta.Wrapping = fyne.TextWrapWord
		parts := []fyne.CanvasObject{subject, meta}
		if m.Because != "" {
			why := widget.NewLabel(lang.L("Linked because: {{.Why}}", map[string]any{"Why": m.Because}))
			why.Importance = widget.LowImportance
			why.Wrapping = fyne.TextWrapWord
			parts = append(parts, why)
		}
		text := widget.NewLabel(shorten(m.VisibleText, 600))
		text.Wrapping = fyne.TextWrapWord
		parts = append(parts, text)
		for _, at := range m.Attachments {
			at, id := at, m.ID
			save := widget.NewButtonWithIcon(lang.L("Save…"), theme.DocumentSaveIcon(), func() { saveAttachment(t.a, win, id, at.Name) })
			save.Importance = widget.LowImportance
			parts = append(parts, container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), save,
				widget.NewLabel(at.Name+" ("+sizeText(at.Size)+")")))
		}
		if !t.f.ReadOnly() {
			id := m.ID
			mv := widget.NewButtonWithIcon(lang.L("Move to another deal…"), theme.MailForwardIcon(), func() { t.moveToDeal(id) })
			nw := widget.NewButtonWithIcon(lang.L("Move to a new deal"), theme.ContentAddIcon(), func() { t.moveToNew(id) })
			mv.Importance, nw.Importance = widget.LowImportance, widget.LowImportance
			t.moveTo[id], t.moveNew[id] = mv, nw
			parts = append(parts, container.NewHBox(mv, nw))
		}
		t.box.Add(container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(ic)), nil, container.NewVBox(parts...)))
		t.box.Add(widget.NewSeparator())
	}
	t.box.Refresh()
}

func joinComma(l []string) string {
	s := ""
	for i, x := range l {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s
}

// moveToDeal asks for the deal and moves the email there.
func (t *dealEmailsTab) moveToDeal(emailID int64) {
	a := t.a
	from := t.f.Deal.ID
	showDealPicker(a, t.f.Window(), lang.L("Move this email"), func(h data.Hit) {
		if h.ID == from {
			return
		}
		me := a.Me.ID
		a.run(func(ctx context.Context) error {
			_, err := a.Store.MoveEmail(ctx, me, emailID, h.ID)
			return err
		})
	})
}

// moveToNew makes a new deal from the email and opens it.
func (t *dealEmailsTab) moveToNew(emailID int64) {
	a := t.a
	me := a.Me.ID
	a.run(func(ctx context.Context) error {
		id, err := a.Store.MoveEmail(ctx, me, emailID, 0)
		if err != nil {
			return err
		}
		uiDo(func() {
			if openCreatedDeal {
				a.openDeal(id)
			}
		})
		return nil
	})
}
