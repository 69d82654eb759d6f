package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/data/formats"
)

// importWizard imports contacts or companies from a CSV or vCard file: pick
// the file, map its columns (guessed from the headers), look at the preview
// with each line's outcome or errors (a dry run of the real import), then
// import everything in one transaction, or nothing.
type importWizard struct {
	a    *App
	kind data.ImportKind
	win  fyne.Window // its own window on the desktop; the main one on a phone
	dlg  dialog.Dialog
	root fyne.CanvasObject

	chooseBtn *widget.Button
	fileLabel *widget.Label
	mapCard   *widget.Card
	mapBox    *fyne.Container
	selects   []*widget.Select
	preview   *widget.Table
	summary   *widget.Label
	importBtn *widget.Button
	closeBtn  *widget.Button

	defs     []data.FieldDef
	table    *formats.Table // nil for a vCard file
	mapping  []string
	recs     []data.ImportRecord
	readErrs []data.LineError // cards that could not be read
	outcome  data.ImportResult
	lines    []previewLine
	ok       bool // the dry run found no error
	seq      int
}

// previewLine is one row of the preview table.
type previewLine struct {
	line    int
	name    string
	emails  string
	phones  string
	other   string // the company, or a company's VAT number
	outcome string
	bad     bool
}

// showImport opens the import of contacts or companies.
func showImport(a *App, kind data.ImportKind) *importWizard {
	w := newImportWizard(a, kind)
	if a.Mobile || a.FyneApp == nil {
		w.win = a.Win
		w.dlg = dialog.NewCustomWithoutButtons(w.title(), w.root, a.Win)
		w.dlg.Resize(a.Win.Canvas().Size())
		w.closeBtn.OnTapped = w.dlg.Hide
		w.dlg.Show()
		return w
	}
	w.win = a.FyneApp.NewWindow(w.title())
	w.win.SetContent(w.root)
	w.win.Resize(fyne.NewSize(980, 680))
	w.closeBtn.OnTapped = w.win.Close
	w.win.Show()
	return w
}

func (w *importWizard) title() string {
	if w.kind == data.ImportCompanies {
		return lang.L("Import companies")
	}
	return lang.L("Import contacts")
}

func newImportWizard(a *App, kind data.ImportKind) *importWizard {
	w := &importWizard{a: a, kind: kind}
	w.chooseBtn = widget.NewButtonWithIcon(lang.L("Choose a CSV or vCard file…"), theme.FolderOpenIcon(), w.chooseFile)
	w.chooseBtn.Importance = widget.HighImportance
	w.fileLabel = widget.NewLabel(lang.L("CSV from a spreadsheet (comma or semicolon), or .vcf exported from a phone or an address book."))
	w.fileLabel.Wrapping = fyne.TextWrapWord
	w.mapBox = container.NewVBox()
	w.mapCard = widget.NewCard(lang.L("Columns"), lang.L("What each column of the file holds"), container.NewVScroll(w.mapBox))
	w.preview = widget.NewTable(w.previewSize, w.previewCell, w.previewUpdate)
	w.preview.ShowHeaderRow = true
	w.preview.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	w.preview.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(w.previewHeaders()[id.Col])
		}
	}
	for i, width := range []float32{50, 300, 160, 200, 130, 140} {
		w.preview.SetColumnWidth(i, width)
	}
	w.summary = widget.NewLabel("")
	w.summary.Wrapping = fyne.TextWrapWord
	w.importBtn = widget.NewButtonWithIcon(w.importLabel(0), theme.UploadIcon(), w.runImport)
	w.importBtn.Importance = widget.HighImportance
	w.importBtn.Disable()
	w.closeBtn = widget.NewButton(lang.L("Close"), nil)
	top := container.NewBorder(nil, nil, w.chooseBtn, nil, w.fileLabel)
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(w.closeBtn, w.importBtn), w.summary)
	previewCard := widget.NewCard(lang.L("Preview"), "", w.preview)
	var middle fyne.CanvasObject
	if a.Mobile {
		middle = container.NewVSplit(w.mapCard, previewCard)
	} else {
		split := container.NewHSplit(w.mapCard, previewCard)
		split.Offset = 0.34
		middle = split
	}
	w.root = container.NewPadded(container.NewBorder(top, bottom, nil, nil, middle))
	return w
}

