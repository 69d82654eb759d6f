package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// newDealFileButton is the compose dialog's "Attach a file of the deal"
// (hidden when the email is not written from a deal).
func newDealFileButton(c *composeForm, w fyne.Window) *widget.Button {
	b := widget.NewButtonWithIcon(lang.L("Attach a file of the deal"), theme.FolderIcon(), func() { c.pickDealFile(w) })
	if c.dealID == 0 {
		b.Hide()
	}
	return b
}

// pickDealFile attaches one of the deal's files (a photo, the signed order)
// to the email, read from the database: nothing is read from a path.
func (c *composeForm) pickDealFile(w fyne.Window) {
	a, me, deal := c.a, c.a.Me.ID, c.dealID
	load(a, func(ctx context.Context) ([]data.FileInfo, error) {
		return a.Store.Files(ctx, me, data.FileOwner{Kind: data.KindDeal, ID: deal})
	}, func(fs []data.FileInfo) {
		if len(fs) == 0 {
			dialog.NewInformation(lang.L("Attach a file of the deal"), lang.L("This deal has no file yet."), w).Show()
			return
		}
		names := make([]string, len(fs))
		for i, f := range fs {
			names[i] = f.Name + " (" + fileSizeText(f.Size, a.Lang) + ")"
		}
		sel := widget.NewSelect(names, nil)
		c.dealFilePick = sel
		dialog.ShowCustomConfirm(lang.L("Attach a file of the deal"), lang.L("Attach"), lang.L("Cancel"), sel, func(ok bool) {
			if ok && sel.SelectedIndex() >= 0 {
				c.attachDealFile(fs[sel.SelectedIndex()])
			}
		}, w)
	})
}

// attachDealFile adds a deal's file to the attachments, with its bytes.
func (c *composeForm) attachDealFile(f data.FileInfo) {
	a, me := c.a, c.a.Me.ID
	load(a, func(ctx context.Context) ([]byte, error) { return a.Store.FileData(ctx, me, f.ID) }, func(b []byte) {
		c.attach = append(c.attach, data.FileInput{Name: f.Name, ContentType: f.ContentType, Data: b})
		c.showFiles()
	})
}
