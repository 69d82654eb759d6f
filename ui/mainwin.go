package ui

import (
	"context"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/ui/widgets"
)

// narrowWidth is the window width under which the phone layout is used.
const narrowWidth = 600

// mainWindow is the main window's frame: top bar (search, "+", status),
// navigation (sidebar or bottom bar) and the current screen. Its screens,
// "+" menu and status items are listed in screens.go; it keeps each screen
// once built.
type mainWindow struct {
	a    *App
	root *fyne.Container

	top     *fyne.Container
	side    *fyne.Container
	bottom  *fyne.Container
	content *fyne.Container // a stack: one built screen shown at a time
	status  *fyne.Container // the sync status, outbox counter (statusItems)
	meLabel *widget.Label

	search      *widgets.EscEntry
	searchBtn   *widget.Button // search icon; clears the search while typing
	searchPanel *fyne.Container
	resultList  *widget.List
	results     []searchRow
	searchSeq   int
	searchTimer *time.Timer
	searchHits  []data.Hit // the last results, for tests

	plus *widget.Button

	screens []*screen // in navigation order (plan)
	current string    // the shown screen's id

	// The screens, once built: each is built when first shown.
	deals      *dealsScreen
	contacts   *clientsScreen
	companies  *clientsScreen
	activities *activitiesScreen
	inbox      *inboxScreen
	products   *catalogScreen
	trash      *trashScreen
	settings   *settingsScreen

	// The top bar's status items, once the window is ready.
	sync   *syncStatus
	outbox *outboxStatus

	inboxCount int // the waiting emails the Inbox entry counts (startInboxBadge)

	who      *whoAmI   // the first-start or who-am-I dialog, while asked
	callForm *callForm // the last "Log a call" opened from the "+" menu
}

// searchRow is a group heading or a hit of the search results.
type searchRow struct {
	heading string
	hit     data.Hit
}

func newMainWindow(a *App) *mainWindow {
	m := &mainWindow{a: a}
	m.screens = m.plan()
	m.content = container.NewStack()
	m.status = container.NewHBox()
	m.meLabel = widget.NewLabel("")

	m.search = widgets.NewEscEntry(func() { m.closeSearch() })
	m.search.SetPlaceHolder(lang.L("Search deals, contacts, companies…"))
	m.searchBtn = widget.NewButtonWithIcon("", theme.SearchIcon(), func() {
		if m.search.Text != "" {
			m.closeSearch()
		}
	})
	m.searchBtn.Importance = widget.LowImportance
	m.search.ActionItem = m.searchBtn
	m.search.OnChanged = func(text string) {
		if text == "" {
			m.searchBtn.SetIcon(theme.SearchIcon())
		} else {
			m.searchBtn.SetIcon(theme.ContentClearIcon())
		}
		m.searchChanged(text)
	}
	m.search.OnSubmitted = func(string) { m.openFirstHit() }

	m.resultList = widget.NewList(func() int { return len(m.results) },
		func() fyne.CanvasObject {
			title := widget.NewLabel("")
			title.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("")
			detail.SizeName = theme.SizeNameCaptionText
			detail.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.DocumentIcon()), nil, container.NewGridWithColumns(2, title, detail))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row := m.results[id]
			c := o.(*fyne.Container)
			grid := c.Objects[0].(*fyne.Container)
			icon := c.Objects[1].(*widget.Icon)
			title, detail := grid.Objects[0].(*widget.Label), grid.Objects[1].(*widget.Label)
			if row.heading != "" {
				icon.Hide()
				title.TextStyle = fyne.TextStyle{Bold: true}
				title.SetText(row.heading)
				detail.SetText("")
				return
			}
			icon.Show()
			icon.SetResource(kindIcon(row.hit.Kind))
			title.TextStyle = fyne.TextStyle{}
			title.SetText(row.hit.Title)
			detail.SetText(row.hit.Detail)
		})
	m.resultList.OnSelected = func(id widget.ListItemID) {
		m.resultList.UnselectAll()
		if id >= len(m.results) || m.results[id].heading != "" {
			return
		}
		h := m.results[id].hit
		m.closeSearch()
		a.open(h.Kind, h.ID)
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	bg.StrokeWidth = 1
	m.searchPanel = container.NewStack(bg, container.NewPadded(m.resultList))
	m.searchPanel.Hide()

	m.plus = widget.NewButtonWithIcon(lang.L("New"), theme.ContentAddIcon(), m.showPlusMenu)
	m.plus.Importance = widget.HighImportance
	m.plus.Hide() // until the current employee is known
	m.search.Disable()

	title := canvas.NewText("Comptoir", theme.Color(theme.ColorNamePrimary))
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.TextSize = theme.TextSize() * 1.3
	right := container.NewHBox(m.status, m.plus, m.meLabel)
	var left fyne.CanvasObject = container.NewPadded(title)
	if a.Mobile {
		m.plus.SetText("")
		m.meLabel.Hide()
		left = nil
	}
	m.top = container.NewBorder(nil, nil, left, right,
		container.New(&maxWidthLayout{max: 560}, m.search))
	m.side = container.NewVBox()
	m.bottom = container.NewGridWithRows(1)
	overlay := container.New(&searchPanelLayout{m: m}, m.searchPanel)
	main := container.NewStack(m.content, overlay)
	m.root = container.New(&frameLayout{a: a}, canvas.NewRectangle(sidebarColor()), container.NewPadded(m.top), m.side, m.bottom, main, widget.NewSeparator())
	return m
}

