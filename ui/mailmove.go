package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// Under each email of a deal's Emails tab (ui/compose_tab.go): why it was
// linked to this deal, its attachments to save, and — for those who may
// edit the deal — "Move to another deal…" and "Move to a new deal" for an
// email the sync put in the wrong place. The Timeline tab offers the same
// moves on its email entries (timelineMoveAction).

// emailMoveRow builds what shows under an email of the deal's Emails tab;
// nil when there is nothing to show.
func (t *emailTab) emailMoveRow(m data.StoredEmail) fyne.CanvasObject {
	f := t.f
	a := f.App
	box := container.NewVBox()
	if w := linkedBecause(m.Reason, m.Because); w != "" {
		why := widget.NewLabel(lang.L("Linked because: {{.Why}}", map[string]any{"Why": w}))
		why.Importance = widget.LowImportance
		why.Wrapping = fyne.TextWrapWord
		box.Add(why)
	}
	for i, at := range m.Attachments {
		at, id := at, m.ID
		save := widget.NewButtonWithIcon(lang.L("Save…"), theme.DocumentSaveIcon(), func() { saveAttachment(a, f.Window(), id, i, at.Name) })
		save.Importance = widget.LowImportance
		box.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), save,
			widget.NewLabel(at.Name+" ("+sizeText(at.Size)+")")))
	}
	if !f.ReadOnly() {
		id, from := m.ID, f.Deal.ID
		mv := widget.NewButtonWithIcon(lang.L("Move to another deal…"), theme.MailForwardIcon(), func() { moveEmailToDeal(f, id, from) })
		nw := widget.NewButtonWithIcon(lang.L("Move to a new deal"), theme.ContentAddIcon(), func() { moveEmailToNew(a, id) })
		mv.Importance, nw.Importance = widget.LowImportance, widget.LowImportance
		t.moves[id] = [2]*widget.Button{mv, nw}
		box.Add(container.NewHBox(mv, nw))
	}
	if len(box.Objects) == 0 {
		return nil
	}
	return box
}

// moveEmailToDeal asks for the deal and moves the email there.
func moveEmailToDeal(f *DealForm, emailID, from int64) {
	a := f.App
	showDealPicker(a, f.Window(), lang.L("Move this email"), func(h data.Hit) {
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

// moveEmailToNew makes a new deal from the email and opens it.
func moveEmailToNew(a *App, emailID int64) {
	me := a.Me.ID
	a.run(func(ctx context.Context) error {
		id, err := a.Store.MoveEmail(ctx, me, emailID, 0)
		if err != nil {
			return err
		}
		a.do(func() {
			if !a.keepClosed {
				a.openDeal(id)
			}
		})
		return nil
	})
}

// linkedBecause says in the person's language why the sync linked an email
// to its deal, from the routing's reason code, on the Emails tab and on the
// email's timeline entry alike; a person's own move keeps data/'s words
// (they name who).
func linkedBecause(reason data.Reason, because string) string {
	switch reason {
	case data.ReasonReply, data.ReasonOurMessageID:
		return lang.L("a reply to an email of this deal")
	case data.ReasonSubjectTag:
		return lang.L("the subject names this deal")
	case data.ReasonOnlyOpenDeal:
		return lang.L("the only open deal of this contact")
	case data.ReasonRepeatDeal:
		return lang.L("a known contact with no open deal: new deal")
	case data.ReasonNewClient:
		return lang.L("new client")
	case data.ReasonOwnReply:
		return lang.L("our own email in this conversation")
	case data.ReasonOwnAddress:
		return lang.L("a reply from one of our addresses, not sent by Comptoir")
	case data.ReasonAutoReply:
		return lang.L("an automatic reply in this conversation")
	}
	return because
}

// timelineMoveAction is the "Move…" button of an email entry of the
// Timeline tab, with the same two choices; nil for other entries, or for a
// reader.
func timelineMoveAction(f *DealForm, e data.Entry) fyne.CanvasObject {
	d, ok := e.Data.(data.EmailData)
	if !ok || d.EmailID == 0 || f.ReadOnly() {
		return nil
	}
	emailID, from := d.EmailID, f.Deal.ID
	var b *widget.Button
	b = widget.NewButtonWithIcon(lang.L("Move…"), theme.MailForwardIcon(), func() {
		menu := fyne.NewMenu("",
			fyne.NewMenuItem(lang.L("Move to another deal…"), func() { moveEmailToDeal(f, emailID, from) }),
			fyne.NewMenuItem(lang.L("Move to a new deal"), func() { moveEmailToNew(f.App, emailID) }))
		widget.ShowPopUpMenuAtRelativePosition(menu, f.Window().Canvas(), fyne.NewPos(0, b.Size().Height), b)
	})
	b.Importance = widget.LowImportance
	return b
}
