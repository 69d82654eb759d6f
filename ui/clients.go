package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// clientPage is how many rows the lists read at a time; searchLimit bounds
// a search's results.
const (
	clientPage  = 100
	searchLimit = 300
)

// openClient shows the Contacts or Companies screen with the client's form
// (id 0: a new one).
func openClient(a *App, kind data.Kind, id int64) {
	openClientWith(a, kind, id, data.Contact{})
}

// openClientWith is openClient with what a new contact starts with.
func openClientWith(a *App, kind data.Kind, id int64, prefill data.Contact) {
	s := a.main.clients(kind)
	s.confirmLeave(func() { s.openWith(id, prefill) })
}

// clients shows the Contacts or the Companies screen, building it the first
// time, and returns it.
func (m *mainWindow) clients(kind data.Kind) *clientsScreen {
	if kind == data.KindCompany {
		m.show("companies")
		return m.companies
	}
	m.show("contacts")
	return m.contacts
}

// clientsScreen is the Contacts or the Companies destination: a searchable
// list read page by page, and the form of the selected client beside it (on
// a phone, over it).
type clientsScreen struct {
	a    *App
	kind data.Kind
	root *fyne.Container

	search    *widget.Entry
	list      *widget.List
	count     *widget.Label
	newBtn    *widget.Button
	importBtn *widget.Button
	rows      []data.ClientRow
	more      bool // the list may have more rows after the last one read
	loading   bool
	seq       int // bumps on every new query, so late answers are dropped

	detail *fyne.Container // the form or an empty hint
	page   *fyne.Container // phone: the form page over the list
	form   *ClientForm

	unsubscribe func() // stops following database changes
}

func newClientsScreen(a *App, kind data.Kind) *clientsScreen {
	s := &clientsScreen{a: a, kind: kind}

	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("Search by name, email, phone…"))
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.search.OnChanged = func(string) { s.reload() }
	s.count = widget.NewLabel("")
	s.count.Importance = widget.LowImportance

	s.list = widget.NewList(func() int { return len(s.rows) }, newClientRow, s.updateRow)
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.UnselectAll()
		if id < len(s.rows) {
			cid := s.rows[id].ID
			s.confirmLeave(func() { s.open(cid) })
		}
	}

	newLabel, title := lang.L("New contact"), lang.L("Contacts")
	if kind == data.KindCompany {
		newLabel, title = lang.L("New company"), lang.L("Companies")
	}
	s.newBtn = widget.NewButtonWithIcon(newLabel, theme.ContentAddIcon(), func() { s.confirmLeave(func() { s.open(0) }) })
	s.newBtn.Importance = widget.HighImportance
	s.importBtn = widget.NewButtonWithIcon(lang.L("Import…"), theme.UploadIcon(), func() { showImport(a, s.importKind()) })
	if a.Mobile {
		s.newBtn.SetText("")
		s.importBtn.SetText("")
	}
	bar := container.NewBorder(nil, nil, heading(title), container.NewHBox(s.importBtn, s.newBtn))
	listPane := container.NewBorder(container.NewVBox(bar, s.search), s.count, nil, nil, s.list)

	hint := widget.NewLabel(lang.L("Choose a client in the list, or create one."))
	hint.Alignment = fyne.TextAlignCenter
	hint.Importance = widget.LowImportance
	s.detail = container.NewStack(container.NewCenter(hint))
	if a.Mobile {
		back := widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), func() {
			s.confirmLeave(func() { s.closeForm() })
		})
		back.Importance = widget.LowImportance
		bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
		s.page = container.NewStack(bg, container.NewBorder(container.NewHBox(back), nil, nil, nil, s.detail))
		s.page.Hide()
		s.root = container.NewStack(container.NewPadded(listPane), s.page)
	} else {
		split := container.NewHSplit(container.NewPadded(listPane), s.detail)
		split.Offset = 0.36
		s.root = container.NewStack(split)
	}
	s.reload()
	s.unsubscribe = a.subscribe(s.changed)
	return s
}

func (s *clientsScreen) importKind() data.ImportKind {
	if s.kind == data.KindCompany {
		return data.ImportCompanies
	}
	return data.ImportContacts
}

