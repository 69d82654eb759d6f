package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"comptoir/data"
)

// BenchmarkInboxOpen measures opening the Inbox screen with 500 emails
// waiting (the most it lists): the read and the list shown with the first
// email's detail. Run with
//
//	go test ./ui -run '^$' -bench InboxOpen -benchtime 20x
func BenchmarkInboxOpen(b *testing.B) {
	db := mailDB(b)
	ctx := context.Background()
	acc, err := db.CreateAccount(ctx, db.Admin.ID, data.AccountInput{Email: "sales@ourshop.test", IMAPHost: "127.0.0.1",
		IMAPPort: 1, IMAPSecurity: data.SecurityNone, Policy: data.PolicyInbox, Inactive: true})
	if err != nil {
		b.Fatal(err)
	}
	var msgs []data.Incoming
	for i := range inboxLimit {
		msgs = append(msgs, data.Incoming{UID: uint32(i + 1), Email: &data.Email{
			MessageID: fmt.Sprintf("m%d@sender%d.test", i, i), From: data.Address{Name: fmt.Sprintf("Sender %d", i), Email: fmt.Sprintf("s%d@sender%d.test", i, i)},
			To: []data.Address{{Email: "sales@ourshop.test"}}, Subject: fmt.Sprintf("Request %d", i), Date: time.Now(),
			Text: "Hello,\n\nplease send us a quote.\n", VisibleText: "Hello,\n\nplease send us a quote.\n", Size: 2048}})
	}
	if _, err := db.Ingest(ctx, acc.ID, "INBOX", 1, uint32(len(msgs)), msgs); err != nil {
		b.Fatal(err)
	}
	if n, _ := db.InboxCount(ctx, db.Admin.ID); n != inboxLimit {
		b.Fatalf("inbox holds %d", n)
	}
	a := startTest(b, db, db.Admin)
	b.ResetTimer()
	for range b.N {
		var s *inboxScreen
		onUI(a, func() { s = newInboxScreen(a) })
		waitFor(b, a, "the Inbox", func() bool { return len(s.emails) == inboxLimit && s.sel != 0 })
	}
}
