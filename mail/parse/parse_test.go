package parse

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"
)

// msg joins lines with CRLF, as on the wire.
func msg(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n"))
}

func TestParseCharsets(t *testing.T) {
	tests := []struct {
		name        string
		raw         []byte
		wantSubject string
		wantText    string
		wantFrom    string
	}{
		{
			name: "windows-1252 body labelled iso-8859-1",
			raw: msg("From: a@example.com", "Subject: prix",
				"Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: 8bit", "",
				"Le prix est de 100 \x80, c\x92est not\x92re offre \xe9t\xe9."),
			wantSubject: "prix",
			wantText:    "Le prix est de 100 €, c’est not’re offre été.",
		},
		{
			name: "us-ascii label with 8-bit quoted-printable body",
			raw: msg("From: a@example.com", "Subject: x",
				"Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: quoted-printable", "",
				"Total : 12 =80 l=92unit=E9"),
			wantSubject: "x",
			wantText:    "Total : 12 € l’unité",
		},
		{
			name: "encoded-word subject with =80 in iso-8859-1",
			raw: msg("From: =?iso-8859-1?q?Ren=E9e_Dupr=E9?= <renee@example.fr>",
				"Subject: =?iso-8859-1?q?Devis_=E0_500_=80?=", "", "corps"),
			wantSubject: "Devis à 500 €",
			wantText:    "corps",
			wantFrom:    "Renée Dupré",
		},
		{
			name: "base64 UTF-8 subject split over two words",
			raw: msg("From: =?UTF-8?B?w4lsb2TDrWU=?= <e@example.com>",
				"Subject: =?UTF-8?B?UsOpdW5pb24g?=", " =?UTF-8?Q?demain_=C3=A0_9h?=", "",
				"ok"),
			wantSubject: "Réunion demain à 9h",
			wantText:    "ok",
			wantFrom:    "Élodíe",
		},
		{
			name: "raw UTF-8 headers (RFC 6532)",
			raw: msg("From: Jérôme Lefèvre <jerome@example.fr>", "Subject: Café crème", "",
				"Bonjour"),
			wantSubject: "Café crème",
			wantText:    "Bonjour",
			wantFrom:    "Jérôme Lefèvre",
		},
		{
			name:        "raw latin-1 header bytes",
			raw:         msg("From: a@example.com", "Subject: Caf\xe9 \x80", "", "x"),
			wantSubject: "Café €",
			wantText:    "x",
		},
		{
			name: "ISO-2022-JP body and encoded word",
			raw: msg("From: a@example.jp", "Subject: =?ISO-2022-JP?B?GyRCJEYkOSRIGyhC?=",
				"Content-Type: text/plain; charset=ISO-2022-JP", "", "\x1b$B$3$s$K$A$O\x1b(B"),
			wantSubject: "てすと",
			wantText:    "こんにちは",
		},
		{
			name: "Shift_JIS body",
			raw: msg("From: a@example.jp", "Subject: s", "Content-Type: text/plain; charset=Shift_JIS", "",
				"\x82\xa0\x82\xa2\x82\xa4"),
			wantSubject: "s",
			wantText:    "あいう",
		},
		{
			name: "ks_c_5601-1987 body",
			raw: msg("From: a@example.kr", "Subject: s", `Content-Type: text/plain; charset="ks_c_5601-1987"`, "",
				"\xc7\xd1\xb1\xdb"),
			wantSubject: "s",
			wantText:    "한글",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Parse(tt.raw, Options{})
			if e.Subject != tt.wantSubject {
				t.Errorf("Subject = %q, want %q", e.Subject, tt.wantSubject)
			}
			if e.Text != tt.wantText {
				t.Errorf("Text = %q, want %q", e.Text, tt.wantText)
			}
			if tt.wantFrom != "" && e.From.Name != tt.wantFrom {
				t.Errorf("From.Name = %q, want %q", e.From.Name, tt.wantFrom)
			}
			if e.ParseError != "" || len(e.UnknownCharsets) > 0 {
				t.Errorf("ParseError = %q, UnknownCharsets = %v; want none", e.ParseError, e.UnknownCharsets)
			}
		})
	}
}

