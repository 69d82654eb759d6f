package document

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/unicode/norm"
)

// logical folds what pdftotext reads back into plain logical text: the
// presentation forms of Arabic back to letters (NFKC), without the bidi
// marks poppler puts around right-to-left runs.
func logical(s string) string {
	s = strings.Map(func(c rune) rune {
		if c >= 0x202A && c <= 0x202E || c == 0x200E || c == 0x200F {
			return -1
		}
		return c
	}, s)
	return norm.NFKC.String(s)
}

// Every fallback face loads, and the PDF writer measures each character as
// the layout does (the same widths from the same cmap).
func TestFacesLoadAndMeasureAsTheWriter(t *testing.T) {
	t.Parallel()
	samples := map[*face]string{goRegular: "Aé€", goBold: "Aé€", goItalic: "Aé", dejavu: "אשعﺑΩ\uFFFD",
		dejavuBold: "אשعﺑΩ", droid: "中文日本語かな", baekmuk: "한국어"}
	for _, fc := range allFaces {
		fc.init()
		if fc.err != nil {
			t.Fatalf("%s %q: %v", fc.family, fc.style, fc.err)
		}
		f := fpdf.New("P", "mm", "A4", "")
		f.AddUTF8FontFromBytes(fc.family, fc.style, bytes.Clone(fc.ttf))
		f.SetFont(fc.family, fc.style, 12)
		f.AddPage()
		for _, c := range samples[fc] {
			if !fc.metrics().has(c) {
				t.Errorf("%s %q lacks %q", fc.family, fc.style, c)
				continue
			}
			want := float64(fc.metrics().advance(c)) * 12 / ptPerMM / 1000
			if got := f.GetStringWidth(string(c)); got-want > 1e-9 || want-got > 1e-9 {
				t.Errorf("%s %q: %q is %.4f mm wide for the writer, %.4f for the layout", fc.family, fc.style, c, got, want)
			}
			f.Text(20, 20, string(c))
		}
		if err := f.Output(new(strings.Builder)); err != nil {
			t.Errorf("%s %q: %v", fc.family, fc.style, err)
		}
	}
	if pick(chain(""), '🍕') != nil || pick(chain("B"), 0x20000) != nil {
		t.Error("a character past U+FFFF was given a font")
	}
}

// scripts is an invoice whose every part takes another script: the case
// that used to panic ("Pizza 🍕"), a Chinese client with a Korean contact,
// an Arabic deal title, Greek and Cyrillic lines, a Hebrew seller.
func scripts() Snapshot {
	s := sample()
	s.Seller.Name = "חברת הדוגמה בע״מ"
	s.Buyer.Name = "北京烤鸭餐厅有限公司"
	s.Buyer.Contact = "김민준"
	s.Title = "تجديد المطعم"
	s.Lines[0].Name, s.Lines[0].Unit = "Pizza 🍕", ""
	s.Lines[1].Name = "Ελληνικό ελαιόλαδο"
	s.Lines[2].Name = "Русский чай"
	s.Lines = append(s.Lines,
		Line{Name: "Livraison à مرحبا بكم et lampe لا puis fin", Quantity: 1000, UnitPrice: 100, TaxRate: 2000, Net: 100, Tax: 20, Gross: 120},
		Line{Name: "Thé vert 日本茶 (せんちゃ)", Quantity: 1000, UnitPrice: 100, TaxRate: 2000, Net: 100, Tax: 20, Gross: 120})
	return s
}

func TestRenderEveryScript(t *testing.T) {
	t.Parallel()
	for _, kind := range []Kind{Invoice, Quote} {
		s := scripts()
		s.Kind = kind
		pdf, err := Render(s, Options{})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if dir := os.Getenv("COMPTOIR_PDF_DIR"); dir != "" {
			_ = os.WriteFile(filepath.Join(dir, "scripts-"+string(kind)+".pdf"), pdf, 0o600)
		}
		raw := pdfText(t, pdf)
		mustContain(t, logical(raw),
			"Pizza \uFFFD", // the emoji's replacement glyph
			"北京烤鸭餐厅有限公司", "À l'attention de 김민준",
			"Objet : تجديد المطعم",
			"Ελληνικό ελαιόλαδο", "Русский чай",
			"חברת הדוגמה בע״מ",
			"مرحبا بكم", "Thé vert 日本茶 (せんちゃ)",
			"Page 1 / 1")
		if strings.Contains(raw, "🍕") {
			t.Error("the emoji reached the PDF")
		}
		// Arabic is printed joined: تجديد as initial teh, medial jeem,
		// final dal, initial yeh, final dal; lam-alef as its ligature.
		for _, w := range []string{"\uFE97\uFEA0\uFEAA\uFEF3\uFEAA", "\uFEFB"} {
			if !strings.Contains(raw, w) {
				t.Errorf("%s: no shaped %q (%+q) in the text", kind, norm.NFKC.String(w), w)
			}
		}
	}
}

