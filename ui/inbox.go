package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/mail/parse"
)

// The Inbox screen: emails the sync could not place on a deal by itself (a
// contact with several open deals, an unknown sender under the "Inbox"
// policy, an unreadable sender), each with why it is there, its visible text
// and its attachments, and what a person can do: create a deal from it,
// attach it to a deal, or ignore its sender. The navigation entry carries
// the number waiting. Attachments are only ever saved where the person
// chooses, never opened.

// inboxLimit is how many waiting emails the screen lists.
const inboxLimit = 500

type inboxScreen struct {
	a    *App
	root fyne.CanvasObject

	list   *widget.List
	emails []data.StoredEmail
	sel    int64 // id of the shown email, 0 when none

	empty   *widget.Label
	detail  *fyne.Container
	from    *widget.Label
	subject *widget.Label
	date    *widget.Label
	reason  *widget.Label
	text    *widget.Label
	atts    *fyne.Container

	create *widget.Button
	attach *widget.Button
	ignore *widget.Button
	full   *widget.Button // the whole text, quoted history included

	// The phone layout (inbox_phone.go): the list fills the screen and a
	// tapped email opens over it as a page.
	narrow   bool
	page     bool            // the email's page is open (phone)
	listPage *fyne.Container // the list and the empty text (phone)
	back     *widget.Button  // closes the email's page (phone)

	confirm *dialog.ConfirmDialog // the last "ignore this sender?" asked
	picker  *dealPicker           // the last "attach to deal" picker opened

	refresh *time.Timer
	seq     int
}

func newInboxScreen(a *App) *inboxScreen {
	s := &inboxScreen{a: a}
	s.list = widget.NewList(func() int { return len(s.emails) },
		func() fyne.CanvasObject {
			from := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			from.Truncation = fyne.TextTruncateEllipsis
			date := widget.NewLabel("")
			date.SizeName = theme.SizeNameCaptionText
			subj := widget.NewLabel("")
			subj.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(container.NewBorder(nil, nil, nil, date, from), subj)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(s.emails) {
				return
			}
			m := s.emails[id]
			box := o.(*fyne.Container)
			top := box.Objects[0].(*fyne.Container)
			top.Objects[0].(*widget.Label).SetText(senderText(m.From))
			top.Objects[1].(*widget.Label).SetText(formatDate(m.Date, a.Lang))
			top.Layout.Layout(top.Objects, top.Size()) // the date's width changed with its text
			box.Objects[1].(*widget.Label).SetText(subjectText(m.Subject))
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		if id >= len(s.emails) {
			return
		}
		if s.narrow {
			s.openPage(id)
			return
		}
		s.showEmail(s.emails[id])
	}
	s.empty = widget.NewLabel(lang.L("No email is waiting. Emails the sync cannot place on a deal by itself come here."))
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Importance = widget.LowImportance

	s.from = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.from.Wrapping = fyne.TextWrapWord
	s.subject = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.subject.Wrapping = fyne.TextWrapWord
	s.date = widget.NewLabel("")
	s.date.Importance = widget.LowImportance
	s.reason = widget.NewLabel("")
	s.reason.Wrapping = fyne.TextWrapWord
	s.reason.Importance = widget.WarningImportance
	s.text = widget.NewLabel("")
	s.text.Wrapping = fyne.TextWrapWord
	s.atts = container.NewVBox()
	s.create = widget.NewButtonWithIcon(lang.L("Create deal"), theme.ContentAddIcon(), s.createDeal)
	s.create.Importance = widget.HighImportance
	s.attach = widget.NewButtonWithIcon(lang.L("Attach to deal…"), theme.MailAttachmentIcon(), s.attachDialog)
	s.ignore = widget.NewButtonWithIcon(lang.L("Ignore this sender"), theme.CancelIcon(), s.confirmIgnore)
	s.full = widget.NewButtonWithIcon(lang.L("Full text"), theme.DocumentIcon(), func() {
		if m, ok := s.current(); ok {
			showFullText(a.Win, subjectText(m.Subject), m.Text)
		}
	})
	s.full.Importance = widget.LowImportance
	s.back = widget.NewButtonWithIcon(lang.L("Inbox"), theme.NavigateBackIcon(), s.closePage)
	s.back.Importance = widget.LowImportance

	// A phone, or a window narrower than the main frame's threshold, shows
	// the phone layout; the screen switches as the window is resized.
	narrow, _ := phoneLayout(a, a.Win, fyne.Size{})
	s.root = newNarrowSwitch(narrow, func(size fyne.Size) (bool, bool) { return phoneLayout(a, a.Win, size) }, s.build).box
	s.load()
	unsub := a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindEmail, 0) || cs.Has(data.KindDeal, 0) {
			a.stopTimer(s.refresh)
			s.refresh = a.after(150*time.Millisecond, s.load)
		}
	})
	context.AfterFunc(a.Ctx, unsub)
	return s
}

