package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/ui/widgets"
)

// stagePalette are the colours offered for a new stage.
var stagePalette = []string{"#39a8ef", "#2fc6f6", "#55d0e0", "#47e4c2", "#7bd500", "#ffa900", "#ff5752", "#b571e8", "#8c9aa6"}

// moveDeal moves a deal to a stage, asking first when the stage closes it:
// "Deal won" confirms, "Deal lost" asks for the reason (refused when empty).
// done, if set, gets the moved deal (UI goroutine).
func (a *App) moveDeal(win fyne.Window, dealID int64, p data.Pipeline, st data.Stage, done func(data.Deal)) {
	if win == nil {
		win = a.Win
	}
	move := func(reason string, onErr func(error) bool, onOK func()) {
		me := a.Me.ID
		a.run(func(ctx context.Context) error {
			d, err := a.Store.MoveDeal(ctx, me, dealID, st.ID, reason)
			a.do(func() {
				if err != nil {
					if onErr == nil || !onErr(err) {
						a.showErrorIn(win, err)
					}
					return
				}
				if onOK != nil {
					onOK()
				}
				if done != nil {
					done(d)
				}
			})
			return nil
		})
	}
	switch st.Semantics {
	case data.StatusWon:
		dialog.ShowConfirm(lang.L("Deal won"), lang.L("Close this deal as won?"), func(ok bool) {
			if ok {
				move("", nil, nil)
			}
		}, win)
	case data.StatusLost:
		a.lost = newLostDialog(win, func(reason string, d *lostDialog) {
			move(reason, func(err error) bool {
				if v := data.FieldErrors(err); v != nil {
					if f := v.Field("lost_reason"); f != nil {
						setError(d.err, fieldMessage(*f))
						return true
					}
				}
				return false
			}, d.close)
		})
	default:
		move("", nil, nil)
	}
}

// lostDialog asks why a deal was lost. The reason is checked by data/: an
// empty one is refused there and the error shows under the field.
type lostDialog struct {
	dlg    dialog.Dialog
	reason *widget.Entry
	err    *widget.Label
	ok     *widget.Button
	closed bool
}

func (d *lostDialog) close() {
	d.closed = true
	d.dlg.Hide()
}

func newLostDialog(win fyne.Window, submit func(reason string, d *lostDialog)) *lostDialog {
	d := &lostDialog{reason: widget.NewMultiLineEntry(), err: newErrorLabel()}
	d.reason.SetPlaceHolder(lang.L("Why was the deal lost?"))
	d.reason.SetMinRowsVisible(3)
	cancel := widget.NewButton(lang.L("Cancel"), d.close)
	d.ok = widget.NewButtonWithIcon(lang.L("Close as lost"), theme.ConfirmIcon(), func() {
		setError(d.err, "")
		submit(d.reason.Text, d)
	})
	d.ok.Importance = widget.DangerImportance
	body := container.NewVBox(fieldRow(lang.L("Reason"), d.reason, d.err), container.NewGridWithColumns(2, cancel, d.ok))
	d.dlg = dialog.NewCustomWithoutButtons(lang.L("Deal lost"), body, win)
	d.dlg.Resize(dialogSize(win, 420))
	d.dlg.Show()
	return d
}

// addStageDialog asks for a new stage's name and colour and adds it before
// the pipeline's closing stages. Only shown to those who may configure.
func (a *App) addStageDialog(win fyne.Window, p data.Pipeline, done func(data.Stage)) {
	if win == nil {
		win = a.Win
	}
	name := widget.NewEntry()
	name.SetPlaceHolder(lang.L("Stage name"))
	nameErr := newErrorLabel()
	swatches := widgets.NewSwatches(stagePalette, nil)
	pos, prob := len(p.Stages), 0
	for i, st := range p.Stages {
		if st.Semantics != data.StatusOpen {
			pos = i
			break
		}
		prob = st.Probability
	}
	var dlg dialog.Dialog
	add := widget.NewButtonWithIcon(lang.L("Add stage"), theme.ContentAddIcon(), func() {
		setError(nameErr, "")
		in := data.StageInput{Name: name.Text, Color: swatches.Selected(), Probability: prob, Semantics: data.StatusOpen}
		me := a.Me.ID
		a.run(func(ctx context.Context) error {
			st, err := a.Store.AddStage(ctx, me, p.ID, pos, in)
			a.do(func() {
				if v := data.FieldErrors(err); v != nil && v.Field("name") != nil {
					setError(nameErr, fieldMessage(*v.Field("name")))
					return
				}
				if err != nil {
					a.showErrorIn(win, err)
					return
				}
				dlg.Hide()
				if done != nil {
					done(st)
				}
			})
			return nil
		})
	})
	add.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() })
	body := container.NewVBox(fieldRow(lang.L("Name"), name, nameErr), heading(lang.L("Colour")), swatches,
		container.NewGridWithColumns(2, cancel, add))
	dlg = dialog.NewCustomWithoutButtons(lang.L("New stage"), body, win)
	dlg.Resize(dialogSize(win, 420))
	dlg.Show()
	win.Canvas().Focus(name)
}

