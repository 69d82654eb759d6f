package data

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestEmailEntryDataIsJSONMarshal holds the hand-assembled Data of an
// email's timeline entry to the bytes json.Marshal writes for its typed
// payload (EmailData), on text that json escapes (HTML, control characters,
// invalid UTF-8, line separators) and on empty lists; and the payload read
// back from those bytes writes them again.
func TestEmailEntryDataIsJSONMarshal(t *testing.T) {
	for i, f := range []linkFields{
		{from: Address{Name: "Jeanne <J&M>", Email: "jeanne@acme.test"}, to: []Address{{Email: "a@b.test"}, {Name: "Équipe", Email: "c@d.test"}},
			subject: "Re: <b>Devis</b> & co \u2028", messageID: "m1@acme.test", visible: "Bonjour\n\t\"40\" chaises \\ \x01 \x00 caf\xe9 \u2029 €",
			attachments: []Attachment{{Name: "plan <1>.pdf", Size: 1234}}},
		{from: Address{Email: "x@y.test"}, messageID: "sha256:00"},
	} {
		body, text := f.entryJSON()
		got := entryData(int64(i+7), body, "reply to <your> email", ReasonReply)
		want := EmailData{EmailID: int64(i + 7), From: formatAddress(f.from), Subject: f.subject, MessageID: f.messageID,
			Text: f.visible, LinkedBecause: "reply to <your> email", LinkedReason: ReasonReply}
		for _, a := range f.to {
			want.To = append(want.To, formatAddress(a))
		}
		for _, a := range f.attachments {
			want.Attachments = append(want.Attachments, EntryAttachment{Name: a.Name, Size: a.Size})
		}
		b, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(b) {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, b)
		}
		// Read back: the same email, invalid UTF-8 as U+FFFD.
		back := DecodePayload(EntryEmailIn, []byte(got)).(EmailData)
		want.Text = strings.ToValidUTF8(want.Text, "\ufffd")
		if want.To == nil {
			want.To = []string{}
		}
		if want.Attachments == nil {
			want.Attachments = []EntryAttachment{}
		}
		if !reflect.DeepEqual(back, want) {
			t.Errorf("case %d: read back\n got %+v\nwant %+v", i, back, want)
		}
		if i == 0 && entryCanHoldText(f.visible, text) {
			t.Errorf("a text with NUL and invalid UTF-8 cannot be held by the entry alone")
		}
	}
	if !entryCanHoldText("Bonjour <é>", jsonText("Bonjour <é>")) || entryCanHoldText("", `""`) {
		t.Error("entryCanHoldText")
	}
}

// TestAppendJSONStringIsJSONMarshal holds appendJSONString to the bytes
// encoding/json writes, on every byte value, on text json escapes, and on
// random bytes (invalid UTF-8 included).
func TestAppendJSONStringIsJSONMarshal(t *testing.T) {
	cases := []string{"", "Bonjour", "caf\xe9 \u2028\u2029 € ’ <b>&amp;</b> \"q\" \\ \x00\x01\x1f\x7f\b\f\n\r\t",
		"\xff\xfe", "\xe2\x82", "tail \xf0\x9f\x98", "😀 \ufffd"}
	for b := 0; b < 256; b++ {
		cases = append(cases, string([]byte{'a', byte(b), 'z'}))
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 500 {
		buf := make([]byte, r.IntN(64))
		for i := range buf {
			buf[i] = byte(r.IntN(256))
		}
		cases = append(cases, string(buf))
	}
	for _, c := range cases {
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, c); string(got) != string(want) {
			t.Fatalf("%q:\n got %s\nwant %s", c, got, want)
		}
	}
}
