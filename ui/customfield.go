package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// customField is the widget of one custom field, chosen by its type. The
// value is the stored text form; data/ validates and normalises it.
type customField struct {
	def    data.FieldDef
	widget fyne.CanvasObject
	value  func() string
	set    func(string)
}

func newCustomField(d data.FieldDef, a *App) *customField {
	cf := &customField{def: d}
	switch d.Type {
	case data.FieldBool:
		c := widget.NewCheck(lang.L("Yes"), nil)
		cf.widget = c
		cf.value = func() string {
			if c.Checked {
				return "true"
			}
			return ""
		}
		cf.set = func(v string) { c.SetChecked(v == "true") }
	case data.FieldList:
		opts := append([]string{"—"}, d.Options...)
		s := widget.NewSelect(opts, nil)
		cf.widget = s
		cf.value = func() string {
			if s.SelectedIndex() <= 0 {
				return ""
			}
			return s.Selected
		}
		cf.set = func(v string) {
			if v == "" {
				s.ClearSelected()
				return
			}
			s.SetSelected(v)
		}
	case data.FieldDate:
		e := widget.NewDateEntry()
		cf.widget = e
		cf.value = func() string {
			if strings.TrimSpace(e.Text) == "" {
				return ""
			}
			if e.Date == nil {
				return e.Text // data/ says why it is not a date
			}
			return e.Date.Format("2006-01-02")
		}
		cf.set = func(v string) {
			if t, err := time.Parse("2006-01-02", v); err == nil {
				e.SetDate(&t)
			} else {
				e.SetDate(nil)
				e.SetText(v)
			}
		}
	default:
		e := widget.NewEntry()
		switch d.Type {
		case data.FieldMoney:
			e.SetPlaceHolder("12.50 EUR")
		case data.FieldNumber:
			e.SetPlaceHolder("0")
		}
		cf.widget = e
		cf.value = func() string { return strings.TrimSpace(e.Text) }
		cf.set = e.SetText
	}
	return cf
}

// customMessage says in the person's language what a custom field expects,
// for a value data/ refused.
func customMessage(d data.FieldDef, value string) string {
	if strings.TrimSpace(value) == "" {
		return lang.L("This field is required.")
	}
	switch d.Type {
	case data.FieldNumber:
		return lang.L("Not a number.")
	case data.FieldMoney:
		return lang.L("Not an amount (for example 12.50 EUR).")
	case data.FieldDate:
		return lang.L("Not a date.")
	case data.FieldBool:
		return lang.L("Yes or no.")
	case data.FieldList:
		return lang.L("Choose one of: {{.Options}}.", map[string]any{"Options": strings.Join(d.Options, ", ")})
	}
	return lang.L("Not a valid value.")
}
