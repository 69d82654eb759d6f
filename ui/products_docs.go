package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// documentsPanel lists the quotes and invoices of the deal under its lines,
// with "+ Create → Quote / Invoice" and, per document, its status, the step
// to invoice a quote, and opening or saving its PDF.
type documentsPanel struct {
	t    *productsTab
	docs []data.Document

	root     fyne.CanvasObject
	create   *widget.Button
	hint     *widget.Label
	list     *fyne.Container
	lastOpen string // the file last opened (tests)
}

func newDocumentsPanel(t *productsTab) *documentsPanel {
	p := &documentsPanel{t: t}
	p.create = widget.NewButtonWithIcon(lang.L("Create"), theme.ContentAddIcon(), p.showCreateMenu)
	p.hint = widget.NewLabel("")
	p.hint.Importance = widget.LowImportance
	p.hint.Wrapping = fyne.TextWrapWord
	p.list = container.NewVBox()
	head := container.NewBorder(nil, nil, heading(lang.L("Quotes and invoices")), p.create)
	p.root = container.NewVBox(head, p.hint, p.list)
	p.reload()
	return p
}

func (p *documentsPanel) showCreateMenu() {
	menu := fyne.NewMenu("",
		fyne.NewMenuItem(lang.L("Quote"), func() { p.createDoc(data.DocQuote) }),
		fyne.NewMenuItem(lang.L("Invoice"), func() { p.createDoc(data.DocInvoice) }),
	)
	c := fyne.CurrentApp().Driver().CanvasForObject(p.create)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.create)
	widget.ShowPopUpMenuAtPosition(menu, c, pos.Add(fyne.NewPos(0, p.create.Size().Height)))
}

// setLinesState tells the panel whether the lines are being edited and
// whether saved lines exist; documents are made from saved lines only.
func (p *documentsPanel) setLinesState(dirty, hasLines bool) {
	switch {
	case p.t.readOnly():
		p.create.Disable()
		p.hint.SetText("")
	case dirty:
		p.create.Disable()
		p.hint.SetText(lang.L("Save the lines to make a quote or an invoice from them."))
	case !hasLines:
		p.create.Disable()
		p.hint.SetText(lang.L("Add product lines to make a quote or an invoice."))
	default:
		p.create.Enable()
		p.hint.SetText("")
	}
	if p.hint.Text == "" {
		p.hint.Hide()
	} else {
		p.hint.Show()
	}
}

func (p *documentsPanel) reload() {
	a, id := p.t.f.App, p.t.f.Deal.ID
	load(a, func(ctx context.Context) ([]data.Document, error) {
		return a.Store.DealDocuments(ctx, a.Me.ID, id)
	}, p.show)
}

func (p *documentsPanel) show(docs []data.Document) {
	p.docs = docs
	objs := make([]fyne.CanvasObject, 0, len(docs))
	for i := len(docs) - 1; i >= 0; i-- { // newest first
		objs = append(objs, p.row(docs[i]))
	}
	if len(objs) == 0 {
		l := widget.NewLabel(lang.L("No quote or invoice yet."))
		l.Importance = widget.LowImportance
		objs = append(objs, l)
	}
	p.list.Objects = objs
	p.list.Refresh()
}

func kindLabel(k data.DocumentKind) string {
	if k == data.DocQuote {
		return lang.L("Quote")
	}
	return lang.L("Invoice")
}

func statusLabel(s data.DocumentStatus) string {
	switch s {
	case data.DocSent:
		return lang.L("Sent")
	case data.DocAccepted:
		return lang.L("Accepted")
	case data.DocDeclined:
		return lang.L("Declined")
	case data.DocPaid:
		return lang.L("Paid")
	}
	return lang.L("Draft")
}

