package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif" // pictures a file may be
	_ "image/jpeg"
	_ "image/png"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	_ "golang.org/x/image/webp" // pictures a file may be

	"comptoir/data"
)

// Files on a deal (its Files tab) and on a contact or a company (a section
// of its form): a list of rows, newest first, each with a thumbnail for a
// picture or a scanned PDF (read when the row is built, never with the
// list) or an icon, the name, size and who added it; tapping a row shows
// the picture (or what is known of the file) with "Save as…". Files are
// added through Fyne's file dialog, which on a phone is the system's
// picker: the gallery, the camera, the file manager. Nothing is ever opened
// by another program: a file is saved where the person chooses, under its
// safe name.

// filesPanel lists the files of one record and adds to them. The list is
// virtual: only the rows on screen are built, and each reads its
// thumbnail when first shown (kept for when it scrolls back).
type filesPanel struct {
	a        *App
	owner    data.FileOwner
	win      func() fyne.Window
	readOnly func() bool // may not add (an observer of a deal)

	root   fyne.CanvasObject
	list   *widget.List
	add    *widget.Button
	status *widget.Label // "Adding photo.jpg…"
	err    *widget.Label
	empty  *widget.Label

	files  []data.FileInfo
	edit   bool                  // may delete any file, not only one's own
	thumbs map[int64]image.Image // read thumbnails, by file
	rows   map[*fyne.Container]*fileRow
	seq    int

	viewer  *fileViewer // the last file shown (tests)
	resized func()      // told when the number of files changed (a form lays out again)
}

// fileRow is a row of the list and the file it shows now.
type fileRow struct {
	f     data.FileInfo
	box   *fyne.Container
	thumb *canvas.Image
	icon  *widget.Icon
	name  *widget.Label
	meta  *widget.Label
	open  *widget.Button
	save  *widget.Button
	del   *widget.Button
}

// fileRowHeight is a row's height: the thumbnail's side and some.
const fileRowHeight = fileThumbSide + 8

func newFilesPanel(a *App, owner data.FileOwner, win func() fyne.Window, readOnly func() bool) *filesPanel {
	p := &filesPanel{a: a, owner: owner, win: win, readOnly: readOnly, thumbs: map[int64]image.Image{}, rows: map[*fyne.Container]*fileRow{}}
	p.list = widget.NewList(func() int { return len(p.files) }, p.newRow, p.updateRow)
	p.list.OnSelected = func(id widget.ListItemID) {
		p.list.UnselectAll()
		if id >= 0 && id < len(p.files) {
			p.viewer = showFile(a, p.win(), p.files[id])
		}
	}
	p.add = widget.NewButtonWithIcon(lang.L("Add a file or photo"), theme.ContentAddIcon(), p.pick)
	p.add.Importance = widget.HighImportance
	p.status = widget.NewLabel("")
	p.status.Importance = widget.LowImportance
	p.status.Hide()
	p.err = newErrorLabel()
	p.empty = widget.NewLabel(lang.L("No file yet. Photos of the site, the signed order, a business card…"))
	p.empty.Wrapping = fyne.TextWrapWord
	p.empty.Importance = widget.LowImportance
	p.empty.Hide()
	top := container.NewVBox(container.NewHBox(p.add), p.status, p.err)
	p.root = container.NewBorder(container.NewPadded(top), nil, nil, nil, container.NewStack(p.list, container.NewVBox(p.empty)))
	p.applyAccess()
	p.reload()
	return p
}

func (p *filesPanel) applyAccess() {
	if p.readOnly != nil && p.readOnly() {
		p.add.Hide()
	} else {
		p.add.Show()
	}
}

// filesRead is what the list reads in one go.
type filesRead struct {
	files []data.FileInfo
	edit  bool
}

// reload reads the list again (not the thumbnails: those of files still
// listed are kept).
func (p *filesPanel) reload() {
	p.seq++
	seq := p.seq
	a, me, owner := p.a, p.a.Me.ID, p.owner
	if owner.ID == 0 {
		return
	}
	load(a, func(ctx context.Context) (filesRead, error) {
		var r filesRead
		var err error
		if r.files, err = a.Store.Files(ctx, me, owner); err != nil {
			return r, err
		}
		r.edit, err = a.Store.MayEditFiles(ctx, me, owner)
		return r, err
	}, func(r filesRead) {
		if seq == p.seq {
			p.show(r)
		}
	})
}

func (p *filesPanel) show(r filesRead) {
	grew := len(p.files) != len(r.files)
	p.files, p.edit = r.files, r.edit
	p.list.Refresh()
	if grew && p.resized != nil {
		p.resized()
	}
	if len(p.files) == 0 {
		p.empty.Show()
	} else {
		p.empty.Hide()
	}
}

// fileThumbSide is the side of a row's thumbnail.
const fileThumbSide = 72

