package ui

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/ui/widgets"
)

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

	dragging  int64         // the deal whose card is being dragged
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
	pid, mine, me, cond := b.s.pipelineID, b.s.mine.Checked, a.Me.ID, b.s.cond
	n := cardsPage
	if pid == b.loadedFor {
		for _, c := range b.cols {
			n = max(n, min(len(c.cards), 400))
		}
	}
	a.run(func(ctx context.Context) error {
		t0 := time.Now()
		cols, err := a.Store.Board(ctx, me, pid, data.BoardOptions{OnlyMine: mine, Cards: n, Filter: data.DealFilter{DealConditions: cond}})
		slog.Debug("board read", "took", time.Since(t0))
		if err != nil {
			return err
		}
		a.do(func() {
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
		if a := b.s.a; !a.boardShown {
			a.boardShown = true
			slog.Info("first board shown", "since_start", time.Since(a.launched).Round(time.Millisecond), "columns", len(cols))
		}
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
	col := widgets.ParseColor(st.Color)
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
		b.newCard,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			b.setCard(o, c, c.cards[id])
			if id >= len(c.cards)-8 {
				c.loadMore()
			}
		})
	c.list.HideSeparators = true
	c.bg = canvas.NewRectangle(widgets.Tint(col, 0x24))
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
	col := widgets.ParseColor(st.Color)
	c.bar.FillColor = col
	c.bar.Refresh()
	c.bg.FillColor = widgets.Tint(col, 0x24)
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
		base := widgets.ParseColor(col.Stage.Color)
		c.bar.FillColor = base
		c.bar.Refresh()
		c.bg.FillColor = widgets.Tint(base, 0x24)
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
	me, mine, stage, seq, cond := a.Me.ID, c.b.s.mine.Checked, c.stage.ID, c.b.seq, c.b.s.cond
	a.run(func(ctx context.Context) error {
		after := data.CardCursor{UpdatedAt: last.UpdatedAt, ID: last.ID}
		var cards []data.Card
		var err error
		if cond.Any() { // the filter's cards (dealfilter.go)
			cards, err = a.Store.FilteredColumnCards(ctx, me, stage, data.DealFilter{OnlyMine: mine, DealConditions: cond}, after, cardsPage)
		} else {
			cards, err = a.Store.ColumnCards(ctx, me, stage, mine, after, cardsPage)
		}
		a.do(func() {
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

// newCard is a card widget for a column's list: a draggable one on the
// desktop. A tap opens the deal; its ⋮ button and a drag move it.
func (b *boardView) newCard() fyne.CanvasObject {
	a := b.s.a
	open := func(v widgets.CardView) { a.openDeal(v.DealID) }
	if a.Mobile {
		c := widgets.NewDealCard()
		c.OnTapped, c.OnPick = open, b.showPicker
		return c
	}
	c := widgets.NewDragCard()
	c.OnTapped, c.OnPick = open, b.showPicker
	c.OnDragged, c.OnDragEnd = b.dragged, b.dropped
	return c
}

// setCard shows a deal of column col in a card widget made by newCard.
func (b *boardView) setCard(o fyne.CanvasObject, col *boardColumn, card data.Card) {
	var c *widgets.DealCard
	switch v := o.(type) {
	case *widgets.DealCard:
		c = v
	case *widgets.DragCard:
		c = &v.DealCard
	default:
		return
	}
	a := b.s.a
	client := card.Client
	if client == "" {
		client = lang.L("No client")
	}
	v := widgets.CardView{DealID: card.ID, StageID: col.stage.ID, Color: col.stage.Color, Title: card.Title, Client: client,
		Amount: formatMoney(card.Amount, card.Currency, a.Lang), Responsible: card.Responsible}
	if !card.NextActivity.IsZero() {
		now := a.now()
		v.Activity = formatShortDate(card.NextActivity, now, a.Lang)
		v.Overdue = card.Overdue(now)
	}
	c.Set(v) // redraws nothing when the card already shows v
}

// showPicker lists the pipeline's stages to move a card's deal to.
func (b *boardView) showPicker(v widgets.CardView, anchor fyne.CanvasObject) {
	a := b.s.a
	p := b.s.pipeline()
	id := v.DealID
	var items []*fyne.MenuItem
	for _, st := range p.Stages {
		it := fyne.NewMenuItem(st.Name, func() { a.moveDeal(a.Win, id, p, st, nil) })
		it.Checked = st.ID == v.StageID
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
	widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", items...), a.Win.Canvas(), fyne.NewPos(0, anchor.Size().Height), anchor)
}

// dragged moves the ghost card with the pointer and marks the column under
// it.
func (b *boardView) dragged(v widgets.CardView, ev *fyne.DragEvent) {
	if b.dragging != v.DealID {
		b.dragging = v.DealID
		t := widget.NewLabelWithStyle(v.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
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
		base := widgets.ParseColor(col.stage.Color)
		if col == target && col.stage.ID != v.StageID {
			col.bg.FillColor = widgets.Tint(base, 0x70)
		} else {
			col.bg.FillColor = widgets.Tint(base, 0x24)
		}
		col.bg.Refresh()
	}
}

// dropped moves the deal to the column the card was dropped on.
func (b *boardView) dropped(v widgets.CardView) {
	b.dragging = 0
	b.ghost.Hide()
	for _, col := range b.cols {
		col.bg.FillColor = widgets.Tint(widgets.ParseColor(col.stage.Color), 0x24)
		col.bg.Refresh()
	}
	target := b.columnAt(b.dragPos)
	if target == nil || v.DealID == 0 || target.stage.ID == v.StageID {
		return
	}
	a := b.s.a
	a.moveDeal(a.Win, v.DealID, b.s.pipeline(), target.stage, nil)
}