func (p *documentsPanel) row(d data.Document) fyne.CanvasObject {
	l := p.t.f.App.Lang
	title := widget.NewLabelWithStyle(d.Number, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	info := widget.NewLabel(fmt.Sprintf("%s · %s · %s", kindLabel(d.Kind), formatDay(d.IssueDate, l), formatMoney(d.Gross, d.Currency, l)))
	var opts []string
	next := d.NextStatuses()
	for _, s := range next {
		opts = append(opts, statusLabel(s))
	}
	status := widget.NewSelect(opts, nil)
	status.PlaceHolder = statusLabel(d.Status)
	status.OnChanged = func(string) {
		if i := status.SelectedIndex(); i >= 0 {
			p.setStatus(d, next[i])
		}
	}
	if len(next) == 0 || p.t.readOnly() {
		status.Disable()
	}
	open := widget.NewButtonWithIcon(lang.L("Open PDF"), theme.FileIcon(), func() { p.open(d) })
	save := widget.NewButtonWithIcon(lang.L("Save PDF…"), theme.DownloadIcon(), func() { p.savePDF(d) })
	buttons := container.NewHBox(sizedWidth(status, 120), open, save)
	if d.Kind == data.DocQuote && d.Status != data.DocDeclined && !p.t.readOnly() {
		buttons.Add(widget.NewButton(lang.L("Invoice it"), func() { p.invoiceQuote(d) }))
	}
	return container.NewVBox(container.NewHBox(title, info), container.NewHBox(layout.NewSpacer(), buttons))
}

// createDoc issues a document from the saved lines.
func (p *documentsPanel) createDoc(kind data.DocumentKind) {
	p.t.confirmDiscard(func() {
		a, id := p.t.f.App, p.t.f.Deal.ID
		a.run(func(ctx context.Context) error {
			var d data.Document
			err := safeDocument(func() (err error) {
				d, err = a.Store.CreateDocument(ctx, a.Me.ID, id, kind)
				return err
			})
			a.do(func() { p.done(d, notIssued(err)) })
			return nil
		})
	})
}

func (p *documentsPanel) invoiceQuote(q data.Document) {
	a := p.t.f.App
	a.run(func(ctx context.Context) error {
		var d data.Document
		err := safeDocument(func() (err error) {
			d, err = a.Store.InvoiceFromQuote(ctx, a.Me.ID, q.ID)
			return err
		})
		a.do(func() { p.done(d, notIssued(err)) })
		return nil
	})
}

func (p *documentsPanel) done(d data.Document, err error) {
	if err != nil {
		p.t.f.App.showErrorIn(p.t.f.Window(), err)
		return
	}
	p.t.status.SetText(lang.X("products.doc.created", "{{.Number}} created.", map[string]any{"Number": d.Number}))
	p.reload()
}

func (p *documentsPanel) setStatus(d data.Document, to data.DocumentStatus) {
	if to == data.DocPaid {
		p.askPayment(d)
		return
	}
	p.applyStatus(d, to, data.Payment{})
}

// askPayment asks for the payment's date, method and reference before
// marking an invoice paid (the payment goes to the deal's timeline).
func (p *documentsPanel) askPayment(d data.Document) {
	date := widget.NewDateEntry()
	today := p.t.f.App.now()
	date.SetDate(&today)
	labels := make([]string, len(data.PaymentMethods))
	for i, m := range data.PaymentMethods {
		labels[i] = paymentMethodLabel(m)
	}
	method := widget.NewSelect(labels, nil)
	method.SetSelectedIndex(0)
	ref := widget.NewEntry()
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Date"), date),
		widget.NewFormItem(lang.L("Payment method"), method),
		widget.NewFormItem(lang.L("Reference"), ref),
	}
	dialog.ShowForm(lang.X("products.doc.paid", "{{.Number}} paid", map[string]any{"Number": d.Number}), lang.L("Mark paid"), lang.L("Cancel"),
		items, func(ok bool) {
			if !ok {
				p.reload()
				return
			}
			pay := data.Payment{Reference: ref.Text}
			if i := method.SelectedIndex(); i >= 0 {
				pay.Method = data.PaymentMethods[i]
			}
			if date.Date != nil {
				pay.Date = date.Date.Format("2006-01-02")
			}
			p.applyStatus(d, data.DocPaid, pay)
		}, p.t.f.Window())
}

func (p *documentsPanel) applyStatus(d data.Document, to data.DocumentStatus, pay data.Payment) {
	a := p.t.f.App
	a.run(func(ctx context.Context) error {
		var err error
		if to == data.DocPaid {
			_, err = a.Store.MarkInvoicePaid(ctx, a.Me.ID, d.ID, pay)
		} else {
			_, err = a.Store.SetDocumentStatus(ctx, a.Me.ID, d.ID, to)
		}
		a.do(func() {
			if err != nil {
				a.showErrorIn(p.t.f.Window(), err)
			}
			p.reload()
		})
		return nil
	})
}