func (w *importWizard) importLabel(n int) string {
	if n == 0 {
		return w.title()
	}
	if w.kind == data.ImportCompanies {
		return lang.L("Import {{.Count}} companies", map[string]any{"Count": n})
	}
	return lang.L("Import {{.Count}} contacts", map[string]any{"Count": n})
}

// chooseFile asks for the file with the system's dialog.
func (w *importWizard) chooseFile() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			w.a.showErrorIn(w.win, err)
			return
		}
		if rc == nil {
			return
		}
		name := rc.URI().Name()
		w.a.run(func(ctx context.Context) error {
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				return fmt.Errorf("read %s: %w", name, err)
			}
			w.a.do(func() { w.loadBytes(name, b) })
			return nil
		})
	}, w.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".txt", ".tsv", ".vcf", ".vcard"}))
	d.Show()
}

// loadPath reads a file from a path (tests, and files dropped on the app).
func (w *importWizard) loadPath(path string) {
	w.a.run(func(ctx context.Context) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		w.a.do(func() { w.loadBytes(filepath.Base(path), b) })
		return nil
	})
}

// loadBytes reads the file's records: a vCard by its name or first line,
// else a CSV whose mapping is guessed from its header.
func (w *importWizard) loadBytes(name string, b []byte) {
	w.seq++
	seq := w.seq
	kind, st, me := w.kind, w.a.Store, w.a.Me.ID
	isVCard := strings.HasSuffix(strings.ToLower(name), ".vcf") || strings.HasSuffix(strings.ToLower(name), ".vcard") ||
		bytes.HasPrefix(bytes.ToUpper(bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))), []byte("BEGIN:VCARD"))
	type loaded struct {
		defs  []data.FieldDef
		table *formats.Table
		recs  []data.ImportRecord
		bad   []data.LineError
	}
	w.fileLabel.SetText(name)
	load(w.a, func(ctx context.Context) (loaded, error) {
		var l loaded
		entity := data.EntityContact
		if kind == data.ImportCompanies {
			entity = data.EntityCompany
		}
		var err error
		if l.defs, err = st.FieldDefs(ctx, me, entity); err != nil {
			return l, err
		}
		if isVCard {
			if kind != data.ImportContacts {
				return l, errors.New(lang.L("A vCard file holds contacts: import it from the Contacts screen."))
			}
			l.recs, err = formats.ReadVCards(bytes.NewReader(b))
			var ie *data.ImportError
			if errors.As(err, &ie) {
				l.bad, err = ie.Lines, nil
			}
			return l, err
		}
		l.table, err = formats.ReadCSV(bytes.NewReader(b))
		return l, err
	}, func(l loaded) {
		if seq != w.seq {
			return
		}
		w.defs, w.table, w.recs, w.readErrs = l.defs, l.table, l.recs, l.bad
		w.fileLabel.SetText(name)
		if w.table != nil {
			w.mapping = formats.GuessMapping(w.kind, w.table.Header, w.defs)
			w.buildMapping()
		} else {
			w.mapping = nil
			w.selects = nil
			hint := widget.NewLabel(lang.L("A vCard file names its fields itself: nothing to map."))
			hint.Wrapping = fyne.TextWrapWord
			w.mapBox.Objects = []fyne.CanvasObject{hint}
			w.mapBox.Refresh()
		}
		w.refresh()
	})
}

// targetLabel is what a person reads for an import target.
func (w *importWizard) targetLabel(t string) string {
	switch t {
	case formats.TargetIgnore:
		return lang.L("(ignore)")
	case formats.TargetName:
		return lang.L("Name")
	case formats.TargetFirstName:
		return lang.L("First name")
	case formats.TargetLastName:
		return lang.L("Last name")
	case formats.TargetEmail:
		return lang.L("Email")
	case formats.TargetPhone:
		return lang.L("Phone")
	case formats.TargetCompany:
		return lang.L("Company")
	case formats.TargetAddress:
		return lang.L("Address")
	case formats.TargetNotes:
		return lang.L("Notes")
	case formats.TargetVAT:
		return lang.L("VAT number")
	case formats.TargetRegistration:
		return lang.L("Registration number")
	}
	key := strings.TrimPrefix(t, formats.TargetCustomPrefix)
	for _, d := range w.defs {
		if d.Key == key {
			return d.Label
		}
	}
	return key
}