// build lays the screen out for a wide window (the list beside the shown
// email) or, narrow, for a phone (buildPhone).
func (s *inboxScreen) build(narrow bool) fyne.CanvasObject {
	s.narrow = narrow
	if narrow {
		return s.buildPhone()
	}
	s.date.Wrapping = fyne.TextWrapOff
	actions := container.NewHBox(s.create, s.attach, s.ignore, s.full)
	head := container.NewVBox(s.subject, s.from, s.date, s.reason, actions, widget.NewSeparator())
	s.detail = container.NewBorder(head, nil, nil, nil, container.NewVScroll(container.NewVBox(s.text, s.atts)))
	s.listPage = nil
	split := container.NewHSplit(s.list, container.NewStack(container.NewPadded(s.empty), container.NewPadded(s.detail)))
	split.Offset = 0.35
	// The email shown on the phone's page (or the first) is the one shown
	// beside the list.
	if m, ok := s.current(); ok {
		for i := range s.emails {
			if s.emails[i].ID == m.ID {
				s.list.Select(i)
			}
		}
	} else if len(s.emails) > 0 {
		s.list.Select(0)
	}
	s.showState()
	return split
}

// showState shows the parts of the screen that fit what is selected: the
// email or the empty text beside the list; on a phone the list or the
// email's page.
func (s *inboxScreen) showState() {
	shown := s.sel != 0
	if !s.narrow {
		setVisible(s.detail, shown)
		setVisible(s.empty, !shown)
		return
	}
	page := s.page && shown
	setVisible(s.detail, page)
	setVisible(s.listPage, !page)
	setVisible(s.empty, len(s.emails) == 0)
}

// setVisible shows or hides o.
func setVisible(o fyne.CanvasObject, v bool) {
	if v {
		o.Show()
	} else {
		o.Hide()
	}
}

// senderText is "Name <address>" or the address.
func senderText(f data.Address) string {
	switch {
	case f.Name != "" && f.Email != "":
		return f.Name + " <" + f.Email + ">"
	case f.Email != "":
		return f.Email
	case f.Name != "":
		return f.Name
	}
	return lang.L("(unknown sender)")
}

func subjectText(s string) string {
	if strings.TrimSpace(s) == "" {
		return lang.L("(no subject)")
	}
	return s
}

// load reads the waiting emails.
func (s *inboxScreen) load() {
	a := s.a
	me := a.Me.ID
	s.seq++
	seq := s.seq
	load(a, func(ctx context.Context) ([]data.StoredEmail, error) { return a.Store.Inbox(ctx, me, inboxLimit) },
		func(ms []data.StoredEmail) {
			if seq != s.seq {
				return
			}
			s.emails = ms
			s.list.Refresh()
			idx := -1
			for i, m := range ms {
				if m.ID == s.sel {
					idx = i
				}
			}
			if s.narrow {
				s.loadedPhone(idx)
				return
			}
			switch {
			case idx >= 0:
				s.list.Select(idx)
			case len(ms) > 0:
				s.list.UnselectAll() // the shown email left: show the first
				s.list.Select(0)
			default:
				s.list.UnselectAll()
				s.sel = 0
				s.showState()
			}
		})
}

// reasonText says why an email waits, from the routing's reason.
func reasonText(m data.StoredEmail) string {
	switch m.Reason {
	case data.ReasonSeveralDeals:
		return lang.L("The sender is a contact with several open deals: choose the right one.")
	case data.ReasonPolicyInbox:
		return lang.L("Unknown sender: this account puts such emails here instead of creating a deal.")
	case data.ReasonUnreadable:
		return lang.L("The sender could not be read.")
	case data.ReasonLoopGuard, data.ReasonFlagged:
		return lang.L("This sender created too many deals in a short time: new ones were stopped.")
	case data.ReasonExcluded:
		return lang.L("The sender is on the account's exclusion list.")
	case data.ReasonTagStranger:
		return lang.L("The subject names a deal, but the sender is not one of its people: check it before attaching it.")
	case data.ReasonOwnAddress:
		return lang.L("From one of our addresses, but not sent by Comptoir: check it.")
	}
	if m.Because != "" {
		return m.Because
	}
	return string(m.Reason)
}

