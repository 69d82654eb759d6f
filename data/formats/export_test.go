package formats

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"comptoir/data"
)

func TestTimelineDataIsFlattened(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	e := EntryExport{ID: 7, Kind: "email_in", At: at, Author: "", Text: "short",
		Data: data.EmailData{EmailID: 3, From: "a@example.test", To: []string{"b@example.test"}, Subject: "Quote",
			MessageID: "m1@example.test", Text: "the whole body", LinkedBecause: "reply", LinkedReason: data.ReasonReply}}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["id"] != 7.0 || m["kind"] != "email_in" || m["at"] != "2026-11-20T10:00:00Z" || m["author"] != "" {
		t.Errorf("own fields wrong: %s", b)
	}
	for _, k := range []string{"email_id", "from", "to", "subject", "message_id", "attachments", "linked_because", "linked_reason"} {
		if _, ok := m[k]; !ok {
			t.Errorf("data key %s not flattened: %s", k, b)
		}
	}
	if m["text"] != "the whole body" {
		t.Errorf("text %v, want the email's body from its data", m["text"])
	}
	if _, ok := m["edited_at"]; ok {
		t.Errorf("edited_at present for an unedited entry: %s", b)
	}

	// Data written by a newer version, with keys of the entry's own: they
	// never replace the entry's.
	forged := EntryExport{ID: 8, Kind: "future", At: at, Text: "kept",
		Data: data.DecodePayload("future", []byte(`{"id": 99, "kind": "forged", "at": "never", "author": "x", "big": 12345678901234567}`))}
	if b, err = json.Marshal(forged); err != nil {
		t.Fatal(err)
	}
	m = nil
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["id"] != 8.0 || m["kind"] != "future" || m["at"] != "2026-11-20T10:00:00Z" || m["author"] != "" || m["text"] != "kept" {
		t.Errorf("own fields overwritten by data: %s", b)
	}
	if !strings.Contains(string(b), `"big":12345678901234567`) {
		t.Errorf("a large number went through a float: %s", b)
	}
}
