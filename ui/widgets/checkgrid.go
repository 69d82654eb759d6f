package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// CheckGrid is a multiple choice laid out in columns, so that a long list
// (the observers of a deal) wraps instead of widening the form.
type CheckGrid struct {
	*fyne.Container
	checks   []*widget.Check
	disabled bool
}

// NewCheckGrid is an empty grid of cols columns.
func NewCheckGrid(cols int) *CheckGrid {
	return &CheckGrid{Container: container.NewGridWithColumns(cols)}
}

// Set shows options with the chosen ones checked.
func (g *CheckGrid) Set(options, chosen []string) {
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

// Selected is the checked options, in order.
func (g *CheckGrid) Selected() []string {
	var out []string
	for _, c := range g.checks {
		if c.Checked {
			out = append(out, c.Text)
		}
	}
	return out
}

// Disable makes every check read-only.
func (g *CheckGrid) Disable() {
	g.disabled = true
	for _, c := range g.checks {
		c.Disable()
	}
}

// Enable makes the checks editable again.
func (g *CheckGrid) Enable() {
	g.disabled = false
	for _, c := range g.checks {
		c.Enable()
	}
}

// Disabled reports whether the checks are read-only.
func (g *CheckGrid) Disabled() bool { return g.disabled }
