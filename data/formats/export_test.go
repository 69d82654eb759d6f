package formats

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTimelineDataIsFlattened(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	e := EntryExport{ID: 7, Kind: "email_in", At: at, Author: "", Text: "short",
		Data: map[string]any{"from": "a@example.test", "to": []string{"b@example.test"}, "subject": "Quote",
			"message_id": "m1@example.test", "text": "the whole body", "attachments": []any{}, "linked_because": "reply",
			"id": 99, "kind": "forged", "at": "never"}}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["id"] != 7.0 || m["kind"] != "email_in" || m["at"] != "2026-11-20T10:00:00Z" || m["author"] != "" {
		t.Errorf("own fields overwritten by data: %s", b)
	}
	for _, k := range []string{"from", "to", "subject", "message_id", "attachments", "linked_because"} {
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
}
