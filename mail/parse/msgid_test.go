package parse

import (
	"slices"
	"strings"
	"testing"
)

// Message-IDs that RFC 5322's grammar refuses are dropped on the way in: a
// bare CR that would start a header of its own in a reply's In-Reply-To,
// thousands of characters that would make a line over 998, a space.
func TestParseDropsInvalidMessageIDs(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 5000) + "@evil.test"
	raw := msg(
		"From: Mallory <m@evil.test>",
		"Message-ID: <x\rBcc: victim@evil.test@evil.test>",
		"In-Reply-To: <"+long+"> <good-parent@client.test>",
		"References: <a b@evil.test> <root@client.test> <"+long+">",
		"  <x\rBcc: v@evil.test> <good-parent@client.test>",
		"Subject: Re: quote",
		"", "text")
	e := Parse(raw, Options{})
	if e.MessageID != "" {
		t.Errorf("MessageID = %q, want none", e.MessageID)
	}
	if e.InReplyTo != "good-parent@client.test" {
		t.Errorf("InReplyTo = %q", e.InReplyTo)
	}
	if !slices.Equal(e.References, []string{"root@client.test", "good-parent@client.test"}) {
		t.Errorf("References = %q", e.References)
	}
	// A valid one, with the folding white space around it, is kept as it is.
	e = Parse(msg("From: a@b.test", "Message-ID:", "  < CAF=abc+1@mail.gmail.com >", "", "x"), Options{})
	if e.MessageID != "CAF=abc+1@mail.gmail.com" {
		t.Errorf("MessageID = %q", e.MessageID)
	}
}
