package parse

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/emersion/go-message/textproto"
)

const (
	// maxDepth bounds multipart nesting; deeper parts are kept opaque.
	maxDepth = 32
	// maxParts bounds the number of parts walked in one message.
	maxParts = 5000
)

// node is one MIME entity of a parsed tree. Body is still transfer-encoded.
type node struct {
	header      textproto.Header
	mediaType   string // as read, lower-cased; text/plain when unusable
	declared    string // as declared, even when unusable (a multipart without boundary)
	params      map[string]string
	disposition string
	dparams     map[string]string
	body        []byte
	children    []*node
}

// walker builds the MIME tree and collects problems.
type walker struct {
	dec   *decoder
	errs  []string
	parts int
}

// fail records a structural problem once.
func (w *walker) fail(err error) {
	if err == nil {
		return
	}
	msg := err.Error()
	for _, e := range w.errs {
		if e == msg {
			return
		}
	}
	w.errs = append(w.errs, msg)
}

// newNode reads a header and body into a node and walks multiparts below it.
// parent is the media type of the enclosing multipart, for defaults.
func (w *walker) newNode(h textproto.Header, body []byte, parent string, depth int) *node {
	n := &node{header: h, body: body}
	ct := h.Get("Content-Type")
	if ct == "" {
		n.mediaType, n.params = "text/plain", map[string]string{}
		if parent == "multipart/digest" {
			n.mediaType = "message/rfc822"
		}
		n.declared = n.mediaType
	} else {
		n.mediaType, n.params = w.dec.parseParams(ct, "")
		n.declared = n.mediaType
		if !strings.Contains(n.mediaType, "/") {
			// "text" or garbage: RFC 2045 says treat as text/plain.
			w.fail(fmt.Errorf("content type %q: not a media type", truncateForError([]byte(n.mediaType))))
			n.mediaType = "text/plain"
		}
	}
	if cd := h.Get("Content-Disposition"); cd != "" {
		n.disposition, n.dparams = w.dec.parseParams(cd, n.params["charset"])
	} else {
		n.dparams = map[string]string{}
	}
	w.parts++
	if !strings.HasPrefix(n.mediaType, "multipart/") {
		return n
	}
	if depth >= maxDepth || w.parts > maxParts {
		w.fail(fmt.Errorf("multipart: nested too deep or too many parts"))
		return n
	}
	boundary := n.params["boundary"]
	if boundary == "" {
		w.fail(fmt.Errorf("multipart: missing boundary"))
		n.mediaType = "text/plain"
		return n
	}
	parts, err := splitMultipart(body, boundary)
	w.fail(err)
	if len(parts) == 0 {
		// Nothing could be split out: read the body as text, so its
		// words are not lost.
		n.mediaType = "text/plain"
		return n
	}
	for _, p := range parts {
		ph, pbody, err := splitMessage(p)
		if err != nil && ph.Len() == 0 {
			// A part without a header is text/plain by default.
			ph, pbody, err = textproto.Header{}, trimLeadingNewline(p), nil
		}
		w.fail(err)
		n.children = append(n.children, w.newNode(ph, pbody, n.mediaType, depth+1))
		if w.parts > maxParts {
			break
		}
	}
	return n
}

// trimLeadingNewline drops the blank line that separates an empty header
// from its body.
func trimLeadingNewline(b []byte) []byte {
	if bytes.HasPrefix(b, []byte("\r\n")) {
		return b[2:]
	}
	if bytes.HasPrefix(b, []byte("\n")) {
		return b[1:]
	}
	return b
}