func TestParseUnknownCharset(t *testing.T) {
	raw := msg("From: a@example.com", "Subject: =?x-unknown?q?caf=C3=A9?=",
		"Content-Type: text/plain; charset=x-unknown", "", "d\xe9j\xe0 vu")
	e := Parse(raw, Options{})
	if !slices.Equal(e.UnknownCharsets, []string{"x-unknown"}) {
		t.Errorf("UnknownCharsets = %v, want [x-unknown]", e.UnknownCharsets)
	}
	if e.Text != "déjà vu" {
		t.Errorf("Text = %q, want Latin-1 fallback %q", e.Text, "déjà vu")
	}
	if e.Subject != "café" {
		t.Errorf("Subject = %q, want UTF-8 bytes kept as %q", e.Subject, "café")
	}
}

func TestParseEnvelope(t *testing.T) {
	raw := msg(
		"Return-Path: <bounce@example.com>",
		"Message-ID: <abc.123@mail.example.com>",
		"In-Reply-To: <parent@example.com> (Jean's message of Monday)",
		"References: <root@example.com>",
		"   <parent@example.com>",
		"Date: Mon, 3 Feb 2025 10:12:00 +0100 (CET)",
		`From: "Dupont, Jean" <Jean.Dupont@Example.FR>`,
		"To: Marie <marie@example.com>, paul@example.com",
		"Cc: undisclosed-recipients:;",
		"Reply-To: ventes@example.fr",
		"Subject: Re: devis",
		"", "Bonjour")
	e := Parse(raw, Options{})
	if e.MessageID != "abc.123@mail.example.com" || e.InReplyTo != "parent@example.com" {
		t.Errorf("MessageID %q InReplyTo %q", e.MessageID, e.InReplyTo)
	}
	if !slices.Equal(e.References, []string{"root@example.com", "parent@example.com"}) {
		t.Errorf("References = %q", e.References)
	}
	if want := time.Date(2025, 2, 3, 9, 12, 0, 0, time.UTC); !e.Date.Equal(want) || e.Date.Location() != time.UTC {
		t.Errorf("Date = %v, want %v in UTC", e.Date, want)
	}
	if e.From.Name != "Dupont, Jean" || e.From.Email != "Jean.Dupont@Example.FR" {
		t.Errorf("From = %+v (email must be kept as written)", e.From)
	}
	if len(e.To) != 2 || e.To[0].Email != "marie@example.com" || e.To[1].Email != "paul@example.com" {
		t.Errorf("To = %+v", e.To)
	}
	if len(e.Cc) != 0 || len(e.ReplyTo) != 1 || e.ReplyTo[0].Email != "ventes@example.fr" {
		t.Errorf("Cc = %+v ReplyTo = %+v", e.Cc, e.ReplyTo)
	}
	if e.ReturnPathNull || e.ContentType != "text/plain" || e.ParseError != "" {
		t.Errorf("ReturnPathNull %v ContentType %q ParseError %q", e.ReturnPathNull, e.ContentType, e.ParseError)
	}
}

