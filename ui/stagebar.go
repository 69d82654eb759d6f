package ui

import (
	"context"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
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
			uiDo(func() {
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
	colour := stagePalette[0]
	swatches := container.NewGridWithColumns(len(stagePalette))
	var marks []*canvas.Rectangle
	for _, c := range stagePalette {
		c := c
		r := canvas.NewRectangle(parseColor(c))
		r.CornerRadius = 4
		r.SetMinSize(fyne.NewSize(28, 28))
		r.StrokeColor = theme.Color(theme.ColorNameForeground)
		marks = append(marks, r)
		swatches.Add(newTapBox(r, func() {
			colour = c
			for i, m := range marks {
				if stagePalette[i] == c {
					m.StrokeWidth = 3
				} else {
					m.StrokeWidth = 0
				}
				m.Refresh()
			}
		}))
	}
	marks[0].StrokeWidth = 3
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
		in := data.StageInput{Name: name.Text, Color: colour, Probability: prob, Semantics: data.StatusOpen}
		me := a.Me.ID
		a.run(func(ctx context.Context) error {
			st, err := a.Store.AddStage(ctx, me, p.ID, pos, in)
			uiDo(func() {
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

// stageBar is the row of coloured stage segments across the top of a deal
// form. Open stages are segments; the closing stages share the last one,
// which asks "won or lost". Tapping a segment moves the deal.
type stageBar struct {
	f    *DealForm
	root *fyne.Container
	segs []*stageSegment
	plus *widget.Button
	// closeBtns are the buttons of the last "close deal" dialog (tests)
	closeBtns []*widget.Button
}

type stageSegment struct {
	stage data.Stage
	final bool // the closing segment
	bg    *canvas.Rectangle
	text  *canvas.Text
	box   *tapBox
}

func newStageBar(f *DealForm) *stageBar {
	b := &stageBar{f: f, root: container.NewStack()}
	return b
}

// set draws the bar for the pipeline and the deal's current stage.
func (b *stageBar) set(p data.Pipeline, d data.Deal) {
	f := b.f
	a := f.App
	b.segs = b.segs[:0]
	seg := &segmentsLayout{}
	if a.Mobile {
		seg.minSeg = 88 // a phone scrolls the bar sideways
	}
	row := container.New(seg)
	var cur data.Stage
	curIdx := -1
	for i, st := range p.Stages {
		if st.ID == d.StageID {
			cur, curIdx = st, i
		}
	}
	var finals []data.Stage
	for i, st := range p.Stages {
		if st.Semantics != data.StatusOpen {
			finals = append(finals, st)
			continue
		}
		st := st
		seg := &stageSegment{stage: st}
		filled := cur.Semantics == data.StatusOpen && i <= curIdx
		seg.draw(st.Name, st.Color, filled, st.ID == d.StageID)
		switch {
		case d.ID == 0:
			// a new deal: choose the stage it starts in
			seg.box.onTap = func() {
				f.newStage = st.ID
				b.set(p, f.barDeal())
			}
		case !f.ReadOnly():
			seg.box.onTap = func() { b.tap(p, st) }
		}
		b.segs = append(b.segs, seg)
		row.Add(seg.box)
	}
	if len(finals) > 0 {
		seg := &stageSegment{final: true}
		switch cur.Semantics {
		case data.StatusWon, data.StatusLost:
			seg.stage = cur
			label := cur.Name
			if cur.Semantics == data.StatusLost && d.LostReason != "" {
				label += " · " + d.LostReason
			}
			seg.draw(label, cur.Color, true, true)
		default:
			seg.draw(lang.L("Close deal"), "#8c9aa6", false, false)
		}
		if !f.ReadOnly() && d.ID != 0 {
			seg.box.onTap = func() { b.askClose(p, finals, cur) }
		}
		b.segs = append(b.segs, seg)
		row.Add(seg.box)
	}
	var rowObj fyne.CanvasObject = row
	if a.Mobile {
		rowObj = container.NewHScroll(row)
	}
	objs := []fyne.CanvasObject{rowObj}
	if a.Me.CanConfigure() && d.ID != 0 {
		b.plus = widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() {
			a.addStageDialog(f.Window(), p, nil)
		})
		b.plus.Importance = widget.LowImportance
		objs = []fyne.CanvasObject{container.NewBorder(nil, nil, nil, b.plus, rowObj)}
	}
	b.root.Objects = objs
	b.root.Refresh()
}

func (s *stageSegment) draw(label, hex string, filled, current bool) {
	base := parseColor(hex)
	fill := base
	if !filled {
		fill = lighten(color.NRGBA{R: 0x8c, G: 0x9a, B: 0xa6, A: 0xff}, 0.75)
	}
	s.bg = canvas.NewRectangle(fill)
	s.bg.CornerRadius = 4
	if current {
		s.bg.StrokeColor = theme.Color(theme.ColorNameForeground)
		s.bg.StrokeWidth = 2
	}
	fg := readableOn(fill)
	s.text = canvas.NewText(label, fg)
	s.text.TextStyle = fyne.TextStyle{Bold: current}
	s.text.Alignment = fyne.TextAlignCenter
	s.text.TextSize = theme.TextSize() * 0.9
	s.box = newTapBox(container.NewStack(s.bg, container.New(layout.NewCustomPaddedLayout(7, 7, 6, 6), container.New(&truncLayout{full: label}, s.text))), nil)
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

// segmentsLayout shares the width between segments, with a small gap;
// each is at least minSeg wide.
type segmentsLayout struct{ minSeg float32 }

func (l segmentsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 {
		return
	}
	gap := float32(3)
	w := max((size.Width-gap*float32(len(objs)-1))/float32(len(objs)), l.minSeg)
	for i, o := range objs {
		o.Move(fyne.NewPos(float32(i)*(w+gap), 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

func (l segmentsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(len(objs))*max(40, l.minSeg+3), h)
}

// truncLayout sizes one canvas.Text and cuts its text with an ellipsis so
// that it fits the width it is given.
type truncLayout struct{ full string }

func (l *truncLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		t, ok := o.(*canvas.Text)
		if !ok {
			continue
		}
		t.Text = l.full
		rs := []rune(l.full)
		for len(rs) > 1 && fyne.MeasureText(t.Text, t.TextSize, t.TextStyle).Width > size.Width {
			rs = rs[:len(rs)-1]
			t.Text = strings.TrimSpace(string(rs)) + "…"
		}
		t.Move(fyne.NewPos(0, 0))
		t.Resize(size)
	}
}

func (l *truncLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		if t, ok := o.(*canvas.Text); ok {
			h = max(h, fyne.MeasureText("Ag", t.TextSize, t.TextStyle).Height)
		}
	}
	return fyne.NewSize(16, h)
}
