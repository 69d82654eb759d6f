package document

import (
	"slices"
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// Right-to-left text (Arabic, Hebrew) is printed in visual order by the
// Unicode Bidirectional Algorithm (UAX #9), with the character classes and
// bracket pairs of golang.org/x/text/unicode/bidi. That package resolves
// levels but only tells a run's parity, and the visual order needs the
// levels themselves (a number inside Arabic in a French line sits at level
// 2), so the implicit rules are applied here: W1–W7, N0–N2, I1–I2, with
// isolates. Explicit embeddings never reach this point (clean drops their
// controls); the isolates are the renderer's own, around each value it
// writes into a sentence of its own ("Objet : <title>", the footer), so
// that a Hebrew name does not pull the French around it into its
// direction. TestBidiMatchesXText checks the result against the package's
// runs.

// The renderer's isolate marks: noncharacters, which Render removes from a
// snapshot's text first, so only iso puts them there. They have no width
// and are not drawn.
const (
	isoOpen  = '\uFDD0'
	isoClose = '\uFDD1'
)

// iso isolates a value inside a sentence (FSI … PDI).
func iso(s string) string { return string(isoOpen) + s + string(isoClose) }

func isoMark(c rune) bool { return c == isoOpen || c == isoClose }

// baseLevel is a paragraph's level (P2, P3): 1 when its first strong
// character outside isolates is right-to-left, else 0.
func baseLevel(rs []rune) uint8 {
	depth := 0
	for _, c := range rs {
		switch {
		case c == isoOpen:
			depth++
		case c == isoClose:
			depth = max(depth-1, 0)
		case depth > 0:
		default:
			switch class(c) {
			case bidi.L:
				return 0
			case bidi.R, bidi.AL:
				return 1
			}
		}
	}
	return 0
}

func class(c rune) bidi.Class {
	p, _ := bidi.LookupRune(c)
	return p.Class()
}

// bidiLevels resolves the level of each character of a paragraph.
func bidiLevels(rs []rune, base uint8) []uint8 {
	lv := make([]uint8, len(rs))
	levelsInto(rs, 0, len(rs), base, lv)
	return lv
}

// levelsInto resolves rs[start:end] at embedding level base; each isolate
// inside is resolved on its own, at the next level above base of its
// direction (X5c), and counts as a neutral here.
func levelsInto(rs []rune, start, end int, base uint8, lv []uint8) {
	seq := make([]int, 0, end-start)
	for i := start; i < end; i++ {
		seq = append(seq, i)
		if rs[i] != isoOpen {
			continue
		}
		depth, j := 1, i+1
		for ; j < end; j++ {
			if rs[j] == isoOpen {
				depth++
			} else if rs[j] == isoClose {
				if depth--; depth == 0 {
					break
				}
			}
		}
		emb := base + 1
		if emb%2 != baseLevel(rs[i+1:j]) {
			emb++
		}
		levelsInto(rs, i+1, j, emb, lv)
		i = j - 1
	}
	resolve(rs, seq, base, lv)
}

// resolve applies the implicit rules to one isolating run sequence: the
// characters of rs at the indexes seq, at embedding level base.
func resolve(rs []rune, seq []int, base uint8, lv []uint8) {
	n := len(seq)
	t := make([]bidi.Class, n)
	nsm := make([]bool, n)
	for k, i := range seq {
		t[k] = class(rs[i])
		if isoMark(rs[i]) || t[k] == bidi.BN || t[k] >= bidi.Control {
			t[k] = bidi.ON
		}
		nsm[k] = t[k] == bidi.NSM
	}
	e := bidi.L // the embedding direction, and sos and eos
	if base%2 == 1 {
		e = bidi.R
	}
	// W1: a mark takes the class of what it marks.
	for k := range t {
		if t[k] == bidi.NSM {
			if k == 0 {
				t[k] = e
			} else {
				t[k] = t[k-1]
			}
		}
	}
	// W2, W3: European digits after Arabic letters are Arabic digits; AL is R.
	last := e
	for k := range t {
		switch t[k] {
		case bidi.L, bidi.R, bidi.AL:
			last = t[k]
		case bidi.EN:
			if last == bidi.AL {
				t[k] = bidi.AN
			}
		}
	}
	for k := range t {
		if t[k] == bidi.AL {
			t[k] = bidi.R
		}
	}
	// W4: one separator between two numbers of a kind joins them.
	for k := 1; k+1 < n; k++ {
		switch {
		case t[k] == bidi.ES && t[k-1] == bidi.EN && t[k+1] == bidi.EN:
			t[k] = bidi.EN
		case t[k] == bidi.CS && t[k-1] == bidi.EN && t[k+1] == bidi.EN:
			t[k] = bidi.EN
		case t[k] == bidi.CS && t[k-1] == bidi.AN && t[k+1] == bidi.AN:
			t[k] = bidi.AN
		}
	}
	// W5: terminators (%, €, …) next to European digits are digits.
	for k := 0; k < n; {
		if t[k] != bidi.ET {
			k++
			continue
		}
		j := k
		for j < n && t[j] == bidi.ET {
			j++
		}
		if (k > 0 && t[k-1] == bidi.EN) || (j < n && t[j] == bidi.EN) {
			for m := k; m < j; m++ {
				t[m] = bidi.EN
			}
		}
		k = j
	}
	// W6: other separators and terminators are neutral.
	for k := range t {
		if t[k] == bidi.ES || t[k] == bidi.ET || t[k] == bidi.CS {
			t[k] = bidi.ON
		}
	}
	// W7: European digits after left-to-right text are left-to-right.
	last = e
	for k := range t {
		switch t[k] {
		case bidi.L, bidi.R:
			last = t[k]
		case bidi.EN:
			if last == bidi.L {
				t[k] = bidi.L
			}
		}
	}
	brackets(rs, seq, t, nsm, e)
	// N1, N2: neutrals take the direction of the text around them when
	// both sides agree (digits count as right-to-left), else the
	// embedding's.
	for k := 0; k < n; {
		if !neutral(t[k]) {
			k++
			continue
		}
		j := k
		for j < n && neutral(t[j]) {
			j++
		}
		before, after := e, e
		if k > 0 {
			before = strong(t[k-1])
		}
		if j < n {
			after = strong(t[j])
		}
		dir := e
		if before == after {
			dir = before
		}
		for m := k; m < j; m++ {
			t[m] = dir
		}
		k = j
	}
	// I1, I2.
	for k, c := range t {
		l := base
		switch {
		case base%2 == 0 && c == bidi.R:
			l++
		case base%2 == 0 && (c == bidi.AN || c == bidi.EN):
			l += 2
		case base%2 == 1 && (c == bidi.L || c == bidi.EN || c == bidi.AN):
			l++
		}
		lv[seq[k]] = l
	}
}

func neutral(c bidi.Class) bool {
	return c == bidi.B || c == bidi.S || c == bidi.WS || c == bidi.ON
}

// strong is a class's direction for the neutral rules: L, or R for R and
// numbers; ON for none.
func strong(c bidi.Class) bidi.Class {
	switch c {
	case bidi.L:
		return bidi.L
	case bidi.R, bidi.EN, bidi.AN:
		return bidi.R
	}
	return bidi.ON
}

// brackets applies N0: a pair of brackets takes the embedding direction
// when the text inside has it, else the other direction when both the
// inside and the text before have that one. Pairs are found as BD16 says,
// at most 63 deep.
func brackets(rs []rune, seq []int, t []bidi.Class, nsm []bool, e bidi.Class) {
	type open struct {
		closer rune
		k      int
	}
	var stack []open
	var pairs [][2]int
scan:
	for k, i := range seq {
		if t[k] != bidi.ON {
			continue
		}
		c := rs[i]
		p, _ := bidi.LookupRune(c)
		switch {
		case !p.IsBracket():
		case p.IsOpeningBracket():
			if len(stack) == 63 {
				break scan
			}
			stack = append(stack, open{mirror(c), k})
		default:
			for s := len(stack) - 1; s >= 0; s-- {
				if stack[s].closer == c || canonicalBracket(stack[s].closer) == canonicalBracket(c) {
					pairs = append(pairs, [2]int{stack[s].k, k})
					stack = stack[:s]
					break
				}
			}
		}
	}
	slices.SortFunc(pairs, func(a, b [2]int) int { return a[0] - b[0] })
	o := bidi.R
	if e == bidi.R {
		o = bidi.L
	}
	for _, pr := range pairs {
		var hasE, hasO bool
		for k := pr[0] + 1; k < pr[1]; k++ {
			switch strong(t[k]) {
			case e:
				hasE = true
			case o:
				hasO = true
			}
		}
		dir := bidi.ON
		switch {
		case hasE:
			dir = e
		case hasO:
			ctx := e
			for k := pr[0] - 1; k >= 0; k-- {
				if s := strong(t[k]); s != bidi.ON {
					ctx = s
					break
				}
			}
			dir = e
			if ctx == o {
				dir = o
			}
		}
		if dir == bidi.ON {
			continue
		}
		for _, b := range pr {
			t[b] = dir
			for k := b + 1; k < len(t) && nsm[k]; k++ {
				t[k] = dir
			}
		}
	}
}

// canonicalBracket folds the angle brackets that are canonically
// equivalent (U+2329, U+232A and U+3008, U+3009).
func canonicalBracket(c rune) rune {
	switch c {
	case 0x2329:
		return 0x3008
	case 0x232A:
		return 0x3009
	}
	return c
}

// visualOrder returns the indexes of one line's characters in the order
// they are drawn, left to right (L2): from the highest level to the lowest
// odd one, every run at that level or above is reversed. A combining mark
// stays after its base so that it is drawn over it.
func visualOrder(rs []rune, lv []uint8) []int {
	// Clusters: a base and the marks that follow it move together.
	type cluster struct {
		start, end int
		level      uint8
	}
	var cs []cluster
	for i := range rs {
		if i > 0 && len(cs) > 0 && unicode.In(rs[i], unicode.Mn, unicode.Me) {
			cs[len(cs)-1].end = i + 1
			continue
		}
		cs = append(cs, cluster{i, i + 1, lv[i]})
	}
	var high, lowOdd uint8 = 0, 255
	for _, c := range cs {
		high = max(high, c.level)
		if c.level%2 == 1 {
			lowOdd = min(lowOdd, c.level)
		}
	}
	for l := high; l >= lowOdd && l > 0; l-- {
		for i := 0; i < len(cs); {
			if cs[i].level < l {
				i++
				continue
			}
			j := i
			for j < len(cs) && cs[j].level >= l {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				cs[a], cs[b] = cs[b], cs[a]
			}
			i = j
		}
	}
	order := make([]int, 0, len(rs))
	for _, c := range cs {
		for k := c.start; k < c.end; k++ {
			order = append(order, k)
		}
	}
	return order
}

// mirror is the glyph a character takes in right-to-left text: brackets
// and the like face the other way (L4).
func mirror(c rune) rune {
	switch c {
	case '<':
		return '>'
	case '>':
		return '<'
	case '«':
		return '»'
	case '»':
		return '«'
	case '‹':
		return '›'
	case '›':
		return '‹'
	}
	if p, _ := bidi.LookupRune(c); p.IsBracket() {
		for _, m := range bidi.ReverseString(string(c)) {
			return m
		}
	}
	return c
}