func TestParseLenientAddressesAndIDs(t *testing.T) {
	raw := msg(
		"Message-ID: bare-id@example.com",
		"References: a@x b@x\t<c@x>",
		"From: Jean Dupont jean@example.fr",
		"To: <marie@example.com>; Paul <paul@example.com>,, \"broken <x@y.z>",
		"Date: 2025-02-03 10:12:00",
		"", "x")
	e := Parse(raw, Options{})
	if e.MessageID != "bare-id@example.com" {
		t.Errorf("MessageID = %q", e.MessageID)
	}
	if !slices.Equal(e.References, []string{"c@x"}) {
		// With any bracketed id present, only bracketed ids count.
		t.Errorf("References = %q", e.References)
	}
	if e.From.Email != "jean@example.fr" || e.From.Name != "Jean Dupont" {
		t.Errorf("From = %+v", e.From)
	}
	var emails []string
	for _, a := range e.To {
		emails = append(emails, a.Email)
	}
	if !slices.Equal(emails, []string{"marie@example.com", "paul@example.com", "x@y.z"}) {
		t.Errorf("To = %+v", e.To)
	}
	if want := time.Date(2025, 2, 3, 10, 12, 0, 0, time.UTC); !e.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", e.Date, want)
	}
	e = Parse(msg("References: a@x  b@y", "", ""), Options{})
	if !slices.Equal(e.References, []string{"a@x", "b@y"}) {
		t.Errorf("bare References = %q", e.References)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"Tue, 1 Jul 2003 10:52:37 +0200", time.Date(2003, 7, 1, 8, 52, 37, 0, time.UTC)},
		{"1 Jul 2003 10:52:37 +0200 (CEST)", time.Date(2003, 7, 1, 8, 52, 37, 0, time.UTC)},
		{"Tuesday, 1 Jul 2003 10:52 +0200", time.Date(2003, 7, 1, 8, 52, 0, 0, time.UTC)},
		{"Tue Jul  1 10:52:37 2003", time.Date(2003, 7, 1, 10, 52, 37, 0, time.UTC)},
		{"2003-07-01T10:52:37+02:00", time.Date(2003, 7, 1, 8, 52, 37, 0, time.UTC)},
		{"Tue, 01 Jul 03 10:52:37 GMT", time.Date(2003, 7, 1, 10, 52, 37, 0, time.UTC)},
		{"not a date", time.Time{}},
		{"", time.Time{}},
		{"Thu, 31 Feb 2003 10:00:00 +0000", time.Time{}},
	}
	for _, tt := range tests {
		if got := parseDate(tt.in); !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseRFC2231Filename(t *testing.T) {
	raw := msg("From: a@example.com", "Subject: cv", "MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="b1"`, "",
		"--b1", "Content-Type: text/plain; charset=utf-8", "", "Voici mon CV.",
		"--b1", "Content-Type: application/pdf",
		"Content-Disposition: attachment; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.pdf",
		"Content-Transfer-Encoding: base64", "", base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 fake")),
		"--b1", "Content-Type: text/plain",
		"Content-Disposition: attachment;", " filename*0*=iso-8859-1''notes%20d%E9but;", ` filename*1=".txt"`,
		"", "notes",
		"--b1--", "")
	e := Parse(raw, Options{})
	if e.Text != "Voici mon CV." {
		t.Errorf("Text = %q", e.Text)
	}
	if len(e.Attachments) != 2 {
		t.Fatalf("Attachments = %+v, want 2", e.Attachments)
	}
	if a := e.Attachments[0]; a.Name != "naïve résumé.pdf" || a.ContentType != "application/pdf" || a.Size != int64(len("%PDF-1.4 fake")) {
		t.Errorf("attachment 0 = %+v", a)
	}
	if a := e.Attachments[1]; a.Name != "notes début.txt" {
		t.Errorf("attachment 1 = %+v (continuations with iso-8859-1)", a)
	}
	data, err := Attachments(raw)
	if err != nil {
		t.Fatalf("Attachments: %v", err)
	}
	if len(data) != 2 || data[0].Name != "naïve résumé.pdf" || string(data[0].Data) != "%PDF-1.4 fake" || string(data[1].Data) != "notes" {
		t.Errorf("Attachments data = %+v", data)
	}
}

func TestParseHTMLOnly(t *testing.T) {
	raw := msg("From: a@example.com", "Subject: html", "Content-Type: text/html; charset=utf-8", "",
		"<html><head><title>T</title><style>p { color: red; } .x > .y {}</style></head>",
		"<body><script>if (a < b) { alert('x') }</script><!--[if mso]><p>hidden conditional</p><![endif]-->",
		"<p>Caf&eacute; &amp; cr&egrave;me&nbsp;: <b>bient&ocirc;t</b></p><div>Ligne 2</div><div>Ligne 3</div>",
		"<a href=\"https://example.com/t?x=1\">le site</a><a name=\"ancre\"></a> fin</body></html>")
	e := Parse(raw, Options{})
	for _, bad := range []string{"<", ">", "color", "alert", "&eacute;", "&amp;", "{", "hidden", "T\n"} {
		if strings.Contains(e.Text, bad) {
			t.Errorf("Text contains %q: %q", bad, e.Text)
		}
	}
	for _, good := range []string{"Café & crème : bientôt", "Ligne 2", "le site", "fin"} {
		if !strings.Contains(e.Text, good) {
			t.Errorf("Text lacks %q: %q", good, e.Text)
		}
	}
	if !strings.Contains(e.Text, "Ligne 2\nLigne 3") {
		t.Errorf("blocks not on their own lines: %q", e.Text)
	}
}

func TestParseAlternativePrefersPlain(t *testing.T) {
	raw := msg("From: a@example.com", `Content-Type: multipart/alternative; boundary="alt"`, "",
		"preamble", "--alt", "Content-Type: text/html", "", "<p>HTML version</p>",
		"--alt", "Content-Type: text/plain", "", "Plain version",
		"--alt--", "epilogue")
	e := Parse(raw, Options{})
	if e.Text != "Plain version" {
		t.Errorf("Text = %q, want the plain alternative", e.Text)
	}
	if e.ContentType != "multipart/alternative" {
		t.Errorf("ContentType = %q", e.ContentType)
	}
}

func TestParseNestedAndForwarded(t *testing.T) {
	inner := msg("From: b@example.com", "Subject: Original", "Message-ID: <inner@example.com>", "", "inner body")
	raw := msg("From: a@example.com", "Subject: Fwd", `Content-Type: multipart/mixed; boundary="m"`, "",
		"--m", `Content-Type: multipart/alternative; boundary="a"`, "",
		"--a", "Content-Type: text/plain", "", "see below",
		"--a", "Content-Type: multipart/related; boundary=r", "",
		"--r", "Content-Type: text/html", "", "<p>see below</p>",
		"--r", "Content-Type: image/png", "Content-ID: <img1>", "Content-Transfer-Encoding: base64", "", "iVBORw0KGgo=",
		"--r--", "--a--",
		"--m", "Content-Type: message/rfc822", "", string(inner),
		"--m--", "")
	e := Parse(raw, Options{})
	if e.Text != "see below" {
		t.Errorf("Text = %q", e.Text)
	}
	var names []string
	for _, a := range e.Attachments {
		names = append(names, a.Name)
	}
	// The plain alternative wins, so the related image still counts as an
	// attachment (it is not shown inline in plain text).
	if !slices.Equal(names, []string{"attachment.png", "Original.eml"}) {
		t.Errorf("attachments = %q", names)
	}
	if strings.Contains(e.Text, "inner body") {
		t.Errorf("forwarded message body leaked into Text: %q", e.Text)
	}
}

func TestParseQuotedHistory(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"french", "Bonjour,\nD'accord pour jeudi.\n\nLe lun. 3 févr. 2025 à 10:12, Jean Dupont <jean@example.fr> a écrit :\n> Êtes-vous disponible ?\n", "Bonjour,\nD'accord pour jeudi."},
		{"french wrapped", "Merci !\n\nLe lun. 3 févr. 2025 à 10:12, Jean Dupont\n<jean@example.fr> a écrit :\n> Devis joint.", "Merci !"},
		{"english", "Sounds good.\n\nOn Mon, Feb 3, 2025 at 10:12 AM John <john@example.com> wrote:\n> Are you free?", "Sounds good."},
		{"english wrapped", "Yes.\nOn Mon, Feb 3, 2025 at 10:12 AM John Smith <john@example.com>\nwrote:\n> Are you free?", "Yes."},
		{"outlook", "See attached.\n\n-----Original Message-----\nFrom: Jean\nSent: Monday\n\nold", "See attached."},
		{"outlook french", "Ci-joint.\n-------- Message d'origine --------\nDe : Jean\nold", "Ci-joint."},
		{"outlook french short", "Ci-joint.\n-----Message d'origine-----\nDe : Jean\nold", "Ci-joint."},
		{"outlook header block", "Bien reçu.\n\n________________________________\nDe : Jean Dupont <jean@example.fr>\nEnvoyé : lundi 3 février 2025 10:12\nÀ : Marie\nObjet : devis\n\nold", "Bien reçu."},
		{"gmail marker", "Top reply\n[gmail_quote]\nold", "Top reply"},
		{"trailing quote only", "Answer\n\n> old line 1\n> old line 2\n  \n", "Answer"},
		{"inline quotes kept", "> question 1\nanswer 1\n> question 2\nanswer 2", "> question 1\nanswer 1\n> question 2\nanswer 2"},
		{"all quoted is kept", "On Mon, John wrote:\n> hello", "On Mon, John wrote:\n> hello"},
		{"no quote", "Just text.   \n\n", "Just text."},
	}
	for _, tt := range tests {
		if got := VisibleText(tt.text); got != tt.want {
			t.Errorf("%s: VisibleText = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseGmailHTMLQuote(t *testing.T) {
	raw := msg("From: a@example.com", "Subject: Re: x", "Content-Type: text/html; charset=utf-8", "",
		`<div dir="ltr">Oui, jeudi me va.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">`+
			`Le jeu. 6 févr. 2025, Jean &lt;jean@example.fr&gt; a écrit&nbsp;:<br></div>`+
			`<blockquote class="gmail_quote">Question ancienne</blockquote></div>`)
	e := Parse(raw, Options{})
	if e.VisibleText != "Oui, jeudi me va." {
		t.Errorf("VisibleText = %q", e.VisibleText)
	}
	if !strings.Contains(e.Text, "Question ancienne") {
		t.Errorf("Text must keep the history: %q", e.Text)
	}
}

func TestParseBounce(t *testing.T) {
	raw := msg("Return-Path: <>", "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>",
		"Subject: Undelivered Mail Returned to Sender", "Auto-Submitted: auto-replied",
		"Content-Type: multipart/report; report-type=Delivery-Status;", ` boundary="rep"`, "",
		"--rep", "Content-Type: text/plain", "", "Your message could not be delivered.",
		"--rep", "Content-Type: message/delivery-status", "",
		"Reporting-MTA: dns; mx.example.com", "", "Final-Recipient: rfc822; <client@example.org>",
		"Action: failed", "Status: 5.1.1",
		"--rep", "Content-Type: text/rfc822-headers", "",
		"From: ventes@example.fr", "Message-ID: <deal-42.1@comptoir.example>", "Subject: Devis",
		"--rep--", "")
	e := Parse(raw, Options{})
	if !e.ReturnPathNull || e.AutoSubmitted != "auto-replied" {
		t.Errorf("ReturnPathNull %v AutoSubmitted %q", e.ReturnPathNull, e.AutoSubmitted)
	}
	if e.ContentType != "multipart/report" || e.ReportType != "delivery-status" {
		t.Errorf("ContentType %q ReportType %q", e.ContentType, e.ReportType)
	}
	if e.BouncedRecipient != "client@example.org" || e.BouncedMessageID != "deal-42.1@comptoir.example" {
		t.Errorf("BouncedRecipient %q BouncedMessageID %q", e.BouncedRecipient, e.BouncedMessageID)
	}
	if e.Text != "Your message could not be delivered." || len(e.Attachments) != 0 {
		t.Errorf("Text %q Attachments %+v", e.Text, e.Attachments)
	}
}

func TestParseBounceWithReturnedMessage(t *testing.T) {
	raw := msg("From: MAILER-DAEMON@mx.example.com",
		`Content-Type: multipart/report; report-type="delivery-status"; boundary=rep`, "",
		"--rep", "Content-Type: message/delivery-status", "Content-Transfer-Encoding: base64", "",
		base64.StdEncoding.EncodeToString([]byte("Reporting-MTA: dns; mx\r\n\r\nOriginal-Recipient: rfc822;Client@Example.org\r\nFinal-Recipient: rfc822; alias@example.org\r\n")),
		"--rep", "Content-Type: message/rfc822", "",
		"Message-ID: <sent-1@comptoir.example>", "Subject: Offre", "", "body",
		"--rep--")
	e := Parse(raw, Options{})
	if e.BouncedRecipient != "Client@Example.org" || e.BouncedMessageID != "sent-1@comptoir.example" {
		t.Errorf("BouncedRecipient %q BouncedMessageID %q", e.BouncedRecipient, e.BouncedMessageID)
	}
}

func TestParseRoutingHeaders(t *testing.T) {
	tests := []struct {
		name   string
		header string
		check  func(t *testing.T, e emailFacts)
	}{
		{"x-autoreply", "X-Autoreply: yes", func(t *testing.T, e emailFacts) { wantTrue(t, e.autoReply) }},
		{"x-autorespond", "X-Autorespond: vacation", func(t *testing.T, e emailFacts) { wantTrue(t, e.autoReply) }},
		{"x-loop", "X-Loop: crm@example.com", func(t *testing.T, e emailFacts) { wantTrue(t, e.autoReply) }},
		{"exchange rules loop", "X-MS-Exchange-Inbox-Rules-Loop: a@example.com", func(t *testing.T, e emailFacts) { wantTrue(t, e.autoReply) }},
		{"x-autogenerated", "X-Autogenerated: Reply", func(t *testing.T, e emailFacts) { wantTrue(t, e.autoReply) }},
		{"x-autogenerated other", "X-Autogenerated: Forward", func(t *testing.T, e emailFacts) { wantFalse(t, e.autoReply) }},
		{"x-precedence", "X-Precedence: auto_reply", func(t *testing.T, e emailFacts) { wantTrue(t, e.autoReply) }},
		{"precedence", "Precedence: Bulk", func(t *testing.T, e emailFacts) {
			wantFalse(t, e.autoReply)
			if e.precedence != "bulk" {
				t.Errorf("Precedence = %q", e.precedence)
			}
		}},
		{"auto-submitted", "Auto-Submitted: Auto-Generated", func(t *testing.T, e emailFacts) {
			if e.autoSubmitted != "auto-generated" {
				t.Errorf("AutoSubmitted = %q", e.autoSubmitted)
			}
		}},
		{"list headers", "List-Id: Ventes <ventes.lists.example.com>\r\nList-Unsubscribe: <mailto:leave@example.com>,\r\n <https://example.com/u>", func(t *testing.T, e emailFacts) {
			if e.listID != "Ventes <ventes.lists.example.com>" || e.listUnsub != "<mailto:leave@example.com>, <https://example.com/u>" {
				t.Errorf("ListID %q ListUnsubscribe %q", e.listID, e.listUnsub)
			}
		}},
		{"null return path with space", "Return-Path: < >", func(t *testing.T, e emailFacts) { wantTrue(t, e.nullPath) }},
		{"plain", "X-Mailer: test", func(t *testing.T, e emailFacts) {
			wantFalse(t, e.autoReply || e.nullPath)
			if e.precedence != "" || e.autoSubmitted != "" || e.listID != "" {
				t.Errorf("unexpected facts %+v", e)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte("From: a@example.com\r\n" + tt.header + "\r\nSubject: s\r\n\r\nbody")
			e := Parse(raw, Options{})
			tt.check(t, emailFacts{e.AutoReplyHeaders, e.ReturnPathNull, e.Precedence, e.AutoSubmitted, e.ListID, e.ListUnsubscribe})
		})
	}
}

// emailFacts gathers the routing facts a test looks at.
type emailFacts struct {
	autoReply, nullPath                          bool
	precedence, autoSubmitted, listID, listUnsub string
}

func wantTrue(t *testing.T, b bool) {
	t.Helper()
	if !b {
		t.Error("got false, want true")
	}
}

func wantFalse(t *testing.T, b bool) {
	t.Helper()
	if b {
		t.Error("got true, want false")
	}
}

func TestParsePathTraversalAttachment(t *testing.T) {
	raw := msg("From: a@example.com", "Content-Type: multipart/mixed; boundary=x", "",
		"--x", "Content-Type: text/plain", "", "hi",
		"--x", `Content-Type: application/octet-stream; name="..\\..\\windows\\evil.exe"`,
		`Content-Disposition: attachment; filename="../../etc/passwd"`, "", "root:x:0:0",
		"--x", `Content-Type: application/octet-stream`,
		`Content-Disposition: attachment; filename="=?utf-8?q?=2E=2E=2Fhidden=2Fcon=2Etxt?="`, "", "z",
		"--x--")
	e := Parse(raw, Options{})
	if len(e.Attachments) != 2 {
		t.Fatalf("Attachments = %+v", e.Attachments)
	}
	if got := e.Attachments[0].Name; got != "passwd" {
		t.Errorf("name = %q, want passwd", got)
	}
	if got := e.Attachments[1].Name; got != "_con.txt" {
		t.Errorf("name = %q, want _con.txt", got)
	}
}

// TestParseHiddenCharactersInAttachmentNames sends the names an attacker
// would: bidirectional overrides and isolates that turn "fdp.exe" into
// "exe.pdf" on screen, a zero-width space that hides an extension, and a
// Windows device name; each comes out plain.
func TestParseHiddenCharactersInAttachmentNames(t *testing.T) {
	t.Parallel()
	names := []struct{ header, want string }{
		{"=?utf-8?q?Invoice=E2=80=ADfdp=2Eexe?=", "Invoicefdp.exe"},                // U+202D
		{"=?utf-8?q?a=E2=81=A6b=E2=81=A7c=E2=81=A8d=E2=81=A9=2Epdf?=", "abcd.pdf"}, // U+2066–2069
		{"=?utf-8?q?photo=E2=80=8B=2Ejpg=E2=80=8B=2Eexe?=", "photo.jpg.exe"},       // U+200B
		{"CONIN$", "_CONIN$"},
	}
	lines := []string{"From: a@example.com", "Content-Type: multipart/mixed; boundary=x", "", "--x", "Content-Type: text/plain", "", "hi"}
	for _, n := range names {
		lines = append(lines, "--x", "Content-Type: application/octet-stream",
			`Content-Disposition: attachment; filename="`+n.header+`"`, "", "data")
	}
	e := Parse(msg(append(lines, "--x--")...), Options{})
	if len(e.Attachments) != len(names) {
		t.Fatalf("Attachments = %+v", e.Attachments)
	}
	for i, n := range names {
		if got := e.Attachments[i].Name; got != n.want {
			t.Errorf("attachment %d: name = %q, want %q", i, got, n.want)
		}
	}
}

func TestSafeFileName(t *testing.T) {
	long := strings.Repeat("é", 150) + ".pdf" // 304 bytes
	tests := []struct{ in, want string }{
		{"../../etc/passwd", "passwd"},
		{`..\..\boot.ini`, "boot.ini"},
		{"/abs/path/file.txt", "file.txt"},
		{"..", "attachment"},
		{"", "attachment"},
		{"   ", "attachment"},
		{".bashrc", "bashrc"},
		{"...hidden.txt", "hidden.txt"},
		{"a\x00b\nc\td.txt", "ab c d.txt"}, // NUL dropped, a line break or tab is a space
		{"\x1b[31mred.txt", "[31mred.txt"},
		{"invoice\u202Dexe.pdf", "invoiceexe.pdf"},
		{"a\u2066b\u2067c\u2068d\u2069.txt", "abcd.txt"},
		{"report\u200B.exe\u200B.pdf", "report.exe.pdf"},
		{"CONIN$", "_CONIN$"},
		{"conout$.log", "_conout$.log"},
		{"COM¹.txt", "_COM¹.txt"},
		{"LPT0", "_LPT0"},
		{"COM10.txt", "COM10.txt"},
		{`what?<is>:this"|*.txt`, "what__is__this___.txt"},
		{"résumé.pdf", "résumé.pdf"},
		{"NUL.txt", "_NUL.txt"},
		{"trailing dots...", "trailing dots"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
	}
	for _, tt := range tests {
		if got := SafeFileName(tt.in); got != tt.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	got := SafeFileName(long)
	if len(got) > 200 || !strings.HasSuffix(got, ".pdf") || !strings.HasPrefix(got, "éé") || !utf8ValidString(got) {
		t.Errorf("SafeFileName(long) = %q (%d bytes)", got, len(got))
	}
}

func TestParseTruncated(t *testing.T) {
	payload := strings.Repeat("A", 4000)
	raw := msg("From: a@example.com", "Subject: big", "Content-Type: multipart/mixed; boundary=x", "",
		"--x", "Content-Type: text/plain", "", "Le texte reste.",
		"--x", `Content-Type: application/zip; name="big.zip"`, "Content-Transfer-Encoding: base64", "", payload,
		"--x--")
	e := Parse(raw, Options{MaxSize: 1000})
	if e.Text != "Le texte reste." || e.Subject != "big" {
		t.Errorf("Text %q Subject %q: headers and text must survive the cap", e.Text, e.Subject)
	}
	if !strings.Contains(e.Truncated, "big.zip") || !strings.Contains(e.Truncated, "1000") {
		t.Errorf("Truncated = %q", e.Truncated)
	}
	if len(e.Attachments) != 1 || e.Attachments[0].Name != "big.zip" || e.Attachments[0].Size <= 0 {
		t.Errorf("Attachments = %+v: still listed, with an estimated size", e.Attachments)
	}
	long := msg("From: a@example.com", "Subject: long", "", strings.Repeat("é", 1000))
	e = Parse(long, Options{MaxSize: 501})
	if e.Text != strings.Repeat("é", 250) || !strings.Contains(e.Truncated, "text cut") {
		t.Errorf("long text: %d bytes, Truncated %q; want 500 bytes cut on a rune boundary", len(e.Text), e.Truncated)
	}
	if e := Parse(raw, Options{}); e.Truncated != "" || e.Attachments[0].Size != 3000 {
		t.Errorf("under the default cap: Truncated %q Size %d", e.Truncated, e.Attachments[0].Size)
	}
}

func TestParseBroken(t *testing.T) {
	tests := []struct {
		name     string
		raw      []byte
		wantText string
	}{
		{"empty", nil, ""},
		{"blank", []byte("\r\n\r\n"), ""},
		{"garbage", []byte("\x00\xff\xfe garbage without header"), "\x00ÿþ garbage without header"},
		{"boundary not found", msg("From: a@example.com", "Subject: s", "Content-Type: multipart/mixed; boundary=nope", "", "just text"), "just text"},
		{"missing boundary", msg("From: a@example.com", "Content-Type: multipart/report; report-type=delivery-status", "", "text"), "text"},
		{"missing close", msg("From: a@example.com", "Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain", "", "partial"), "partial"},
		{"bad base64", msg("From: a@example.com", "Content-Transfer-Encoding: base64", "", "SGVsbG8g!!d29ybGQ"), "Hello world"},
		{"bad quoted-printable", msg("From: a@example.com", "Content-Transfer-Encoding: quoted-printable", "", "50 =ZZ off=\r\n!"), "50 =ZZ off!"},
		{"malformed header line", msg("From: a@example.com", "this is not a header", "Subject: lost", "", "body"), "this is not a header\r\nSubject: lost\r\n\r\nbody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Parse(tt.raw, Options{})
			if e == nil {
				t.Fatal("nil Email")
			}
			if e.ParseError == "" {
				t.Error("ParseError is empty")
			}
			if string(e.Raw) != string(tt.raw) || e.Size != int64(len(tt.raw)) {
				t.Errorf("Raw/Size not preserved: %d bytes", e.Size)
			}
			if want := strings.ReplaceAll(tt.wantText, "\r\n", "\n"); e.Text != want {
				t.Errorf("Text = %q, want %q", e.Text, want)
			}
		})
	}
	e := Parse(msg("From: a@example.com", "Content-Type: multipart/report; report-type=delivery-status", "", "x"), Options{})
	if e.ContentType != "multipart/report" || e.ReportType != "delivery-status" {
		t.Errorf("broken report: ContentType %q ReportType %q, want the declared ones", e.ContentType, e.ReportType)
	}
	if e := Parse(msg("From: a@example.com", "Subject: s", "", "fine"), Options{}); e.ParseError != "" {
		t.Errorf("well-formed message got ParseError %q", e.ParseError)
	}
}

func TestParseSingleAttachment(t *testing.T) {
	raw := msg("From: a@example.com", `Content-Type: application/pdf; name="devis.pdf"`,
		"Content-Transfer-Encoding: base64", "", "JVBERi0xLjQ=")
	e := Parse(raw, Options{})
	if len(e.Attachments) != 1 || e.Attachments[0].Name != "devis.pdf" || e.Attachments[0].Size != 8 || e.Text != "" {
		t.Errorf("Attachments %+v Text %q", e.Attachments, e.Text)
	}
}

func TestParseHeaderOrder(t *testing.T) {
	// Duplicated fields: the first one in the message wins.
	e := Parse(msg("From: a@example.com", "Subject: first", "Subject: second",
		"Content-Type: multipart/alternative; boundary=b", "Content-Type: text/plain", "",
		"--b", "Content-Type: text/plain", "", "inside", "--b--"), Options{})
	if e.Subject != "first" || e.Text != "inside" {
		t.Errorf("Subject %q Text %q", e.Subject, e.Text)
	}
}

func TestAttachmentsMatchesParse(t *testing.T) {
	raw := msg("From: a@example.com", "Content-Type: multipart/mixed; boundary=x", "",
		"--x", "Content-Type: text/plain", "", "hi",
		"--x", "Content-Type: image/jpeg", "Content-Transfer-Encoding: base64", "", "/9j/4AAQ",
		"--x", `Content-Type: text/csv; name="export.csv"`, "Content-Transfer-Encoding: quoted-printable", "", "a;b=3Dc",
		"--x--")
	e := Parse(raw, Options{})
	data, err := Attachments(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != len(e.Attachments) || len(data) != 2 {
		t.Fatalf("Attachments %d, Parse %d", len(data), len(e.Attachments))
	}
	for i, d := range data {
		a := e.Attachments[i]
		if d.Name != a.Name || d.ContentType != a.ContentType || int64(len(d.Data)) != a.Size {
			t.Errorf("%d: data %q %q %d, parse %+v", i, d.Name, d.ContentType, len(d.Data), a)
		}
	}
	if data[0].Name != "attachment.jpg" || string(data[1].Data) != "a;b=c" {
		t.Errorf("got %q and %q", data[0].Name, data[1].Data)
	}
	if _, err := Attachments(msg("Content-Type: multipart/mixed; boundary=x", "", "--x", "Content-Type: image/png", "", "x")); err == nil {
		t.Error("Attachments of a broken message: want an error")
	}
}
