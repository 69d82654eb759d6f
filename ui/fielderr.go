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
		return lang.L("This field is required.")
	}
	return f.Message
}
