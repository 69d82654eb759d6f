package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
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
