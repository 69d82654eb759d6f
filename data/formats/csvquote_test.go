package formats_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
)

// TestReadCSVRefusesAStrayQuote: one stray quote used to swallow the rest
// of the file into one contact's name. The file is refused, naming the
// line the quote opens on.
func TestReadCSVRefusesAStrayQuote(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		file string
		line int
	}{
		"never closed":       {"Name,Email\nAnne,anne@example.test\n\"Bruno,bruno@example.test\nChloé,chloe@example.test\nDavid,david@example.test\n", 3},
		"closed much later":  {"Name;Email\nAnne;anne@example.test\nBruno;\"bruno@example.test\nChloé;chloe@example.test\n\"David\";david@example.test\n", 3},
		"closed mid-cell":    {"Name,Email\n\"Anne\" Martin,anne@example.test\n", 2},
		"tabs, CRLF, line 4": {"Name\tEmail\r\nA\ta@example.test\r\nB\tb@example.test\r\n\"C\tc@example.test\r\n", 4},
	} {
		_, err := formats.ReadCSV(strings.NewReader(c.file))
		var ie *data.ImportError
		if !errors.As(err, &ie) || len(ie.Lines) != 1 || ie.Lines[0].Line != c.line || ie.Lines[0].Fields[0].Code != "unclosed_quote" {
			t.Errorf("%s: err = %v, want an unclosed_quote error on line %d", name, err, c.line)
		}
	}
}

// TestReadCSVQuotesThatAreFine: quoted cells over several lines, doubled
// quotes and a quote inside an unquoted cell read as spreadsheets write them.
func TestReadCSVQuotesThatAreFine(t *testing.T) {
	t.Parallel()
	tab := readTable(t, "Name,Email,Notes\r\n"+
		"\"Martin, Anne\",anne@example.test,\"first line\r\nsecond line\"\r\n"+
		"Jean \"JJ\" Dupont,jj@example.test,\"say \"\"hi\"\"\"\r\n"+
		"'=Bruno,bruno@example.test,'-3 apples\r\n")
	if len(tab.Rows) != 3 {
		t.Fatalf("rows %q", tab.Rows)
	}
	if tab.Rows[0][0] != "Martin, Anne" || tab.Rows[0][2] != "first line\nsecond line" || tab.Lines[1] != 4 {
		t.Errorf("multi-line cell: %q, lines %v", tab.Rows[0], tab.Lines)
	}
	if tab.Rows[1][0] != `Jean "JJ" Dupont` || tab.Rows[1][2] != `say "hi"` {
		t.Errorf("quotes inside cells: %q", tab.Rows[1])
	}
	// What SafeCell wrote on export is read back without its quote.
	if tab.Rows[2][0] != "=Bruno" || tab.Rows[2][2] != "-3 apples" {
		t.Errorf("neutralised cells: %q", tab.Rows[2])
	}
}

// TestCatalogCSVStrayQuoteNamesItsLine: the catalog reader names the line
// the quote opens on, not the end of the file it ran to.
func TestCatalogCSVStrayQuoteNamesItsLine(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	file := "name,price\nA,1\n\"B,2\nC,3\nD,4\n"
	_, err := formats.ImportCatalogCSV(context.Background(), db.Store, db.Manager.ID, strings.NewReader(file))
	var ce *data.CSVError
	if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Line != 3 {
		t.Fatalf("err = %v, want one problem on line 3", err)
	}
}
