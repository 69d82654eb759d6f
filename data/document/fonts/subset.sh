#!/bin/sh
# Rebuilds the fallback fonts of the PDF documents from Debian's font packages:
#   apt-get install fonts-dejavu-core fonts-droid-fallback fonts-baekmuk python3-fonttools
# Each font is cut down to the scripts it is in the fallback chain for (see
# ../fonts.go), without hinting or OpenType layout tables (the PDF writer reads
# only the cmap, the metrics and the TrueType outlines), then gzipped: the
# renderer unpacks a font the first time a document needs it.
set -eu
cd "$(dirname "$0")"
subset() { # source output unicodes
	python3 -m fontTools.subset "$1" --unicodes="$3" --layout-features='' \
		--drop-tables+=GSUB,GPOS,GDEF,kern,FFTM --no-hinting --name-IDs='*' --name-languages='*' \
		--output-file="$2" 2>/dev/null
	gzip -9 -n -f "$2"
}
# Latin, IPA, Greek, Cyrillic, Armenian, Hebrew, Arabic (with its presentation
# forms, which is how Arabic is shaped), Georgian, punctuation, currency and
# common symbols, and U+FFFD, the replacement glyph.
DEJAVU="U+0020-007E,U+00A0-036F,U+0370-03FF,U+0400-052F,U+0530-058F,U+0590-05FF,U+0600-06FF,U+10A0-10FF,\
U+1E00-1EFF,U+1F00-1FFF,U+2000-206F,U+20A0-20CF,U+2100-218F,U+2190-21FF,U+2200-22FF,U+25A0-25FF,U+2C60-2C7F,\
U+A720-A7FF,U+FB00-FB4F,U+FB50-FDFF,U+FE70-FEFF,U+FFFD"
subset /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf DejaVuSans.ttf "$DEJAVU"
subset /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf DejaVuSans-Bold.ttf "$DEJAVU"
# Chinese and Japanese: CJK punctuation, kana, bopomofo, the unified
# ideographs with extension A and the compatibility ones, full- and half-width
# forms.
subset /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf DroidSansFallback.ttf \
	"U+3000-303F,U+3040-30FF,U+3100-312F,U+31F0-31FF,U+3200-32FF,U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,U+FF00-FFEF"
# Korean: Hangul jamo, compatibility jamo and the 11,172 syllables.
subset /usr/share/fonts/truetype/baekmuk/dotum.ttf BaekmukDotum.ttf "U+1100-11FF,U+3130-318F,U+AC00-D7AF"