// splitMultipart cuts a multipart body into its parts (header and body of
// each, still raw). It tolerates LF line endings, trailing whitespace after
// delimiters and a missing close delimiter, which it reports.
func splitMultipart(body []byte, boundary string) ([][]byte, error) {
	dash := []byte("--" + boundary)
	var parts [][]byte
	start := -1 // start of the current part's content
	rest := body
	pos := 0
	for len(rest) > 0 {
		line, next := cutLine(rest)
		lineStart := pos
		pos += len(line)
		rest = next
		if len(line) < len(dash) || line[0] != '-' || !bytes.HasPrefix(line, dash) {
			continue
		}
		tail := bytes.TrimRight(line[len(dash):], " \t\r\n")
		closing := string(tail) == "--"
		if len(tail) != 0 && !closing {
			continue // a longer boundary sharing this prefix
		}
		if start >= 0 {
			parts = append(parts, trimDelimiterNewline(body[start:lineStart]))
		}
		if closing {
			return parts, nil
		}
		start = pos
	}
	if start >= 0 {
		parts = append(parts, body[start:])
		return parts, fmt.Errorf("multipart: missing closing boundary %q", boundary)
	}
	return nil, fmt.Errorf("multipart: boundary %q not found", boundary)
}

// trimDelimiterNewline removes the line break that belongs to the next
// delimiter line.
func trimDelimiterNewline(b []byte) []byte {
	if bytes.HasSuffix(b, []byte("\r\n")) {
		return b[:len(b)-2]
	}
	if bytes.HasSuffix(b, []byte("\n")) {
		return b[:len(b)-1]
	}
	return b
}

// transferEncoding normalises a Content-Transfer-Encoding value; common
// misspellings of the identity encodings map to "".
func transferEncoding(v string) (enc string, known bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, "; \t"); i >= 0 {
		v = v[:i]
	}
	v = strings.Trim(v, `"'`)
	switch v {
	case "quoted-printable", "quotedprintable", "quoted_printable", "qp":
		return "quoted-printable", true
	case "base64", "base-64", "b64":
		return "base64", true
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit", "7bits", "8bits", "plain", "none", "text", "text/plain", "text/html":
		return "", true
	}
	return v, false
}

// decodeBody undoes the transfer encoding of a node's body. Problems are
// returned with whatever could be decoded.
func decodeBody(n *node) ([]byte, error) {
	enc, known := transferEncoding(n.header.Get("Content-Transfer-Encoding"))
	if strings.HasPrefix(n.mediaType, "multipart/") {
		return n.body, nil
	}
	switch {
	case !known:
		return n.body, fmt.Errorf("transfer encoding %q: unknown, body kept as is", enc)
	case enc == "quoted-printable":
		return decodeQP(n.body)
	case enc == "base64":
		return decodeBase64(n.body)
	}
	return n.body, nil
}

// decodeQP decodes quoted-printable leniently: a malformed escape is kept
// literally and reported.
func decodeQP(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b))
	var bad bool
	for len(b) > 0 {
		line, rest := cutLine(b)
		b = rest
		content := bytes.TrimRight(line, "\r\n")
		hasNL := len(content) < len(line)
		content = bytes.TrimRight(content, " \t") // transport padding
		soft := false
		for i := 0; i < len(content); i++ {
			c := content[i]
			if c != '=' {
				out = append(out, c)
				continue
			}
			if i == len(content)-1 {
				soft = true
				break
			}
			if i+2 < len(content) && isHex(content[i+1]) && isHex(content[i+2]) {
				out = append(out, unhex(content[i+1])<<4|unhex(content[i+2]))
				i += 2
				continue
			}
			bad = true
			out = append(out, c)
		}
		if hasNL && !soft {
			out = append(out, '\n')
		}
	}
	if bad {
		return out, fmt.Errorf("quoted-printable: malformed escape")
	}
	return out, nil
}

// decodeBase64 decodes base64 leniently: whitespace is skipped, other
// stray characters and a broken tail are dropped and reported.
func decodeBase64(b []byte) ([]byte, error) {
	clean := make([]byte, 0, len(b))
	var stray bool
	for _, c := range b {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == '-' || c == '_': // base64url from broken senders
			if c == '-' {
				c = '+'
			} else {
				c = '/'
			}
			clean = append(clean, c)
		case c == '=', c == ' ', c == '\t', c == '\r', c == '\n':
		default:
			stray = true
		}
	}
	var err error
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
		err = fmt.Errorf("base64: truncated data")
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, derr := base64.RawStdEncoding.Decode(out, clean)
	out = out[:n]
	if derr != nil {
		err = fmt.Errorf("base64: %w", derr)
	} else if stray && err == nil {
		err = fmt.Errorf("base64: invalid characters skipped")
	}
	return out, err
}