func (s *inboxScreen) showEmail(m data.StoredEmail) {
	a := s.a
	s.sel = m.ID
	s.subject.SetText(subjectText(m.Subject))
	s.from.SetText(lang.L("From: {{.From}}", map[string]any{"From": senderText(m.From)}))
	when := formatDateTime(m.Date, a.Lang)
	if m.Date.IsZero() {
		when = formatDateTime(m.CreatedAt, a.Lang)
	}
	var to []string
	for _, x := range m.To {
		to = append(to, x.Email)
	}
	if len(to) > 0 {
		when += " · " + lang.L("To: {{.To}}", map[string]any{"To": strings.Join(to, ", ")})
	}
	s.date.SetText(when)
	s.reason.SetText(reasonText(m))
	text := m.VisibleText
	if m.ParseError != "" {
		text = lang.L("This email could not be fully read; it is kept as received.") + "\n\n" + text
	}
	if m.Truncated != "" {
		text += "\n\n" + lang.L("Too large: only the headers and the text were kept ({{.What}}).", map[string]any{"What": m.Truncated})
	}
	s.text.SetText(text)
	if strings.TrimSpace(m.Text) != strings.TrimSpace(m.VisibleText) {
		s.full.Show()
	} else {
		s.full.Hide()
	}
	s.atts.RemoveAll()
	if len(m.Attachments) > 0 {
		s.atts.Add(widget.NewLabelWithStyle(lang.L("Attachments"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for i, at := range m.Attachments {
			save := widget.NewButtonWithIcon(lang.L("Save…"), theme.DocumentSaveIcon(), func() { s.saveAttachment(m.ID, i, at.Name) })
			save.Importance = widget.LowImportance
			name := widget.NewLabel(fmt.Sprintf("%s (%s)", at.Name, sizeText(at.Size)))
			if s.narrow {
				name.Truncation = fyne.TextTruncateEllipsis
			}
			s.atts.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), save, name))
		}
	}
	s.showState()
	s.detail.Refresh()
}

// current returns the shown email.
func (s *inboxScreen) current() (data.StoredEmail, bool) {
	for _, m := range s.emails {
		if m.ID == s.sel {
			return m, true
		}
	}
	return data.StoredEmail{}, false
}

// createDeal makes a deal from the shown email and opens it.
func (s *inboxScreen) createDeal() {
	m, ok := s.current()
	if !ok {
		return
	}
	a := s.a
	me := a.Me.ID
	s.create.Disable()
	a.run(func(ctx context.Context) error {
		d, err := a.Store.CreateDealFromEmail(ctx, me, m.ID, data.DealInput{})
		a.do(func() {
			s.create.Enable()
			if err == nil && !a.keepClosed {
				a.openDeal(d.ID)
			}
		})
		return err
	})
}

// confirmIgnore asks before ignoring the shown email's sender.
func (s *inboxScreen) confirmIgnore() {
	m, ok := s.current()
	if !ok {
		return
	}
	a := s.a
	d := dialog.NewConfirm(lang.L("Ignore this sender?"),
		lang.L("Emails from {{.From}} will no longer create deals or come to the Inbox. Those waiting here are filed.",
			map[string]any{"From": senderText(m.From)}),
		func(yes bool) {
			if !yes {
				return
			}
			me := a.Me.ID
			a.run(func(ctx context.Context) error { return a.Store.IgnoreSender(ctx, me, m.ID) })
		}, a.Win)
	s.confirm = d
	d.Show()
}

// dealPicker finds a deal by search to attach an email to.
type dealPicker struct {
	search *widget.Entry
	list   *widget.List
	hits   []data.Hit
	dlg    dialog.Dialog
	pick   func(data.Hit)
}

// attachDialog searches a deal and attaches the shown email to it.
func (s *inboxScreen) attachDialog() {
	m, ok := s.current()
	if !ok {
		return
	}
	a := s.a
	s.picker = showDealPicker(a, a.Win, lang.L("Attach to deal"), func(h data.Hit) {
		me := a.Me.ID
		a.run(func(ctx context.Context) error { return a.Store.AttachEmailToDeal(ctx, me, m.ID, h.ID) })
	})
}

