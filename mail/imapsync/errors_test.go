package imapsync

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/mail/mailtest"
)

// statusAfterSync runs one sync of the fixture's account and returns the
// plain-words status recorded on it.
func statusAfterSync(t *testing.T, f *fixture) string {
	t.Helper()
	ctx := context.Background()
	acc, _ := f.db.Account(ctx, f.db.Admin.ID, f.acc.ID)
	if _, err := f.sync.SyncOnce(ctx); err == nil {
		t.Fatal("sync succeeded")
	}
	acc, _ = f.db.Account(ctx, f.db.Admin.ID, acc.ID)
	if acc.Status != data.AccountError {
		t.Fatalf("status %q", acc.Status)
	}
	return acc.StatusMessage
}

func TestWrongPasswordIsReportedInPlainWords(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "seller", "right")
	f := newFixture(t, srv, data.AccountInput{})
	if err := f.sec.Set(f.acc.IMAPSecretKey(), "wrong"); err != nil {
		t.Fatal(err)
	}
	if msg := statusAfterSync(t, f); msg != "The server refused the user name or password." {
		t.Fatalf("message %q", msg)
	}
	// Fixing the password clears the error.
	_ = f.sec.Set(f.acc.IMAPSecretKey(), "right")
	f.syncOnce(t)
	acc, _ := f.db.Account(context.Background(), f.db.Admin.ID, f.acc.ID)
	if acc.Status != data.AccountOK || acc.StatusMessage != "" {
		t.Fatalf("after the fix: %q %q", acc.Status, acc.StatusMessage)
	}
}

func TestMissingPassword(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "seller", "right")
	f := newFixture(t, srv, data.AccountInput{})
	_ = f.sec.Delete(f.acc.IMAPSecretKey())
	if msg := statusAfterSync(t, f); !strings.Contains(msg, "No password is saved") {
		t.Fatalf("message %q", msg)
	}
}

func TestUnreachableHost(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "seller", "right")
	f := newFixture(t, srv, data.AccountInput{})
	srv.Close() // nothing listens on the port any more
	if msg := statusAfterSync(t, f); !strings.HasPrefix(msg, "Cannot reach 127.0.0.1:") {
		t.Fatalf("message %q", msg)
	}
}

func TestMissingFolder(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "seller", "right")
	f := newFixture(t, srv, data.AccountInput{Folders: []string{"Nope"}})
	if msg := statusAfterSync(t, f); !strings.Contains(msg, `"Nope" cannot be opened`) {
		t.Fatalf("message %q", msg)
	}
}

// TestRefusedCertificate talks TLS to a server whose certificate no known
// authority signed: the connection is refused, in plain words.
func TestRefusedCertificate(t *testing.T) {
	ln := selfSignedTLSListener(t)
	srv := mailtest.NewIMAPMemServer(t, "seller", "right")
	f := newFixture(t, srv, data.AccountInput{})
	in := f.acc.Input()
	in.IMAPHost, in.IMAPPort, in.IMAPSecurity = "localhost", ln.Addr().(*net.TCPAddr).Port, data.SecurityTLS
	acc, err := f.db.UpdateAccount(context.Background(), f.db.Admin.ID, f.acc.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	_ = f.sec.Set(acc.IMAPSecretKey(), "right")
	msg := statusAfterSync(t, f)
	if !strings.Contains(msg, "certificate of localhost was refused") || !strings.Contains(msg, "not signed by a known authority") {
		t.Fatalf("message %q", msg)
	}
}

// TestTLSWithVerifiedCertificate reaches the IMAP server through a TLS
// front whose certificate a trusted authority (here: the test's own) signed;
// the same server under another name is refused.
func TestTLSWithVerifiedCertificate(t *testing.T) {
	srv := mailtest.NewIMAPMemServer(t, "seller", "pw")
	cert, der := selfSignedCert(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				up, err := net.Dial("tcp", srv.Addr())
				if err != nil {
					return
				}
				defer up.Close()
				go io.Copy(up, c)
				io.Copy(c, up)
			}()
		}
	}()
	f := newFixture(t, srv, data.AccountInput{})
	parsed, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(parsed)
	f.sync = New(f.db.Store, Options{Secrets: f.sec, Logger: quietLogger(), TLSConfig: &tls.Config{RootCAs: pool}})
	in := f.acc.Input()
	in.IMAPHost, in.IMAPPort, in.IMAPSecurity = "localhost", ln.Addr().(*net.TCPAddr).Port, data.SecurityTLS
	acc, err := f.db.UpdateAccount(context.Background(), f.db.Admin.ID, f.acc.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	_ = f.sec.Set(acc.IMAPSecretKey(), "pw")
	srv.Append(t, "INBOX", client("tls@client.test", "tls@client.test", "Over TLS").bytes())
	if st := f.syncOnce(t); st.NewDeals != 1 {
		t.Fatalf("over TLS: %+v", st)
	}
	// The certificate names localhost, not 127.0.0.1.
	in.IMAPHost = "127.0.0.1"
	acc, _ = f.db.UpdateAccount(context.Background(), f.db.Admin.ID, f.acc.ID, in)
	_ = f.sec.Set(acc.IMAPSecretKey(), "pw")
	if msg := statusAfterSync(t, f); !strings.Contains(msg, "it is for another server name") {
		t.Fatalf("message %q", msg)
	}
}

func selfSignedCert(t *testing.T) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, der
}

func selfSignedTLSListener(t *testing.T) net.Listener {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				_ = c.(*tls.Conn).Handshake()
				c.Close()
			}()
		}
	}()
	return ln
}

func TestBackoffIsJitteredAndCapped(t *testing.T) {
	s := New(nil, Options{MinBackoff: time.Second, MaxBackoff: 8 * time.Second})
	seen := map[time.Duration]bool{}
	for n := 1; n <= 10; n++ {
		d := s.backoff(n)
		want := min(time.Second<<(n-1), 8*time.Second)
		if d < want/2 || d > want {
			t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, d, want/2, want)
		}
		seen[d] = true
	}
	if len(seen) < 5 {
		t.Fatalf("backoff not jittered: %v", seen)
	}
}
