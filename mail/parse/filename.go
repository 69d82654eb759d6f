package parse

import (
	"unicode/utf8"

	"comptoir/data"
)

// maxFileName is the longest name SafeFileName returns, in bytes.
const maxFileName = 200

// SafeFileName makes an attachment name safe to use as a file name, with
// data's one rule for file names (data.SafeFileName: base name only, no
// control, bidirectional or invisible characters, no leading dots, no
// characters or device names that Windows reserves, at most 200 bytes
// keeping the extension). An empty result becomes "attachment".
func SafeFileName(name string) string {
	if name = data.SafeFileName(name); name == "" {
		return "attachment"
	}
	return name
}

// cutBytes shortens s to at most n bytes without splitting a rune.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