func (p *filesPanel) newRow() fyne.CanvasObject {
	r := &fileRow{}
	r.thumb = canvas.NewImageFromResource(nil)
	r.thumb.FillMode = canvas.ImageFillContain
	r.thumb.SetMinSize(fyne.NewSize(fileThumbSide, fileThumbSide))
	r.icon = widget.NewIcon(theme.FileIcon())
	r.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.meta = widget.NewLabel("")
	r.meta.Importance = widget.LowImportance
	r.meta.SizeName = theme.SizeNameCaptionText
	r.meta.Truncation = fyne.TextTruncateEllipsis
	r.open = widget.NewButtonWithIcon("", theme.VisibilityIcon(), nil)
	r.save = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), nil)
	r.del = widget.NewButtonWithIcon("", theme.DeleteIcon(), nil)
	for _, b := range []*widget.Button{r.open, r.save, r.del} {
		b.Importance = widget.LowImportance
	}
	pic := container.New(&widthLayout{w: fileThumbSide}, container.NewStack(r.thumb, container.NewCenter(r.icon)))
	r.box = container.NewBorder(nil, nil, pic, container.NewHBox(r.open, r.save, r.del), container.NewVBox(r.name, r.meta))
	p.rows[r.box] = r
	return r.box
}

func (p *filesPanel) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	r := p.rows[o.(*fyne.Container)]
	if r == nil || id >= len(p.files) {
		return
	}
	a := p.a
	f := p.files[id]
	r.f = f
	r.name.SetText(f.Name)
	r.meta.SetText(fileMeta(f, a.Lang))
	r.open.OnTapped = func() { p.viewer = showFile(a, p.win(), f) }
	r.save.OnTapped = func() { saveFileAs(a, p.win(), f) }
	r.del.OnTapped = func() { p.confirmDelete(f) }
	if p.edit || f.AuthorID == a.Me.ID {
		r.del.Show()
	} else {
		r.del.Hide()
	}
	if !f.HasThumb {
		r.thumb.Image = nil
		r.thumb.Hide()
		r.icon.SetResource(fileIcon(f))
		r.icon.Show()
		return
	}
	r.icon.Hide()
	r.thumb.Show()
	if m, ok := p.thumbs[f.ID]; ok {
		r.thumb.Image = m
		r.thumb.Refresh()
		return
	}
	r.thumb.Image = nil
	r.thumb.Refresh()
	me, id64 := a.Me.ID, f.ID
	load(a, func(ctx context.Context) (image.Image, error) {
		b, err := a.Store.FileThumb(ctx, me, id64)
		if err != nil || len(b) == 0 {
			return nil, err
		}
		return decodePicture(b), nil
	}, func(m image.Image) {
		if m == nil {
			return
		}
		p.thumbs[id64] = m
		if r.f.ID == id64 { // the row still shows that file
			r.thumb.Image = m
			r.thumb.Refresh()
		}
	})
}

// sizedList gives a list the height of its rows, at most max of them: a
// list inside a scrolled form has no height of its own.
type sizedList struct {
	p   *filesPanel
	max int
}

func (l *sizedList) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *sizedList) MinSize([]fyne.CanvasObject) fyne.Size {
	n := min(len(l.p.files), l.max)
	return fyne.NewSize(0, float32(n)*(fileRowHeight+theme.Padding()))
}

// shown is the built row showing a file, or nil (tests).
func (p *filesPanel) shown(fileID int64) *fileRow {
	for _, r := range p.rows {
		if r.f.ID == fileID {
			return r
		}
	}
	return nil
}

// loadThumb reads a file's thumbnail into img, off the UI goroutine.
// The JPEG is decoded there too: a page of thumbnails costs the UI
// goroutine nothing but drawing them.
func loadThumb(a *App, fileID int64, img *canvas.Image) {
	me := a.Me.ID
	load(a, func(ctx context.Context) (image.Image, error) {
		b, err := a.Store.FileThumb(ctx, me, fileID)
		if err != nil || len(b) == 0 {
			return nil, err
		}
		return decodePicture(b), nil
	}, func(m image.Image) {
		if m != nil {
			img.Image = m
			img.Refresh()
		}
	})
}

// decodePicture decodes a picture's bytes, or nil when they are none the
// window can show.
func decodePicture(b []byte) image.Image {
	m, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return m
}

// fileIcon is the icon of a file without a thumbnail.
func fileIcon(f data.FileInfo) fyne.Resource {
	switch {
	case f.Preview == data.PreviewImage:
		return theme.FileImageIcon()
	case f.Preview == data.PreviewPDF:
		return theme.FileTextIcon()
	}
	return theme.FileIcon()
}

// fileMeta is a file's second line: its size, pages, who added it, when.
func fileMeta(f data.FileInfo, language string) string {
	s := fileSizeText(f.Size, language)
	if f.Pages > 0 {
		s += " · " + lang.L("{{.N}} p.", map[string]any{"N": f.Pages})
	}
	if f.Author != "" {
		s += " · " + f.Author
	}
	return s + " · " + formatDateTime(f.CreatedAt, language)
}

// fileSizeText writes a size for people, in language (data/locale).
func fileSizeText(n int64, language string) string { return loc(language).Size(n) }

// pick opens the file dialog (on a phone: the gallery, the camera, files).
func (p *filesPanel) pick() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			p.a.showErrorIn(p.win(), err)
			return
		}
		if r != nil {
			p.attach(r)
		}
	}, p.win())
	d.Show()
}

