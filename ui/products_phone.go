package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The Products tab on a phone, or in a window narrower than narrowWidth (the
// width under which the main window trades its sidebar for a bottom bar):
// each line is a card whose fields sit in a grid under small captions, and
// the totals and the save button stay pinned below the scrolling lines. The
// tab changes layout live when its window is resized across that width.

// phoneLayout reports whether content shown in win, laid out at size, uses
// the phone layout: on a phone always, elsewhere when the window is narrower
// than narrowWidth, as the main window's frame decides (frameLayout.narrow).
// known is false while neither the window nor the content has a width yet.
func phoneLayout(a *App, win fyne.Window, size fyne.Size) (narrow, known bool) {
	if a.Mobile {
		return true, true
	}
	w := size.Width
	if win != nil {
		if cw := win.Canvas().Size().Width; cw > 0 {
			w = cw
		}
	}
	if w <= 0 {
		return false, false
	}
	return w < narrowWidth, true
}

// narrowSwitch is a layout holding one object built for the wide or the
// narrow (phone) layout; it builds it again, from the same widgets, when
// decide says the width crossed the threshold.
type narrowSwitch struct {
	box    *fyne.Container
	narrow bool
	decide func(fyne.Size) (narrow, known bool)
	build  func(narrow bool) fyne.CanvasObject
}

// newNarrowSwitch builds the content for narrow now; its box is the object
// to show.
func newNarrowSwitch(narrow bool, decide func(fyne.Size) (bool, bool), build func(bool) fyne.CanvasObject) *narrowSwitch {
	s := &narrowSwitch{narrow: narrow, decide: decide, build: build}
	s.box = container.New(s, build(narrow))
	return s
}

func (s *narrowSwitch) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if n, ok := s.decide(size); ok && n != s.narrow {
		s.narrow = n
		s.box.Objects = []fyne.CanvasObject{s.build(n)}
		objs = s.box.Objects
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize lets the window shrink below the wide layout's width (as the main
// frame does), so that it can reach the phone layout.
func (s *narrowSwitch) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	m.Width = fyne.Min(m.Width, 320)
	return m
}

// buildPhone lays the tab out for a phone: the catalog search, the line
// cards, the tax breakdown and the documents scroll; the totals and the
// buttons stay below them.
func (t *productsTab) buildPhone() fyne.CanvasObject {
	// The status (a catalog price in another currency, "Saved.", a
	// document made) follows the lines, so that the pinned part stays short.
	t.status.Wrapping = fyne.TextWrapWord
	setVisible(t.status, t.status.Text != "")
	t.invalidShown = t.invalid.Visible()
	adder := container.NewBorder(nil, t.results, nil, t.addFree, t.search)
	taxes := container.New(layout.NewFormLayout(), widget.NewLabel(lang.L("Tax")), t.byRate)
	lines := container.NewStack(t.empty, t.list)
	body := container.NewVBox(
		adder,
		lines,
		t.status,
		taxes,
		widget.NewSeparator(),
		t.docs.root,
	)
	totals := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Total excl. tax")), t.net,
		widget.NewLabelWithStyle(lang.L("Total incl. tax"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), t.gross)
	// "Discard changes" is an undo icon beside a wide save button.
	t.revertBtn.SetText("")
	t.revertBtn.SetIcon(theme.ContentUndoIcon())
	buttons := container.NewBorder(nil, nil, t.revertBtn, nil, t.saveBtn)
	footer := container.NewVBox(widget.NewSeparator(), container.NewPadded(container.NewVBox(t.invalid, totals, buttons)))
	t.phoneScroll = container.NewVScroll(container.NewPadded(body))
	t.phoneParents = []fyne.CanvasObject{t.list, lines, body}
	return container.NewBorder(nil, footer, nil, nil, t.phoneScroll)
}

// reveal scrolls the phone layout to a line's card (a line just added
// lands under the others, out of view on a small screen).
func (t *productsTab) reveal(r *lineRow) {
	if !t.narrow || t.phoneScroll == nil {
		return
	}
	// A card not drawn yet has no place on the canvas: add up the
	// positions, each in its parent, up to the scrolled content.
	y := r.root.Position().Y
	for _, o := range t.phoneParents {
		y += o.Position().Y
	}
	y = fyne.Min(y, t.phoneScroll.Content.Size().Height-t.phoneScroll.Size().Height)
	t.phoneScroll.ScrollToOffset(fyne.NewPos(0, fyne.Max(y, 0)))
}

// buildCard lays one line out as a card: the name with the remove button,
// the figures in a grid under captions, then the reorder buttons and the
// line's totals.
func (r *lineRow) buildCard() fyne.CanvasObject {
	field := func(label string, o fyne.CanvasObject) fyne.CanvasObject {
		c := canvas.NewText(label, theme.Color(theme.ColorNamePlaceHolder))
		c.TextSize = theme.CaptionTextSize()
		return container.NewVBox(container.NewPadded(c), o)
	}
	head := container.NewBorder(nil, nil, nil, r.del, r.name)
	grid := container.NewGridWithColumns(3,
		field(lang.L("Qty"), r.qty),
		field(lang.L("Unit"), r.unit),
		field(lang.L("Unit price"), r.price),
		field(lang.L("Discount"), container.NewBorder(nil, nil, nil, sizedWidth(r.discKind, 64), r.discount)),
		field(lang.L("Tax"), r.rate),
		field(" ", r.included),
	)
	foot := container.NewBorder(nil, nil, container.NewHBox(r.up, r.down), r.total, r.detail)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	bg.StrokeWidth = 1
	return container.NewStack(bg, container.NewPadded(container.NewVBox(head, grid, foot, r.err)))
}

// tabStatus is the Products tab's status line; it tells the tab when its
// text changes, so that on a phone it takes no room while empty.
type tabStatus struct {
	widget.Label
	changed func()
}

func newTabStatus(changed func()) *tabStatus {
	l := &tabStatus{changed: changed}
	l.Importance = widget.LowImportance
	l.ExtendBaseWidget(l)
	return l
}

// SetText shows text and tells the tab.
func (l *tabStatus) SetText(text string) {
	l.Label.SetText(text)
	l.changed()
}

// fitPhone lays the phone layout out again after the status line or the
// error under the lines appeared or went: they change the height of the
// scrolling part or of the pinned totals, which their containers do not
// follow by themselves. The desktop layout keeps its status line.
func (t *productsTab) fitPhone() {
	if !t.narrow || t.root == nil {
		return
	}
	if want := t.status.Text != ""; want != t.status.Visible() {
		setVisible(t.status, want)
	} else if t.invalid.Visible() == t.invalidShown {
		return
	}
	t.invalidShown = t.invalid.Visible()
	t.root.Refresh()
}
