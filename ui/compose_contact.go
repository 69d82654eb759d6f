package ui

import (
	"context"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// A contact's email button writes from Comptoir when the address belongs to
// a client with deals: the email is then written from one of those deals
// (picked when there are several) and lands on its timeline. An address of
// no client with a deal goes to the system's mail client.

// composeToAddress opens the compose dialog to addr from a deal of the
// client who has it (opened gets it); with no such deal, the system's mail
// client gets a mailto: link.
func composeToAddress(a *App, addr string, opened func(*composeForm)) {
	me := a.Me.ID
	load(a, func(ctx context.Context) ([]data.ListRow, error) {
		cs, err := a.Store.ContactsByEmail(ctx, me, addr)
		if err != nil {
			return nil, err
		}
		var deals []data.ListRow
		seen := map[int64]bool{}
		for _, c := range cs {
			rows, err := a.Store.ClientDeals(ctx, me, data.KindContact, c.ID, 20)
			if err != nil {
				return nil, err
			}
			for _, r := range rows {
				if !seen[r.ID] {
					seen[r.ID] = true
					deals = append(deals, r)
				}
			}
		}
		return deals, nil
	}, func(deals []data.ListRow) {
		switch len(deals) {
		case 0:
			if err := a.openExternal(mailtoURL(addr)); err != nil {
				a.showError(err)
			}
		case 1:
			openComposeWith(a, a.Win, deals[0].ID, 0, 0, addr, opened)
		default:
			names := make([]string, len(deals))
			for i, d := range deals {
				names[i] = d.Title + " (" + d.Stage + ")"
			}
			sel := widget.NewSelect(names, nil)
			sel.SetSelectedIndex(0)
			dialog.ShowCustomConfirm(lang.L("Write from which deal?"), lang.L("Write"), lang.L("Cancel"), sel, func(ok bool) {
				if ok && sel.SelectedIndex() >= 0 {
					openComposeWith(a, a.Win, deals[sel.SelectedIndex()].ID, 0, 0, addr, opened)
				}
			}, a.Win)
		}
	})
}
