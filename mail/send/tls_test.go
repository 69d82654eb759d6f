package send

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
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"comptoir/data"
)

// tlsSMTP is a go-smtp server on loopback speaking TLS from the first byte
// (implicit, as on port 465) or offering STARTTLS, with a certificate from
// a throw-away authority.
type tlsSMTP struct {
	ln   net.Listener
	srv  *smtp.Server
	pool *x509.CertPool
	mu   sync.Mutex
	got  [][]byte
}

func (s *tlsSMTP) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *tlsSMTP) messages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

type tlsSession struct{ s *tlsSMTP }

func (x tlsSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x tlsSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x tlsSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	x.s.mu.Lock()
	x.s.got = append(x.s.got, b)
	x.s.mu.Unlock()
	return err
}
func (x tlsSession) Reset()        {}
func (x tlsSession) Logout() error { return nil }

func newTLSSMTP(t *testing.T, implicit bool) *tlsSMTP {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "comptoir test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	s := &tlsSMTP{pool: x509.NewCertPool()}
	s.pool.AddCert(cert)
	conf := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return tlsSession{s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.TLSConfig = conf
	if implicit {
		s.ln, err = tls.Listen("tcp", "127.0.0.1:0", conf)
	} else {
		s.ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.srv.Serve(s.ln) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// Port 465 (tls) and 587 (starttls) with a verified certificate; a
// certificate from an unknown authority is refused and nothing is sent.
func TestTLSModesVerifyCertificates(t *testing.T) {
	for _, mode := range []data.Security{data.SecurityTLS, data.SecurityStartTLS} {
		t.Run(string(mode), func(t *testing.T) {
			srv := newTLSSMTP(t, mode == data.SecurityTLS)
			f := newFixture(t, memIMAP(t), true)
			ctx := context.Background()
			in := f.acc.Input()
			in.SMTPSecurity, in.SMTPPort = mode, srv.port()
			if _, err := f.db.UpdateAccount(ctx, f.db.Admin.ID, f.acc.ID, in); err != nil {
				t.Fatal(err)
			}
			it := f.queue(t, data.ComposeInput{Subject: "Over TLS", Text: "t"})
			// Unknown authority: refused, kept queued with the reason.
			if st := f.drain(t, f.sender(Options{})); st.Retried != 1 || srv.messages() != 0 {
				t.Fatalf("untrusted certificate: %+v, %d delivered", st, srv.messages())
			}
			if got := f.item(t, it.ID); !strings.Contains(got.LastError, "certificate") {
				t.Fatalf("error %q", got.LastError)
			}
			// The authority trusted (as a company's own CA would be): sent.
			f.advance(time.Hour)
			if st := f.drain(t, f.sender(Options{TLSConfig: &tls.Config{RootCAs: srv.pool}})); st.Sent != 1 || srv.messages() != 1 {
				t.Log(f.item(t, it.ID).LastError)
				t.Fatalf("trusted: %+v, %d delivered", st, srv.messages())
			}
		})
	}
}
