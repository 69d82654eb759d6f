package data_test

import (
	"strings"
	"testing"

	"comptoir/data"
)

func TestValidMessageID(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"a@b", "CAF=abc123+x_y@mail.gmail.com", "deal-2.0a1b@ourshop.test", `"quoted.left"@host.example`,
		`"a\"b"@x`, "id@[192.0.2.1]", "1.2.3@x.y", strings.Repeat("a", data.MaxMessageIDLen-2) + "@b"} {
		if !data.ValidMessageID(id) {
			t.Errorf("%q refused", id)
		}
	}
	for _, id := range []string{"", "no-at", "@b", "a@", "a b@c", "a@b c", "x\rBcc: victim@evil.test@evil.test", "x@y\r\nBcc: v@e",
		"a..b@c", ".a@c", "a.@c", "a@b..c", "a@b.", "<a@b>", "a@b>", "sha256:0123@x", "caf\xe9@x", "café@x", "a@[x y]", `"a b"@x`,
		`"unterminated@x`, strings.Repeat("a", data.MaxMessageIDLen-1) + "@b", strings.Repeat("x", 5000) + "@evil.test"} {
		if data.ValidMessageID(id) {
			t.Errorf("%q taken", id)
		}
	}
}
