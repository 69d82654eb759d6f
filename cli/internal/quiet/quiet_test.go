package quiet

import "testing"

func TestHeadless(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--db", "x.db"}, false},
		{[]string{"-db=x.db"}, false},
		{[]string{"-psn_0_12345"}, false}, // what macOS may pass to an app
		{[]string{"export", "deals"}, true},
		{[]string{"--db", "x.db", "export"}, true},
		{[]string{"--as", "a@example.test", "seed"}, true},
		{[]string{"-h"}, true},
		{[]string{"--help"}, true},
		{[]string{"typo"}, true},
	} {
		if got := headless(c.args); got != c.want {
			t.Errorf("headless(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}