// stageBar is the deal form's stage bar (widgets.StageBar) and what its
// taps do: move the deal to an open stage, or close it as won or lost.
type stageBar struct {
	f    *DealForm
	view *widgets.StageBar
	// closeBtns are the buttons of the last "close deal" dialog (tests)
	closeBtns []*widget.Button
}

func newStageBar(f *DealForm) *stageBar {
	v := widgets.NewStageBar()
	v.Scroll = f.App.Mobile // a phone scrolls the bar sideways
	return &stageBar{f: f, view: v}
}

// set draws the bar for the pipeline and the deal's current stage.
func (b *stageBar) set(p data.Pipeline, d data.Deal) {
	f := b.f
	a := f.App
	var cur data.Stage
	var finals []data.Stage
	for _, st := range p.Stages {
		if st.ID == d.StageID {
			cur = st
		}
		if st.Semantics != data.StatusOpen {
			finals = append(finals, st)
		}
	}
	v := b.view
	v.OnStage, v.OnClose, v.OnAdd = nil, nil, nil
	switch {
	case d.ID == 0:
		// a new deal: choose the stage it starts in
		v.OnStage = func(st data.Stage) {
			f.newStage = st.ID
			b.set(p, f.barDeal())
		}
	case !f.ReadOnly():
		v.OnStage = func(st data.Stage) { b.tap(p, st) }
		v.OnClose = func() { b.askClose(p, finals, cur) }
	}
	if a.Me.CanConfigure() && d.ID != 0 {
		v.OnAdd = func() { a.addStageDialog(f.Window(), p, nil) }
	}
	v.Set(p.Stages, d.StageID, lang.L("Close deal"), d.LostReason)
}

// tap moves to an open stage (reopening a closed deal asks first).
func (b *stageBar) tap(p data.Pipeline, st data.Stage) {
	f := b.f
	if f.Deal.StageID == st.ID {
		return
	}
	if f.dirty() {
		dialog.ShowInformation(lang.L("Unsaved changes"), lang.L("Save or discard your changes before moving the deal."), f.Window())
		return
	}
	if f.Deal.Status != data.StatusOpen {
		dialog.ShowConfirm(lang.L("Reopen the deal"), lang.L("Move this closed deal back to “{{.Stage}}”?", map[string]any{"Stage": st.Name}), func(ok bool) {
			if ok {
				f.App.moveDeal(f.Window(), f.Deal.ID, p, st, f.moved)
			}
		}, f.Window())
		return
	}
	f.App.moveDeal(f.Window(), f.Deal.ID, p, st, f.moved)
}

// askClose offers the closing stages: "Deal won" / "Deal lost".
func (b *stageBar) askClose(p data.Pipeline, finals []data.Stage, cur data.Stage) {
	f := b.f
	if f.dirty() {
		dialog.ShowInformation(lang.L("Unsaved changes"), lang.L("Save or discard your changes before moving the deal."), f.Window())
		return
	}
	var dlg dialog.Dialog
	btns := container.NewVBox()
	b.closeBtns = nil
	per := map[data.Semantics]int{}
	for _, st := range finals {
		per[st.Semantics]++
	}
	for _, st := range finals {
		st := st
		label := st.Name
		if per[st.Semantics] == 1 { // else the stage names tell them apart
			switch st.Semantics {
			case data.StatusWon:
				label = lang.L("Deal won")
			case data.StatusLost:
				label = lang.L("Deal lost")
			}
		}
		btn := widget.NewButton(label, func() {
			dlg.Hide()
			f.App.moveDeal(f.Window(), f.Deal.ID, p, st, f.moved)
		})
		if st.Semantics == data.StatusWon {
			btn.Importance = widget.SuccessImportance
		} else {
			btn.Importance = widget.DangerImportance
		}
		if st.ID == cur.ID {
			btn.Disable()
		}
		btns.Add(btn)
		b.closeBtns = append(b.closeBtns, btn)
	}
	btns.Add(widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() }))
	dlg = dialog.NewCustomWithoutButtons(lang.L("Close deal"), btns, f.Window())
	dlg.Show()
}
