package cmdline

import (
	"slices"
	"testing"
)

func TestParseTakesGlobalFlagsAnywhere(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want Global
		rest []string
	}{
		{nil, Global{}, []string{}},
		{[]string{"--db", "x.db"}, Global{DB: "x.db"}, []string{}},
		{[]string{"-db=x.db", "--lang=fr"}, Global{DB: "x.db", Lang: "fr"}, []string{}},
		{[]string{"export", "deals", "--id", "3", "--db", "c.db", "--as", "a@example.test"},
			Global{DB: "c.db", As: "a@example.test"}, []string{"export", "deals", "--id", "3"}},
		{[]string{"send", "--", "--db", "x"}, Global{}, []string{"send", "--", "--db", "x"}},
		{[]string{"--dbx", "y"}, Global{}, []string{"--dbx", "y"}},
	} {
		g, rest, err := Parse(c.args)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.args, err)
			continue
		}
		if g != c.want || !slices.Equal(rest, c.rest) {
			t.Errorf("Parse(%q) = %+v %q, want %+v %q", c.args, g, rest, c.want, c.rest)
		}
	}
}

func TestParseRefusesMissingValuesAndUnknownLanguages(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--db"}, {"export", "--as"}, {"--lang", "de"}, {"--lang=xx"}} {
		if _, _, err := Parse(args); err == nil {
			t.Errorf("Parse(%q) accepted", args)
		}
	}
}

func TestHeadless(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--db", "x.db"}, false},
		{[]string{"-db=x.db"}, false},
		{[]string{"--lang", "fr"}, false}, // the window, in French: its logs stay on stderr
		{[]string{"--lang", "fr", "--as", "a@example.test", "--db", "x.db"}, false},
		{[]string{"-psn_0_12345"}, false}, // what macOS may pass to an app
		{[]string{"export", "deals"}, true},
		{[]string{"--db", "x.db", "export"}, true},
		{[]string{"--lang", "fr", "export"}, true},
		{[]string{"--as", "a@example.test", "seed"}, true},
		{[]string{"-h"}, true},
		{[]string{"--help"}, true},
		{[]string{"typo"}, true},
	} {
		if got := Headless(c.args); got != c.want {
			t.Errorf("Headless(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}

func TestCommandNamesTheFirstWord(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		name string
		rest []string
		ok   bool
	}{
		{[]string{"export", "deals"}, "export", []string{"deals"}, true},
		{[]string{"-v", "sync", "--once"}, "sync", []string{"-v", "--once"}, true},
		{[]string{"--help"}, "help", []string{}, true},
		{[]string{"-h", "export"}, "help", []string{"export"}, true},
		{[]string{"--", "export"}, "", []string{"--", "export"}, false},
		{nil, "", nil, false},
	} {
		name, rest, ok := Command(c.args)
		if name != c.name || ok != c.ok || !slices.Equal(rest, c.rest) {
			t.Errorf("Command(%q) = %q %q %v, want %q %q %v", c.args, name, rest, ok, c.name, c.rest, c.ok)
		}
	}
}