// sidebarColor is the sidebar's background: a shade off the window's.
func sidebarColor() color.Color {
	return theme.Color(theme.ColorNameHeaderBackground)
}

func kindIcon(k data.Kind) fyne.Resource {
	switch k {
	case data.KindContact:
		return theme.AccountIcon()
	case data.KindCompany:
		return theme.HomeIcon()
	}
	return theme.DocumentIcon()
}

// ready fills the window once the current employee is known.
func (m *mainWindow) ready() {
	a := m.a
	m.meLabel.SetText(a.Me.Name)
	m.plus.Show()
	m.search.Enable()
	m.side.RemoveAll()
	m.bottom.RemoveAll()
	// a new person on this device: screens are built again for them
	m.content.RemoveAll()
	m.forgetScreens()
	for _, s := range m.screens {
		s.side = widget.NewButtonWithIcon(s.label, s.icon, func() { m.show(s.id) })
		s.side.Alignment = widget.ButtonAlignLeading
		s.side.Importance = widget.LowImportance
		m.side.Add(s.side)
		if s.phone {
			s.bottom = widget.NewButtonWithIcon("", s.icon, func() { m.show(s.id) })
			s.bottom.Importance = widget.LowImportance
			m.bottom.Add(s.bottom)
		}
	}
	more := widget.NewButtonWithIcon("", theme.MoreHorizontalIcon(), nil)
	more.Importance = widget.LowImportance
	more.OnTapped = func() {
		var items []*fyne.MenuItem
		for _, s := range m.screens {
			if !s.phone {
				items = append(items, fyne.NewMenuItem(s.label, func() { m.show(s.id) }))
			}
		}
		if len(items) > 0 {
			widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", items...), a.Win.Canvas(), fyne.NewPos(0, -float32(len(items))*40), more)
		}
	}
	m.bottom.Add(more)
	m.status.Objects = m.statusItems()
	m.status.Refresh()
	if len(m.screens) > 0 {
		m.show(m.screens[0].id)
	}
	c := a.Win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		a.newDeal(data.DealInput{})
	})
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		c.Focus(m.search)
	})
	m.root.Refresh()
}

// show switches to a screen, building it the first time.
func (m *mainWindow) show(id string) {
	s := m.find(id)
	if s == nil {
		return
	}
	if s.content == nil {
		s.content = s.build()
		m.content.Add(s.content)
	}
	for _, o := range m.screens {
		if o.content != nil {
			if o == s {
				o.content.Show()
			} else {
				o.content.Hide()
			}
		}
		for _, b := range []*widget.Button{o.side, o.bottom} {
			if b == nil {
				continue
			}
			if o == s {
				b.Importance = widget.HighImportance
			} else {
				b.Importance = widget.LowImportance
			}
			b.Refresh()
		}
	}
	m.current = id
	m.closeSearchPanel()
}

// find is the screen of an id, or nil.
func (m *mainWindow) find(id string) *screen {
	for _, s := range m.screens {
		if s.id == id {
			return s
		}
	}
	return nil
}

func (m *mainWindow) showPlusMenu() {
	widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", m.newActions()...), m.a.Win.Canvas(), fyne.NewPos(0, m.plus.Size().Height), m.plus)
}

// searchChanged waits for a short pause in typing, then searches.
func (m *mainWindow) searchChanged(text string) {
	m.a.stopTimer(m.searchTimer)
	if strings.TrimSpace(text) == "" {
		m.searchSeq++
		m.closeSearchPanel()
		return
	}
	m.searchTimer = m.a.after(150*time.Millisecond, func() { m.searchNow(text) })
}

