// Package send delivers the outbox: it builds the MIME bytes of an email
// written from a deal (Build), queues it through data/ (Queue, Edit), and
// transmits queued messages with go-mail's SMTP client, byte for byte as
// they were stored (Sender). It files a copy in the account's Sent folder
// by IMAP APPEND, and after a crash looks for a message there before ever
// sending it again.
package send

import (
	"bytes"
	"context"
	"fmt"
	"html"
	netmail "net/mail"
	"strings"

	"github.com/wneessen/go-mail"

	"comptoir/data"
)

// UserAgent names the program in the messages it builds.
const UserAgent = "Comptoir"

func mailAddr(a data.Address) *netmail.Address {
	return &netmail.Address{Name: a.Name, Address: a.Email}
}

func mailAddrs(l []data.Address) []*netmail.Address {
	out := make([]*netmail.Address, len(l))
	for i, a := range l {
		out[i] = mailAddr(a)
	}
	return out
}

// angle writes Message-IDs as a threading header's value: each in angle
// brackets, a line folded before an ID that would take it past 78
// characters (counting the header's name, nameLen). An ID that is not a
// valid Message-ID (data.ValidMessageID) is left out: it came from outside
// (a stored message's headers) and could otherwise carry a line break, a
// header of its own or a line over 998 octets into our message.
func angle(nameLen int, ids []string) string {
	var b strings.Builder
	line := nameLen + 2 // "Name: "
	for _, id := range ids {
		if id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">"); !data.ValidMessageID(id) {
			continue
		}
		if b.Len() > 0 {
			if line+1+len(id)+2 > 78 {
				b.WriteString("\r\n")
				line = 0
			}
			b.WriteByte(' ')
			line++
		}
		b.WriteString("<" + id + ">")
		line += len(id) + 2
	}
	return b.String()
}

// simpleHTML renders plain text as simple HTML: escaped, lines kept, quoted
// lines in a blockquote colour.
func simpleHTML(text string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><body><div style=\"font-family: sans-serif\">\n")
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		e := html.EscapeString(l)
		if strings.HasPrefix(l, ">") {
			e = `<span style="color: #666">` + e + `</span>`
		}
		b.WriteString(e + "<br>\n")
	}
	b.WriteString("</div></body></html>\n")
	return b.String()
}

// Build makes the MIME bytes of a draft: its Message-ID and Date as fixed by
// data/, the threading headers, Reply-To the account's address, the text
// (and simple HTML when asked) and the attachments. Bcc recipients are only
// in the envelope, never in the bytes; human mail carries no Auto-Submitted.
func Build(d data.Draft) ([]byte, error) {
	m, err := newMsg(d)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("build email: %w", err)
	}
	return buf.Bytes(), nil
}

// newMsg is the go-mail message of a draft.
func newMsg(d data.Draft) (*mail.Msg, error) {
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	m.SetUserAgent(UserAgent)
	m.SetAddrHeaderFromMailAddress(mail.HeaderFrom, mailAddr(d.From))
	if len(d.To) > 0 {
		m.SetAddrHeaderFromMailAddress(mail.HeaderTo, mailAddrs(d.To)...)
	}
	if len(d.Cc) > 0 {
		m.SetAddrHeaderFromMailAddress(mail.HeaderCc, mailAddrs(d.Cc)...)
	}
	if d.ReplyTo.Email != "" {
		m.SetAddrHeaderFromMailAddress(mail.HeaderReplyTo, mailAddr(d.ReplyTo))
	}
	m.Subject(d.Subject)
	m.SetMessageIDWithValue(d.MessageID)
	m.SetDateWithValue(d.Date)
	if v := angle(len(mail.HeaderInReplyTo), []string{d.InReplyTo}); v != "" {
		m.SetGenHeaderPreformatted(mail.HeaderInReplyTo, v)
	}
	if v := angle(len(mail.HeaderReferences), d.References); v != "" {
		m.SetGenHeaderPreformatted(mail.HeaderReferences, v)
	}
	text := d.Text
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	m.SetBodyString(mail.TypeTextPlain, text)
	if d.HTML {
		m.AddAlternativeString(mail.TypeTextHTML, simpleHTML(text))
	}
	for _, f := range d.Files {
		if err := m.AttachReader(f.Name, bytes.NewReader(f.Data), mail.WithFileContentType(mail.ContentType(f.ContentType))); err != nil {
			return nil, fmt.Errorf("build email: attachment %s: %w", f.Name, err)
		}
	}
	return m, nil
}

// Queue checks what the person wrote, builds the message and stores it in
// the outbox. Bad input comes back as a *data.ValidationError naming the
// field; nothing is queued then.
func Queue(ctx context.Context, st *data.Store, actor int64, in data.ComposeInput) (data.OutboxItem, error) {
	d, err := st.PrepareEmail(ctx, actor, in)
	if err != nil {
		return data.OutboxItem{}, err
	}
	raw, err := Build(d)
	if err != nil {
		return data.OutboxItem{}, err
	}
	return st.QueueEmail(ctx, d, raw)
}

// Edit rebuilds a queued (or failed) message from what the person changed;
// its Message-ID stays. It fails with data.ErrConflict once a sender has
// claimed it.
func Edit(ctx context.Context, st *data.Store, actor, outboxID int64, in data.ComposeInput) (data.OutboxItem, error) {
	d, err := st.PrepareEdit(ctx, actor, outboxID, in)
	if err != nil {
		return data.OutboxItem{}, err
	}
	raw, err := Build(d)
	if err != nil {
		return data.OutboxItem{}, err
	}
	return st.QueueEmail(ctx, d, raw)
}
