package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// The main window's floor plan: its screens in the order of the navigation
// (and which of them the phone's bottom bar shows), the entries of the "+"
// menu, the top bar's status items, how a record of each kind opens, and
// the work that starts with the window. The deal form lists its tabs in
// DealForm.addTabs, the Settings screen its sections in newSettingsScreen.

// screen is one destination of the main navigation.
type screen struct {
	id    string // stable id, e.g. "contacts"
	label string // in the sidebar and the phone's "more" menu
	icon  fyne.Resource
	phone bool // in the phone's bottom bar; the others are in its "more" menu
	// build makes the screen, keeps it in the main window and returns its
	// content. It is called once, when the screen is first shown.
	build func() fyne.CanvasObject

	content fyne.CanvasObject // once built
	side    *widget.Button    // its sidebar entry, once the window is ready
	bottom  *widget.Button    // its bottom-bar entry (phone screens)
}

// plan lists the main window's screens, in order.
func (m *mainWindow) plan() []*screen {
	a := m.a
	return []*screen{
		{id: "deals", label: lang.L("Deals"), icon: theme.ListIcon(), phone: true,
			build: func() fyne.CanvasObject { m.deals = newDealsScreen(a); return m.deals.root }},
		{id: "contacts", label: lang.L("Contacts"), icon: theme.AccountIcon(), phone: true,
			build: func() fyne.CanvasObject { m.contacts = newClientsScreen(a, data.KindContact); return m.contacts.root }},
		{id: "companies", label: lang.L("Companies"), icon: theme.HomeIcon(), phone: true,
			build: func() fyne.CanvasObject { m.companies = newClientsScreen(a, data.KindCompany); return m.companies.root }},
		{id: "activities", label: lang.L("Activities"), icon: theme.CalendarIcon(), phone: true,
			build: func() fyne.CanvasObject { m.activities = newActivitiesScreen(a); return m.activities.root }},
		{id: "inbox", label: lang.L("Inbox"), icon: theme.MailReplyIcon(),
			build: func() fyne.CanvasObject { m.inbox = newInboxScreen(a); return m.inbox.root }},
		{id: "products", label: lang.L("Products"), icon: theme.StorageIcon(),
			build: func() fyne.CanvasObject { m.products = newCatalogScreen(a); return m.products.root }},
		{id: "trash", label: lang.L("Trash"), icon: theme.DeleteIcon(),
			build: func() fyne.CanvasObject { m.trash = newTrashScreen(a); return m.trash.root }},
		{id: "settings", label: lang.L("Settings"), icon: theme.SettingsIcon(),
			build: func() fyne.CanvasObject { m.settings = newSettingsScreen(a); return m.settings.root }},
	}
}

// forgetScreens drops the built screens: they are built again, for the
// person now using the window, when next shown.
func (m *mainWindow) forgetScreens() {
	m.deals, m.contacts, m.companies, m.activities, m.inbox, m.products, m.settings = nil, nil, nil, nil, nil, nil, nil
	if m.trash != nil {
		m.trash.unsubscribe()
	}
	m.trash = nil
	m.screens = m.plan()
}

// newActions are the entries of the top bar's "+" menu, in order.
func (m *mainWindow) newActions() []*fyne.MenuItem {
	a := m.a
	item := func(label string, icon fyne.Resource, run func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, run)
		it.Icon = icon
		return it
	}
	return []*fyne.MenuItem{
		item(lang.L("New deal"), theme.DocumentCreateIcon(), func() { a.newDeal(data.DealInput{}) }),
		// a call from a number: finds or creates the contact and the deal
		item(lang.L("Log a call"), callIcon(), func() { m.callForm = logCallDialog(a, a.Win, 0, "") }),
		item(lang.L("New contact"), theme.AccountIcon(), func() { openClient(a, data.KindContact, 0) }),
		item(lang.L("New company"), theme.HomeIcon(), func() { openClient(a, data.KindCompany, 0) }),
	}
}

// statusItems builds the top bar's status items, in order: the mail sync's
// state, the outbox counter.
func (m *mainWindow) statusItems() []fyne.CanvasObject {
	m.sync = newSyncStatus(m.a)
	m.outbox = newOutboxStatus(m.a)
	return []fyne.CanvasObject{m.sync.box, m.outbox.btn}
}

// open opens a record of any kind (a search hit, a link): a deal in its
// form, a contact or a company in its screen.
func (a *App) open(kind data.Kind, id int64) {
	switch kind {
	case data.KindDeal:
		a.openDeal(id)
	case data.KindContact, data.KindCompany:
		openClient(a, kind, id)
	}
}

// startWork starts what runs while the window is open, once the employee
// using it is known: the reminders, the Inbox entry's count, the mail sync
// and the outbox sender. They end with a.Ctx.
func (a *App) startWork() {
	startReminders(a)
	startInboxBadge(a)
	startMailSync(a)
	startTrashPurge(a) // trash.go
}