// buildMapping shows one select per column of the file, set to the guess.
func (w *importWizard) buildMapping() {
	targets := formats.ImportTargets(w.kind, w.defs)
	labels := make([]string, len(targets))
	byLabel := map[string]string{}
	for i, t := range targets {
		labels[i] = w.targetLabel(t)
		byLabel[labels[i]] = t
	}
	w.mapBox.RemoveAll()
	w.selects = w.selects[:0]
	for col, h := range w.table.Header {
		col := col
		sample := ""
		if len(w.table.Rows) > 0 && col < len(w.table.Rows[0]) {
			sample = strings.TrimSpace(w.table.Rows[0][col])
		}
		title := h
		if title == "" {
			title = lang.L("Column {{.N}}", map[string]any{"N": col + 1})
		}
		sel := widget.NewSelect(labels, nil)
		sel.SetSelected(w.targetLabel(w.mapping[col]))
		sel.OnChanged = func(label string) {
			w.mapping[col] = byLabel[label]
			w.refresh()
		}
		w.selects = append(w.selects, sel)
		head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Truncation = fyne.TextTruncateEllipsis
		ex := widget.NewLabel(sample)
		ex.Importance = widget.LowImportance
		ex.Truncation = fyne.TextTruncateEllipsis
		w.mapBox.Add(container.NewGridWithColumns(2, container.NewVBox(head, ex), sel))
	}
}

// setTarget maps a column (tests drive the selects through it).
func (w *importWizard) setTarget(col int, target string) {
	w.selects[col].SetSelected(w.targetLabel(target))
}

// refresh builds the records with the mapping and dry-runs the import to
// fill the preview with every line's outcome.
func (w *importWizard) refresh() {
	w.seq++
	seq := w.seq
	w.ok = false
	w.importBtn.Disable()
	w.importBtn.SetText(w.importLabel(0))
	recs := w.recs
	if w.table != nil {
		var err error
		recs, err = w.table.Records(w.kind, w.mapping)
		if err != nil {
			w.recs, w.lines = nil, nil
			w.preview.Refresh()
			if v := data.FieldErrors(err); v != nil && v.Field("mapping") != nil {
				w.summary.SetText(lang.L("Choose the column that holds the name."))
			} else {
				w.summary.SetText(errorText(err))
			}
			w.summary.Importance = widget.DangerImportance
			w.summary.Refresh()
			return
		}
		w.recs = recs
	}
	w.summary.SetText(lang.L("Checking…"))
	w.summary.Importance = widget.MediumImportance
	w.summary.Refresh()
	kind, st, me := w.kind, w.a.Store, w.a.Me.ID
	w.a.run(func(ctx context.Context) error {
		res, err := st.Import(ctx, me, kind, recs, data.ImportOptions{DryRun: true})
		var ie *data.ImportError
		if err != nil && !errors.As(err, &ie) {
			return err
		}
		w.a.do(func() {
			if seq == w.seq {
				w.showOutcome(recs, res)
			}
		})
		return nil
	})
}

