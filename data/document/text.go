package document

import (
	"bytes"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// How a string becomes printed lines. No character ever stops a document:
//
//  1. clean: NFC, line breaks and tabs as spaces, control and bidi
//     formatting characters dropped;
//  2. fallback: each character goes to the first font of the style's chain
//     that has a glyph for it; what none has (an emoji, a character past
//     U+FFFF) prints as U+FFFD, one per cluster (an emoji with its
//     modifiers and joined parts, a letter with its marks);
//  3. Arabic takes its contextual forms (arabic.go);
//  4. lines are broken, in logical order, at spaces and around CJK
//     characters, to the width of their box;
//  5. each line is put in visual order (bidi.go) and drawn run by run, one
//     run per font.
//
// Text that overflows a box of fixed size is cut with an ellipsis; the
// paragraphs of the terms wrap and go on to the next page instead.

const (
	replacement = '\uFFFD'
	ellipsis    = '…'
	ptPerMM     = 72 / 25.4
)

// clean prepares a string for printing (step 1).
func clean(s string) []rune {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	rs := make([]rune, 0, len(s))
	for _, c := range s {
		switch {
		case c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x85 || c == 0x2028 || c == 0x2029:
			rs = append(rs, ' ')
		case unicode.IsControl(c):
		case c >= 0x202A && c <= 0x202E, c >= 0x2066 && c <= 0x2069, c == 0x200E, c == 0x200F, c == 0x061C:
			// Bidi embeddings, overrides, isolates and marks: the order is
			// the text's own.
		case c == 0x00AD, c == 0x200B, c >= 0x2060 && c <= 0x2064, c == 0xFEFF, c == 0x180E:
			// Invisible: soft hyphen, zero-width space, word joiner, BOM.
		default:
			rs = append(rs, c)
		}
	}
	return rs
}

// joiner reports characters that only say how their neighbours join or
// look (zero-width joiners, variation selectors): they shape the text and
// are never printed.
func joiner(c rune) bool {
	return c == zwj || c == zwnj || c >= 0xFE00 && c <= 0xFE0F || c >= 0xE0100 && c <= 0xE01EF
}

// extends reports characters that belong to the cluster before them: marks,
// emoji modifiers and tags, the keycap.
func extends(c rune) bool {
	return joiner(c) || c >= 0x1F3FB && c <= 0x1F3FF || c >= 0xE0020 && c <= 0xE007F || c == 0x20E3 ||
		unicode.In(c, unicode.Mn, unicode.Me)
}

func regional(c rune) bool { return c >= 0x1F1E6 && c <= 0x1F1FF }

// fallback replaces every cluster that no face of ch prints by U+FFFD
// (step 2).
func fallback(rs []rune, ch []*face) []rune {
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if joiner(c) || isoMark(c) || pick(ch, c) != nil {
			out = append(out, c)
			continue
		}
		out = append(out, replacement)
		flag := regional(c)
	cluster:
		for i+1 < len(rs) {
			nx := rs[i+1]
			switch {
			case nx == zwj && i+2 < len(rs) && pick(ch, rs[i+2]) == nil:
				i += 2 // 👩‍💻: the joined part goes too
			case extends(nx) && (nx != zwj || i+2 >= len(rs)):
				i++
			case flag && regional(nx):
				i++ // 🇫🇷: a flag is two regional indicators
				flag = false
			default:
				break cluster
			}
		}
	}
	return out
}

// para is one paragraph made ready to print in one style and size: its
// characters in logical order, the face and width (mm) of each, their bidi
// levels.
type para struct {
	rs    []rune
	faces []*face
	w     []float64
	lv    []uint8
	base  uint8 // 1 for a right-to-left paragraph

	ell    *face // the ellipsis's face and width
	ellW   float64
	sizePt float64
}

// prepare runs steps 1 to 3 on one paragraph.
func prepare(s, style string, sizePt float64) *para {
	ch := chain(style)
	rs := shapeArabic(fallback(clean(s), ch), ch)
	p := &para{sizePt: sizePt}
	p.rs = rs[:0]
	for _, c := range rs {
		if !joiner(c) {
			p.rs = append(p.rs, c)
		}
	}
	scale := sizePt / ptPerMM / 1000
	p.faces = make([]*face, len(p.rs))
	p.w = make([]float64, len(p.rs))
	for i, c := range p.rs {
		if isoMark(c) {
			continue // no face, no width: not drawn
		}
		fc := pick(ch, c)
		if fc == nil { // only if no face has U+FFFD
			p.rs[i], fc = '?', ch[0]
		}
		p.faces[i] = fc
		p.w[i] = float64(fc.metrics().advance(p.rs[i])) * scale
	}
	if p.ell = pick(ch, ellipsis); p.ell != nil {
		p.ellW = float64(p.ell.metrics().advance(ellipsis)) * scale
	}
	p.base = baseLevel(p.rs)
	p.lv = bidiLevels(p.rs, p.base)
	return p
}

func (p *para) width(start, end int) float64 {
	w := 0.0
	for _, x := range p.w[start:end] {
		w += x
	}
	return w
}

