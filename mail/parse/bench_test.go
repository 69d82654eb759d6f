package parse

import (
	"encoding/base64"
	"strings"
	"testing"
)

// benchMessage is a realistic ~10 KB reply: plain and HTML alternatives in
// French with quoted history, and a small PDF attachment.
func benchMessage() []byte {
	para := "Bonjour Madame Martin,\r\n\r\nSuite à notre échange de ce matin, je vous confirme le prix de 1 250 € HT " +
		"pour l'installation, livraison comprise. N'hésitez pas à revenir vers moi.\r\n"
	var plain, html strings.Builder
	for range 8 {
		plain.WriteString(para)
		html.WriteString("<p>" + strings.ReplaceAll(para, "\r\n", "<br>") + "</p>\r\n")
	}
	plain.WriteString("\r\nLe lun. 3 févr. 2025 à 10:12, Claire Martin <claire@example.fr> a écrit :\r\n> Pouvez-vous m'envoyer un devis ?\r\n")
	pdf := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("%PDF-1.4 fake content ", 200)))
	var lines []string
	for len(pdf) > 76 {
		lines = append(lines, pdf[:76])
		pdf = pdf[76:]
	}
	lines = append(lines, pdf)
	return msg(
		"Return-Path: <vendeur@example.com>",
		"Message-ID: <20250203101200.1234@mail.example.com>",
		"In-Reply-To: <abc@example.fr>",
		"References: <root@example.fr> <abc@example.fr>",
		"Date: Mon, 03 Feb 2025 11:30:00 +0100",
		"From: =?utf-8?q?Fran=C3=A7ois_Vendeur?= <vendeur@example.com>",
		"To: Claire Martin <claire@example.fr>",
		"Subject: =?utf-8?q?Re=3A_Devis_installation_=E2=80=93_1_250_=E2=82=AC?=",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="mixed"`, "",
		"--mixed", `Content-Type: multipart/alternative; boundary="alt"`, "",
		"--alt", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", plain.String(),
		"--alt", "Content-Type: text/html; charset=utf-8", "", "<html><body>"+html.String()+"</body></html>",
		"--alt--",
		"--mixed", `Content-Type: application/pdf; name="devis.pdf"`, "Content-Disposition: attachment; filename=\"devis.pdf\"",
		"Content-Transfer-Encoding: base64", "", strings.Join(lines, "\r\n"),
		"--mixed--", "")
}

func BenchmarkParse(b *testing.B) {
	raw := benchMessage()
	if e := Parse(raw, Options{}); e.ParseError != "" || len(e.Attachments) != 1 || e.VisibleText == e.Text {
		b.Fatalf("benchmark message misparsed: %q %+v", e.ParseError, e.Attachments)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(raw, Options{})
	}
}
