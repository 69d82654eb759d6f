package formats_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
)

// exportedTimeline exports one deal and returns its timeline entries by id,
// their values as written.
func exportedTimeline(t *testing.T, db *datatest.DB, dealID int64) (map[int64]map[string]json.RawMessage, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := formats.Export(context.Background(), db.Store, db.Admin.ID, &buf, formats.ExportOptions{What: "deals", ID: dealID, Format: "json"}); err != nil {
		t.Fatal(err)
	}
	var deals []struct {
		Timeline []map[string]json.RawMessage `json:"timeline"`
	}
	if err := json.Unmarshal(buf.Bytes(), &deals); err != nil || len(deals) != 1 {
		t.Fatalf("export: %v\n%s", err, buf.Bytes())
	}
	out := map[int64]map[string]json.RawMessage{}
	for _, e := range deals[0].Timeline {
		var id int64
		if err := json.Unmarshal(e["id"], &id); err != nil {
			t.Fatalf("entry without id: %v", e)
		}
		out[id] = e
	}
	return out, buf.String()
}

// exact decodes JSON keeping numbers as their text.
func exact(t *testing.T, raw []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return v
}

// The export keeps its contract for the rows existing databases hold:
// every stored key is flattened into its entry with its stored value (the
// entry's own id, kind, at and author win; a non-empty data text is the
// entry's text), numbers exact; older shapes only gain what their type
// reads them as (an amount in minor units, a call's seconds).
func TestExportFlattensStoredRows(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	d := db.Deal(t, db.Sales.ID, "Old rows")
	ids := db.InsertStored(t, d.ID)
	entries, out := exportedTimeline(t, db, d.ID)
	legacy := map[int]map[string]string{
		6:  {"duration_s": "720"},
		9:  {"amount": "48522"},
		13: {"gross": "120050"},
	}
	for i, r := range datatest.StoredEntries {
		e, ok := entries[ids[i]]
		if !ok {
			t.Errorf("row %d (%s) not exported", i, r.Kind)
			continue
		}
		if got := exact(t, e["kind"]); got != string(r.Kind) {
			t.Errorf("row %d: kind %v", i, got)
		}
		var stored map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r.JSON), &stored); err != nil {
			t.Fatal(err)
		}
		for k, v := range stored {
			if k == "kind" || k == "text" {
				continue
			}
			want := string(v)
			if w, ok := legacy[i][k]; ok {
				want = w
			}
			if got, ok := e[k]; !ok || !reflect.DeepEqual(exact(t, got), exact(t, []byte(want))) {
				t.Errorf("row %d (%s) key %q: exported %s, want %s", i, r.Kind, k, got, want)
			}
		}
		for k, w := range legacy[i] {
			if got := string(e[k]); got != w {
				t.Errorf("row %d (%s) key %q: exported %s, want %s", i, r.Kind, k, got, w)
			}
		}
		text := r.Text
		if s, ok := exact(t, []byte(orEmpty(stored["text"]))).(string); ok && s != "" {
			text = s
		}
		if got := exact(t, e["text"]); got != text {
			t.Errorf("row %d (%s): text %q, want %q", i, r.Kind, got, text)
		}
	}
	if !strings.Contains(out, `"amount":9007199254740993`) || !strings.Contains(out, `"big":12345678901234567`) {
		t.Error("a large number went through a float")
	}
}

func orEmpty(raw json.RawMessage) string {
	if len(raw) == 0 {
		return `""`
	}
	return string(raw)
}

// mapFlattened is how the export flattened an entry's data before it was
// typed: a map of its keys and its own fields, written by encoding/json.
func mapFlattened(t *testing.T, e formats.EntryExport) []byte {
	t.Helper()
	b, err := json.Marshal(e.Data)
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	for k, v := range keys {
		m[k] = v
	}
	text := e.Text
	var s string
	if raw, ok := keys["text"]; ok && json.Unmarshal(raw, &s) == nil && s != "" {
		text = s
	}
	m["id"], m["kind"], m["at"], m["author"], m["text"] = e.ID, e.Kind, e.At, e.Author, text
	delete(m, "edited_at")
	if e.EditedAt != nil {
		m["edited_at"] = *e.EditedAt
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// EntryExport writes, byte for byte, what flattening through a map wrote:
// for every kind as the app writes it and every stored shape, with text
// that JSON escapes and keys a newer version might add.
func TestEntryExportSameAsMapFlattening(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ev := db.EveryEntryKind(t)
	es, err := db.Timeline(context.Background(), db.Sales.ID, ev.Deal.ID, data.TimelineCursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var payloads []data.Payload
	var kinds []data.EntryKind
	for _, e := range es {
		payloads, kinds = append(payloads, e.Data), append(kinds, e.Kind)
	}
	for _, r := range datatest.StoredEntries {
		payloads, kinds = append(payloads, data.DecodePayload(r.Kind, []byte(r.JSON))), append(kinds, r.Kind)
	}
	payloads = append(payloads,
		data.EmailData{EmailID: 1, From: "A <a@x.test> & co", Subject: "<b>\u2028", Text: "tab\there \"q\" é 😀", To: []string{"x"}},
		data.DecodePayload("newer", []byte(`{ "z" : [ {"a":"}]"} , "\"q\"" ], "\u00e9t\u00e9":1, "id":9, "text":"", "edited_at":"x", "nested":{"kind":"k"} }`)),
		nil)
	kinds = append(kinds, data.EntryEmailIn, "newer", data.EntryComment)
	edited := time.Date(2026, 11, 13, 8, 0, 0, 0, time.UTC)
	for i, p := range payloads {
		for _, e := range []formats.EntryExport{
			{ID: int64(i + 1), Kind: string(kinds[i]), At: datatest.Start, Author: "Sophie <S>", Text: "the entry's", Data: p},
			{ID: int64(i + 1), Kind: string(kinds[i]), At: datatest.Start, Text: "", EditedAt: &edited, Data: p},
		} {
			got, err := json.Marshal(e)
			if err != nil {
				t.Fatalf("%s: %v", kinds[i], err)
			}
			if p == nil {
				e.Data = data.CommentData{}
			}
			if want := mapFlattened(t, e); !bytes.Equal(got, want) {
				t.Errorf("%s:\n got %s\nwant %s", kinds[i], got, want)
			}
		}
	}
}