// word is one word of pdftotext -bbox, in points from the top left.
type word struct {
	text                   string
	page                   int
	xMin, yMin, xMax, yMax float64
}

var (
	bboxPage = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

// pdfWords reads a PDF's words with their boxes.
func pdfWords(t *testing.T, pdf []byte) []word {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-bbox", "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v: %s", err, out)
	}
	var words []word
	page := 0
	for _, l := range strings.Split(string(out), "\n") {
		if bboxPage.MatchString(l) {
			page++
		}
		m := bboxWord.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		w := word{text: logical(strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'").Replace(m[5])), page: page}
		for i, p := range []*float64{&w.xMin, &w.yMin, &w.xMax, &w.yMax} {
			*p, _ = strconv.ParseFloat(m[i+1], 64)
		}
		words = append(words, w)
	}
	return words
}

func find(t *testing.T, words []word, text string) word {
	t.Helper()
	for _, w := range words {
		if w.text == text {
			return w
		}
	}
	t.Fatalf("no word %q in %v", text, words)
	return word{}
}

// reverse is a word as pdftotext -bbox gives right-to-left words: in the
// order the glyphs are drawn, left to right.
func reverse(s string) string {
	rs := []rune(s)
	slices.Reverse(rs)
	return string(rs)
}

// Right-to-left words are drawn right to left, and the French around them
// keeps its place: "Livraison à مرحبا بكم et lampe لا puis fin" reads, from
// the left, "Livraison à", then بكم left of مرحبا, then "et".
func TestRightToLeftIsDrawnInVisualOrder(t *testing.T) {
	t.Parallel()
	words := pdfWords(t, mustRender(t, scripts()))
	a, et := find(t, words, "à"), find(t, words, "et")
	hello, you := find(t, words, reverse("مرحبا")), find(t, words, reverse("بكم"))
	if !(a.xMax <= you.xMin && you.xMax <= hello.xMin && hello.xMax <= et.xMin) {
		t.Errorf("visual order: à %.1f, بكم %.1f, مرحبا %.1f, et %.1f (x from the left)", a.xMin, you.xMin, hello.xMin, et.xMin)
	}
	// The Hebrew seller's two first words, in the footer: הדוגמה left of חברת.
	var firm, sample word
	for _, w := range words {
		if w.yMin > (footerTop)*ptPerMM {
			switch w.text {
			case reverse("חברת"):
				firm = w
			case reverse("הדוגמה"):
				sample = w
			}
		}
	}
	if firm.text == "" || sample.text == "" || sample.xMax > firm.xMin {
		t.Errorf("footer: הדוגמה %+v should stand left of חברת %+v", sample, firm)
	}
}

func mustRender(t *testing.T, s Snapshot) []byte {
	t.Helper()
	pdf, err := Render(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// An emoji with its modifiers, joined parts or variation selector, or a flag,
// is one replacement glyph; a decomposed accent composes.
func TestEmojiClusterIsOneReplacementGlyph(t *testing.T) {
	t.Parallel()
	s := sample()
	s.Lines[0].Name = "👩‍💻 Développeuse"
	s.Lines[1].Name = "🇫🇷 Drapeau 👍🏽 pouce"
	s.Lines[2].Name = "Cafe\u0301 \U0001F355\uFE0F fin"
	text := logical(pdfText(t, mustRender(t, s)))
	mustContain(t, text, "\uFFFD Développeuse", "\uFFFD Drapeau \uFFFD pouce", "Café \uFFFD fin")
	if n := strings.Count(text, "\uFFFD"); n != 4 {
		t.Errorf("%d replacement glyphs, want 4:\n%s", n, text)
	}
}

// A 50-line seller address stays out of the footer: in the header band it
// is one line cut with an ellipsis before the document's title, in the
// seller's block twelve lines at most, the last one cut with an ellipsis,
// and in the footer two lines at most. A legal note of 80 lines goes on
// from page to page, never over the footer.
func TestLongAddressStaysAboveTheFooter(t *testing.T) {
	t.Parallel()
	s := sample()
	var addr, note []string
	for i := range 50 {
		addr = append(addr, fmt.Sprintf("Adresse%d rue de la Longue Adresse", i+1))
	}
	for i := range 80 {
		note = append(note, fmt.Sprintf("Mention%d obligatoire.", i+1))
	}
	s.Seller.Address = strings.Join(addr, "\n")
	s.LegalNote = strings.Join(note, "\n")
	s.Lines[0].Name = strings.Repeat("Très long nom de produit ", 200)
	pdf := mustRender(t, s)
	if dir := os.Getenv("COMPTOIR_PDF_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "long-address.pdf"), pdf, 0o600)
	}
	words := pdfWords(t, pdf)
	top := footerTop * ptPerMM
	pages := 0
	var footerLines = map[[2]int]bool{}
	for _, w := range words {
		pages = max(pages, w.page)
		if w.yMin < top && w.yMax > top {
			t.Errorf("page %d: %q straddles the footer's rule (%.1f–%.1f pt, rule at %.1f)", w.page, w.text, w.yMin, w.yMax, top)
		}
		if w.yMin >= top {
			footerLines[[2]int{w.page, int(w.yMin)}] = true
			if w.yMax > (pageH-5)*ptPerMM {
				t.Errorf("page %d: %q below the page's bottom margin", w.page, w.text)
			}
		}
		// In the band, the address line stops before the title's column.
		if w.page == 1 && w.yMax < 32*ptPerMM && strings.HasPrefix(w.text, "Adresse") && w.xMax > (pageW-margin-70)*ptPerMM {
			t.Errorf("header: %q runs under the title (x %.1f pt)", w.text, w.xMax)
		}
	}
	if n := len(footerLines); n > 2*pages {
		t.Errorf("%d footer lines on %d pages, want 2 a page at most", n, pages)
	}
	text := pdfText(t, pdf)
	mustContain(t, text, "Adresse11 rue", "Mention1 obligatoire.", "Mention80 obligatoire.", "Page 1 / ", fmt.Sprintf("Page %d / %d", pages, pages))
	if strings.Contains(text, "Adresse50") || strings.Count(text, "…") < 3 {
		t.Errorf("the address is not cut with ellipses:\n%s", text)
	}
	if pages < 2 {
		t.Errorf("%d page(s): the legal note did not go on to the next page", pages)
	}
}

func TestRenderRecoversFromPanic(t *testing.T) {
	// Not parallel: renderHook is the package's.
	renderHook = func(s Snapshot) {
		if s.Number == "FAC-PANIC" {
			var lines []Line
			_ = lines[3]
		}
	}
	var stack []byte
	renderPanicked = func(_ any, st []byte) { stack = st }
	t.Cleanup(func() { renderHook, renderPanicked = nil, func(any, []byte) {} })
	s := sample()
	s.Number = "FAC-PANIC"
	pdf, err := Render(s, Options{})
	if !errors.Is(err, ErrRender) || pdf != nil || !strings.Contains(err.Error(), "FAC-PANIC") || !strings.Contains(err.Error(), "index out of range") {
		t.Fatalf("Render after a panic: %d bytes, %v; want an ErrRender error naming the document and the panic", len(pdf), err)
	}
	if !strings.Contains(string(stack), "text_test.go") {
		t.Errorf("the panic's stack was not reported:\n%s", stack)
	}
	s.Number, s.Digits = "FAC-DIGITS", -1
	if _, err := Render(s, Options{}); !errors.Is(err, ErrRender) {
		t.Errorf("currency digits -1: %v", err)
	}
}

// Whatever the text, Render returns a PDF: controls, bidi overrides, broken
// UTF-8, marks alone, noncharacters, characters past U+FFFF, every script.
func TestRenderAnyText(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	pool := []rune("aé Z9.,-()[]«»%€\t\n\u00a0\u0301\u064b\u200d\u200c\u202e\u2066\u2069\ufdd0\ufdd1\ufeff\ufffe\U0001F355\U0001F3FD\U00020000" +
		"אבג١٢مرحبا لا中文한국어ΩЖ\u0000\u001b\u007f")
	str := func() string {
		var b strings.Builder
		for range rng.IntN(60) {
			b.WriteRune(pool[rng.IntN(len(pool))])
		}
		if rng.IntN(8) == 0 {
			b.WriteString("\xff\xfe")
		}
		return b.String()
	}
	for i := range 15 {
		s := sample()
		s.Number = fmt.Sprintf("FAC-%d", i)
		s.Title, s.Seller.Name, s.Seller.Address, s.Buyer.Name, s.Buyer.Contact = str(), str(), str(), str(), str()
		s.PaymentNote, s.LegalNote, s.IBAN = str(), str(), str()
		for j := range s.Lines {
			s.Lines[j].Name, s.Lines[j].Unit = str(), str()
		}
		pdf, err := Render(s, Options{})
		if err != nil {
			t.Fatalf("%q: %v", s.Title, err)
		}
		if !strings.Contains(pdfText(t, pdf), s.Number) {
			t.Fatalf("%s: unreadable PDF", s.Number)
		}
	}
}

// Documents rendered at the same time share the fonts' bytes, which the
// PDF writer must never write into.
func TestConcurrentRendersLeaveTheFontsAlone(t *testing.T) {
	t.Parallel()
	sum := func() [32]byte {
		h := sha256.New()
		for _, fc := range allFaces {
			fc.init()
			h.Write(fc.ttf)
		}
		return [32]byte(h.Sum(nil))
	}
	before := sum()
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := Render(scripts(), Options{})
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if sum() != before {
		t.Error("rendering changed the embedded fonts' bytes")
	}
}

func TestShapeArabic(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"محمد", "\uFEE3\uFEA4\uFEE4\uFEAA"},           // initial, medial, medial, final
		{"سلام", "\uFEB3\uFEFC\uFEE1"},                 // lam-alef joined to the seen, meem alone after the alef
		{"لا", "\uFEFB"},                               // isolated lam-alef
		{"دار", "\uFEA9\uFE8D\uFEAD"},                  // right-joining letters join nothing after them
		{"بَيت", "\uFE91\u064E\uFEF4\uFE96"},           // a mark between letters does not break the joining
		{"ب\u200Cب", "\uFE8F\uFE8F"},                   // ZWNJ keeps them apart (it is dropped later)
		{"abc ب 12", "abc \uFE8F 12"},                  // a lone letter is isolated
		{"ب\u200D", "\uFE91"},                          // ZWJ: a letter joined to nothing visible
		{"\uFDD0ب\uFDD1ب", "\uFDD0\uFE8F\uFDD1\uFE8F"}, // isolates do not join
	} {
		got := string(shapeArabic([]rune(c.in), chain("")))
		got = strings.ReplaceAll(got, "\u200C", "")
		got = strings.ReplaceAll(got, "\u200D", "")
		if got != c.want {
			t.Errorf("shape %q = %+q, want %+q", c.in, got, c.want)
		}
	}
}

// The forms table agrees with Unicode: each form decomposes (NFKD) to its
// letter.
func TestArabicFormsDecompose(t *testing.T) {
	t.Parallel()
	for base, forms := range arabicForms {
		if forms[isolated] == 0 {
			t.Errorf("%U has no isolated form", base)
		}
		for i, f := range forms {
			if f != 0 && norm.NFKD.String(string(f)) != norm.NFKD.String(string(base)) {
				t.Errorf("%U form %d: %U decomposes to %+q", base, i, f, norm.NFKD.String(string(f)))
			}
		}
	}
	for alef, lig := range lamAlef {
		for _, f := range lig {
			if norm.NFKD.String(string(f)) != norm.NFKD.String(string([]rune{lam, alef})) {
				t.Errorf("lam-alef %U: %U", alef, f)
			}
		}
	}
}

func TestVisualOrder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"abc אבג 123 דהו", "abc והד 123 גבא"}, // the number stays inside the Hebrew, in its own order
		{"אבג (דה) ו", "ו (הד) גבא"},           // brackets face the text's way
		{"a (א)א", "a (א)א"},                   // N0: a pair inside French stays French…
		{"א (a) ב", "ב (a) א"},                 // … and inside Hebrew, Hebrew
		{"abc (\u05d0 1)", "abc (1 \u05d0)"},   // brackets hold the Hebrew with its number
		{"abc", "abc"},
		{"אבג abc", "abc גבא"},             // a right-to-left paragraph
		{"x \uFDD0אב\uFDD1 12", "x בא 12"}, // an isolated name does not take the number
		{"x אב 12", "x 12 בא"},             // … which it does without the isolate
		{"בּג", "גבּ"},                     // the dagesh stays on its letter
	} {
		rs := []rune(c.in)
		base := baseLevel(rs)
		lv := bidiLevels(rs, base)
		var out []rune
		for _, i := range visualOrder(rs, lv) {
			r := rs[i]
			if isoMark(r) {
				continue
			}
			if lv[i]%2 == 1 {
				r = mirror(r)
			}
			out = append(out, r)
		}
		if string(out) != c.want {
			t.Errorf("%q shows as %q, want %q", c.in, string(out), c.want)
		}
	}
}