// attach adds what a file dialog chose.
func (p *filesPanel) attach(r fyne.URIReadCloser) {
	p.attachNamed(r.URI().Name(), r)
}

// attachNamed adds the bytes of r under name; the read and the write run
// off the UI goroutine, and r is closed.
func (p *filesPanel) attachNamed(name string, r io.ReadCloser) {
	a, me, owner := p.a, p.a.Me.ID, p.owner
	setError(p.err, "")
	p.status.SetText(lang.L("Adding {{.Name}}…", map[string]any{"Name": name}))
	p.status.Show()
	p.add.Disable()
	a.run(func(ctx context.Context) error {
		defer r.Close()
		_, err := a.Store.AddFile(ctx, me, owner, name, r)
		a.do(func() {
			p.status.Hide()
			p.add.Enable()
			if err != nil {
				setError(p.err, fileErrorText(err, a.Lang))
				return
			}
			p.reload()
		})
		return nil
	})
}

// fileErrorText words a refused file: the limit, with both sizes.
func fileErrorText(err error, language string) string {
	if le := data.FileLimit(err); le != nil {
		return lang.L("{{.Name}} is larger than {{.Limit}}, the limit for one file.",
			map[string]any{"Name": le.Name, "Limit": fileSizeText(le.Limit, language)})
	}
	if v := data.FieldErrors(err); v != nil {
		if f := v.Field("file"); f != nil && f.Code == "empty" {
			return lang.L("This file is empty.")
		}
	}
	return errorText(err)
}

func (p *filesPanel) confirmDelete(f data.FileInfo) {
	a, me := p.a, p.a.Me.ID
	dialog.ShowConfirm(lang.L("Delete this file?"), lang.L("{{.Name}} will be removed from this record.", map[string]any{"Name": f.Name}), func(ok bool) {
		if !ok {
			return
		}
		a.run(func(ctx context.Context) error {
			if err := a.Store.DeleteFile(ctx, me, f.ID); err != nil {
				return err
			}
			a.do(p.reload)
			return nil
		})
	}, p.win())
}

// fileViewer is a file shown in a dialog.
type fileViewer struct {
	f     data.FileInfo
	dlg   dialog.Dialog
	image *canvas.Image // the picture, once read
	save  *widget.Button
}

// showFile shows a picture whole (read when asked), a scanned PDF's first
// page, or what is known of another file; each with "Save as…". Nothing is
// handed to another program.
func showFile(a *App, win fyne.Window, f data.FileInfo) *fileViewer {
	v := &fileViewer{f: f}
	info := widget.NewLabel(fileMeta(f, a.Lang))
	info.Wrapping = fyne.TextWrapWord
	info.Importance = widget.LowImportance
	v.save = widget.NewButtonWithIcon(lang.L("Save as…"), theme.DocumentSaveIcon(), func() { saveFileAs(a, win, f) })
	body := container.NewVBox()
	size := dialogSize(win, 720)
	if h := win.Canvas().Size().Height; h > 0 {
		size.Height = h - 80
	}
	switch {
	case f.Preview == data.PreviewImage:
		v.image = canvas.NewImageFromResource(nil)
		v.image.FillMode = canvas.ImageFillContain
		me := a.Me.ID
		load(a, func(ctx context.Context) (image.Image, error) {
			b, err := a.Store.FileData(ctx, me, f.ID)
			if err != nil {
				return nil, err
			}
			return decodePicture(b), nil
		}, func(m image.Image) {
			if m != nil {
				v.image.Image = m
				v.image.Refresh()
			}
		})
	case f.HasThumb:
		v.image = canvas.NewImageFromResource(nil)
		v.image.FillMode = canvas.ImageFillContain
		loadThumb(a, f.ID, v.image)
	default:
		ic := widget.NewIcon(fileIcon(f))
		body.Add(container.NewCenter(container.New(&widthLayout{w: 96}, ic)))
		body.Add(widget.NewLabel(lang.L("This file is not shown here: save it to open it with the program of your choice.")))
		size.Height = 0
	}
	var content fyne.CanvasObject = body
	if v.image != nil {
		content = container.NewBorder(nil, nil, nil, nil, v.image)
	}
	v.dlg = dialog.NewCustom(f.Name, lang.L("Close"), container.NewBorder(nil, container.NewVBox(info, container.NewHBox(v.save)), nil, nil, content), win)
	v.dlg.Resize(size)
	v.dlg.Show()
	return v
}

// saveFileAs asks where to save a file, under its safe name, and writes it
// there.
func saveFileAs(a *App, win fyne.Window, f data.FileInfo) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		writeFileTo(a, f, w)
	}, win)
	d.SetFileName(f.Name)
	d.Show()
}

// writeFileTo writes a file's bytes to w and closes it.
func writeFileTo(a *App, f data.FileInfo, w io.WriteCloser) {
	me := a.Me.ID
	a.run(func(ctx context.Context) error {
		defer w.Close()
		b, err := a.Store.FileData(ctx, me, f.ID)
		if err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("save %s: %w", f.Name, err)
		}
		return nil
	})
}
