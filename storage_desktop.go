//go:build !android && !ios

package main

import (
	"os"
	"path/filepath"
	"runtime"
)

// storageRoot is the app's storage folder, exactly as Fyne's desktop driver
// names it for app.NewWithID(appID).Storage().RootURI(), worked out without
// starting Fyne so that headless commands start fast and open the same
// file as the window: the user's configuration folder (XDG_CONFIG_HOME or
// ~/.config on Linux and the BSDs, ~/Library/Preferences on macOS,
// ~/AppData/Roaming on Windows), then "fyne" and the app ID.
func storageRoot() (string, error) {
	var config string
	switch runtime.GOOS {
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		config = filepath.Join(home, "Library", "Preferences")
	case "windows":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		config = filepath.Join(home, "AppData", "Roaming")
	default:
		var err error
		if config, err = os.UserConfigDir(); err != nil {
			return "", err
		}
	}
	return filepath.Join(config, "fyne", appID), nil
}