// showDealPicker opens a dialog to choose a deal by searching its title or
// client; pick runs on the UI goroutine with the chosen deal.
func showDealPicker(a *App, win fyne.Window, title string, pick func(data.Hit)) *dealPicker {
	p := &dealPicker{pick: pick}
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder(lang.L("Search a deal by title or client…"))
	p.list = widget.NewList(func() int { return len(p.hits) },
		func() fyne.CanvasObject {
			t := widget.NewLabel("")
			t.Truncation = fyne.TextTruncateEllipsis
			d := widget.NewLabel("")
			d.Importance = widget.LowImportance
			d.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(t, d)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(p.hits) {
				return
			}
			b := o.(*fyne.Container)
			b.Objects[0].(*widget.Label).SetText(p.hits[id].Title)
			b.Objects[1].(*widget.Label).SetText(p.hits[id].Detail)
		})
	p.list.OnSelected = func(id widget.ListItemID) {
		if id < len(p.hits) {
			h := p.hits[id]
			p.dlg.Hide()
			p.pick(h)
		}
	}
	var timer *time.Timer
	seq := 0
	me := a.Me.ID
	p.search.OnChanged = func(text string) {
		a.stopTimer(timer)
		seq++
		n := seq
		timer = a.after(150*time.Millisecond, func() {
			if strings.TrimSpace(text) == "" {
				p.hits = nil
				p.list.Refresh()
				return
			}
			load(a, func(ctx context.Context) ([]data.Hit, error) { return a.Store.Search(ctx, me, text, 40) }, func(hs []data.Hit) {
				if n != seq {
					return
				}
				p.hits = p.hits[:0]
				for _, h := range hs {
					if h.Kind == data.KindDeal {
						p.hits = append(p.hits, h)
					}
				}
				p.list.Refresh()
			})
		})
	}
	body := container.NewBorder(p.search, nil, nil, nil, p.list)
	p.dlg = dialog.NewCustom(title, lang.L("Cancel"), body, win)
	p.dlg.Resize(dialogSize(win, 480).Max(fyne.NewSize(0, 420)))
	p.dlg.Show()
	win.Canvas().Focus(p.search)
	return p
}

// saveAttachment asks where to save one attachment and writes it there.
func (s *inboxScreen) saveAttachment(emailID int64, index int, name string) {
	saveAttachment(s.a, s.a.Win, emailID, index, name)
}

// saveAttachment reads an email's source, takes its index-th attachment (name
// is what the list showed) out of it and asks where to write it. The file is
// never opened.
func saveAttachment(a *App, win fyne.Window, emailID int64, index int, name string) {
	me := a.Me.ID
	load(a, func(ctx context.Context) ([]byte, error) {
		raw, err := a.Store.EmailRaw(ctx, me, emailID)
		if err != nil {
			return nil, err
		}
		return attachmentAt(raw, index, name)
	}, func(b []byte) {
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			a.run(func(context.Context) error { return writeAttachment(w, b) })
		}, win)
		d.SetFileName(parse.SafeFileName(name))
		d.Show()
	})
}

// attachmentAt returns the bytes of raw's index-th attachment, in the order
// the email's attachment list has them. Two attachments may share a name;
// the name only checks that the list and the source still agree.
func attachmentAt(raw []byte, index int, name string) ([]byte, error) {
	atts, err := parse.Attachments(raw)
	if err != nil {
		return nil, err
	}
	if index < 0 || index >= len(atts) || atts[index].Name != name {
		return nil, fmt.Errorf("attachment %d (%s): %w", index, name, data.ErrNotFound)
	}
	return atts[index].Data, nil
}

// writeAttachment writes b to w and closes it, reporting either failure. A
// failed write removes the partial file where the storage allows it.
func writeAttachment(w fyne.URIWriteCloser, b []byte) error {
	if _, err := w.Write(b); err != nil {
		_ = w.Close()
		_ = storage.Delete(w.URI())
		return fmt.Errorf("write %s: %w", w.URI().Name(), err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write %s: %w", w.URI().Name(), err)
	}
	return nil
}

// startInboxBadge keeps the Inbox entry of the navigation showing how many
// emails wait.
func startInboxBadge(a *App) {
	if a.main == nil {
		return
	}
	var timer *time.Timer
	update := func() {
		me := a.Me.ID
		load(a, func(ctx context.Context) (int, error) { return a.Store.InboxCount(ctx, me) }, func(n int) {
			label := lang.L("Inbox")
			if n > 0 {
				label = lang.L("Inbox ({{.N}})", map[string]any{"N": n})
			}
			if s := a.main.find("inbox"); s != nil && s.side != nil && s.side.Text != label {
				s.side.SetText(label)
			}
			a.main.inboxCount = n
		})
	}
	update()
	unsub := a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindEmail, 0) {
			a.stopTimer(timer)
			timer = a.after(200*time.Millisecond, update)
		}
	})
	context.AfterFunc(a.Ctx, unsub)
}
