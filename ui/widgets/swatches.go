package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Swatches is a row of colour swatches to choose one from; the chosen one
// is outlined.
type Swatches struct {
	widget.BaseWidget
	// OnChanged is called with the colour chosen by a tap.
	OnChanged func(color string)

	colors   []string
	selected string
	marks    []*canvas.Rectangle
	grid     *fyne.Container
}

// NewSwatches offers colors ("#rrggbb"), the first one chosen.
func NewSwatches(colors []string, onChanged func(string)) *Swatches {
	s := &Swatches{OnChanged: onChanged, colors: colors, grid: container.NewGridWithColumns(max(len(colors), 1))}
	for _, c := range colors {
		r := canvas.NewRectangle(ParseColor(c))
		r.CornerRadius = 4
		r.SetMinSize(fyne.NewSize(28, 28))
		r.StrokeColor = theme.Color(theme.ColorNameForeground)
		s.marks = append(s.marks, r)
		s.grid.Add(NewTapBox(r, func() {
			s.SetSelected(c)
			if s.OnChanged != nil {
				s.OnChanged(c)
			}
		}))
	}
	if len(colors) > 0 {
		s.SetSelected(colors[0])
	}
	s.ExtendBaseWidget(s)
	return s
}

// CreateRenderer shows the swatches in a row.
func (s *Swatches) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.grid) }

// Selected is the chosen colour.
func (s *Swatches) Selected() string { return s.selected }

// SetSelected outlines colour c (a colour not offered outlines none).
func (s *Swatches) SetSelected(c string) {
	s.selected = c
	for i, m := range s.marks {
		if s.colors[i] == c {
			m.StrokeWidth = 3
		} else {
			m.StrokeWidth = 0
		}
		m.Refresh()
	}
}

// Swatch is the i-th swatch (tests tap it).
func (s *Swatches) Swatch(i int) *TapBox { return s.grid.Objects[i].(*TapBox) }
