package ui

import (
	"context"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// The Settings section with the company's details printed on quotes and
// invoices: identity, bank, payment terms, numbering and logo.

type sellerForm struct {
	a    *App
	logo []byte

	root        fyne.CanvasObject
	name        *widget.Entry
	address     *widget.Entry
	reg         *widget.Entry
	vat         *widget.Entry
	email       *widget.Entry
	phone       *widget.Entry
	iban        *widget.Entry
	bic         *widget.Entry
	days        *widget.Entry
	payNote     *widget.Entry
	penalty     *widget.Entry
	legal       *widget.Entry
	quotePfx    *widget.Entry
	invoicePfx  *widget.Entry
	validity    *widget.Entry
	language    *widget.Select
	logoPreview *fyne.Container
	logoBtn     *widget.Button
	logoClear   *widget.Button
	saveBtn     *widget.Button
	status      *widget.Label
	errs        map[string]*widget.Label
}

var docLanguages = []string{"", "fr", "en"}

func newSellerForm(a *App) *sellerForm {
	f := &sellerForm{a: a, errs: map[string]*widget.Label{}}
	entry := func(ph string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(ph)
		return e
	}
	f.name = entry(lang.L("Legal name"))
	f.address = widget.NewMultiLineEntry()
	f.address.SetMinRowsVisible(3)
	f.reg = entry("123 456 789")
	f.vat = entry("FR12123456789")
	f.email = entry("")
	f.phone = entry("")
	f.iban = entry("FR76 …")
	f.bic = entry("")
	f.days = entry("30")
	f.payNote = entry(lang.L("e.g. by bank transfer"))
	f.penalty = widget.NewMultiLineEntry()
	f.penalty.SetPlaceHolder(lang.L("Empty: the standard wording (three times the legal interest rate)"))
	f.penalty.Wrapping = fyne.TextWrapWord
	f.legal = entry(lang.L("e.g. SAS with a capital of 10,000 €, RCS Lyon"))
	f.quotePfx = entry("DEV")
	f.invoicePfx = entry("FAC")
	f.validity = entry("30")
	f.language = widget.NewSelect([]string{lang.L("Same as the app"), "Français", "English"}, nil)
	f.logoPreview = container.NewStack()
	f.logoBtn = widget.NewButtonWithIcon(lang.L("Choose a logo…"), theme.FileImageIcon(), f.chooseLogo)
	f.logoClear = widget.NewButtonWithIcon(lang.L("Remove"), theme.DeleteIcon(), func() { f.setLogo(nil) })
	f.saveBtn = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), f.save)
	f.saveBtn.Importance = widget.HighImportance
	f.status = widget.NewLabel("")
	f.status.Importance = widget.LowImportance
	for _, k := range []string{"name", "payment_days", "quote_prefix", "invoice_prefix", "quote_validity_days", "logo", "language"} {
		f.errs[k] = newErrorLabel()
	}
	row := func(label string, o fyne.CanvasObject, key string) fyne.CanvasObject {
		l := f.errs[key]
		if l == nil {
			l = newErrorLabel()
		}
		return fieldRow(label, o, l)
	}
	two := func(a, b fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWithColumns(2, a, b) }
	form := container.NewVBox(
		row(lang.L("Company name"), f.name, "name"),
		row(lang.L("Address"), f.address, ""),
		two(row(lang.L("SIREN / registration number"), f.reg, ""), row(lang.L("VAT number"), f.vat, "")),
		two(row(lang.L("Email"), f.email, ""), row(lang.L("Phone"), f.phone, "")),
		two(row(lang.L("IBAN"), f.iban, ""), row(lang.L("BIC"), f.bic, "")),
		two(row(lang.L("Payment terms (days, 0 = on receipt)"), f.days, "payment_days"), row(lang.L("Payment method"), f.payNote, "")),
		row(lang.L("Late-payment penalties"), f.penalty, ""),
		row(lang.L("Legal mentions"), f.legal, ""),
		container.NewGridWithColumns(3,
			row(lang.L("Quote prefix"), f.quotePfx, "quote_prefix"),
			row(lang.L("Invoice prefix"), f.invoicePfx, "invoice_prefix"),
			row(lang.L("Quote valid for (days)"), f.validity, "quote_validity_days")),
		row(lang.L("Language of documents"), f.language, "language"),
		row(lang.L("Logo"), container.NewHBox(f.logoPreview, f.logoBtn, f.logoClear), "logo"),
		container.NewHBox(f.saveBtn, f.status),
	)
	f.root = form
	if !a.Me.CanConfigure() {
		for _, w := range []fyne.Disableable{f.name, f.address, f.reg, f.vat, f.email, f.phone, f.iban, f.bic, f.days, f.payNote,
			f.penalty, f.legal, f.quotePfx, f.invoicePfx, f.validity, f.language, f.logoBtn, f.logoClear, f.saveBtn} {
			w.Disable()
		}
		f.status.SetText(lang.L("Only an admin changes these details."))
	}
	load(a, func(ctx context.Context) (data.Seller, error) { return a.Store.Seller(ctx) }, f.fill)
	return f
}

