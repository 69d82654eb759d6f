// Package secret keeps mail account passwords out of the database: in the
// operating system's keyring where there is one (Windows Credential Manager,
// macOS Keychain, the Secret Service on Linux desktops, through
// github.com/zalando/go-keyring), and elsewhere (a headless server, a phone)
// in a file of the app's storage folder readable only by the user (0600).
//
// Passwords never go to the database, the preferences, the logs or an
// export; nothing in this package logs a password.
package secret

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the keyring service name passwords are filed under.
const Service = "comptoir"

// FileName is the secrets file in the storage folder.
const FileName = "secrets.json"

// ErrNotFound is returned when no password is stored under a key.
var ErrNotFound = errors.New("no password saved")

// Store keeps passwords by key (see data.Account.IMAPSecretKey).
type Store interface {
	Get(key string) (string, error)
	Set(key, password string) error
	Delete(key string) error
	// Kind is "keyring" or "file", for diagnostics.
	Kind() string
}

// Open returns the keyring when it works on this machine, else the file
// store in dir. The environment variable COMPTOIR_SECRETS=file forces the
// file store (servers, tests).
func Open(dir string) Store {
	if os.Getenv("COMPTOIR_SECRETS") != "file" && keyringWorks() {
		return Keyring{}
	}
	return NewFile(dir)
}

// keyringWorks probes the keyring: a lookup of a missing key must answer
// "not found" promptly. A machine without a Secret Service fails or hangs.
func keyringWorks() bool {
	done := make(chan error, 1)
	go func() {
		_, err := keyring.Get(Service, "comptoir-probe")
		done <- err
	}()
	select {
	case err := <-done:
		return errors.Is(err, keyring.ErrNotFound)
	case <-time.After(3 * time.Second):
		return false
	}
}

// Keyring stores passwords in the operating system's keyring.
type Keyring struct{}

// Get returns the password stored under key.
func (Keyring) Get(key string) (string, error) {
	p, err := keyring.Get(Service, key)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("read the keyring: %w", err)
	}
	return p, nil
}

// Set stores a password under key.
func (Keyring) Set(key, password string) error {
	if err := keyring.Set(Service, key, password); err != nil {
		return fmt.Errorf("write the keyring: %w", err)
	}
	return nil
}

// Delete forgets the password under key; a missing one is not an error.
func (Keyring) Delete(key string) error {
	if err := keyring.Delete(Service, key); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("write the keyring: %w", err)
	}
	return nil
}

// Kind is "keyring".
func (Keyring) Kind() string { return "keyring" }

// File stores passwords in a JSON file readable only by the user. Writes go
// through a temporary file renamed over the old one, so a crash never leaves
// a half-written file.
type File struct {
	path string
	mu   sync.Mutex
}

// NewFile returns the file store in dir (the app's storage folder).
func NewFile(dir string) *File { return &File{path: filepath.Join(dir, FileName)} }

// Path is the secrets file.
func (f *File) Path() string { return f.path }

// Kind is "file".
func (f *File) Kind() string { return "file" }

func (f *File) load() (map[string]string, error) {
	b, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.path, err)
	}
	if fi, err := os.Stat(f.path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		// Someone widened the permissions: narrow them again.
		_ = os.Chmod(f.path, 0o600)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read %s: the file is damaged", f.path)
	}
	return m, nil
}

func (f *File) save(m map[string]string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(f.path), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), ".secrets-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	return nil
}

// Get returns the password stored under key.
func (f *File) Get(key string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return "", err
	}
	p, ok := m[key]
	if !ok {
		return "", fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	return p, nil
}

// Set stores a password under key.
func (f *File) Set(key, password string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	m[key] = password
	return f.save(m)
}

// Delete forgets the password under key; a missing one is not an error.
func (f *File) Delete(key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	if _, ok := m[key]; !ok {
		return nil
	}
	delete(m, key)
	return f.save(m)
}

// One is a read-only store holding one password under key: what a
// connection test of settings not saved yet hands the sync or the sender.
// An empty password is not found.
func One(key, password string) Store { return one{key: key, password: password} }

type one struct{ key, password string }

func (o one) Get(key string) (string, error) {
	if key != o.key || o.password == "" {
		return "", fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	return o.password, nil
}
func (o one) Set(string, string) error { return errors.New("read-only") }
func (o one) Delete(string) error      { return errors.New("read-only") }
func (o one) Kind() string             { return "one" }

// Lazy is Open(dir) deferred to the first use: probing the keyring may take
// seconds, and most commands and a window's first frame need no password.
func Lazy(dir string) Store {
	return &lazy{open: sync.OnceValue(func() Store { return Open(dir) })}
}

type lazy struct{ open func() Store }

func (l *lazy) Get(key string) (string, error) { return l.open().Get(key) }
func (l *lazy) Set(key, password string) error { return l.open().Set(key, password) }
func (l *lazy) Delete(key string) error        { return l.open().Delete(key) }
func (l *lazy) Kind() string                   { return l.open().Kind() }
