package parse

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFileName is the longest name SafeFileName returns, in bytes.
const maxFileName = 200

// SafeFileName makes an attachment name safe to use as a file name: base
// name only, no control characters, no leading dots, no characters that
// Windows reserves, at most 200 bytes (cut on a rune boundary, keeping the
// extension). An empty result becomes "attachment".
func SafeFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.ReplaceAll(name, `\`, "/")
	name = strings.TrimRight(name, "/ ")
	name = path.Base("/" + name) // the leading "/" makes "" and ".." end as "/"
	if name == "/" {
		return "attachment"
	}
	var sb strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || r == utf8.RuneError || r == '\u200e' || r == '\u200f' || r == '\u202e':
			// dropped, including bidi overrides that disguise extensions
		case strings.ContainsRune(`<>:"|?*/`, r):
			sb.WriteByte('_')
		default:
			sb.WriteRune(r)
		}
	}
	name = strings.TrimSpace(sb.String())
	name = strings.TrimLeft(name, ". ")
	name = strings.TrimRight(name, ". ")
	if name == "" {
		return "attachment"
	}
	if isReservedWindowsName(name) {
		name = "_" + name
	}
	if len(name) > maxFileName {
		ext := path.Ext(name)
		if len(ext) > 20 || ext == name {
			ext = ""
		}
		stem := cutBytes(strings.TrimSuffix(name, ext), maxFileName-len(ext))
		name = stem + ext
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

// isReservedWindowsName reports device names Windows will not open as files.
func isReservedWindowsName(name string) bool {
	stem := strings.ToUpper(name)
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	switch stem {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(stem) == 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) && stem[3] >= '1' && stem[3] <= '9' {
		return true
	}
	return false
}
