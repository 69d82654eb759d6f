package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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

// The catalog screen: the products, searchable, edited by managers and
// admins, imported from and exported to CSV.

type catalogScreen struct {
	a        *App
	products []data.Product
	seq      int

	root       fyne.CanvasObject
	search     *widget.Entry
	onlyAct    *widget.Check
	list       *widget.List
	count      *widget.Label
	newBtn     *widget.Button
	importBtn  *widget.Button
	exportBtn  *widget.Button
	form       *productForm // the open product form (tests)
	lastImport string       // what the last import told the person (tests)
	unsub      func()
}

func newCatalogScreen(a *App) *catalogScreen {
	s := &catalogScreen{a: a}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("Search by name or SKU"))
	s.search.OnChanged = func(string) { s.reload() }
	s.onlyAct = widget.NewCheck(lang.L("Active only"), func(bool) { s.reload() })
	s.count = widget.NewLabel("")
	s.count.Importance = widget.LowImportance
	s.newBtn = widget.NewButtonWithIcon(lang.L("New product"), theme.ContentAddIcon(), func() { s.edit(data.Product{Active: true, Currency: data.DefaultCurrency, TaxRate: 2000}) })
	s.newBtn.Importance = widget.HighImportance
	s.importBtn = widget.NewButtonWithIcon(lang.L("Import CSV…"), theme.UploadIcon(), s.importDialog)
	s.exportBtn = widget.NewButtonWithIcon(lang.L("Export CSV…"), theme.DownloadIcon(), s.exportDialog)
	if !a.Me.SeesAll() {
		s.newBtn.Disable()
		s.importBtn.Disable()
	}
	s.list = widget.NewList(
		func() int { return len(s.products) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("")
			detail.Importance = widget.LowImportance
			price := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
			return container.NewBorder(nil, nil, nil, container.NewHBox(detail, price), name)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.products) {
				return
			}
			p := s.products[i]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(p.Name)
			right := c.Objects[1].(*fyne.Container)
			var bits []string
			if p.SKU != "" {
				bits = append(bits, p.SKU)
			}
			if p.Unit != "" {
				bits = append(bits, p.Unit)
			}
			bits = append(bits, lang.L("tax")+" "+rateText(p.TaxRate, a.Lang))
			if !p.Active {
				bits = append(bits, lang.L("retired"))
			}
			right.Objects[0].(*widget.Label).SetText(strings.Join(bits, " · "))
			right.Objects[1].(*widget.Label).SetText(formatMoney(p.Price, p.Currency, a.Lang))
			right.Refresh()
			c.Refresh() // lay out again for the new widths
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		if i < len(s.products) {
			s.edit(s.products[i])
		}
		s.list.UnselectAll()
	}
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(s.onlyAct, s.newBtn, s.importBtn, s.exportBtn), s.search)
	s.root = container.NewBorder(container.NewVBox(heading(lang.L("Product catalog")), bar), s.count, nil, nil, s.list)
	s.reload()
	s.unsub = a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindProduct, 0) {
			s.reload()
		}
	})
	return s
}

// reload lists the products matching the search (the latest search wins).
func (s *catalogScreen) reload() {
	s.seq++
	seq := s.seq
	q, only, st, me := s.search.Text, s.onlyAct.Checked, s.a.Store, s.a.Me.ID
	load(s.a, func(ctx context.Context) ([]data.Product, error) {
		return st.Products(ctx, me, q, only, data.ListCursor{}, 1000)
	}, func(ps []data.Product) {
		if seq != s.seq {
			return
		}
		s.products = ps
		s.list.Refresh()
		s.count.SetText(lang.X("catalog.count", "{{.Count}} product(s)", map[string]any{"Count": len(ps)}))
	})
}

// productForm edits one product in a dialog.
type productForm struct {
	s        *catalogScreen
	p        data.Product
	dlg      dialog.Dialog
	name     *widget.Entry
	sku      *widget.Entry
	unit     *widget.Entry
	price    *widget.Entry
	currency *widget.SelectEntry
	rate     *widget.Entry
	active   *widget.Check
	errs     map[string]*widget.Label
	saveBtn  *widget.Button
}

func (s *catalogScreen) edit(p data.Product) {
	a := s.a
	f := &productForm{s: s, p: p, errs: map[string]*widget.Label{}}
	s.form = f
	f.name = widget.NewEntry()
	f.name.SetText(p.Name)
	f.sku = widget.NewEntry()
	f.sku.SetText(p.SKU)
	f.unit = widget.NewEntry()
	f.unit.SetPlaceHolder(lang.L("e.g. piece, hour, kg"))
	f.unit.SetText(p.Unit)
	f.price = widget.NewEntry()
	f.price.SetText(moneyInput(p.Price, p.Currency, a.Lang))
	f.currency = widget.NewSelectEntry([]string{"EUR", "USD", "GBP", "CHF", "CAD", "JPY"})
	f.currency.SetText(p.Currency)
	f.rate = widget.NewEntry()
	f.rate.SetText(rateInput(p.TaxRate, a.Lang))
	f.active = widget.NewCheck(lang.L("Active (offered on new lines)"), nil)
	f.active.SetChecked(p.Active)
	for _, k := range []string{"name", "sku", "price", "currency", "tax_rate"} {
		f.errs[k] = newErrorLabel()
	}
	body := container.NewVBox(
		fieldRow(lang.L("Name"), f.name, f.errs["name"]),
		container.NewGridWithColumns(2,
			fieldRow(lang.L("SKU"), f.sku, f.errs["sku"]),
			fieldRow(lang.L("Unit"), f.unit, newErrorLabel())),
		container.NewGridWithColumns(3,
			fieldRow(lang.L("Unit price excl. tax"), f.price, f.errs["price"]),
			fieldRow(lang.L("Currency"), f.currency, f.errs["currency"]),
			fieldRow(lang.L("Tax rate (%)"), f.rate, f.errs["tax_rate"])),
		f.active,
	)
	title := lang.L("New product")
	if p.ID != 0 {
		title = p.Name
	}
	f.saveBtn = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), f.save)
	f.saveBtn.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { f.dlg.Hide() })
	if !a.Me.SeesAll() {
		for _, w := range []fyne.Disableable{f.name, f.sku, f.unit, f.price, f.currency, f.rate, f.active, f.saveBtn} {
			w.Disable()
		}
	}
	content := container.NewBorder(nil, container.NewHBox(f.saveBtn, cancel), nil, nil, body)
	f.dlg = dialog.NewCustomWithoutButtons(title, content, a.Win)
	f.dlg.Resize(fyne.NewSize(560, 0))
	f.dlg.Show()
}

