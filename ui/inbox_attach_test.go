package ui

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

// twoSameNames is an email with two attachments called devis.txt.
const twoSameNames = "From: a@example.com\r\nTo: b@example.com\r\nSubject: devis\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=XX\r\n\r\n" +
	"--XX\r\nContent-Type: text/plain\r\n\r\nVoici.\r\n" +
	"--XX\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=devis.txt\r\n\r\nfirst version\r\n" +
	"--XX\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=devis.txt\r\n\r\nsecond version\r\n" +
	"--XX--\r\n"

func TestAttachmentAtPicksByIndex(t *testing.T) {
	b, err := attachmentAt([]byte(twoSameNames), 1, "devis.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "second version") {
		t.Fatalf("the second devis.txt saved %q", b)
	}
	b, err = attachmentAt([]byte(twoSameNames), 0, "devis.txt")
	if err != nil || !strings.Contains(string(b), "first version") {
		t.Fatalf("the first devis.txt saved %q, %v", b, err)
	}
	if _, err := attachmentAt([]byte(twoSameNames), 2, "devis.txt"); err == nil {
		t.Fatal("an attachment past the end was found")
	}
}

// failingWriter writes into a real file, then fails as told.
type failingWriter struct {
	f                 *os.File
	uri               fyne.URI
	failWrite, failCl bool
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.failWrite {
		n, _ := w.f.Write(p[:len(p)/2])
		return n, errors.New("disk full")
	}
	return w.f.Write(p)
}

func (w *failingWriter) Close() error {
	err := w.f.Close()
	if w.failCl {
		return errors.New("close failed")
	}
	return err
}

func (w *failingWriter) URI() fyne.URI { return w.uri }

func newFailingWriter(t *testing.T, failWrite, failClose bool) (*failingWriter, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "devis.txt")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	return &failingWriter{f: f, uri: storage.NewFileURI(path), failWrite: failWrite, failCl: failClose}, path
}

func TestWriteAttachmentReportsFailures(t *testing.T) {
	test.NewTempApp(t)
	data := bytes.Repeat([]byte("x"), 1000)

	w, path := newFailingWriter(t, false, false)
	if err := writeAttachment(w, data); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); len(b) != len(data) {
		t.Fatalf("wrote %d bytes, want %d", len(b), len(data))
	}

	w, _ = newFailingWriter(t, false, true)
	if err := writeAttachment(w, data); err == nil || !strings.Contains(err.Error(), "close failed") {
		t.Fatalf("a failed close reported %v", err)
	}

	w, path = newFailingWriter(t, true, false)
	if err := writeAttachment(w, data); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("a failed write reported %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed write left a partial file (%v)", err)
	}
}