// safeDocument runs a document call so that a panic in it becomes an error
// shown in words rather than the end of the app.
func safeDocument(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", data.ErrDocumentRender, p)
		}
	}()
	return fn()
}

// notIssued says, for a document that could not be drawn, that it was not
// issued and used no number; other errors pass unchanged.
func notIssued(err error) error {
	if errors.Is(err, data.ErrDocumentRender) {
		return fmt.Errorf("%s\n%w", lang.L("The document's PDF could not be made, so the document was not issued and no number was used."), err)
	}
	return err
}

// documentPDF renders a document's PDF; a document that could not be drawn
// is said so in words.
func documentPDF(ctx context.Context, a *App, docID int64) ([]byte, error) {
	var pdf []byte
	err := safeDocument(func() (err error) {
		pdf, err = a.Store.DocumentPDF(ctx, a.Me.ID, docID)
		return err
	})
	if errors.Is(err, data.ErrDocumentRender) {
		return nil, fmt.Errorf("%s\n%w", lang.L("The PDF of this document could not be made."), err)
	}
	return pdf, err
}

// open shows the document's PDF in the system's viewer.
func (p *documentsPanel) open(d data.Document) {
	openDocumentPDF(p.t.f.App, d.ID, func(path string) { p.lastOpen = path })
}

// savePDF asks where to save the PDF and writes it there.
func (p *documentsPanel) savePDF(d data.Document) {
	saveDocumentPDF(p.t.f.App, p.t.f.Window(), d.ID, d.FileName())
}

// openDocumentPDF writes a document's PDF to a temporary file and opens it
// with the system's viewer; opened (optional) is told the file's path on
// the UI goroutine. The timeline's document entries can use it with the
// entry's document_id.
func openDocumentPDF(a *App, docID int64, opened func(path string)) {
	a.run(func(ctx context.Context) error {
		d, err := a.Store.Document(ctx, a.Me.ID, docID)
		if err != nil {
			return err
		}
		pdf, err := documentPDF(ctx, a, docID)
		if err != nil {
			return err
		}
		path, err := writeViewerFile(d.FileName(), pdf)
		if err != nil {
			return err
		}
		u, err := url.Parse(storage.NewFileURI(path).String())
		if err != nil {
			return err
		}
		a.do(func() {
			if opened != nil {
				opened(path)
			}
			if a.pdfOpened != nil {
				a.pdfOpened(path)
			}
			_ = a.openExternal(u)
		})
		return nil
	})
}

// viewerDir is the private folder (0700, made by os.MkdirTemp once per run)
// where PDFs are written for the system viewer. A shared, predictable path
// would let another user of the machine plant a file or a symbolic link.
var viewerDir struct {
	sync.Mutex
	path string
}

// writeViewerFile writes b to a new file named name (else name with a
// random part, when a file of that name was already written this run) in
// the private folder and returns its path. The file is created, never
// reused.
func writeViewerFile(name string, b []byte) (string, error) {
	viewerDir.Lock()
	defer viewerDir.Unlock()
	if viewerDir.path == "" {
		dir, err := os.MkdirTemp("", "comptoir-documents-")
		if err != nil {
			return "", fmt.Errorf("documents folder: %w", err)
		}
		viewerDir.path = dir
	}
	name = filepath.Base(name)
	f, err := os.OpenFile(filepath.Join(viewerDir.path, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		ext := filepath.Ext(name)
		f, err = os.CreateTemp(viewerDir.path, strings.TrimSuffix(name, ext)+"-*"+ext)
	}
	if err != nil {
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	return f.Name(), nil
}

// saveDocumentPDF asks where to save a document's PDF (named fileName,
// e.g. "FAC-2026-0001.pdf") and writes it there.
func saveDocumentPDF(a *App, win fyne.Window, docID int64, fileName string) {
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		writeDocumentPDF(a, docID, w)
	}, win)
	save.SetFileName(fileName)
	save.Show()
}

// writeDocumentPDF renders a document into w and closes it.
func writeDocumentPDF(a *App, docID int64, w io.WriteCloser) {
	a.run(func(ctx context.Context) error {
		defer w.Close()
		pdf, err := documentPDF(ctx, a, docID)
		if err != nil {
			return err
		}
		if _, err := w.Write(pdf); err != nil {
			return fmt.Errorf("save document %d: %w", docID, err)
		}
		return nil
	})
}
