package ui

import (
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newErrorLabel is the red line under a form field that shows its
// validation error; hidden while empty.
func newErrorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.TextStyle = fyne.TextStyle{Italic: true}
	l.Hide()
	return l
}

// setError shows msg under a field, or hides the label when msg is "".
func setError(l *widget.Label, msg string) {
	l.SetText(msg)
	if msg == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// fieldRow is a labelled field with its error line under it.
func fieldRow(label string, field fyne.CanvasObject, errLabel *widget.Label) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewVBox(l, field, errLabel)
}

// parseColor reads "#rrggbb"; a bad value is a neutral grey.
func parseColor(s string) color.NRGBA {
	c := color.NRGBA{R: 0x8c, G: 0x9a, B: 0xa6, A: 0xff}
	if len(s) != 7 || s[0] != '#' {
		return c
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return c
	}
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// lighten mixes c with white (f in 0..1 of white).
func lighten(c color.NRGBA, f float32) color.NRGBA {
	mix := func(v uint8) uint8 { return uint8(float32(v) + (255-float32(v))*f) }
	return color.NRGBA{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: c.A}
}

// readableOn is black or white, whichever reads better on c.
func readableOn(c color.NRGBA) color.Color {
	if int(c.R)*299+int(c.G)*587+int(c.B)*114 > 150000 {
		return color.NRGBA{R: 0x1f, G: 0x29, B: 0x33, A: 0xff}
	}
	return color.White
}

// heading is a bold label.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// badge is a small rounded coloured label.
func badge(text string, bg color.Color, fg color.Color) *fyne.Container {
	r := canvas.NewRectangle(bg)
	r.CornerRadius = 4
	t := canvas.NewText(text, fg)
	t.TextSize = theme.CaptionTextSize()
	return container.NewStack(r, container.New(layout.NewCustomPaddedLayout(1, 1, 6, 6), t))
}

// tapBox makes any content tappable.
type tapBox struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
}

func newTapBox(content fyne.CanvasObject, onTap func()) *tapBox {
	t := &tapBox{content: content, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tapBox) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }

func (t *tapBox) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap()
	}
}

// Cursor shows a hand over tappable content on the desktop.
func (t *tapBox) Cursor() desktop.Cursor { return desktop.PointerCursor }

// tint is c made translucent, so it reads on light and dark themes.
func tint(c color.NRGBA, alpha uint8) color.NRGBA {
	c.A = alpha
	return c
}

// dialogSize is a dialog's size: width w, narrower on a small window; the
// height follows the content.
func dialogSize(win fyne.Window, w float32) fyne.Size {
	if win != nil {
		if cw := win.Canvas().Size().Width; cw > 0 && cw-2*theme.Padding() < w+40 {
			w = cw - 40
		}
	}
	return fyne.NewSize(w, 0)
}

// checkGrid is a multiple choice laid out in columns, so that a long list
// (the observers of a deal) wraps instead of widening the form.
type checkGrid struct {
	*fyne.Container
	checks   []*widget.Check
	disabled bool
}

func newCheckGrid(cols int) *checkGrid {
	return &checkGrid{Container: container.NewGridWithColumns(cols)}
}

// set shows options with the chosen ones checked.
func (g *checkGrid) set(options, chosen []string) {
	g.checks = g.checks[:0]
	objs := make([]fyne.CanvasObject, 0, len(options))
	for _, o := range options {
		c := widget.NewCheck(o, nil)
		for _, x := range chosen {
			if x == o {
				c.Checked = true
			}
		}
		if g.disabled {
			c.Disable()
		}
		g.checks = append(g.checks, c)
		objs = append(objs, c)
	}
	g.Objects = objs
	g.Refresh()
}

func (g *checkGrid) selected() []string {
	var out []string
	for _, c := range g.checks {
		if c.Checked {
			out = append(out, c.Text)
		}
	}
	return out
}

func (g *checkGrid) Disable() {
	g.disabled = true
	for _, c := range g.checks {
		c.Disable()
	}
}

func (g *checkGrid) Enable() {
	g.disabled = false
	for _, c := range g.checks {
		c.Enable()
	}
}

func (g *checkGrid) Disabled() bool { return g.disabled }
