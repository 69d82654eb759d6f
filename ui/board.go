package ui

import (
	"context"
	"image/color"
	"log/slog"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// firstBoard logs once per process how long the first board took.
var firstBoard sync.Once

const (
	columnWidth = 272
	cardsPage   = 40
)

// boardView is the kanban: a column per stage, each a virtualised list that
// loads more cards as it scrolls.
type boardView struct {
	s     *dealsScreen
	root  *fyne.Container
	box   *fyne.Container // the columns
	ghost *fyne.Container // the card following the pointer while dragging
	layer *fyne.Container // the ghost's layer over the board
	cols  []*boardColumn
	seq   int

	dragging  *dealCard
	dragPos   fyne.Position // absolute pointer position during a drag
	loadedFor int64         // pipeline the columns were built for
}

func newBoardView(s *dealsScreen) *boardView {
	b := &boardView{s: s}
	b.box = container.NewHBox()
	b.ghost = container.NewStack()
	b.ghost.Hide()
	b.layer = container.NewWithoutLayout(b.ghost)
	b.root = container.NewStack(container.NewHScroll(container.NewPadded(b.box)), b.layer)
	return b
}

// reload reads the board of the current pipeline.
func (b *boardView) reload() {
	a := b.s.a
	b.seq++
	seq := b.seq
	pid, mine, me := b.s.pipelineID, b.s.mine.Checked, a.Me.ID
	n := cardsPage
	if pid == b.loadedFor {
		for _, c := range b.cols {
			n = max(n, min(len(c.cards), 400))
		}
	}
	a.run(func(ctx context.Context) error {
		t0 := time.Now()
		cols, err := a.Store.Board(ctx, me, pid, data.BoardOptions{OnlyMine: mine, Cards: n})
		slog.Debug("board read", "took", time.Since(t0))
		if err != nil {
			return err
		}
		uiDo(func() {
			if seq == b.seq {
				b.apply(pid, cols, n)
			}
		})
		return nil
	})
}

// apply shows freshly read columns, keeping the built columns (and their
// scroll positions) when the stages did not change.
func (b *boardView) apply(pid int64, cols []data.Column, asked int) {
	same := pid == b.loadedFor && len(cols) == len(b.cols)
	for i := 0; same && i < len(cols); i++ {
		same = cols[i].Stage.ID == b.cols[i].stage.ID
	}
	if !same {
		// Columns are reused (with their card widgets) when the pipeline
		// changes: only their stage and contents change.
		old := b.cols
		b.cols = make([]*boardColumn, 0, len(cols))
		objs := make([]fyne.CanvasObject, 0, len(cols))
		for i, c := range cols {
			var bc *boardColumn
			if i < len(old) {
				bc = old[i]
				bc.restage(c.Stage)
			} else {
				bc = newBoardColumn(b, c.Stage)
			}
			bc.set(c, len(c.Cards) >= asked)
			b.cols = append(b.cols, bc)
			objs = append(objs, bc.root)
		}
		b.box.Objects = objs // one layout and refresh for the whole board
		b.box.Refresh()
		firstBoard.Do(func() {
			slog.Info("first board shown", "since_start", time.Since(processStart).Round(time.Millisecond), "columns", len(cols))
		})
		b.loadedFor = pid
		return
	}
	for i, c := range cols {
		b.cols[i].set(c, len(c.Cards) >= asked)
	}
}

// column returns the column of a stage (tests).
func (b *boardView) column(stageID int64) *boardColumn {
	for _, c := range b.cols {
		if c.stage.ID == stageID {
			return c
		}
	}
	return nil
}

// columnAt is the column under an absolute position, or nil.
func (b *boardView) columnAt(p fyne.Position) *boardColumn {
	d := fyne.CurrentApp().Driver()
	for _, c := range b.cols {
		pos := d.AbsolutePositionForObject(c.root)
		if p.X >= pos.X && p.X < pos.X+c.root.Size().Width {
			return c
		}
	}
	return nil
}

// boardColumn is one stage on the board.
type boardColumn struct {
	b      *boardView
	stage  data.Stage
	cards  []data.Card
	count  int
	totals []data.Total
	more   bool
	busy   bool
	filled bool // set has run once

	root   *fyne.Container
	bar    *canvas.Rectangle
	bg     *canvas.Rectangle
	name   *widget.Label
	count_ *widget.Label
	sum    *widget.Label
	list   *widget.List
	empty  *widget.Label
	add    *widget.Button
}

func newBoardColumn(b *boardView, st data.Stage) *boardColumn {
	c := &boardColumn{b: b, stage: st}
	col := parseColor(st.Color)
	bar := canvas.NewRectangle(col)
	bar.CornerRadius = 3
	bar.SetMinSize(fyne.NewSize(0, 5))
	c.bar = bar
	c.name = heading(st.Name)
	c.name.Truncation = fyne.TextTruncateEllipsis
	c.count_ = widget.NewLabel("0")
	c.count_.TextStyle = fyne.TextStyle{Bold: true}
	c.count_.Importance = widget.HighImportance
	c.sum = widget.NewLabel("")
	c.sum.Importance = widget.MediumImportance
	c.sum.Truncation = fyne.TextTruncateEllipsis
	// a quick "+" in open columns: a new deal that starts in this stage
	add := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() {
		b.s.a.newDeal(data.DealInput{PipelineID: b.s.pipelineID, StageID: c.stage.ID})
	})
	add.Importance = widget.LowImportance
	c.add = add
	if st.Semantics != data.StatusOpen {
		add.Hide()
	}
	header := container.NewVBox(bar, container.NewBorder(nil, nil, nil, container.NewHBox(c.count_, add), c.name), c.sum)
	c.list = widget.NewList(func() int { return len(c.cards) },
		func() fyne.CanvasObject {
			if b.s.a.Mobile {
				return newDealCard(b)
			}
			return newDragCard(b)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			var dc *dealCard
			switch v := o.(type) {
			case *dealCard:
				dc = v
			case *dragCard:
				dc = &v.dealCard
			}
			dc.set(c, c.cards[id])
			if id >= len(c.cards)-8 {
				c.loadMore()
			}
		})
	c.list.HideSeparators = true
	c.bg = canvas.NewRectangle(tint(col, 0x24))
	c.bg.CornerRadius = theme.InputRadiusSize() * 2
	w := float32(columnWidth)
	if b.s.a.Mobile {
		// a phone shows one column at a time, with the next one peeking
		if cw := b.s.a.Win.Canvas().Size().Width; cw > 0 {
			w = min(w, cw-48)
		}
	}
	c.empty = widget.NewLabel(lang.L("No deal at this stage."))
	c.empty.Alignment = fyne.TextAlignCenter
	c.empty.Importance = widget.LowImportance
	c.empty.Hide()
	c.root = container.New(&widthLayout{w: w}, container.NewStack(c.bg,
		container.NewBorder(container.NewPadded(header), nil, nil, nil, container.NewStack(c.list, container.NewVBox(c.empty)))))
	return c
}

