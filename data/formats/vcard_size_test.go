package formats_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"comptoir/data/formats"
)

// foldedNoteCard is one card whose NOTE holds size bytes, folded into
// 75-byte lines as RFC 6350 writes long values.
func foldedNoteCard(size int) string {
	var sb strings.Builder
	sb.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anne Martin\r\nNOTE:")
	for written := 0; written < size; written += 74 {
		sb.WriteString(strings.Repeat("x", 74))
		sb.WriteString("\r\n ")
	}
	sb.WriteString("end\r\nEND:VCARD\r\n")
	return sb.String()
}

// qpNoteCard is one vCard 2.1 card whose quoted-printable NOTE holds size
// bytes, cut by soft line breaks ("=" at the end of each line).
func qpNoteCard(size int) string {
	var sb strings.Builder
	sb.WriteString("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Anne Martin\r\nNOTE;ENCODING=QUOTED-PRINTABLE:")
	for written := 0; written < size; written += 74 {
		sb.WriteString(strings.Repeat("y", 73))
		sb.WriteString("=\r\n")
	}
	sb.WriteString("end\r\nEND:VCARD\r\n")
	return sb.String()
}

// manyCards is about size bytes of ordinary cards.
func manyCards(size int) string {
	var sb strings.Builder
	for i := 0; sb.Len() < size; i++ {
		fmt.Fprintf(&sb, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Client %d\r\nN:%d;Client;;;\r\nORG:Société %d\r\n"+
			"EMAIL;TYPE=work:client%d@example.com\r\nTEL;TYPE=cell:+33 6 12 34 %02d %02d\r\n"+
			"ADR;TYPE=work:;;%d rue de la Paix;Paris;;75002;France\r\nNOTE:met at the fair\\, wants a quote\r\nEND:VCARD\r\n",
			i, i, i%500, i, i/100%100, i%100, i%200)
	}
	return sb.String()
}

// TestReadVCardLongValuesCostLinearMemory: a long folded value used to be
// joined by concatenating each piece to all the ones before it (a 1 MB
// file took 66 s). Reading must allocate a few times the file, not the
// square of its lines. Not parallel: it reads the process's allocation
// counter.
func TestReadVCardLongValuesCostLinearMemory(t *testing.T) {
	for name, file := range map[string]string{
		"folded":           foldedNoteCard(256 << 10),
		"quoted-printable": qpNoteCard(256 << 10),
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		recs, err := formats.ReadVCards(strings.NewReader(file))
		runtime.ReadMemStats(&after)
		if err != nil || len(recs) != 1 || len(recs[0].Contact.Notes) < 250<<10 || !strings.HasSuffix(recs[0].Contact.Notes, "end") {
			t.Fatalf("%s: %d records, err %v", name, len(recs), err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 40*uint64(len(file)) {
			t.Errorf("%s: reading %d bytes allocated %d bytes (%.0f× the file)", name, len(file), alloc, float64(alloc)/float64(len(file)))
		}
	}
}

// BenchmarkReadVCard10MB reads 10 MB vCard files: one card with a 10 MB
// folded note, the same as quoted-printable soft line breaks, and about
// 40,000 ordinary cards.
func BenchmarkReadVCard10MB(b *testing.B) {
	for _, c := range []struct {
		name string
		file string
	}{
		{"folded-note", foldedNoteCard(10 << 20)},
		{"quoted-printable-note", qpNoteCard(10 << 20)},
		{"cards", manyCards(10 << 20)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.file)))
			for b.Loop() {
				recs, err := formats.ReadVCards(strings.NewReader(c.file))
				if err != nil || len(recs) == 0 {
					b.Fatalf("%d records, err %v", len(recs), err)
				}
			}
		})
	}
}