// input reads the form; a field that does not parse is reported on it.
func (f *productForm) input() (data.ProductInput, bool) {
	for _, l := range f.errs {
		setError(l, "")
	}
	cur := strings.ToUpper(strings.TrimSpace(f.currency.Text))
	in := data.ProductInput{Name: f.name.Text, SKU: f.sku.Text, Unit: strings.TrimSpace(f.unit.Text), Currency: cur, Active: f.active.Checked}
	ok := true
	if _, known := data.CurrencyDigits(cur); !known {
		setError(f.errs["currency"], lang.L("Not an ISO 4217 currency code."))
		ok = false
	} else if p, err := parseMoneyInput(f.price.Text, cur); err != nil {
		setError(f.errs["price"], lang.L("Not an amount."))
		ok = false
	} else {
		in.Price = p
	}
	if r, err := data.ParseRate(f.rate.Text); err != nil {
		setError(f.errs["tax_rate"], lang.L("Not a percentage."))
		ok = false
	} else {
		in.TaxRate = r
	}
	return in, ok
}

func (f *productForm) save() {
	in, ok := f.input()
	if !ok {
		return
	}
	a, id := f.s.a, f.p.ID
	a.run(func(ctx context.Context) error {
		p, err := a.Store.SaveProduct(ctx, a.Me.ID, id, in)
		a.do(func() {
			if v := data.FieldErrors(err); v != nil {
				for _, fe := range v.Fields {
					if l, ok := f.errs[fe.Field]; ok {
						setError(l, fieldMessage(fe))
					} else {
						a.showError(err)
					}
				}
				return
			}
			if err != nil {
				a.showError(err)
				return
			}
			f.p = p
			f.dlg.Hide()
			f.s.reload()
		})
		return nil
	})
}

func (s *catalogScreen) importDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		s.importFrom(r)
	}, s.a.Win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".txt"}))
	d.Show()
}

// importFrom imports a catalog file; a refused file shows every problem.
func (s *catalogScreen) importFrom(r io.ReadCloser) {
	a := s.a
	a.run(func(ctx context.Context) error {
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, 32<<20))
		if err != nil {
			return err
		}
		res, err := formats.ImportCatalogCSV(ctx, a.Store, a.Me.ID, bytes.NewReader(b))
		a.do(func() { s.imported(res, err) })
		return nil
	})
}

// imported tells the person how an import went.
func (s *catalogScreen) imported(res data.CatalogImport, err error) {
	var ce *data.CSVError
	switch {
	case errors.As(err, &ce):
		lines := make([]string, len(ce.Problems))
		for i, p := range ce.Problems {
			lines[i] = csvProblemText(p)
		}
		msg := widget.NewLabel(strings.Join(lines, "\n"))
		msg.Wrapping = fyne.TextWrapWord
		scroll := container.NewVScroll(msg)
		scroll.SetMinSize(fyne.NewSize(520, 240))
		s.lastImport = lang.L("Nothing was imported. Fix these lines and import the file again:") + "\n" + strings.Join(lines, "\n")
		dialog.ShowCustom(lang.L("The file was not imported"), lang.L("Close"),
			container.NewBorder(widget.NewLabel(lang.L("Nothing was imported. Fix these lines and import the file again:")), nil, nil, nil, scroll), s.a.Win)
	case err != nil:
		s.lastImport = errorText(err)
		s.a.showError(err)
	default:
		s.lastImport = lang.X("catalog.imported", "{{.Created}} product(s) created, {{.Updated}} updated.",
			map[string]any{"Created": res.Created, "Updated": res.Updated})
		dialog.ShowInformation(lang.L("Catalog imported"), s.lastImport, s.a.Win)
		s.reload()
	}
}

func csvProblemText(p data.CSVProblem) string {
	var where string
	if p.Line > 0 {
		where = lang.X("catalog.line", "Line {{.Line}}", map[string]any{"Line": p.Line})
	}
	if p.Field != "" {
		if where != "" {
			where += ", "
		}
		where += p.Field
	}
	if where == "" {
		return p.Message
	}
	return fmt.Sprintf("%s: %s", where, p.Message)
}

func (s *catalogScreen) exportDialog() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		s.exportTo(w)
	}, s.a.Win)
	d.SetFileName("catalog.csv")
	d.Show()
}

func (s *catalogScreen) exportTo(w io.WriteCloser) {
	a := s.a
	a.run(func(ctx context.Context) error {
		defer w.Close()
		return formats.ExportCatalogCSV(ctx, a.Store, a.Me.ID, w)
	})
}
