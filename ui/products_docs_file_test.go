package ui

import (
	"os"
	"path/filepath"
	"testing"
)

// PDFs for the viewer go to a private folder made for this run, each in a
// file of its own: never a shared, predictable path.
func TestWriteViewerFileIsPrivate(t *testing.T) {
	p1, err := writeViewerFile("FAC-2026-0001.pdf", []byte("%PDF one"))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := writeViewerFile("FAC-2026-0001.pdf", []byte("%PDF two"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(p1); os.Remove(p2) })
	dir := filepath.Dir(p1)
	if dir == filepath.Join(os.TempDir(), "comptoir-documents") || filepath.Dir(p2) != dir {
		t.Fatalf("files written to %s and %s", p1, p2)
	}
	if p1 == p2 {
		t.Fatal("the second write reused the first file")
	}
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		t.Errorf("the documents folder has mode %v, want no access for others", st.Mode().Perm())
	}
	fi, err := os.Lstat(p1)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("the PDF file has mode %v", fi.Mode())
	}
	for p, want := range map[string]string{p1: "%PDF one", p2: "%PDF two"} {
		if b, _ := os.ReadFile(p); string(b) != want {
			t.Errorf("%s holds %q, want %q", p, b, want)
		}
	}
}