// restage makes a built column show another stage.
func (c *boardColumn) restage(st data.Stage) {
	if c.stage.ID == st.ID {
		return
	}
	col := parseColor(st.Color)
	c.bar.FillColor = col
	c.bar.Refresh()
	c.bg.FillColor = tint(col, 0x24)
	c.bg.Refresh()
	c.cards = nil
	c.list.ScrollToTop()
	if st.Semantics == data.StatusOpen {
		c.add.Show()
	} else {
		c.add.Hide()
	}
}

func (c *boardColumn) set(col data.Column, more bool) {
	same := c.stage == col.Stage && c.count == col.Count && slices.Equal(c.totals, col.Totals) && slices.Equal(c.cards, col.Cards)
	if same && c.more == more && c.filled {
		return
	}
	c.filled = true
	if c.stage.Color != col.Stage.Color {
		base := parseColor(col.Stage.Color)
		c.bar.FillColor = base
		c.bar.Refresh()
		c.bg.FillColor = tint(base, 0x24)
		c.bg.Refresh()
	}
	c.stage = col.Stage
	c.cards = col.Cards
	c.count = col.Count
	c.totals = col.Totals
	c.more = more
	c.name.SetText(col.Stage.Name)
	lg := c.b.s.a.Lang
	c.count_.SetText(formatInt(int64(col.Count), lg))
	sum := ""
	for i, t := range col.Totals {
		if i > 0 {
			sum += " + "
		}
		sum += formatMoneyShort(t.Amount, t.Currency, lg)
	}
	if sum == "" {
		sum = "—"
	}
	c.sum.SetText(sum)
	if len(col.Cards) == 0 {
		c.empty.Show()
	} else {
		c.empty.Hide()
	}
	c.list.Refresh()
}

// loadMore reads the next page of this column's cards.
func (c *boardColumn) loadMore() {
	if !c.more || c.busy || len(c.cards) == 0 {
		return
	}
	c.busy = true
	a := c.b.s.a
	last := c.cards[len(c.cards)-1]
	me, mine, stage, seq := a.Me.ID, c.b.s.mine.Checked, c.stage.ID, c.b.seq
	a.run(func(ctx context.Context) error {
		cards, err := a.Store.ColumnCards(ctx, me, stage, mine, data.CardCursor{UpdatedAt: last.UpdatedAt, ID: last.ID}, cardsPage)
		uiDo(func() {
			c.busy = false
			if err != nil || seq != c.b.seq {
				return
			}
			c.cards = append(c.cards, cards...)
			c.more = len(cards) == cardsPage
			c.list.Refresh()
		})
		return err
	})
}

// widthLayout gives its objects a fixed width and the full height.
type widthLayout struct{ w float32 }

func (l *widthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(l.w, size.Height))
	}
}

func (l *widthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.w, h)
}

// dealCard is a deal on the board: title, client, amount, responsible and
// the next activity (red when overdue). Tapping opens the deal; the ⋮ button
// picks a stage (the way to move a deal on a phone).
type dealCard struct {
	widget.BaseWidget
	b     *boardView
	col   *boardColumn
	card  data.Card
	color string // the stage colour the stripe shows

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

func newDealCard(b *boardView) *dealCard {
	c := &dealCard{b: b}
	c.ExtendBaseWidget(c)
	c.build()
	return c
}

func (c *dealCard) build() {
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
	c.picker = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), c.showPicker)
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