// searchNow runs the search for text and shows the results.
func (m *mainWindow) searchNow(text string) {
	m.searchSeq++
	seq := m.searchSeq
	a := m.a
	me := a.Me.ID
	a.run(func(ctx context.Context) error {
		hits, err := a.Store.Search(ctx, me, text, 60)
		if err != nil {
			return err
		}
		a.do(func() {
			if seq != m.searchSeq {
				return
			}
			m.showHits(hits)
		})
		return nil
	})
}

// perGroup is how many hits of one kind the results show.
const perGroup = 8

func (m *mainWindow) showHits(hits []data.Hit) {
	m.searchHits = hits
	groups := []struct {
		kind  data.Kind
		label string
	}{{data.KindDeal, lang.L("Deals")}, {data.KindContact, lang.L("Contacts")}, {data.KindCompany, lang.L("Companies")}}
	m.results = m.results[:0]
	for _, g := range groups {
		first, n := true, 0
		for _, h := range hits {
			if h.Kind != g.kind || n == perGroup {
				continue
			}
			n++
			if first {
				m.results = append(m.results, searchRow{heading: g.label})
				first = false
			}
			m.results = append(m.results, searchRow{hit: h})
		}
	}
	if len(m.results) == 0 {
		m.results = append(m.results, searchRow{heading: lang.L("Nothing found")})
	}
	m.resultList.Refresh()
	m.resultList.ScrollToTop()
	m.searchPanel.Show()
	m.searchPanel.Refresh()
}

func (m *mainWindow) openFirstHit() {
	for _, r := range m.results {
		if r.heading == "" {
			m.closeSearch()
			m.a.open(r.hit.Kind, r.hit.ID)
			return
		}
	}
}

func (m *mainWindow) closeSearchPanel() {
	m.results = m.results[:0]
	m.searchPanel.Hide()
}

func (m *mainWindow) closeSearch() {
	m.closeSearchPanel()
	m.searchSeq++
	m.search.SetText("")
}

// frameLayout places the top bar, the sidebar (wide windows) or the bottom
// bar (phones and narrow windows), and the screen. Objects: side
// background, top, side, bottom, main, separator.
type frameLayout struct{ a *App }

func (l *frameLayout) narrow(size fyne.Size) bool { return l.a.Mobile || size.Width < narrowWidth }

func (l *frameLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	sideBG, top, side, bottom, main, sep := objs[0], objs[1], objs[2], objs[3], objs[4], objs[5]
	th := top.MinSize().Height
	top.Move(fyne.NewPos(0, 0))
	top.Resize(fyne.NewSize(size.Width, th))
	sep.Move(fyne.NewPos(0, th))
	sep.Resize(fyne.NewSize(size.Width, 1))
	y := th + 1
	if l.narrow(size) {
		side.Hide()
		sideBG.Hide()
		bottom.Show()
		bh := bottom.MinSize().Height + theme.Padding()
		bottom.Move(fyne.NewPos(0, size.Height-bh))
		bottom.Resize(fyne.NewSize(size.Width, bh))
		main.Move(fyne.NewPos(0, y))
		main.Resize(fyne.NewSize(size.Width, size.Height-y-bh))
		return
	}
	bottom.Hide()
	side.Show()
	sideBG.Show()
	sw := fyne.Max(side.MinSize().Width+2*theme.Padding(), 180)
	sideBG.Move(fyne.NewPos(0, y))
	sideBG.Resize(fyne.NewSize(sw, size.Height-y))
	side.Move(fyne.NewPos(theme.Padding(), y+theme.Padding()))
	side.Resize(fyne.NewSize(sw-2*theme.Padding(), side.MinSize().Height))
	main.Move(fyne.NewPos(sw, y))
	main.Resize(fyne.NewSize(size.Width-sw, size.Height-y))
}

func (l *frameLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(320, objs[1].MinSize().Height+200)
}

// maxWidthLayout centres one object no wider than max.
type maxWidthLayout struct{ max float32 }

func (l *maxWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := fyne.Min(size.Width, l.max)
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos((size.Width-w)/2, (size.Height-h)/2))
		o.Resize(fyne.NewSize(w, h))
	}
}

func (l *maxWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	s.Width = fyne.Min(s.Width, 120)
	return s
}

// searchPanelLayout puts the results panel under the search field.
type searchPanelLayout struct{ m *mainWindow }

func (l *searchPanelLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := fyne.Min(size.Width-2*theme.Padding(), 560)
	rows := len(l.m.results)
	h := fyne.Min(size.Height-2*theme.Padding(), float32(rows)*40+2*theme.Padding()+8)
	x := (size.Width - w) / 2
	for _, o := range objs {
		o.Move(fyne.NewPos(x, theme.Padding()))
		o.Resize(fyne.NewSize(w, h))
	}
}

func (l *searchPanelLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }
