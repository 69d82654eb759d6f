package data

import (
	"strconv"
	"strings"
)

// Message-IDs come from outside: they are checked against RFC 5322's grammar
// when a message is stored (mail/parse drops what does not parse, MessageKey
// and threadIDs check again) and again when one is put in a header of ours
// (ThreadReferences, mail/send), so that an ID stored before these checks
// cannot carry a line break, a header of its own or an overlong line into
// our mail.

// MaxMessageIDLen is the longest Message-ID (without angle brackets) taken:
// RFC 5322 sets no limit of its own, but a longer one, which no mail program
// writes, could only serve to break a header line's 998-octet limit.
const MaxMessageIDLen = 250

// ValidMessageID reports whether id (without angle brackets) is a msg-id of
// RFC 5322 (section 3.6.4): id-left "@" id-right, where id-left is a
// dot-atom-text or a quoted string and id-right a dot-atom-text or a
// [literal], in printable US-ASCII with no white space, at most
// MaxMessageIDLen octets.
func ValidMessageID(id string) bool {
	if id == "" || len(id) > MaxMessageIDLen {
		return false
	}
	at := strings.LastIndexByte(id, '@')
	if at <= 0 || at == len(id)-1 {
		return false
	}
	left, right := id[:at], id[at+1:]
	if !dotAtomText(left) && !quotedIDLeft(left) {
		return false
	}
	return dotAtomText(right) || idLiteral(right)
}

// atext is RFC 5322's atext: letters, digits and !#$%&'*+-/=?^_`{|}~.
func atext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// dotAtomText is 1*atext *("." 1*atext).
func dotAtomText(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '.' {
			if s[i-1] == '.' {
				return false
			}
		} else if !atext(c) {
			return false
		}
	}
	return true
}

// quotedIDLeft is a quoted string (obs-id-left) of printable characters:
// qtext or a quoted-pair, no white space.
func quotedIDLeft(s string) bool {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		switch {
		case c == '\\':
			i++
			if i >= len(s)-1 || s[i] < 33 || s[i] > 126 {
				return false
			}
		case c == '"', c < 33, c > 126:
			return false
		}
	}
	return true
}

// idLiteral is a no-fold-literal: "[" *dtext "]".
func idLiteral(s string) bool {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; c < 33 || c > 126 || c == '[' || c == ']' || c == '\\' {
			return false
		}
	}
	return true
}

// A message whose Message-ID is already stored for another message (one
// that a person would tell apart: another sender, date, subject or text) is
// kept under the key ID + " #2" (then " #3"…): a valid Message-ID holds no
// space, so the key says which Message-ID it carries, and no one can send a
// Message-ID that takes such a key.
const collisionMark = " #"

// collisionEnd bounds the keys made from one Message-ID: they sort from
// ID+collisionMark up to, not including, ID+collisionEnd.
const collisionEnd = " $"

// collisionKey is the key of the n-th message (n ≥ 2) carrying Message-ID id.
func collisionKey(id string, n int) string { return id + collisionMark + strconv.Itoa(n) }

// collisionNumber is n of a key made by collisionKey, or 1 for the key of
// the first message carrying its Message-ID.
func collisionNumber(key string) int {
	if i := strings.Index(key, collisionMark); i >= 0 {
		if n, err := strconv.Atoi(key[i+len(collisionMark):]); err == nil {
			return n
		}
	}
	return 1
}

// keyMessageID is the Message-ID a stored message's key carries, or "" when
// it carries none that may be written in a header (a hash key, an ID stored
// before the grammar was checked).
func keyMessageID(key string) string {
	if i := strings.Index(key, collisionMark); i >= 0 {
		key = key[:i]
	}
	if !ValidMessageID(key) {
		return ""
	}
	return key
}
