package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/ui/widgets"
)

// The timeline entries of a deal's life (data/files.go, trash.go,
// duplicate.go): a file added ("Photo added" by whoever added it, its
// thumbnail below, the picture on tap), the deal sent to the trash and
// brought back, a copy's origin. A file's thumbnail is read when its row is
// built, that is when its page of the timeline is shown: a timeline with 200
// photos opens as fast as one without.

// timelineThumb is the largest side of a thumbnail in the timeline.
const timelineThumb = 160

// describeLife is how an entry of a deal's life reads; ok is false for
// the other kinds.
func describeLife(e data.Entry) (entryView, bool) {
	switch d := e.Data.(type) {
	case data.FileData:
		if d.Preview == data.PreviewImage {
			return entryView{icon: theme.FileImageIcon(), title: lang.L("Photo added"), body: d.Name}, true
		}
		return entryView{icon: theme.FileIcon(), title: lang.L("File added"), body: d.Name}, true
	case data.DeletedData:
		v := entryView{icon: theme.DeleteIcon(), title: lang.L("Moved to the trash")}
		if d.Reason == data.TrashInvoiced {
			v.body = lang.L("Won and invoiced ({{.Invoices}}): deleted by an admin, on the record.",
				map[string]any{"Invoices": strings.Join(d.Invoices, ", ")})
		}
		return v, true
	case data.RestoredData:
		return entryView{icon: theme.ViewRefreshIcon(), title: lang.L("Restored from the trash")}, true
	case data.CopiedData:
		if d.Repeat {
			return entryView{icon: theme.ContentCopyIcon(), title: lang.L("Repeat deal of a closed deal"), body: d.FromTitle}, true
		}
		return entryView{icon: theme.ContentCopyIcon(), title: lang.L("Copied from another deal"), body: d.FromTitle}, true
	}
	return entryView{}, false
}

// lifePreview is what a file's entry shows under its title: its thumbnail
// (a tap shows the picture) or a button to see what is known of it; nil for
// other kinds. The entry's data says the thumbnail's size, so the row is
// laid out once, when built; the thumbnail is read after, into its place.
func lifePreview(t *timelineTab, e data.Entry) fyne.CanvasObject {
	d, ok := e.Data.(data.FileData)
	if !ok || d.FileID == 0 {
		return nil
	}
	a := t.a
	open := func() {
		me := a.Me.ID
		load(a, func(ctx context.Context) (data.FileInfo, error) { return a.Store.File(ctx, me, d.FileID) }, func(f data.FileInfo) {
			t.f.fileViewer = showFile(a, t.f.Window(), f)
		})
	}
	if !d.Thumb {
		icon := theme.FileIcon()
		if d.Preview == data.PreviewPDF {
			icon = theme.FileTextIcon()
		}
		b := widget.NewButtonWithIcon(lang.L("See the file")+" · "+fileSizeText(d.Size, a.Lang), icon, open)
		b.Importance = widget.LowImportance
		return container.NewHBox(b)
	}
	img := canvas.NewImageFromResource(nil)
	img.FillMode = canvas.ImageFillContain
	w, h := float32(timelineThumb), float32(timelineThumb)
	if d.Width > 0 && d.Height > 0 {
		if d.Width >= d.Height {
			h = w * float32(d.Height) / float32(d.Width)
		} else {
			w = h * float32(d.Width) / float32(d.Height)
		}
	}
	img.SetMinSize(fyne.NewSize(w, h))
	loadThumb(a, d.FileID, img)
	if len(t.f.timelineThumbs) >= 400 { // kept for tests: the last ones built
		t.f.timelineThumbs = append(t.f.timelineThumbs[:0], t.f.timelineThumbs[200:]...)
	}
	t.f.timelineThumbs = append(t.f.timelineThumbs, img)
	return container.NewHBox(widgets.NewTapBox(img, open))
}
