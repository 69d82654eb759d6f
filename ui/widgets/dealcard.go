package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// CardView is what a deal card shows, already in the person's words.
type CardView struct {
	DealID  int64
	StageID int64  // the column the card sits in
	Color   string // the stage's colour, "#rrggbb", for the stripe

	Title       string
	Client      string
	Amount      string
	Responsible string
	// Activity is when the next activity is due; "" hides the badge,
	// Overdue makes it red.
	Activity string
	Overdue  bool
}

// DealCard is a deal on the board: title, client, amount, responsible and
// the next activity. A tap calls OnTapped (open the deal); the ⋮ button
// calls OnPick (choose another stage: the way to move a deal on a phone).
type DealCard struct {
	widget.BaseWidget
	OnTapped func(v CardView)
	OnPick   func(v CardView, anchor fyne.CanvasObject)

	v CardView

	bg       *canvas.Rectangle
	stripe   *canvas.Rectangle
	title    *widget.Label
	client   *widget.Label
	amount   *canvas.Text
	resp     *widget.Label
	activity *fyne.Container
	actText  *canvas.Text
	actBG    *canvas.Rectangle
	picker   *widget.Button
	content  fyne.CanvasObject
}

// NewDealCard is an empty card; Set fills it.
func NewDealCard() *DealCard {
	c := &DealCard{}
	c.ExtendBaseWidget(c)
	c.build()
	return c
}

func (c *DealCard) build() {
	c.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	c.bg.CornerRadius = theme.InputRadiusSize() * 1.5
	c.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	c.bg.StrokeWidth = 1
	c.stripe = canvas.NewRectangle(color.Transparent)
	c.stripe.SetMinSize(fyne.NewSize(4, 0))
	c.stripe.CornerRadius = 2
	c.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.title.Truncation = fyne.TextTruncateEllipsis
	c.client = widget.NewLabel("")
	c.client.Truncation = fyne.TextTruncateEllipsis
	c.amount = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	c.amount.TextStyle = fyne.TextStyle{Bold: true}
	c.resp = widget.NewLabel("")
	c.resp.SizeName = theme.SizeNameCaptionText
	c.resp.Truncation = fyne.TextTruncateEllipsis
	c.actBG = canvas.NewRectangle(color.Transparent)
	c.actBG.CornerRadius = 4
	c.actText = canvas.NewText("", color.White)
	c.actText.TextSize = theme.CaptionTextSize()
	c.activity = container.NewStack(c.actBG, container.New(layout.NewCustomPaddedLayout(2, 2, 6, 6), c.actText))
	c.picker = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), func() {
		if c.OnPick != nil {
			c.OnPick(c.v, c.picker)
		}
	})
	c.picker.Importance = widget.LowImportance
	tight := layout.NewCustomPaddedLayout(-4, -4, 0, 0)
	top := container.NewBorder(nil, nil, nil, c.picker, c.title)
	lines := container.NewVBox(
		top,
		container.New(tight, c.client),
		container.NewBorder(nil, nil, container.NewPadded(c.amount), container.NewCenter(c.activity), c.resp),
	)
	c.content = container.NewStack(c.bg, container.NewBorder(nil, nil, container.New(layout.NewCustomPaddedLayout(8, 8, 6, 0), c.stripe), nil, lines))
}

// CreateRenderer draws the card with a margin around it.
func (c *DealCard) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.New(layout.NewCustomPaddedLayout(3, 3, 6, 6), c.content))
}

// View is what the card shows.
func (c *DealCard) View() CardView { return c.v }

// Set shows v (nothing is redrawn when the card already shows it).
func (c *DealCard) Set(v CardView) {
	if v == c.v && v.DealID != 0 {
		return
	}
	c.v = v
	c.stripe.FillColor = ParseColor(v.Color)
	c.stripe.Refresh()
	c.title.SetText(v.Title)
	c.client.SetText(v.Client)
	c.amount.Text = v.Amount
	c.amount.Refresh()
	c.resp.SetText(v.Responsible)
	if v.Activity == "" {
		c.activity.Hide()
		return
	}
	c.actText.Text = v.Activity
	if v.Overdue {
		c.actBG.FillColor = theme.Color(theme.ColorNameError)
	} else {
		c.actBG.FillColor = theme.Color(theme.ColorNamePrimary)
	}
	c.actText.Color = color.White
	c.actBG.Refresh()
	c.actText.Refresh()
	c.activity.Show()
}

// Tapped calls OnTapped with the card's deal.
func (c *DealCard) Tapped(*fyne.PointEvent) {
	if c.v.DealID != 0 && c.OnTapped != nil {
		c.OnTapped(c.v)
	}
}

// Cursor is a hand: the card opens on a click.
func (c *DealCard) Cursor() desktop.Cursor { return desktop.PointerCursor }

// DragCard is a DealCard that can be dragged (desktop): OnDragged follows
// the pointer, OnDragEnd is the drop.
type DragCard struct {
	DealCard
	OnDragged func(v CardView, ev *fyne.DragEvent)
	OnDragEnd func(v CardView)
}

// NewDragCard is an empty draggable card; Set fills it.
func NewDragCard() *DragCard {
	c := &DragCard{}
	c.ExtendBaseWidget(c)
	c.build()
	return c
}

// CreateRenderer draws the card.
func (c *DragCard) CreateRenderer() fyne.WidgetRenderer { return c.DealCard.CreateRenderer() }

// Dragged reports the pointer's move.
func (c *DragCard) Dragged(ev *fyne.DragEvent) {
	if c.OnDragged != nil {
		c.OnDragged(c.v, ev)
	}
}

// DragEnd reports the drop.
func (c *DragCard) DragEnd() {
	if c.OnDragEnd != nil {
		c.OnDragEnd(c.v)
	}
}
