package parse

import (
	"regexp"
	"strings"
)

var (
	// separatorRE matches the separator lines Outlook and Thunderbird put
	// above quoted history, in English and French.
	separatorRE = regexp.MustCompile(`(?i)^-{2,}\s*(original message|message d['’]origine|message original)\s*-{2,}$`)
	// frenchAttribRE matches "Le lun. 3 févr. 2025 à 10:12, Jean <j@x.fr> a écrit :".
	frenchAttribRE = regexp.MustCompile(`(?i)^Le\s.*\sa\s+écrit\s*:$`)
	// englishAttribRE matches "On Mon, Feb 3, 2025 at 10:12 AM Jean <j@x.com> wrote:".
	englishAttribRE = regexp.MustCompile(`(?i)^On\s.*\swrote\s*:$`)
	// outlookFromRE and outlookNextRE match the header block Outlook writes
	// above a reply ("From: …" then "Sent: …" or "Date: …").
	outlookFromRE = regexp.MustCompile(`(?i)^\*?(from|de)\s?:\*?\s`)
	outlookNextRE = regexp.MustCompile(`(?i)^\*?(sent|date|envoyé|envoyé le|to|à)\s?:\*?\s`)
	// underscoreRE matches the rule Outlook draws above its header block.
	underscoreRE = regexp.MustCompile(`^_{10,}$`)
)

// VisibleText returns text with quoted history cut off: from the first
// gmail_quote marker, "-----Original Message-----" or "Message d'origine"
// separator, Outlook header block, "Le … a écrit :" or "On … wrote:"
// attribution (which may wrap over two lines), then any trailing lines
// quoted with '>'. Trailing whitespace is trimmed. When cutting would leave
// nothing, the whole text is kept.
func VisibleText(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	cut := len(lines)
	for i := 0; i < len(lines); i++ {
		if isQuoteStart(lines, i) {
			cut = i
			break
		}
	}
	kept := lines[:cut]
	// Drop trailing quoted and blank lines, and an Outlook rule.
	for len(kept) > 0 {
		l := strings.TrimSpace(kept[len(kept)-1])
		if l == "" || strings.HasPrefix(l, ">") || underscoreRE.MatchString(l) {
			kept = kept[:len(kept)-1]
			continue
		}
		break
	}
	out := strings.TrimRight(strings.Join(kept, "\n"), " \t\r\n")
	if strings.TrimSpace(out) == "" {
		return strings.TrimRight(text, " \t\r\n")
	}
	return out
}

// isQuoteStart reports whether quoted history starts at lines[i].
func isQuoteStart(lines []string, i int) bool {
	l := strings.TrimSpace(lines[i])
	if l == "" {
		return false
	}
	if strings.Contains(l, "gmail_quote") || separatorRE.MatchString(l) {
		return true
	}
	if frenchAttribRE.MatchString(l) || englishAttribRE.MatchString(l) {
		return true
	}
	next := ""
	if i+1 < len(lines) {
		next = strings.TrimSpace(lines[i+1])
	}
	if next != "" && len(l) < 200 {
		joined := l + " " + next
		if strings.HasPrefix(l, "Le ") && frenchAttribRE.MatchString(joined) ||
			strings.HasPrefix(l, "On ") && englishAttribRE.MatchString(joined) {
			return true
		}
	}
	if outlookFromRE.MatchString(l) {
		for j := i + 1; j < len(lines) && j <= i+3; j++ {
			if outlookNextRE.MatchString(strings.TrimSpace(lines[j])) {
				return true
			}
		}
	}
	return false
}