// The levels resolved here have the parity of golang.org/x/text's runs, on
// random mixes of both directions, numbers, separators, marks and isolates
// (given to x/text as FSI and PDI). Brackets are left out: x/text does not
// pair them (golang/go#72089); TestVisualOrder checks rule N0 by hand.
func TestBidiMatchesXText(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("ab אב عب 12١٢ .,-+%$/:!\u0301")
	for n := range 3000 {
		var rs []rune
		open := 0
		for range 1 + rng.IntN(24) {
			switch k := rng.IntN(14); {
			case k == 0:
				rs = append(rs, isoOpen)
				open++
			case k == 1 && open > 0:
				rs = append(rs, isoClose)
				open--
			default:
				rs = append(rs, alphabet[rng.IntN(len(alphabet))])
			}
		}
		for ; open > 0; open-- {
			rs = append(rs, isoClose)
		}
		base := baseLevel(rs)
		lv := bidiLevels(rs, base)
		x := strings.NewReplacer(string(isoOpen), "\u2068", string(isoClose), "\u2069").Replace(string(rs))
		var p bidi.Paragraph
		opt := bidi.DefaultDirection(bidi.LeftToRight)
		if base == 1 {
			opt = bidi.DefaultDirection(bidi.RightToLeft)
		}
		if _, err := p.SetString(x, opt); err != nil {
			t.Fatal(err)
		}
		o, err := p.Order()
		if err != nil {
			t.Fatal(err)
		}
		// L1: trailing spaces and isolate marks take the paragraph's level
		// (lines never end with spaces here).
		end := len(rs)
		for end > 0 && (rs[end-1] == ' ' || isoMark(rs[end-1])) {
			end--
		}
		i := 0
		for k := range o.NumRuns() {
			run := o.Run(k)
			for range []rune(run.String()) {
				if i < end && !isoMark(rs[i]) && (lv[i]%2 == 1) != (run.Direction() == bidi.RightToLeft) {
					t.Fatalf("case %d %+q: character %d %q at level %d, x/text says %v (levels %v)", n, string(rs), i, rs[i], lv[i], run.Direction(), lv)
				}
				i++
			}
		}
	}
}

