package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// lineRow is one product line being edited: its entries, its total and its
// buttons. in holds the line as last parsed; valid is false while a field
// does not parse or the line breaks a rule of data.ValidateLine.
type lineRow struct {
	t     *productsTab
	index int
	in    data.LineInput
	valid bool

	root     fyne.CanvasObject
	name     *widget.Entry
	unit     *widget.Entry
	qty      *widget.Entry
	price    *widget.Entry
	discount *widget.Entry
	discKind *widget.Select
	rate     *widget.Entry
	included *widget.Check
	total    *widget.Label
	detail   *widget.Label
	err      *widget.Label
	up       *widget.Button
	down     *widget.Button
	del      *widget.Button

	filling bool
}

// rateInput is a rate as typed: "5,5" / "5.5".
func rateInput(bp int64, language string) string {
	s := data.FormatRate(bp)
	if language == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func quantityInput(milli int64, language string) string {
	s := data.FormatQuantity(milli)
	if language == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// sizedWidth gives an entry a minimum width in a row.
func sizedWidth(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}

func newLineRow(t *productsTab, in data.LineInput) *lineRow {
	if in.DiscountKind == "" {
		in.DiscountKind = data.DiscountPercent
	}
	r := &lineRow{t: t, in: in, valid: true}
	l := t.f.App.Lang
	r.name = widget.NewEntry()
	r.name.SetPlaceHolder(lang.L("Product or service"))
	r.unit = widget.NewEntry()
	r.unit.SetPlaceHolder(lang.L("unit"))
	r.qty = widget.NewEntry()
	r.price = widget.NewEntry()
	r.discount = widget.NewEntry()
	r.discount.SetPlaceHolder("0")
	r.discKind = widget.NewSelect(nil, nil)
	r.rate = widget.NewEntry()
	r.included = widget.NewCheck(lang.L("incl. tax"), nil)
	r.total = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	r.detail = widget.NewLabel("")
	r.detail.Importance = widget.LowImportance
	r.detail.Alignment = fyne.TextAlignTrailing
	r.err = newErrorLabel()
	r.up = widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { t.move(r.index, -1) })
	r.down = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { t.move(r.index, 1) })
	r.del = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { t.remove(r.index) })
	for _, b := range []*widget.Button{r.up, r.down, r.del} {
		b.Importance = widget.LowImportance
	}

	r.filling = true
	r.name.SetText(in.Name)
	r.unit.SetText(in.Unit)
	r.qty.SetText(quantityInput(in.Quantity, l))
	r.price.SetText(moneyInput(in.Price, t.currency, l))
	r.discKind.Options = []string{"%", currencySymbol(t.currency)}
	if in.DiscountKind == data.DiscountAmount {
		r.discKind.SetSelectedIndex(1)
		if in.Discount != 0 {
			r.discount.SetText(moneyInput(in.Discount, t.currency, l))
		}
	} else {
		r.discKind.SetSelectedIndex(0)
		if in.Discount != 0 {
			r.discount.SetText(rateInput(in.Discount, l))
		}
	}
	r.rate.SetText(rateInput(in.TaxRate, l))
	r.included.SetChecked(in.TaxIncluded)
	r.filling = false

	for _, e := range []*widget.Entry{r.name, r.unit, r.qty, r.price, r.discount, r.rate} {
		e.OnChanged = func(string) { r.edited() }
	}
	r.discKind.OnChanged = func(string) { r.edited() }
	r.included.OnChanged = func(bool) { r.edited() }

	r.build(t.narrow)
	r.parse()
	r.showTotal()
	return r
}

// build lays the line's widgets out: one row of fields on a wide window, a
// card on a phone (buildCard).
func (r *lineRow) build(narrow bool) {
	if narrow {
		r.root = r.buildCard()
		return
	}
	small := func(label string, o fyne.CanvasObject, w float32) fyne.CanvasObject {
		cap := widget.NewLabel(label)
		cap.Importance = widget.LowImportance
		return container.NewHBox(cap, sizedWidth(o, w))
	}
	first := container.NewBorder(nil, nil, nil, container.NewHBox(sizedWidth(r.unit, 80), r.detail, r.total, r.up, r.down, r.del), r.name)
	second := container.NewHBox(
		small(lang.L("Qty"), r.qty, 70),
		small(lang.L("Unit price"), r.price, 95),
		small(lang.L("Discount"), r.discount, 65),
		sizedWidth(r.discKind, 70),
		small(lang.L("Tax"), r.rate, 55),
		r.included,
		layout.NewSpacer(),
	)
	r.root = container.NewVBox(first, second, r.err, widget.NewSeparator())
}

