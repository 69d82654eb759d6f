package ui

// mainWindow is the main window's frame: navigation, top bar, content.
type mainWindow struct{}
