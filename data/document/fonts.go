package document

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// The fallback fonts, subsetted and gzipped by fonts/subset.sh; their
// licences are beside them.
//
//go:embed fonts/*.ttf.gz
var fontFiles embed.FS

// A face is one TrueType font in one style. Its bytes and metrics are read
// the first time a document needs it, once per process: a document in
// French never unpacks the CJK fonts.
type face struct {
	family, style string // as registered with the PDF writer
	load          func() ([]byte, error)

	once sync.Once
	ttf  []byte
	m    *metrics
	err  error
}

func (fc *face) init() {
	fc.once.Do(func() {
		fc.ttf, fc.err = fc.load()
		if fc.err == nil {
			fc.m, fc.err = readMetrics(fc.ttf)
		}
		if fc.err != nil {
			fc.err = fmt.Errorf("font %s %s: %w", fc.family, fc.style, fc.err)
		}
	})
}

// metrics are the face's metrics, nil when the font could not be read (a
// broken face is skipped: its characters fall to the next font of the
// chain, or to the replacement glyph).
func (fc *face) metrics() *metrics {
	fc.init()
	return fc.m
}

func raw(b []byte) func() ([]byte, error) { return func() ([]byte, error) { return b, nil } }

func gzipped(name string) func() ([]byte, error) {
	return func() ([]byte, error) {
		f, err := fontFiles.Open("fonts/" + name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		z, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if _, err := io.Copy(&b, z); err != nil {
			return nil, err
		}
		return b.Bytes(), z.Close()
	}
}

var (
	// The Go fonts print Latin, Greek and Cyrillic as documents always
	// have.
	goRegular = &face{family: "go", load: raw(goregular.TTF)}
	goBold    = &face{family: "go", style: "B", load: raw(gobold.TTF)}
	goItalic  = &face{family: "go", style: "I", load: raw(goitalic.TTF)}
	// DejaVu Sans: the rest of Latin, Greek and Cyrillic, Armenian,
	// Georgian, Hebrew, Arabic with its presentation forms, symbols and
	// U+FFFD.
	dejavu     = &face{family: "dejavu", load: gzipped("DejaVuSans.ttf.gz")}
	dejavuBold = &face{family: "dejavu", style: "B", load: gzipped("DejaVuSans-Bold.ttf.gz")}
	// Droid Sans Fallback: Chinese and Japanese (one weight).
	droid = &face{family: "droid", load: gzipped("DroidSansFallback.ttf.gz")}
	// Baekmuk Dotum: Korean (one weight).
	baekmuk = &face{family: "baekmuk", load: gzipped("BaekmukDotum.ttf.gz")}
)

// chains are, per style, the faces tried in turn for each character: the
// first that has a glyph prints it. Italic only ever prints labels; what
// the Go italic lacks falls back to upright faces.
var chains = map[string][]*face{
	"":  {goRegular, dejavu, droid, baekmuk},
	"B": {goBold, dejavuBold, droid, baekmuk},
	"I": {goItalic, dejavu, droid, baekmuk},
}

// allFaces lists every face once (tests check that each one loads).
var allFaces = []*face{goRegular, goBold, goItalic, dejavu, dejavuBold, droid, baekmuk}

func chain(style string) []*face {
	if c, ok := chains[style]; ok {
		return c
	}
	return chains[""]
}

// pick is the first face of the chain that has a glyph for c, nil when
// none has.
func pick(ch []*face, c rune) *face {
	if c < 0 || c > 0xFFFF {
		return nil
	}
	for _, fc := range ch {
		if m := fc.metrics(); m != nil && m.has(c) {
			return fc
		}
	}
	return nil
}
