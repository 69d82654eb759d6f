package ui

import (
	"fyne.io/fyne/v2"

	"comptoir/data"
)

// DealForm is an open deal: the Details tab built here and the tabs other
// files register (Timeline, Products). Tabs read it on the UI goroutine.
type DealForm struct {
	App *App
	// Deal is the deal as last loaded or saved; ID 0 while a new deal is
	// not saved yet (the other tabs show nothing until then).
	Deal data.Deal
	// Access is what the current employee may do with it.
	Access data.Access
	// OnDealChanged is called (UI goroutine) after the deal was reloaded or
	// saved, e.g. when product lines changed the amount.
	OnDealChanged []func(data.Deal)
	// OnClose is called when the form closes.
	OnClose []func()

	win fyne.Window // the form's window (desktop); nil on a phone page
}

// ReadOnly reports whether the current employee may only read the deal.
func (f *DealForm) ReadOnly() bool { return f.Access < data.EditAccess }

// Window is the window dialogs of the form belong to.
func (f *DealForm) Window() fyne.Window {
	if f.win != nil {
		return f.win
	}
	return f.App.Win
}

func openDealForm(a *App, id int64, prefill data.DealInput) {}
