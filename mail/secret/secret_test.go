package secret

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileStore(t *testing.T) {
	dir := t.TempDir()
	f := NewFile(dir)
	if _, err := f.Get("imap:a@b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get on empty store: %v, want ErrNotFound", err)
	}
	if err := f.Set("imap:a@b", "s3cret-é"); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("smtp:a@b", "other"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	// A second store on the same folder (another process) reads it back.
	g := NewFile(dir)
	if p, err := g.Get("imap:a@b"); err != nil || p != "s3cret-é" {
		t.Fatalf("Get = %q, %v", p, err)
	}
	if err := g.Delete("imap:a@b"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get("imap:a@b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after Delete: %v", err)
	}
	if p, _ := f.Get("smtp:a@b"); p != "other" {
		t.Fatalf("other key lost: %q", p)
	}
	if err := f.Delete("missing"); err != nil {
		t.Fatalf("Delete missing: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left temporary files: %v", entries)
	}
}

func TestFileStoreNarrowsPermissions(t *testing.T) {
	dir := t.TempDir()
	f := NewFile(dir)
	if err := f.Set("k", "v"); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(f.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get("k"); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(f.Path())
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v after read, want 0600", fi.Mode().Perm())
	}
}

func TestOpenForcedFile(t *testing.T) {
	t.Setenv("COMPTOIR_SECRETS", "file")
	s := Open(t.TempDir())
	if s.Kind() != "file" {
		t.Fatalf("Kind = %q, want file", s.Kind())
	}
	if err := s.Set("k", "pw"); err != nil {
		t.Fatal(err)
	}
}

func TestDamagedFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := NewFile(dir).Get("k")
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("err = %v", err)
	}
}

func TestLazyOpensOnFirstUse(t *testing.T) {
	t.Setenv("COMPTOIR_SECRETS", "file")
	dir := t.TempDir()
	s := Lazy(dir)
	if _, err := os.Stat(filepath.Join(dir, FileName)); !os.IsNotExist(err) {
		t.Fatalf("the file exists before any use: %v", err)
	}
	if err := s.Set("k", "pw"); err != nil {
		t.Fatal(err)
	}
	if got, err := NewFile(dir).Get("k"); err != nil || got != "pw" {
		t.Fatalf("through the file: %q %v", got, err)
	}
	if s.Kind() != "file" {
		t.Fatalf("Kind = %q", s.Kind())
	}
}
