// Package parse turns raw RFC 5322 messages into data.Email values.
//
// The parser is deliberately lenient: mail in the wild carries broken
// boundaries, mislabelled charsets, invalid transfer encodings and malformed
// headers. Parse never fails and never panics; it extracts whatever it can,
// keeps the raw bytes, and notes problems in Email.ParseError.
//
// Decoding rules worth knowing:
//   - Charsets are decoded through go-message's charset package. Bodies and
//     encoded words labelled ISO-8859-1 or US-ASCII are read as windows-1252,
//     because real mail carries € and ’ as 0x80 and 0x92 under those labels.
//   - An unknown charset never stops parsing: the bytes are kept as UTF-8 when
//     valid, else read as windows-1252, and the label is recorded in
//     Email.UnknownCharsets.
//   - The text of a message prefers text/plain; HTML-only messages are
//     converted to plain text without tags, styles or scripts.
//   - Over Options.MaxSize, headers and text are kept but attachment bodies
//     are not decoded; Email.Truncated says what was left out.
package parse