func (r *lineRow) setReadOnly(ro bool) {
	for _, w := range []fyne.Disableable{r.name, r.unit, r.qty, r.price, r.discount, r.discKind, r.rate, r.included, r.up, r.down, r.del} {
		if ro {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if !ro {
		if r.index == 0 {
			r.up.Disable()
		}
		if r.index == len(r.t.rows)-1 {
			r.down.Disable()
		}
	}
}

// edited is a keystroke in one of the line's fields: parse the line,
// recompute its total and the deal's totals.
func (r *lineRow) edited() {
	if r.filling {
		return
	}
	r.parse()
	r.showTotal()
	r.t.status.SetText("")
	r.t.recompute()
}

// parse reads the fields into r.in and checks the line with data's rules.
func (r *lineRow) parse() {
	cur := r.t.currency
	in := r.in
	var msgs []string
	bad := func(field string) { msgs = append(msgs, field) }
	in.Name = r.name.Text
	in.Unit = strings.TrimSpace(r.unit.Text)
	if q, err := data.ParseQuantity(r.qty.Text); err != nil {
		bad(lang.L("The quantity is a number with at most three decimals."))
	} else {
		in.Quantity = q
	}
	if p, err := parseMoneyInput(r.price.Text, cur); err != nil {
		bad(lang.L("The unit price is not an amount."))
	} else {
		in.Price = p
	}
	in.DiscountKind = data.DiscountPercent
	if r.discKind.SelectedIndex() == 1 {
		in.DiscountKind = data.DiscountAmount
	}
	switch {
	case strings.TrimSpace(r.discount.Text) == "":
		in.Discount = 0
	case in.DiscountKind == data.DiscountAmount:
		if d, err := parseMoneyInput(r.discount.Text, cur); err != nil {
			bad(lang.L("The discount is not an amount."))
		} else {
			in.Discount = d
		}
	default:
		if d, err := data.ParseRate(r.discount.Text); err != nil {
			bad(lang.L("The discount is not a percentage."))
		} else {
			in.Discount = d
		}
	}
	if rate, err := data.ParseRate(r.rate.Text); err != nil {
		bad(lang.L("The tax rate is not a percentage."))
	} else {
		in.TaxRate = rate
	}
	in.TaxIncluded = r.included.Checked
	r.in = in
	if len(msgs) == 0 {
		check := in
		for _, fe := range data.ValidateLine(&check, "") {
			msgs = append(msgs, lineFieldMessage(fe))
		}
	}
	r.valid = len(msgs) == 0
	setError(r.err, strings.Join(msgs, " "))
}

// lineFieldMessage translates data's rule for a line field.
func lineFieldMessage(fe data.FieldError) string {
	switch fe.Field + "/" + fe.Code {
	case "name/required":
		return lang.L("The line needs a name.")
	case "quantity/not_positive":
		return lang.L("The quantity must be more than 0.")
	case "price/negative":
		return lang.L("The unit price cannot be negative.")
	case "discount/out_of_range":
		return lang.L("The discount must be between 0 and 100 %.")
	case "discount/over_price":
		return lang.L("The discount cannot be more than the unit price.")
	case "tax_rate/out_of_range":
		return lang.L("The tax rate must be between 0 and 100 %.")
	}
	return fieldMessage(fe)
}

// showTotal shows the line's total from data.ComputeLine.
func (r *lineRow) showTotal() {
	if !r.valid {
		r.total.SetText("—")
		r.detail.SetText("")
		return
	}
	l, cur := r.t.f.App.Lang, r.t.currency
	lt := data.ComputeLine(r.in)
	r.total.SetText(formatMoney(lt.Net, cur, l))
	r.detail.SetText(lang.X("products.line.detail", "incl. tax {{.Gross}}", map[string]any{"Gross": formatMoney(lt.Gross, cur, l)}))
}
