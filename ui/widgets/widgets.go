// Package widgets holds the reusable widgets of the window: the stage bar,
// the deal card, colour swatches, the entry that hears Escape, a tappable
// box and a grid of checks. They take their data in (already in the
// person's words) and report gestures through callbacks; they know nothing
// of the App, the database or the screens that use them.
package widgets

import (
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// ParseColor reads "#rrggbb"; a bad value is a neutral grey.
func ParseColor(s string) color.NRGBA {
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

// Lighten mixes c with white (f in 0..1 of white).
func Lighten(c color.NRGBA, f float32) color.NRGBA {
	mix := func(v uint8) uint8 { return uint8(float32(v) + (255-float32(v))*f) }
	return color.NRGBA{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: c.A}
}

// ReadableOn is black or white, whichever reads better on c.
func ReadableOn(c color.NRGBA) color.Color {
	if int(c.R)*299+int(c.G)*587+int(c.B)*114 > 150000 {
		return color.NRGBA{R: 0x1f, G: 0x29, B: 0x33, A: 0xff}
	}
	return color.White
}

// Tint is c made translucent, so it reads on light and dark themes.
func Tint(c color.NRGBA, alpha uint8) color.NRGBA {
	c.A = alpha
	return c
}

// TapBox makes any content tappable.
type TapBox struct {
	widget.BaseWidget
	content fyne.CanvasObject
	// OnTapped is called on a tap; nil: the box does nothing.
	OnTapped func()
}

// NewTapBox wraps content; onTap may be nil.
func NewTapBox(content fyne.CanvasObject, onTap func()) *TapBox {
	t := &TapBox{content: content, OnTapped: onTap}
	t.ExtendBaseWidget(t)
	return t
}

// CreateRenderer shows the content.
func (t *TapBox) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }

// Tapped calls OnTapped.
func (t *TapBox) Tapped(*fyne.PointEvent) {
	if t.OnTapped != nil {
		t.OnTapped()
	}
}

// Cursor shows a hand over tappable content on the desktop.
func (t *TapBox) Cursor() desktop.Cursor { return desktop.PointerCursor }

// EscEntry is an entry that calls OnEscape when Escape is pressed (the
// global search closes its results).
type EscEntry struct {
	widget.Entry
	OnEscape func()
}

// NewEscEntry is an entry whose Escape calls onEsc.
func NewEscEntry(onEsc func()) *EscEntry {
	e := &EscEntry{OnEscape: onEsc}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey handles Escape, and passes every other key to the entry.
func (e *EscEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.OnEscape != nil {
		e.OnEscape()
		return
	}
	e.Entry.TypedKey(k)
}