func TestWrapBreaksAtSpacesAndBetweenCJK(t *testing.T) {
	t.Parallel()
	p := prepare("un deux trois 一二三四五六七八九十", "", 10)
	w := p.width(0, len(p.rs))
	lines := p.wrap(w / 2.5)
	var got []string
	for _, se := range lines {
		got = append(got, string(p.rs[se[0]:se[1]]))
		if p.width(se[0], se[1]) > w/2.5 {
			t.Errorf("line %q is wider than the box", string(p.rs[se[0]:se[1]]))
		}
	}
	if strings.Join(got, "") != "un deux trois一二三四五六七八九十" || len(got) < 3 || strings.HasSuffix(got[0], " ") {
		t.Errorf("lines %q", got)
	}
	// A word wider than the box is cut where it overflows.
	p = prepare("Anticonstitutionnellement", "B", 10)
	if lines := p.wrap(p.width(0, len(p.rs)) / 3); len(lines) < 3 {
		t.Errorf("long word: %v", lines)
	}
}

// BenchmarkRenderEveryScript renders the invoice in every script: the CJK
// and Korean fonts are parsed by the PDF writer for each document.
func BenchmarkRenderEveryScript(b *testing.B) {
	s := scripts()
	for b.Loop() {
		if _, err := Render(s, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