func (c *dealCard) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.New(layout.NewCustomPaddedLayout(3, 3, 6, 6), c.content))
}

// set shows a card (nothing to redraw when it did not change).
func (c *dealCard) set(col *boardColumn, card data.Card) {
	if c.col == col && c.card == card && c.card.ID != 0 && c.color == col.stage.Color {
		return
	}
	c.col, c.card, c.color = col, card, col.stage.Color
	a := c.b.s.a
	c.stripe.FillColor = parseColor(col.stage.Color)
	c.stripe.Refresh()
	c.title.SetText(card.Title)
	client := card.Client
	if client == "" {
		client = lang.L("No client")
	}
	c.client.SetText(client)
	c.amount.Text = formatMoney(card.Amount, card.Currency, a.Lang)
	c.amount.Refresh()
	c.resp.SetText(card.Responsible)
	if card.NextActivity.IsZero() {
		c.activity.Hide()
	} else {
		now := a.now()
		c.actText.Text = formatShortDate(card.NextActivity, now, a.Lang)
		if card.Overdue(now) {
			c.actBG.FillColor = theme.Color(theme.ColorNameError)
			c.actText.Color = color.White
		} else {
			c.actBG.FillColor = theme.Color(theme.ColorNamePrimary)
			c.actText.Color = color.White
		}
		c.actBG.Refresh()
		c.actText.Refresh()
		c.activity.Show()
	}
}

// Tapped opens the deal.
func (c *dealCard) Tapped(*fyne.PointEvent) {
	if c.card.ID != 0 {
		c.b.s.a.openDeal(c.card.ID)
	}
}

// Cursor is a hand: the card opens on a click.
func (c *dealCard) Cursor() desktop.Cursor { return desktop.PointerCursor }

// showPicker lists the pipeline's stages to move the deal to.
func (c *dealCard) showPicker() {
	a := c.b.s.a
	p := c.b.s.pipeline()
	id := c.card.ID
	var items []*fyne.MenuItem
	for _, st := range p.Stages {
		st := st
		it := fyne.NewMenuItem(st.Name, func() { a.moveDeal(a.Win, id, p, st, nil) })
		it.Checked = st.ID == c.card.StageID
		items = append(items, it)
	}
	if a.Me.CanConfigure() {
		items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("New stage…"), func() {
			a.addStageDialog(a.Win, p, func(st data.Stage) {
				p.Stages = append(p.Stages, st)
				a.moveDeal(a.Win, id, p, st, nil)
			})
		}))
	}
	widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", items...), a.Win.Canvas(), fyne.NewPos(0, c.picker.Size().Height), c.picker)
}

// dragCard is a dealCard that can be dragged to another column (desktop).
type dragCard struct {
	dealCard
}

func newDragCard(b *boardView) *dragCard {
	c := &dragCard{}
	c.b = b
	c.ExtendBaseWidget(c)
	c.build()
	return c
}

func (c *dragCard) CreateRenderer() fyne.WidgetRenderer { return c.dealCard.CreateRenderer() }

// Dragged moves the ghost card with the pointer and marks the column under it.
func (c *dragCard) Dragged(ev *fyne.DragEvent) {
	b := c.b
	if b.dragging != &c.dealCard {
		b.dragging = &c.dealCard
		t := widget.NewLabelWithStyle(c.card.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		t.Truncation = fyne.TextTruncateEllipsis
		bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
		bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		bg.StrokeWidth = 2
		bg.CornerRadius = theme.InputRadiusSize() * 1.5
		b.ghost.Objects = []fyne.CanvasObject{bg, container.NewPadded(t)}
		b.ghost.Resize(fyne.NewSize(columnWidth-24, 56))
		b.ghost.Show()
	}
	b.dragPos = ev.AbsolutePosition
	origin := fyne.CurrentApp().Driver().AbsolutePositionForObject(b.layer)
	b.ghost.Move(ev.AbsolutePosition.Subtract(origin).Subtract(fyne.NewPos(columnWidth/3, 20)))
	target := b.columnAt(ev.AbsolutePosition)
	for _, col := range b.cols {
		base := parseColor(col.stage.Color)
		if col == target && col != c.col {
			col.bg.FillColor = tint(base, 0x70)
		} else {
			col.bg.FillColor = tint(base, 0x24)
		}
		col.bg.Refresh()
	}
}

// DragEnd moves the deal to the column the card was dropped on.
func (c *dragCard) DragEnd() {
	b := c.b
	b.dragging = nil
	b.ghost.Hide()
	for _, col := range b.cols {
		col.bg.FillColor = tint(parseColor(col.stage.Color), 0x24)
		col.bg.Refresh()
	}
	target := b.columnAt(b.dragPos)
	if target == nil || c.col == nil || target == c.col {
		return
	}
	a := b.s.a
	a.moveDeal(a.Win, c.card.ID, b.s.pipeline(), target.stage, nil)
}
