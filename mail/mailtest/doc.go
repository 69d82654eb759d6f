// Package mailtest provides real mail servers for tests: an in-process IMAP
// server (go-imap imapmemserver), a real Dovecot started on loopback with its
// own configuration, and an in-process SMTP server (go-smtp) that records
// what it accepts and can be told to fail or to drop the connection.
//
// Every constructor takes a testing.TB and registers its own cleanup, so a
// test only has to call it:
//
//	srv := mailtest.NewIMAPMemServer(t, "alice", "secret")
//	uid := srv.Append(t, "INBOX", raw)
//
// The package imports only the standard library and the mail protocol
// libraries; it never imports fyne.io.
package mailtest
