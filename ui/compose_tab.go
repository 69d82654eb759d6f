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

// The "Emails" tab of a deal: "Write an email" and the deal's emails, each
// with Reply (which quotes it and threads the answer), and under it why it
// was linked, its attachments and the moves (mailmove.go). The Timeline tab
// offers "Write an email" and, on each email, Reply too.

type emailTab struct {
	f       *DealForm
	a       *App
	root    fyne.CanvasObject
	write   *widget.Button
	list    *fyne.Container
	replies map[int64]*widget.Button    // by stored email id
	moves   map[int64][2]*widget.Button // "move to another deal", "move to a new deal", by stored email id
	refresh *time.Timer
}

func newEmailTab(f *DealForm) *emailTab {
	t := &emailTab{f: f, a: f.App, list: container.NewVBox(), replies: map[int64]*widget.Button{}, moves: map[int64][2]*widget.Button{}}
	t.write = widget.NewButtonWithIcon(lang.L("Write an email"), theme.MailComposeIcon(), func() {
		composeDialog(t.a, t.f.Window(), t.f.Deal.ID, 0, t.f.keepCompose)
	})
	t.write.Importance = widget.HighImportance
	t.root = container.NewBorder(container.NewPadded(container.NewHBox(t.write)), nil, nil, nil, container.NewVScroll(t.list))
	t.applyAccess()
	t.reload()
	unsub := t.a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindDeal, f.Deal.ID) || cs.Has(data.KindOutbox, 0) {
			t.a.stopTimer(t.refresh)
			t.refresh = t.a.after(150*time.Millisecond, t.reload)
		}
	})
	f.OnDealChanged = append(f.OnDealChanged, func(data.Deal) { t.applyAccess() })
	f.OnClose = append(f.OnClose, func() { unsub(); t.a.stopTimer(t.refresh) })
	return t
}

func (t *emailTab) applyAccess() {
	if t.f.ReadOnly() {
		t.write.Hide()
	} else {
		t.write.Show()
	}
}

func (t *emailTab) reload() {
	a, me, id := t.a, t.a.Me.ID, t.f.Deal.ID
	if id == 0 {
		return
	}
	load(a, func(ctx context.Context) ([]data.StoredEmail, error) { return a.Store.DealEmails(ctx, me, id) }, t.show)
}

func (t *emailTab) show(ms []data.StoredEmail) {
	t.list.RemoveAll()
	t.replies = map[int64]*widget.Button{}
	t.moves = map[int64][2]*widget.Button{}
	if len(ms) == 0 {
		l := widget.NewLabel(lang.L("No email on this deal yet."))
		l.Importance = widget.LowImportance
		t.list.Add(l)
	}
	// newest first
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		icon := theme.MailReplyIcon()
		who := formatAddr(m.From)
		if m.Direction == "out" {
			icon = theme.MailSendIcon()
			if len(m.To) > 0 {
				who = lang.L("to {{.Who}}", map[string]any{"Who": formatAddr(m.To[0])})
			}
		}
		head := widget.NewLabelWithStyle(m.Subject, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Truncation = fyne.TextTruncateEllipsis
		when := ""
		if !m.Date.IsZero() {
			when = formatDateTime(m.Date, t.a.Lang)
		}
		meta := widget.NewLabel(who + "  ·  " + when)
		meta.Truncation = fyne.TextTruncateEllipsis
		text := widget.NewLabel(excerpt(m.VisibleText, 300))
		text.Wrapping = fyne.TextWrapWord
		reply := widget.NewButtonWithIcon(lang.L("Reply"), theme.MailReplyIcon(), func() {
			composeDialog(t.a, t.f.Window(), t.f.Deal.ID, m.ID, t.f.keepCompose)
		})
		if t.f.ReadOnly() {
			reply.Hide()
		}
		t.replies[m.ID] = reply
		row := container.NewVBox(container.NewBorder(nil, nil, widget.NewIcon(icon), reply, container.NewVBox(head, meta)), text)
		if o := t.emailMoveRow(m); o != nil { // why linked, attachments, moves (mailmove.go)
			row.Add(o)
		}
		row.Add(widget.NewSeparator())
		t.list.Add(row)
	}
	t.list.Refresh()
}

// excerpt cuts text to n runes.
func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// writeEmailButton is the Timeline tab's "Write an email" (hidden for a
// reader).
func writeEmailButton(f *DealForm) *widget.Button {
	b := widget.NewButtonWithIcon(lang.L("Write an email"), theme.MailComposeIcon(), func() {
		composeDialog(f.App, f.Window(), f.Deal.ID, 0, f.keepCompose)
	})
	if f.ReadOnly() {
		b.Hide()
	}
	return b
}

// replyButton is the Reply of an email entry of the Timeline tab; nil for
// other entries, or for a reader.
func replyButton(f *DealForm, e data.Entry) fyne.CanvasObject {
	d, ok := e.Data.(data.EmailData)
	if !ok || d.EmailID == 0 || f.ReadOnly() {
		return nil
	}
	b := widget.NewButtonWithIcon(lang.L("Reply"), theme.MailReplyIcon(), func() {
		composeDialog(f.App, f.Window(), f.Deal.ID, d.EmailID, f.keepCompose)
	})
	b.Importance = widget.LowImportance
	return b
}
