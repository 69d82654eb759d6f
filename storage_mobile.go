//go:build android || ios

package main

import "fyne.io/fyne/v2"

// storageRoot is the app's storage folder: on a phone, Fyne's own (the
// app's sandbox), which only the running app knows. Phones run the window
// only, after the app is made.
func storageRoot() (string, error) {
	return fyne.CurrentApp().Storage().RootURI().Path(), nil
}
