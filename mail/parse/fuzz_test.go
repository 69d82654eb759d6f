package parse

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSeeds are small messages that reach most code paths.
var fuzzSeeds = [][]byte{
	msg("From: =?iso-8859-1?q?Ren=E9e?= <r@example.fr>", "Subject: =?utf-8?b?w6k=?=", "", "body"),
	msg("Content-Type: multipart/mixed; boundary=x", "", "--x", "Content-Type: text/html; charset=windows-1252",
		"Content-Transfer-Encoding: quoted-printable", "", "<p>=80</p>", "--x",
		"Content-Disposition: attachment; filename*0*=utf-8''a%C3%A9; filename*1=.txt", "Content-Transfer-Encoding: base64", "", "aGk=", "--x--"),
	msg("Content-Type: multipart/report; report-type=delivery-status; boundary=r", "", "--r",
		"Content-Type: message/delivery-status", "", "Final-Recipient: rfc822; a@b", "--r",
		"Content-Type: message/rfc822", "", "Message-ID: <x@y>", "", "--r--"),
	msg("From a@b Mon Jan 1", "Subject: x", "Content-Type: text/plain; charset=iso-2022-jp", "", "\x1b$B$3\x1b(B"),
	[]byte("garbage\x00\xff"),
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		orig := bytes.Clone(raw)
		e := Parse(raw, Options{MaxSize: 1 << 16})
		if e == nil {
			t.Fatal("nil Email")
		}
		if strings.Contains(e.ParseError, "parser panic") {
			t.Fatal(e.ParseError)
		}
		if !bytes.Equal(e.Raw, orig) || e.Size != int64(len(orig)) {
			t.Fatal("Raw not preserved")
		}
		if !utf8.ValidString(e.Subject) || !utf8.ValidString(e.Text) {
			t.Fatalf("invalid UTF-8: subject %q", e.Subject)
		}
		for _, a := range e.Attachments {
			if a.Name == "" || strings.ContainsAny(a.Name, `/\`) || strings.HasPrefix(a.Name, ".") || len(a.Name) > maxFileName {
				t.Fatalf("unsafe attachment name %q", a.Name)
			}
		}
		if _, err := Attachments(raw); err != nil && strings.Contains(err.Error(), "panic") {
			t.Fatal(err)
		}
		if n := SafeFileName(string(raw)); n == "" || strings.ContainsAny(n, `/\`) || strings.HasPrefix(n, ".") || len(n) > maxFileName {
			t.Fatalf("SafeFileName(%q) = %q", raw, n)
		}
		_ = VisibleText(string(raw))
	})
}
