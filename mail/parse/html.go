package parse

import (
	"regexp"
	"strings"

	"github.com/k3a/html2text"
)

var (
	// dropBlockRE removes elements whose content is never text. The
	// converter skips them too, but stumbles on '<' inside scripts.
	dropBlockRE = regexp.MustCompile(`(?is)<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>|<head\b.*?</head\s*>|<title\b.*?</title\s*>|<!\[CDATA\[.*?\]\]>|<![a-z][^>]*>|<\?.*?\?>`)
	// anchorRE removes link tags, keeping their text: the converter
	// otherwise prints the URL instead of the words, or swallows the rest
	// of the document after an anchor without href.
	anchorRE = regexp.MustCompile(`(?i)</?a\b[^>]*>`)
	// blockRE turns block boundaries into line breaks.
	blockRE = regexp.MustCompile(`(?i)</?(div|tr|table|blockquote|hr|center|section|article|header|footer|pre|address|dd|dt|dl|h[1-6]|form|fieldset)\b[^>]*>`)
	// blockRunRE merges adjacent block boundaries (marked \x01) into one
	// line break, so "</div><div>" does not leave a blank line.
	blockRunRE = regexp.MustCompile(`\x01(?:\s*\x01)*`)
	// cellRE separates table cells.
	cellRE = regexp.MustCompile(`(?i)</t[dh]\s*>`)
	// metaCharsetRE finds a charset declared inside an HTML document.
	metaCharsetRE = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?([a-z0-9_:.\-]+)`)
	// quoteStartRE finds where a mail client begins quoted history in HTML.
	quoteStartRE = regexp.MustCompile(`(?i)<(div|blockquote)\b[^>]*\b(class|id)\s*=\s*["']?[^"'>]*\b(gmail_quote|divRplyFwdMsg|yahoo_quoted|moz-cite-prefix|appendonsend)\b`)
	// blankLinesRE collapses runs of blank lines.
	blankLinesRE = regexp.MustCompile(`\n{3,}`)
)

// htmlToText converts an HTML body to readable plain text: no tags, no
// styles, no scripts, entities decoded, one line per block.
func htmlToText(h string) string {
	h = strings.ReplaceAll(h, "\x01", "") // reserved as the block marker below
	h = dropBlockRE.ReplaceAllString(h, " ")
	h = anchorRE.ReplaceAllString(h, "")
	h = blockRE.ReplaceAllString(h, "\x01")
	h = blockRunRE.ReplaceAllString(h, "<br>")
	h = cellRE.ReplaceAllString(h, " ")
	t := html2text.HTML2TextWithOptions(h, html2text.WithUnixLineBreaks(), html2text.WithListSupport())
	return tidyText(t)
}

// tidyText trims each line, turns no-break spaces into spaces and collapses
// runs of blank lines.
func tidyText(t string) string {
	t = strings.ReplaceAll(t, "\r\n", "\n")
	t = strings.ReplaceAll(t, "\u00a0", " ")
	lines := strings.Split(t, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	t = strings.Join(lines, "\n")
	t = blankLinesRE.ReplaceAllString(t, "\n\n")
	return strings.TrimSpace(t)
}

// htmlCharset returns the charset declared in an HTML document's meta tags.
func htmlCharset(b []byte) string {
	if len(b) > 4096 {
		b = b[:4096]
	}
	if m := metaCharsetRE.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}

// cutHTMLQuote returns the HTML before the first quoted-history container
// (Gmail, Outlook, Yahoo, Thunderbird), and whether one was found.
func cutHTMLQuote(h string) (string, bool) {
	if loc := quoteStartRE.FindStringIndex(h); loc != nil {
		return h[:loc[0]], true
	}
	return h, false
}
