package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2/lang"

	"comptoir/data"
)

// fieldMessage translates a field error by its code, falling back to the
// English message data/ wrote.
func fieldMessage(f data.FieldError) string {
	switch f.Code {
	case "required":
		if f.Field == "lost_reason" {
			return lang.L("A lost deal needs a reason.")
		}
		return lang.L("This field is required.")
	case "negative":
		return lang.L("Cannot be negative.")
	case "out_of_range":
		return lang.L("Must be between 0 and 100.")
	case "invalid_date":
		return lang.L("Not a date.")
	case "unknown_currency":
		return lang.L("Unknown currency.")
	case "invalid_email":
		return lang.L("Not an email address.")
	case "invalid_phone":
		return lang.L("Not a phone number.")
	case "too_long":
		return lang.L("Too long.")
	case "invalid_color":
		return lang.L("A colour looks like #rrggbb.")
	case data.FieldCodeNotNumber:
		return lang.L("Not a number.")
	case data.FieldCodeNotDate:
		return lang.L("Not a date.")
	case data.FieldCodeNotYesNo:
		return lang.L("Yes or no.")
	case data.FieldCodeNotAnOption:
		return lang.L("Not one of the choices.")
	case data.FieldCodeBadMoney:
		return lang.L("Not an amount (for example 12.50 EUR).")
	}
	return f.Message
}

// customFieldMessage says in the person's language why a custom field's
// value was refused (by data.NormalizeFieldValue), naming a list's options.
func customFieldMessage(d data.FieldDef, err error) string {
	var fe *data.FieldError
	if !errors.As(err, &fe) {
		return lang.L("Not a valid value.")
	}
	if fe.Code == data.FieldCodeNotAnOption && len(d.Options) > 0 {
		return lang.L("Choose one of: {{.Options}}.", map[string]any{"Options": strings.Join(d.Options, ", ")})
	}
	return fieldMessage(*fe)
}
