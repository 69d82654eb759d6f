package document

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// metrics are what the layout needs of a TrueType font: for every character
// of the Basic Multilingual Plane, whether the font has a glyph for it and
// its advance in thousandths of an em. They are read the way the PDF writer
// reads them (the first Unicode format 4 cmap, hmtx), so what is measured is
// what is printed and a character is given only to a font the writer can
// print it with. Characters past U+FFFF have no glyph in any font: the
// writer encodes text in 16 bits.
type metrics struct {
	adv []uint16 // 65536 entries; noGlyph where the font has none
}

const noGlyph = 0xFFFF

// has reports whether the font has a glyph for c.
func (m *metrics) has(c rune) bool { return c >= 0 && c < 0x10000 && m.adv[c] != noGlyph }

// advance is c's width in thousandths of an em (0 when the font lacks it).
func (m *metrics) advance(c rune) int {
	if !m.has(c) {
		return 0
	}
	return int(m.adv[c])
}

var errFont = errors.New("not a usable TrueType font")

// readMetrics reads a TrueType font's character map and advance widths.
func readMetrics(ttf []byte) (*metrics, error) {
	u16 := func(off int) (int, bool) {
		if off < 0 || off+2 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint16(ttf[off:])), true
	}
	if len(ttf) < 12 {
		return nil, errFont
	}
	if v := binary.BigEndian.Uint32(ttf); v != 0x00010000 && v != 0x74727565 { // 1.0 or 'true'
		return nil, fmt.Errorf("%w: version %#x (CFF and collections are not printable)", errFont, v)
	}
	tables := map[string]int{}
	n, _ := u16(4)
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, errFont
		}
		tables[string(ttf[rec:rec+4])] = int(binary.BigEndian.Uint32(ttf[rec+8:]))
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "cmap"} {
		if _, ok := tables[t]; !ok {
			return nil, fmt.Errorf("%w: no %s table", errFont, t)
		}
	}
	upem, ok1 := u16(tables["head"] + 18)
	nHMetrics, ok2 := u16(tables["hhea"] + 34)
	nGlyphs, ok3 := u16(tables["maxp"] + 4)
	if !ok1 || !ok2 || !ok3 || upem == 0 || nHMetrics == 0 {
		return nil, errFont
	}
	hmtx := tables["hmtx"]
	scale := 1000 / float64(upem)
	width := func(g int) uint16 {
		if g >= nHMetrics {
			g = nHMetrics - 1
		}
		a, ok := u16(hmtx + 4*g)
		if !ok || a >= 1<<15 {
			return 0
		}
		return uint16(min(math.Round(scale*float64(a)), noGlyph-1))
	}

	// The first Unicode (3,1) or (0,*) subtable in format 4.
	cmap := tables["cmap"]
	sub := -1
	nSub, _ := u16(cmap + 2)
	for i := range nSub {
		rec := cmap + 4 + 8*i
		platform, _ := u16(rec)
		encoding, _ := u16(rec + 2)
		if rec+8 > len(ttf) {
			break
		}
		off := cmap + int(binary.BigEndian.Uint32(ttf[rec+4:]))
		if format, ok := u16(off); ok && format == 4 && (platform == 3 && encoding == 1 || platform == 0) {
			sub = off
			break
		}
	}
	if sub < 0 {
		return nil, fmt.Errorf("%w: no Unicode format 4 cmap", errFont)
	}
	length, _ := u16(sub + 2)
	end := sub + length
	segX2, _ := u16(sub + 6)
	segs := segX2 / 2
	ends, starts := sub+14, sub+16+segX2
	deltas, rangeOffs := starts+segX2, starts+2*segX2
	if rangeOffs+segX2 > len(ttf) {
		return nil, errFont
	}
	m := &metrics{adv: make([]uint16, 0x10000)}
	for i := range m.adv {
		m.adv[i] = noGlyph
	}
	for s := range segs {
		last, _ := u16(ends + 2*s)
		first, _ := u16(starts + 2*s)
		delta, _ := u16(deltas + 2*s)
		ro, _ := u16(rangeOffs + 2*s)
		for c := first; c <= last && c < 0xFFFF; c++ {
			g := 0
			if ro == 0 {
				g = (c + delta) & 0xFFFF
			} else if at := rangeOffs + 2*s + ro + 2*(c-first); at < end {
				if g, _ = u16(at); g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			if c == 0 || g == 0 || g >= nGlyphs {
				continue
			}
			m.adv[c] = width(g)
		}
	}
	return m, nil
}
