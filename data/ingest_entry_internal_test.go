package data

import (
	"encoding/json"
	"testing"
)

// TestEmailEntryDataIsJSONMarshal holds the hand-assembled Data of an
// email's timeline entry to the bytes json.Marshal writes for it, on text
// that json escapes (HTML, control characters, invalid UTF-8, line
// separators) and on empty lists.
func TestEmailEntryDataIsJSONMarshal(t *testing.T) {
	for i, f := range []linkFields{
		{from: Address{Name: "Jeanne <J&M>", Email: "jeanne@acme.test"}, to: []Address{{Email: "a@b.test"}, {Name: "Équipe", Email: "c@d.test"}},
			subject: "Re: <b>Devis</b> & co \u2028", messageID: "m1@acme.test", visible: "Bonjour\n\t\"40\" chaises \\ \x01 \x00 caf\xe9 \u2029 €",
			attachments: []Attachment{{Name: "plan <1>.pdf", Size: 1234}}},
		{from: Address{Email: "x@y.test"}, messageID: "sha256:00"},
	} {
		from, to, subject, messageID, text, atts := f.entryJSON()
		got := entryData(int64(i+7), from, to, subject, messageID, text, atts, "reply to <your> email", ReasonReply)
		want := emailEntryData{EmailID: int64(i + 7), From: formatAddress(f.from), To: []string{}, Subject: f.subject, MessageID: f.messageID,
			Text: f.visible, Attachments: []entryAttachment{}, LinkedBecause: "reply to <your> email", LinkedReason: string(ReasonReply)}
		for _, a := range f.to {
			want.To = append(want.To, formatAddress(a))
		}
		for _, a := range f.attachments {
			want.Attachments = append(want.Attachments, entryAttachment{Name: a.Name, Size: a.Size})
		}
		b, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(b) {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, b)
		}
		if i == 0 && entryCanHoldText(f.visible, text) {
			t.Errorf("a text with NUL and invalid UTF-8 cannot be held by the entry alone")
		}
	}
	if !entryCanHoldText("Bonjour <é>", jsonText("Bonjour <é>")) || entryCanHoldText("", `""`) {
		t.Error("entryCanHoldText")
	}
}
