package document

import "unicode"

// Arabic is printed with its contextual forms: each letter becomes the
// isolated, final, initial or medial presentation form that its neighbours
// call for (the fonts map those code points to the joined glyphs), and lam
// followed by alef becomes the lam-alef ligature the script requires.

// Form indexes in arabicForms.
const (
	isolated = iota
	final
	initial
	medial
)

// arabicForms gives, for each letter that has presentation forms, its
// isolated, final, initial and medial forms (0: none). A letter with
// initial and medial forms joins on both sides; one with only isolated and
// final forms joins to the letter before it only. Generated from the
// <isolated>, <final>, <initial> and <medial> compatibility decompositions
// of U+FB50–U+FDFF and U+FE70–U+FEFF in UnicodeData.txt (Unicode 14), single
// letters only; TestArabicFormsDecompose checks it against NFKD.
var arabicForms = map[rune][4]rune{
	0x0621: {0xFE80, 0x0000, 0x0000, 0x0000}, // Arabic Letter Hamza
	0x0622: {0xFE81, 0xFE82, 0x0000, 0x0000}, // Arabic Letter Alef With Madda Above
	0x0623: {0xFE83, 0xFE84, 0x0000, 0x0000}, // Arabic Letter Alef With Hamza Above
	0x0624: {0xFE85, 0xFE86, 0x0000, 0x0000}, // Arabic Letter Waw With Hamza Above
	0x0625: {0xFE87, 0xFE88, 0x0000, 0x0000}, // Arabic Letter Alef With Hamza Below
	0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C}, // Arabic Letter Yeh With Hamza Above
	0x0627: {0xFE8D, 0xFE8E, 0x0000, 0x0000}, // Arabic Letter Alef
	0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92}, // Arabic Letter Beh
	0x0629: {0xFE93, 0xFE94, 0x0000, 0x0000}, // Arabic Letter Teh Marbuta
	0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98}, // Arabic Letter Teh
	0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C}, // Arabic Letter Theh
	0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0}, // Arabic Letter Jeem
	0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4}, // Arabic Letter Hah
	0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8}, // Arabic Letter Khah
	0x062F: {0xFEA9, 0xFEAA, 0x0000, 0x0000}, // Arabic Letter Dal
	0x0630: {0xFEAB, 0xFEAC, 0x0000, 0x0000}, // Arabic Letter Thal
	0x0631: {0xFEAD, 0xFEAE, 0x0000, 0x0000}, // Arabic Letter Reh
	0x0632: {0xFEAF, 0xFEB0, 0x0000, 0x0000}, // Arabic Letter Zain
	0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4}, // Arabic Letter Seen
	0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8}, // Arabic Letter Sheen
	0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC}, // Arabic Letter Sad
	0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0}, // Arabic Letter Dad
	0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4}, // Arabic Letter Tah
	0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8}, // Arabic Letter Zah
	0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC}, // Arabic Letter Ain
	0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0}, // Arabic Letter Ghain
	0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4}, // Arabic Letter Feh
	0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8}, // Arabic Letter Qaf
	0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC}, // Arabic Letter Kaf
	0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0}, // Arabic Letter Lam
	0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4}, // Arabic Letter Meem
	0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8}, // Arabic Letter Noon
	0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC}, // Arabic Letter Heh
	0x0648: {0xFEED, 0xFEEE, 0x0000, 0x0000}, // Arabic Letter Waw
	0x0649: {0xFEEF, 0xFEF0, 0xFBE8, 0xFBE9}, // Arabic Letter Alef Maksura
	0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4}, // Arabic Letter Yeh
	0x0671: {0xFB50, 0xFB51, 0x0000, 0x0000}, // Arabic Letter Alef Wasla
	0x0677: {0xFBDD, 0x0000, 0x0000, 0x0000}, // Arabic Letter U With Hamza Above
	0x0679: {0xFB66, 0xFB67, 0xFB68, 0xFB69}, // Arabic Letter Tteh
	0x067A: {0xFB5E, 0xFB5F, 0xFB60, 0xFB61}, // Arabic Letter Tteheh
	0x067B: {0xFB52, 0xFB53, 0xFB54, 0xFB55}, // Arabic Letter Beeh
	0x067E: {0xFB56, 0xFB57, 0xFB58, 0xFB59}, // Arabic Letter Peh
	0x067F: {0xFB62, 0xFB63, 0xFB64, 0xFB65}, // Arabic Letter Teheh
	0x0680: {0xFB5A, 0xFB5B, 0xFB5C, 0xFB5D}, // Arabic Letter Beheh
	0x0683: {0xFB76, 0xFB77, 0xFB78, 0xFB79}, // Arabic Letter Nyeh
	0x0684: {0xFB72, 0xFB73, 0xFB74, 0xFB75}, // Arabic Letter Dyeh
	0x0686: {0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D}, // Arabic Letter Tcheh
	0x0687: {0xFB7E, 0xFB7F, 0xFB80, 0xFB81}, // Arabic Letter Tcheheh
	0x0688: {0xFB88, 0xFB89, 0x0000, 0x0000}, // Arabic Letter Ddal
	0x068C: {0xFB84, 0xFB85, 0x0000, 0x0000}, // Arabic Letter Dahal
	0x068D: {0xFB82, 0xFB83, 0x0000, 0x0000}, // Arabic Letter Ddahal
	0x068E: {0xFB86, 0xFB87, 0x0000, 0x0000}, // Arabic Letter Dul
	0x0691: {0xFB8C, 0xFB8D, 0x0000, 0x0000}, // Arabic Letter Rreh
	0x0698: {0xFB8A, 0xFB8B, 0x0000, 0x0000}, // Arabic Letter Jeh
	0x06A4: {0xFB6A, 0xFB6B, 0xFB6C, 0xFB6D}, // Arabic Letter Veh
	0x06A6: {0xFB6E, 0xFB6F, 0xFB70, 0xFB71}, // Arabic Letter Peheh
	0x06A9: {0xFB8E, 0xFB8F, 0xFB90, 0xFB91}, // Arabic Letter Keheh
	0x06AD: {0xFBD3, 0xFBD4, 0xFBD5, 0xFBD6}, // Arabic Letter Ng
	0x06AF: {0xFB92, 0xFB93, 0xFB94, 0xFB95}, // Arabic Letter Gaf
	0x06B1: {0xFB9A, 0xFB9B, 0xFB9C, 0xFB9D}, // Arabic Letter Ngoeh
	0x06B3: {0xFB96, 0xFB97, 0xFB98, 0xFB99}, // Arabic Letter Gueh
	0x06BA: {0xFB9E, 0xFB9F, 0x0000, 0x0000}, // Arabic Letter Noon Ghunna
	0x06BB: {0xFBA0, 0xFBA1, 0xFBA2, 0xFBA3}, // Arabic Letter Rnoon
	0x06BE: {0xFBAA, 0xFBAB, 0xFBAC, 0xFBAD}, // Arabic Letter Heh Doachashmee
	0x06C0: {0xFBA4, 0xFBA5, 0x0000, 0x0000}, // Arabic Letter Heh With Yeh Above
	0x06C1: {0xFBA6, 0xFBA7, 0xFBA8, 0xFBA9}, // Arabic Letter Heh Goal
	0x06C5: {0xFBE0, 0xFBE1, 0x0000, 0x0000}, // Arabic Letter Kirghiz Oe
	0x06C6: {0xFBD9, 0xFBDA, 0x0000, 0x0000}, // Arabic Letter Oe
	0x06C7: {0xFBD7, 0xFBD8, 0x0000, 0x0000}, // Arabic Letter U
	0x06C8: {0xFBDB, 0xFBDC, 0x0000, 0x0000}, // Arabic Letter Yu
	0x06C9: {0xFBE2, 0xFBE3, 0x0000, 0x0000}, // Arabic Letter Kirghiz Yu
	0x06CB: {0xFBDE, 0xFBDF, 0x0000, 0x0000}, // Arabic Letter Ve
	0x06CC: {0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF}, // Arabic Letter Farsi Yeh
	0x06D0: {0xFBE4, 0xFBE5, 0xFBE6, 0xFBE7}, // Arabic Letter E
	0x06D2: {0xFBAE, 0xFBAF, 0x0000, 0x0000}, // Arabic Letter Yeh Barree
	0x06D3: {0xFBB0, 0xFBB1, 0x0000, 0x0000}, // Arabic Letter Yeh Barree With Hamza Above
}

