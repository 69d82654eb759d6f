package ui

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"comptoir/data"
)

// This file holds the registries through which the screens, tabs and
// actions written in other files of this package plug into the main window
// and the deal form. A file registers from its init function; whatever is not
// registered simply does not show.
//
// Known screen ids and their order: "deals" (10), "contacts" (20),
// "companies" (30), "activities" (40), "inbox" (50), "products" (60),
// "settings" (90).

// screen is one destination of the main navigation.
type screen struct {
	ID    string        // stable id, e.g. "contacts"
	Label string        // translation key, shown through lang.L
	Icon  fyne.Resource // an icon; prefer IconName in init functions
	// IconName is a theme icon, looked up when the window is built (calling
	// theme.XxxIcon() in init logs an error: no app is running yet).
	IconName fyne.ThemeIconName
	Order    int // position in the navigation, lowest first
	// Make builds the screen's content once, when it is first shown.
	Make func(a *App) fyne.CanvasObject
	// Mobile says whether the screen appears in the phone's bottom bar (the
	// others are reached from its "more" menu). Default: Order < 50.
	Mobile *bool
}

var screens []screen

// registerScreen adds a destination to the main navigation. Registering an
// id twice replaces the first.
func registerScreen(s screen) {
	for i := range screens {
		if screens[i].ID == s.ID {
			screens[i] = s
			return
		}
	}
	screens = append(screens, s)
	sort.SliceStable(screens, func(i, j int) bool { return screens[i].Order < screens[j].Order })
}

// dealTab is one tab of the deal form after Details (Timeline at 20,
// Products at 30).
type dealTab struct {
	ID       string // "timeline", "products"
	Label    string // translation key
	Icon     fyne.Resource
	IconName fyne.ThemeIconName // used when Icon is nil
	Order    int
	// Make builds the tab's content for an open form. It is called on the UI
	// goroutine; it should load its data with f.App.run. The tab can watch
	// f.OnDealChanged to follow the deal, and is told the form closed
	// through f.OnClose.
	Make func(f *DealForm) fyne.CanvasObject
}

var dealTabs []dealTab

// registerDealTab adds a tab to every deal form.
func registerDealTab(t dealTab) {
	for i := range dealTabs {
		if dealTabs[i].ID == t.ID {
			dealTabs[i] = t
			return
		}
	}
	dealTabs = append(dealTabs, t)
	sort.SliceStable(dealTabs, func(i, j int) bool { return dealTabs[i].Order < dealTabs[j].Order })
}

// newAction is an entry of the "+" menu (New deal is built in; New contact
// and New company come from the clients screens).
type newAction struct {
	ID       string // "deal", "contact", "company"
	Label    string // translation key
	Icon     fyne.Resource
	IconName fyne.ThemeIconName // used when Icon is nil
	Order    int
	Run      func(a *App)
}

var newActions []newAction

// registerNewAction adds an entry to the "+" menu.
func registerNewAction(n newAction) {
	for i := range newActions {
		if newActions[i].ID == n.ID {
			newActions[i] = n
			return
		}
	}
	newActions = append(newActions, n)
	sort.SliceStable(newActions, func(i, j int) bool { return newActions[i].Order < newActions[j].Order })
}

// openers open a record of a kind (a search hit, a link in a timeline):
// data.KindDeal is built in; the clients screens register KindContact and
// KindCompany.
var openers = map[data.Kind]func(a *App, id int64){}

// registerOpener sets how records of a kind are opened.
func registerOpener(kind data.Kind, open func(a *App, id int64)) { openers[kind] = open }

// statusItems are small widgets shown in the top bar (the sync status, the
// outbox counter). Each is built once per window.
var statusItems []func(a *App) fyne.CanvasObject

// registerStatus adds a widget to the top bar's status area.
func registerStatus(make func(a *App) fyne.CanvasObject) { statusItems = append(statusItems, make) }

// startHooks run once the main window is up and the current employee known
// (mail workers' UI glue, reminders). They get the app's context through a.
var startHooks []func(a *App)

// registerStart adds a hook run after the main window is shown.
func registerStart(fn func(a *App)) { startHooks = append(startHooks, fn) }

// settingsSections are extra sections of the Settings screen (mail accounts,
// …) after the built-in ones.
var settingsSections []settingsSection

type settingsSection struct {
	ID    string
	Label string // translation key
	Order int
	Make  func(a *App) fyne.CanvasObject
}

// registerSettings adds a section to the Settings screen.
func registerSettings(s settingsSection) {
	settingsSections = append(settingsSections, s)
	sort.SliceStable(settingsSections, func(i, j int) bool { return settingsSections[i].Order < settingsSections[j].Order })
}

// tabItem is a helper for dealTab constructors.
func tabItem(label string, icon fyne.Resource, content fyne.CanvasObject) *container.TabItem {
	if icon != nil {
		return container.NewTabItemWithIcon(label, icon, content)
	}
	return container.NewTabItem(label, content)
}

// icon picks a resource or, when nil, the named theme icon.
func icon(r fyne.Resource, name fyne.ThemeIconName) fyne.Resource {
	if r != nil || name == "" {
		return r
	}
	return theme.Icon(name)
}
