package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// The Inbox on a phone, or in a window narrower than narrowWidth (see
// phoneLayout): the waiting emails fill the screen; a tapped one opens as a
// page with a back button, its text scrolling between the headers and the
// actions, which stay in view at the bottom.

// buildPhone lays the screen out for a phone. The list keeps no selection
// there: a tap opens the email's page, and tapping it again after coming
// back opens it again.
func (s *inboxScreen) buildPhone() fyne.CanvasObject {
	s.list.UnselectAll()
	s.date.Wrapping = fyne.TextWrapWord
	s.listPage = container.NewStack(s.list, container.NewPadded(s.empty))
	body := container.NewVBox(s.subject, s.from, s.date, s.reason, widget.NewSeparator(), s.text, s.atts)
	actions := container.NewGridWithColumns(2, s.create, s.attach, s.ignore, s.full)
	top := container.NewVBox(container.NewHBox(s.back), widget.NewSeparator())
	bottom := container.NewVBox(widget.NewSeparator(), container.NewPadded(actions))
	s.detail = container.NewBorder(top, bottom, nil, nil, container.NewVScroll(container.NewPadded(body)))
	s.showState()
	return container.NewStack(s.listPage, s.detail)
}

// openPage shows the id-th email on its own page (phone).
func (s *inboxScreen) openPage(id int) {
	s.list.UnselectAll()
	s.page = true
	s.showEmail(s.emails[id])
}

// closePage goes back to the list (phone).
func (s *inboxScreen) closePage() {
	s.page = false
	s.showState()
}

// loadedPhone follows a new read of the waiting emails on a phone: the open
// page shows its email again, or closes when that email left the Inbox
// (a deal was made from it, it was attached, its sender ignored). idx is
// the shown email's index in the new list, -1 when it left.
func (s *inboxScreen) loadedPhone(idx int) {
	switch {
	case idx >= 0 && s.page:
		s.showEmail(s.emails[idx])
	case idx < 0:
		s.sel = 0
		s.page = false
	}
	s.showState()
}