// lamAlef are the isolated and final lam-alef ligatures, by alef.
var lamAlef = map[rune][2]rune{
	0x0622: {0xFEF5, 0xFEF6}, // with madda above
	0x0623: {0xFEF7, 0xFEF8}, // with hamza above
	0x0625: {0xFEF9, 0xFEFA}, // with hamza below
	0x0627: {0xFEFB, 0xFEFC},
}

const (
	lam  = 0x0644
	zwj  = 0x200D
	zwnj = 0x200C
)

// Joining types (ArabicShaping.txt): dual, right, join-causing,
// transparent, non-joining.
const (
	joinD = iota
	joinR
	joinC
	joinT
	joinU
)

func joining(c rune) int {
	if f, ok := arabicForms[c]; ok {
		if f[initial] != 0 {
			return joinD
		}
		return joinR
	}
	switch {
	case c == 0x0640 || c == zwj: // tatweel
		return joinC
	case c == zwnj:
		return joinU
	case unicode.In(c, unicode.Mn, unicode.Me, unicode.Cf):
		return joinT
	}
	return joinU
}

// shapeArabic replaces Arabic letters by their contextual presentation
// forms, in logical order, when a face of the chain has the form (else the
// letter stays as it is). Runes are changed in place; a lam-alef pair
// becomes one ligature and its alef is dropped.
func shapeArabic(rs []rune, ch []*face) []rune {
	arabic := false
	for _, c := range rs {
		if c >= 0x0600 && c <= 0x06FF {
			arabic = true
			break
		}
	}
	if !arabic {
		return rs
	}
	types := make([]int, len(rs))
	for i, c := range rs {
		types[i] = joining(c)
	}
	// neighbour is the joining type of the nearest non-transparent
	// character from i in direction d, joinU past the ends.
	neighbour := func(i, d int) (int, int) {
		for j := i + d; j >= 0 && j < len(rs); j += d {
			if types[j] != joinT {
				return types[j], j
			}
		}
		return joinU, -1
	}
	out := make([]rune, 0, len(rs))
	drop := make([]bool, len(rs))
	shaped := make([]rune, len(rs))
	copy(shaped, rs)
	for i, c := range rs {
		f, ok := arabicForms[c]
		if !ok {
			continue
		}
		prev, _ := neighbour(i, -1)
		next, nj := neighbour(i, +1)
		joinPrev := prev == joinD || prev == joinC
		joinNext := types[i] == joinD && (next == joinD || next == joinR || next == joinC)
		if c == lam && nj >= 0 {
			if lig, ok := lamAlef[rs[nj]]; ok {
				form := lig[0]
				if joinPrev {
					form = lig[1]
				}
				if pick(ch, form) != nil {
					// The alef, right-joining, still keeps the letter
					// after it from joining the ligature.
					shaped[i], drop[nj] = form, true
					continue
				}
			}
		}
		form := f[isolated]
		switch {
		case joinPrev && joinNext && f[medial] != 0:
			form = f[medial]
		case joinPrev && f[final] != 0:
			form = f[final]
		case joinNext && f[initial] != 0:
			form = f[initial]
		}
		if form != 0 && pick(ch, form) != nil {
			shaped[i] = form
		}
	}
	for i, c := range shaped {
		if !drop[i] {
			out = append(out, c)
		}
	}
	return out
}
