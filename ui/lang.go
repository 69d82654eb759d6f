package ui

import (
	"embed"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

//go:embed translation
var translationFS embed.FS

// prefLanguage is the Preferences key of the chosen language: "fr", "en" or
// "" for the system's.
const prefLanguage = "language"

var langOnce sync.Once
var langChosen string

// setupLanguage loads the translations once per process and returns the
// language in use ("fr" or "en"). pref "" follows the system. A forced
// language loads only that language's files, and also as the fallback, so
// it wins whatever the system says; changing it takes effect at the next
// start.
func setupLanguage(pref string) string {
	langOnce.Do(func() {
		switch pref {
		case "fr", "en":
			// Unix desktops read the locale from the environment.
			os.Setenv("LANGUAGE", pref)
			entries, err := fs.ReadDir(translationFS, "translation")
			if err != nil {
				slog.Error("translations", "err", err)
				return
			}
			for _, e := range entries {
				name := e.Name()
				if name != pref+".json" && !strings.HasSuffix(name, "."+pref+".json") {
					continue
				}
				b, err := translationFS.ReadFile("translation/" + name)
				if err != nil {
					continue
				}
				if err := lang.AddTranslationsForLocale(b, fyne.Locale(pref)); err != nil {
					slog.Error("translations", "file", name, "err", err)
				}
				if pref != "en" {
					_ = lang.AddTranslationsForLocale(b, fyne.Locale("en"))
				}
			}
			langChosen = pref
		default:
			if err := lang.AddTranslationsFS(translationFS, "translation"); err != nil {
				slog.Error("translations", "err", err)
			}
			langChosen = "en"
			if strings.HasPrefix(string(lang.SystemLocale()), "fr") {
				langChosen = "fr"
			}
		}
	})
	return langChosen
}
