package ui

import (
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
	}
	return f.Message
}