func newClientRow() fyne.CanvasObject {
	name := widget.NewLabel("")
	name.TextStyle = fyne.TextStyle{Bold: true}
	name.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel("")
	detail.SizeName = theme.SizeNameCaptionText
	detail.Truncation = fyne.TextTruncateEllipsis
	return container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), name, detail)
}

func (s *clientsScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.rows) {
		return
	}
	r := s.rows[id]
	box := o.(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(r.Name)
	var parts []string
	for _, p := range []string{r.Company, r.Email, r.Phone} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	box.Objects[1].(*widget.Label).SetText(strings.Join(parts, " · "))
	if s.more && !s.loading && id >= len(s.rows)-clientPage/4 {
		s.loadMore()
	}
}

// reload reads the list from its start: the first page by name, or the
// search results while the search field has text.
func (s *clientsScreen) reload() {
	s.readRows(max(len(s.rows), clientPage), false)
}

// readRows reads up to n rows (from the start, or after the last row when
// appending).
func (s *clientsScreen) readRows(n int, appending bool) {
	s.seq++
	seq := s.seq
	text := strings.TrimSpace(s.search.Text)
	var after data.ListCursor
	if appending && len(s.rows) > 0 {
		last := s.rows[len(s.rows)-1]
		after = data.ListCursor{Key: last.Name, ID: last.ID}
	}
	s.loading = true
	kind, st, me := s.kind, s.a.Store, s.a.Me.ID
	load(s.a, func(ctx context.Context) ([]data.ClientRow, error) {
		switch {
		case text != "":
			return st.SearchClients(ctx, me, kind, text, searchLimit)
		case kind == data.KindCompany:
			return st.CompanyList(ctx, me, after, n)
		default:
			return st.ContactList(ctx, me, after, n)
		}
	}, func(rows []data.ClientRow) {
		if seq != s.seq {
			return
		}
		s.loading = false
		if appending {
			s.rows = append(s.rows, rows...)
		} else {
			s.rows = rows
		}
		s.more = text == "" && len(rows) == n
		s.showCount(text != "")
		s.list.Refresh()
	})
}

func (s *clientsScreen) loadMore() { s.readRows(clientPage, true) }

func (s *clientsScreen) showCount(searching bool) {
	switch {
	case searching && len(s.rows) == 0:
		s.count.SetText(lang.L("Nothing found"))
	case searching:
		s.count.SetText(lang.L("{{.Count}} found", map[string]any{"Count": len(s.rows)}))
	default:
		s.count.SetText("")
	}
}

// changed follows writes made anywhere: the list and the open form refresh.
func (s *clientsScreen) changed(cs data.Changes) {
	if cs.Has(s.kind, 0) || (s.kind == data.KindContact && cs.Has(data.KindCompany, 0)) {
		s.reload()
	}
	if s.form != nil {
		s.form.changed(cs)
	}
}

// open shows the form of client id (0: a new client).
func (s *clientsScreen) open(id int64) { s.openWith(id, data.Contact{}) }

// openWith shows the form of client id, or of a new contact starting with
// prefill.
func (s *clientsScreen) openWith(id int64, prefill data.Contact) {
	f := newClientForm(s.a, s.kind, id, prefill)
	f.onSaved = func(int64) { s.reload() }
	s.form = f
	s.detail.Objects = []fyne.CanvasObject{f.content}
	s.detail.Refresh()
	if s.page != nil {
		s.page.Show()
	}
}

// closeForm goes back to the list (phones).
func (s *clientsScreen) closeForm() {
	s.form = nil
	if s.page != nil {
		s.page.Hide()
	}
}

// confirmLeave runs next at once, or after the person agreed to drop the
// open form's unsaved changes.
func (s *clientsScreen) confirmLeave(next func()) {
	if s.form == nil || !s.form.Dirty() {
		next()
		return
	}
	dialog.ShowConfirm(lang.L("Unsaved changes"), lang.L("Leave this client without saving your changes?"), func(ok bool) {
		if ok {
			next()
		}
	}, s.a.Win)
}