// cjk reports characters between which a line may break with no space.
func cjk(c rune) bool {
	return unicode.In(c, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		c >= 0x3000 && c <= 0x303F || c >= 0xFF00 && c <= 0xFFEF
}

// noBreakBefore are CJK closing marks a line never starts with.
const noBreakBefore = "、。，．：；！？）」』】〉》〕・ー"

func breakBetween(a, b rune) bool {
	return (cjk(a) || cjk(b)) && !strings.ContainsRune(noBreakBefore, b) && b != ' '
}

// wrap breaks the paragraph into lines no wider than inner (mm), as index
// ranges without their trailing spaces (step 4). A word wider than a line
// is cut where it overflows. An empty paragraph is one empty line.
func (p *para) wrap(inner float64) [][2]int {
	var lines [][2]int
	n := len(p.rs)
	trim := func(start, end int) int {
		for end > start && p.rs[end-1] == ' ' {
			end--
		}
		return end
	}
	start := 0
	for start < n {
		for start < n && p.rs[start] == ' ' {
			start++
		}
		if start == n {
			break
		}
		w, brk, i := 0.0, -1, start
		for ; i < n; i++ {
			c := p.rs[i]
			if c == ' ' {
				brk = i
			} else if i > start && breakBetween(p.rs[i-1], c) {
				brk = i
			}
			w += p.w[i]
			if w > inner && c != ' ' {
				break
			}
		}
		if i == n {
			lines = append(lines, [2]int{start, trim(start, n)})
			break
		}
		end := brk
		if end <= start {
			end = max(i, start+1)
		}
		lines = append(lines, [2]int{start, trim(start, end)})
		start = end
	}
	if len(lines) == 0 {
		lines = append(lines, [2]int{0, 0})
	}
	return lines
}

// line is one printed line of a paragraph.
type line struct {
	p          *para
	start, end int
	ellipsis   bool // an ellipsis ends it: the text went on
}

func (l line) width() float64 {
	w := l.p.width(l.start, l.end)
	if l.ellipsis {
		w += l.p.ellW
	}
	return w
}

// cut shortens the line until it fits inner with an ellipsis after it.
func (l line) cut(inner float64) line {
	l.ellipsis = l.p.ell != nil
	for l.end > l.start && (l.width() > inner || l.p.rs[l.end-1] == ' ') {
		l.end--
	}
	return l
}

// fit is the text as one line cut to inner (mm).
func fit(s, style string, sizePt, inner float64) line {
	p := prepare(s, style, sizePt)
	l := line{p: p, end: len(p.rs)}
	if l.width() > inner {
		l = l.cut(inner)
	}
	return l
}

// wrapText breaks text, whose "\n" start new paragraphs, into lines that fit
// inner (mm); past maxLines (0: no limit) the last line kept ends with an
// ellipsis.
func wrapText(s, style string, sizePt, inner float64, maxLines int) []line {
	var out []line
	for _, ps := range strings.Split(s, "\n") {
		p := prepare(ps, style, sizePt)
		for _, se := range p.wrap(inner) {
			out = append(out, line{p: p, start: se[0], end: se[1]})
			if maxLines > 0 && len(out) > maxLines {
				out = out[:maxLines]
				out[maxLines-1] = out[maxLines-1].cut(inner)
				return out
			}
		}
	}
	return out
}

// draw prints the line in the box (x, y, w, h) as fpdf's cells do: inset by
// the cell margin, the baseline where CellFormat puts it. The alignment is
// the document's (a Hebrew name in a left-aligned block starts at the left
// too); the characters are in their own order.
func (r *renderer) draw(l line, x, y, w, h float64, align string) {
	p := l.p
	n := l.end - l.start
	rs := make([]rune, n, n+1)
	copy(rs, p.rs[l.start:l.end])
	lv := make([]uint8, n, n+1)
	copy(lv, p.lv[l.start:l.end])
	faces := make([]*face, n, n+1)
	copy(faces, p.faces[l.start:l.end])
	ws := make([]float64, n, n+1)
	copy(ws, p.w[l.start:l.end])
	if l.ellipsis {
		rs, lv, faces, ws = append(rs, ellipsis), append(lv, p.base), append(faces, p.ell), append(ws, p.ellW)
	}
	// L1: spaces and isolate marks ending the line take the paragraph's
	// level.
	for i := len(rs) - 1; i >= 0 && (rs[i] == ' ' || isoMark(rs[i])); i-- {
		lv[i] = p.base
	}
	if len(rs) == 0 {
		return
	}
	lw := l.width()
	cm := r.f.GetCellMargin()
	cx := x + cm
	switch {
	case align == "R":
		cx = x + w - cm - lw
	case align == "C":
		cx = x + (w-lw)/2
	}
	baseline := y + .5*h + .3*p.sizePt/ptPerMM
	order := visualOrder(rs, lv)
	run := make([]rune, 0, len(rs))
	for k := 0; k < len(order); {
		fc := faces[order[k]]
		if fc == nil {
			k++
			continue
		}
		run, rw := run[:0], 0.0
		for ; k < len(order); k++ {
			i := order[k]
			if faces[i] == nil {
				continue // an isolate mark: nothing to draw
			}
			if faces[i] != fc {
				break
			}
			c := rs[i]
			if lv[i]%2 == 1 {
				c = mirror(c)
			}
			run, rw = append(run, c), rw+ws[i]
		}
		r.use(fc, p.sizePt)
		r.f.Text(cx, baseline, string(run))
		cx += rw
	}
}

// use selects a face for the next text, registering it with the PDF
// writer the first time this document prints with it.
func (r *renderer) use(fc *face, sizePt float64) {
	fc.init()
	if !r.fonts[fc] {
		r.fonts[fc] = true
		// A copy: fpdf writes into the bytes it is given while it subsets
		// the font (getMetrics appends to a slice of them), and documents
		// are rendered concurrently.
		r.f.AddUTF8FontFromBytes(fc.family, fc.style, bytes.Clone(fc.ttf))
	}
	r.f.SetFont(fc.family, fc.style, sizePt)
}
