package parse

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir holds the public mikel/mail test messages, checked out beside
// the repository.
const corpusDir = "../../../shared/corpus/mikel-mail"

// loadCorpus reads every message of the corpus, keyed by path relative to
// corpusDir. It skips the test only when the corpus is absent, and fails
// instead under CI (CI=true), where the corpus must be checked out.
func loadCorpus(t testing.TB) map[string][]byte {
	t.Helper()
	if _, err := os.Stat(corpusDir); os.IsNotExist(err) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus %s is absent", corpusDir)
		}
		t.Skipf("corpus %s is absent", corpusDir)
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := strings.ToUpper(d.Name())
		if d.IsDir() || strings.HasPrefix(base, "LICENSE") || strings.HasPrefix(base, "README") {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(corpusDir, path)
		files[filepath.ToSlash(rel)] = raw
		return nil
	})
	if err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	if len(files) < 50 {
		t.Fatalf("corpus has %d messages, expected more than 50", len(files))
	}
	return files
}

func TestCorpus(t *testing.T) {
	files := loadCorpus(t)
	parsed := map[string]*emailView{}
	withSender := 0
	reports := 0
	for name, raw := range files {
		e := Parse(raw, Options{})
		if e == nil {
			t.Fatalf("%s: nil Email", name)
		}
		if len(e.Raw) != len(raw) || e.Size != int64(len(raw)) {
			t.Errorf("%s: Raw %d bytes, Size %d, want %d", name, len(e.Raw), e.Size, len(raw))
		}
		if strings.Contains(e.ParseError, "panic") {
			t.Errorf("%s: %s", name, e.ParseError)
		}
		if e.From.Email != "" || e.Subject != "" {
			withSender++
		}
		for _, a := range e.Attachments {
			if a.Name == "" || strings.ContainsAny(a.Name, `/\`) || strings.HasPrefix(a.Name, ".") {
				t.Errorf("%s: unsafe attachment name %q", name, a.Name)
			}
		}
		data, _ := Attachments(raw)
		if len(data) != len(e.Attachments) {
			t.Errorf("%s: Attachments returned %d, Parse listed %d", name, len(data), len(e.Attachments))
		}
		if strings.HasPrefix(name, "multipart_report_emails/") {
			reports++
			if e.ContentType != "multipart/report" || e.ReportType != "delivery-status" || e.BouncedRecipient == "" {
				t.Errorf("%s: ContentType %q ReportType %q BouncedRecipient %q: want a delivery-status report",
					name, e.ContentType, e.ReportType, e.BouncedRecipient)
			}
		}
		v := &emailView{subject: e.Subject, fromName: e.From.Name, text: e.Text, bounceTo: e.BouncedRecipient, bounceID: e.BouncedMessageID}
		for _, a := range e.To {
			v.toNames = append(v.toNames, a.Name)
		}
		for _, a := range e.Attachments {
			v.attachments = append(v.attachments, a.Name)
		}
		parsed[name] = v
	}
	if reports != 5 {
		t.Errorf("found %d multipart_report_emails, want 5", reports)
	}
	if withSender < len(files)*9/10 {
		t.Errorf("only %d of %d messages have a From or Subject", withSender, len(files))
	}

	// Decoded values checked against the sources by hand.
	checks := []struct {
		file  string
		check func(v *emailView) bool
		what  string
	}{
		{"multi_charset/japanese.eml", func(v *emailView) bool {
			return v.subject == "まみむめも" && len(v.toNames) == 1 && v.toNames[0] == "みける" && strings.HasPrefix(v.text, "かきくえこ")
		}, "UTF-8 encoded words and body"},
		{"multi_charset/japanese_iso_2022.eml", func(v *emailView) bool { return v.text == "すみません。" }, "ISO-2022-JP body"},
		{"multi_charset/japanese_shift_jis.eml", func(v *emailView) bool {
			return strings.HasPrefix(v.text, "あいうえお") && strings.Contains(v.text, "このメールはテスト用のメールです。")
		}, "Shift_JIS body"},
		{"multi_charset/ks_c_5601-1987.eml", func(v *emailView) bool { return v.text == "스티해" }, "ks_c_5601-1987 body"},
		{"multi_charset/japanese_attachment.eml", func(v *emailView) bool {
			return len(v.attachments) == 1 && v.attachments[0] == "てすと.txt"
		}, "encoded attachment name"},
		{"multi_charset/japanese_attachment_long_name.eml", func(v *emailView) bool {
			return len(v.attachments) == 1 && v.attachments[0] == strings.Repeat("かきくけこ", 5)+".txt"
		}, "long RFC 2231 attachment name"},
		{"rfc6532/utf8_headers.eml", func(v *emailView) bool { return v.fromName == "Jöhn Doe" && v.subject == "Säying Hello" }, "raw UTF-8 headers"},
		{"attachment_emails/attachment_nonascii_filename.eml", func(v *emailView) bool {
			return len(v.attachments) == 1 && v.attachments[0] == "ciële.txt"
		}, "non-ASCII file name"},
		{"plain_emails/raw_email_with_partially_quoted_subject.eml", func(v *emailView) bool {
			return v.subject == `Re: Test: "漢字" mid "漢字" tail`
		}, "encoded words inside quotes"},
		{"multipart_report_emails/report_530.eml", func(v *emailView) bool {
			return v.bounceTo == "edwin@zzzzzzz.com" && v.bounceID == "200712232303.lBNN3jDq002941@mail12.rrrr.com.au"
		}, "bounce from text/rfc822-headers"},
		{"multipart_report_emails/multipart_report_multiple_status.eml", func(v *emailView) bool {
			return v.bounceTo == "u@ci.com" && v.bounceID == "4c2a146147ac8_61ff157c4ec1652df@s.h.c.mail"
		}, "bounce from message/rfc822"},
		{"multipart_report_emails/multi_address_bounce1.eml", func(v *emailView) bool {
			return v.bounceTo == "bbbbvhvbbvkjbhfbvbvjhb@gmail.com"
		}, "first recipient of a multi-recipient bounce"},
	}
	for _, c := range checks {
		v, ok := parsed[c.file]
		if !ok {
			t.Errorf("%s: missing from corpus", c.file)
			continue
		}
		if !c.check(v) {
			t.Errorf("%s: %s wrong: %+v", c.file, c.what, *v)
		}
	}
}

// emailView is the part of a parsed corpus message the checks look at.
type emailView struct {
	subject, fromName, text, bounceTo, bounceID string
	toNames, attachments                        []string
}