func (w *importWizard) showOutcome(recs []data.ImportRecord, res data.ImportResult) {
	w.outcome = res
	w.lines = w.lines[:0]
	bad := 0
	for _, le := range w.readErrs {
		bad++
		w.lines = append(w.lines, previewLine{line: le.Line, outcome: w.lineErrors(data.ImportRecord{}, le.Fields), bad: true})
	}
	for i, r := range recs {
		pl := previewLine{line: r.Line}
		if w.kind == data.ImportCompanies {
			pl.name, pl.emails, pl.phones, pl.other = r.Company.Name, strings.Join(r.Company.Emails, ", "), strings.Join(r.Company.Phones, ", "), r.Company.VATNumber
		} else {
			pl.name, pl.emails, pl.phones, pl.other = r.Contact.Name, strings.Join(r.Contact.Emails, ", "), strings.Join(r.Contact.Phones, ", "), r.CompanyName
		}
		if i < len(res.Lines) {
			o := res.Lines[i]
			switch {
			case len(o.Errors) > 0:
				pl.bad, pl.outcome = true, w.lineErrors(r, o.Errors)
				bad++
			case o.Updated:
				pl.outcome = lang.L("Updates an existing one")
			default:
				pl.outcome = lang.L("New")
			}
		}
		w.lines = append(w.lines, pl)
	}
	w.preview.Refresh()
	switch {
	case len(recs) == 0 && bad == 0:
		w.summary.SetText(lang.L("The file has no rows to import."))
		w.summary.Importance = widget.WarningImportance
	case bad > 0:
		w.summary.SetText(lang.L("Lines with errors: {{.Bad}}. Correct the file or the columns: nothing is imported until every line is valid.",
			map[string]any{"Bad": bad}))
		w.summary.Importance = widget.DangerImportance
	default:
		w.ok = true
		w.summary.SetText(lang.L("{{.New}} new, {{.Updated}} updated (same email).", map[string]any{"New": res.Created, "Updated": res.Updated}))
		w.summary.Importance = widget.SuccessImportance
		w.importBtn.SetText(w.importLabel(len(recs)))
		w.importBtn.Enable()
	}
	w.summary.Refresh()
}

// lineErrors writes a line's errors, naming the file's column when known.
func (w *importWizard) lineErrors(r data.ImportRecord, fields []data.FieldError) string {
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		msg := clientFieldMessage(f)
		if col, ok := r.Column[f.Field]; ok && w.table != nil && col < len(w.table.Header) {
			msg = w.table.Header[col] + ": " + msg
		} else if f.Field != "" {
			msg = f.Field + ": " + msg
		}
		parts = append(parts, msg)
	}
	return strings.Join(parts, "; ")
}

func (w *importWizard) previewHeaders() []string {
	other := lang.L("Company")
	if w.kind == data.ImportCompanies {
		other = lang.L("VAT number")
	}
	return []string{lang.L("Line"), lang.L("Result"), lang.L("Name"), lang.L("Emails"), lang.L("Phones"), other}
}

func (w *importWizard) previewSize() (int, int) { return len(w.lines), 6 }

func (w *importWizard) previewCell() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (w *importWizard) previewUpdate(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row >= len(w.lines) {
		l.SetText("")
		return
	}
	pl := w.lines[id.Row]
	l.Importance = widget.MediumImportance
	switch id.Col {
	case 0:
		l.SetText(fmt.Sprint(pl.line))
	case 1:
		l.SetText(pl.outcome)
		if pl.bad {
			l.Importance = widget.DangerImportance
		}
	case 2:
		l.SetText(pl.name)
	case 3:
		l.SetText(pl.emails)
	case 4:
		l.SetText(pl.phones)
	case 5:
		l.SetText(pl.other)
	}
	l.Refresh()
}

// runImport writes every record in one transaction and says what it did.
func (w *importWizard) runImport() {
	if !w.ok {
		return
	}
	w.importBtn.Disable()
	w.seq++
	recs, kind, st, me := w.recs, w.kind, w.a.Store, w.a.Me.ID
	w.summary.SetText(lang.L("Importing…"))
	w.a.run(func(ctx context.Context) error {
		res, err := st.Import(ctx, me, kind, recs, data.ImportOptions{})
		var ie *data.ImportError
		if errors.As(err, &ie) {
			w.a.do(func() { w.showOutcome(recs, res) })
			return nil
		}
		if err != nil {
			w.a.do(func() { w.importBtn.Enable() })
			return err
		}
		w.a.do(func() {
			w.outcome = res
			w.ok = false
			msg := lang.L("Done: {{.New}} created, {{.Updated}} updated.", map[string]any{"New": res.Created, "Updated": res.Updated})
			if res.CompaniesCreated > 0 {
				msg += " " + lang.L("Companies created from the names in the file: {{.Count}}.", map[string]any{"Count": res.CompaniesCreated})
			}
			w.summary.SetText(msg)
			w.summary.Importance = widget.SuccessImportance
			w.summary.Refresh()
			w.importBtn.SetText(w.importLabel(0))
		})
		return nil
	})
}