func (f *sellerForm) fill(s data.Seller) {
	f.name.SetText(s.Name)
	f.address.SetText(s.Address)
	f.reg.SetText(s.Registration)
	f.vat.SetText(s.VATNumber)
	f.email.SetText(s.Email)
	f.phone.SetText(s.Phone)
	f.iban.SetText(s.IBAN)
	f.bic.SetText(s.BIC)
	f.days.SetText(strconv.Itoa(s.PaymentDays))
	f.payNote.SetText(s.PaymentNote)
	f.penalty.SetText(s.LatePenalty)
	f.legal.SetText(s.LegalNote)
	f.quotePfx.SetText(s.QuotePrefix)
	f.invoicePfx.SetText(s.InvoicePrefix)
	f.validity.SetText(strconv.Itoa(s.QuoteValidityDays))
	for i, l := range docLanguages {
		if l == s.Language {
			f.language.SetSelectedIndex(i)
		}
	}
	f.setLogo(s.Logo)
}

func (f *sellerForm) setLogo(b []byte) {
	f.logo = b
	f.logoPreview.Objects = nil
	if len(b) > 0 {
		img := canvas.NewImageFromResource(fyne.NewStaticResource("logo", b))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(80, 40))
		f.logoPreview.Objects = []fyne.CanvasObject{img}
		f.logoClear.Show()
	} else {
		f.logoClear.Hide()
	}
	f.logoPreview.Refresh()
}

func (f *sellerForm) chooseLogo() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		f.a.run(func(ctx context.Context) error {
			defer r.Close()
			b, err := io.ReadAll(io.LimitReader(r, 2<<20))
			if err != nil {
				return err
			}
			f.a.do(func() { f.setLogo(b) })
			return nil
		})
	}, f.a.Win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	d.Show()
}

// input reads the form; a number that does not parse is reported on its field.
func (f *sellerForm) input() (data.Seller, bool) {
	for _, l := range f.errs {
		setError(l, "")
	}
	s := data.Seller{Name: f.name.Text, Address: strings.TrimSpace(f.address.Text), Registration: strings.TrimSpace(f.reg.Text),
		VATNumber: strings.TrimSpace(f.vat.Text), Email: strings.TrimSpace(f.email.Text), Phone: strings.TrimSpace(f.phone.Text),
		IBAN: f.iban.Text, BIC: strings.TrimSpace(f.bic.Text), PaymentNote: strings.TrimSpace(f.payNote.Text),
		LatePenalty: strings.TrimSpace(f.penalty.Text), LegalNote: strings.TrimSpace(f.legal.Text),
		QuotePrefix: f.quotePfx.Text, InvoicePrefix: f.invoicePfx.Text, Logo: f.logo}
	if i := f.language.SelectedIndex(); i > 0 {
		s.Language = docLanguages[i]
	}
	ok := true
	num := func(e *widget.Entry, key string) int {
		n, err := strconv.Atoi(strings.TrimSpace(e.Text))
		if err != nil {
			setError(f.errs[key], lang.L("Enter a number of days."))
			ok = false
		}
		return n
	}
	s.PaymentDays = num(f.days, "payment_days")
	s.QuoteValidityDays = num(f.validity, "quote_validity_days")
	return s, ok
}

func (f *sellerForm) save() {
	s, ok := f.input()
	if !ok {
		return
	}
	a := f.a
	a.run(func(ctx context.Context) error {
		err := a.Store.SetSeller(ctx, a.Me.ID, s)
		a.do(func() {
			if v := data.FieldErrors(err); v != nil {
				for _, fe := range v.Fields {
					if l, ok := f.errs[fe.Field]; ok {
						setError(l, fieldMessage(fe))
					}
				}
				f.status.SetText(lang.L("Not saved: see the fields in red."))
				return
			}
			if err != nil {
				a.showError(err)
				return
			}
			f.status.SetText(lang.L("Saved."))
		})
		return nil
	})
}
