package formats_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
)

// TestDealExportListsItsFiles: a deal's JSON names each file with its size,
// type and sha256, and the file entry's data is in its timeline.
func TestDealExportListsItsFiles(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Kitchen")
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n")
	if _, err := db.AddFile(ctx, db.Sales.ID, data.FileOwner{Kind: data.KindDeal, ID: d.ID}, "../plan.pdf", bytes.NewReader(pdf)); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := formats.WriteDeal(ctx, db.Store, db.Sales.ID, d.ID, &out); err != nil {
		t.Fatal(err)
	}
	var de struct {
		ID    int64 `json:"id"`
		Files []struct {
			Name, Type, SHA256 string
			AddedBy            string `json:"added_by"`
			Size               int64
		} `json:"files"`
		Timeline []map[string]any `json:"timeline"`
	}
	if err := json.Unmarshal(out.Bytes(), &de); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	sum := sha256.Sum256(pdf)
	if de.ID != d.ID || len(de.Files) != 1 {
		t.Fatalf("export %s", out.String())
	}
	f := de.Files[0]
	if f.Name != "plan.pdf" || f.Type != "application/pdf" || f.Size != int64(len(pdf)) || f.SHA256 != hex.EncodeToString(sum[:]) || f.AddedBy != db.Sales.Name {
		t.Errorf("file %+v", f)
	}
	last := de.Timeline[len(de.Timeline)-1]
	if last["kind"] != "file" || last["sha256"] != f.SHA256 || last["name"] != "plan.pdf" {
		t.Errorf("file entry %v", last)
	}
	// a sales employee who does not see the deal cannot export it
	if err := formats.WriteDeal(ctx, db.Store, db.Sales2.ID, d.ID, &out); err == nil {
		t.Error("a colleague exported the deal")
	}
}

// TestExportSelectionAsCSV: the chosen deals, in their order, those the
// employee may not see left out.
func TestExportSelectionAsCSV(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	a, b := db.Deal(t, db.Sales.ID, "=HYPERLINK(\"x\")"), db.Deal(t, db.Sales.ID, "Second")
	hidden := db.Deal(t, db.Sales2.ID, "Not mine")
	var out bytes.Buffer
	if err := formats.ExportSelection(ctx, db.Store, db.Sales.ID, &out, []int64{b.ID, hidden.ID, a.ID}, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][1] != "Second" || rows[2][1] != "'=HYPERLINK(\"x\")" {
		t.Errorf("csv %q", rows)
	}
}
