package ui

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"comptoir/data"
	"comptoir/data/datatest"
)

// photoFile writes a w×h JPEG to a real file and returns its path and bytes.
func photoFile(t *testing.T, name string, w, h int) (string, []byte) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

// openForm opens a deal's form and waits for its tabs.
func openForm(t *testing.T, a *App, id int64) *DealForm {
	t.Helper()
	onUI(a, func() { a.openDeal(id) })
	var f *DealForm
	waitFor(t, a, "the deal form", func() bool { f = a.dealForm(id); return f != nil && f.loaded && f.files != nil && f.timeline.loaded })
	return f
}

// TestAttachAPhotoAndSeeItsThumbnail: a real file chosen as the file dialog
// gives it shows its thumbnail in the Files tab and in the timeline; a tap
// shows the picture itself; a file over the limit is refused in words.
func TestAttachAPhotoAndSeeItsThumbnail(t *testing.T) {
	db := datatest.Open(t)
	d := db.Deal(t, db.Sales.ID, "Shop front")
	path, _ := photoFile(t, "front.jpg", 800, 600)
	a := startTest(t, db, db.Sales)
	f := openForm(t, a, d.ID)
	r, err := storage.Reader(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	onUI(a, func() {
		f.tabs.SelectIndex(len(f.tabs.Items) - 1) // Files
		f.files.attach(r)
	})
	var row *fileRow
	waitFor(t, a, "the photo's row with its thumbnail", func() bool {
		if len(f.files.files) != 1 {
			return false
		}
		row = f.files.shown(f.files.files[0].ID)
		return row != nil && row.thumb.Image != nil
	})
	if b := row.thumb.Image.Bounds(); b.Dx() != 320 || b.Dy() != 240 {
		t.Errorf("thumbnail %v, want 320×240", b)
	}
	if row.f.Name != "front.jpg" || row.f.Author != db.Sales.Name {
		t.Errorf("row %+v", row.f)
	}
	waitFor(t, a, "the timeline's entry and thumbnail", func() bool {
		found := false
		for _, r := range f.timeline.rows {
			found = found || (r.title.Text == "Photo added" && r.body != nil && r.body.Text == "front.jpg")
		}
		return found && len(f.timelineThumbs) > 0 && f.timelineThumbs[len(f.timelineThumbs)-1].Image != nil
	})
	onUI(a, func() { test.Tap(row.open) })
	waitFor(t, a, "the picture shown whole", func() bool {
		v := f.files.viewer
		return v != nil && v.image != nil && v.image.Image != nil && v.image.Image.Bounds().Dx() == 800 && v.image.Image.Bounds().Dy() == 600
	})
	// the same photo again is the same file; 30 MB is refused naming the limit
	r2, _ := storage.Reader(storage.NewFileURI(path))
	onUI(a, func() { f.files.attach(r2) })
	big := io.NopCloser(io.LimitReader(zeros{}, 30<<20))
	onUI(a, func() { f.files.attachNamed("survey.mov", big) })
	waitFor(t, a, "the refusal", func() bool { return f.files.err.Visible() })
	onUI(a, func() {
		if msg := f.files.err.Text; !strings.Contains(msg, "survey.mov") || !strings.Contains(msg, "25.0") || !strings.Contains(msg, "MB") {
			t.Errorf("refusal %q", msg)
		}
		if len(f.files.files) != 1 {
			t.Errorf("%d files after the same photo again and a refused one, want 1", len(f.files.files))
		}
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestDeleteADealThenRestoreItFromTheTrash: the form's ⋮ menu deletes the
// deal after asking; it leaves the board, waits in the Trash screen, and
// Restore brings it back whole and opens it.
func TestDeleteADealThenRestoreItFromTheTrash(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Heat pump")
	if _, err := db.SetLines(ctx, db.Sales.ID, d.ID, []data.LineInput{{Name: "Pump", Price: 900000, Quantity: 1000, TaxRate: 550}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddComment(ctx, db.Sales.ID, d.ID, "Garden side"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityMeeting, Subject: "Survey",
		DueAt: db.Clock.Now().Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	_, photo := photoFile(t, "garden.jpg", 100, 80)
	if _, err := db.AddFile(ctx, db.Sales.ID, data.FileOwner{Kind: data.KindDeal, ID: d.ID}, "garden.jpg", bytes.NewReader(photo)); err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales)
	waitFor(t, a, "the card", func() bool { return cardIn(a.main.deals.board, d.StageID, d.ID) })
	f := openForm(t, a, d.ID)
	onUI(a, func() { test.Tap(f.actions) })
	onUI(a, func() { tapMenuItem(t, f.win.Canvas(), 2) }) // Duplicate…, —, Delete…
	waitFor(t, a, "the question", func() bool { return f.lifeDialog != nil && f.lifeDialog.message != nil })
	onUI(a, func() {
		if !strings.Contains(f.lifeDialog.message.Text, "Heat pump") || !strings.Contains(f.lifeDialog.message.Text, "30 days") {
			t.Errorf("question %q", f.lifeDialog.message.Text)
		}
		test.Tap(f.lifeDialog.confirm)
	})
	waitFor(t, a, "the form to close", func() bool { return f.closed })
	waitFor(t, a, "the card to leave the board", func() bool { return !cardIn(a.main.deals.board, d.StageID, d.ID) })

	onUI(a, func() { a.main.show("trash") })
	var row *trashRow
	waitFor(t, a, "the deal in the trash", func() bool {
		if a.main.trash == nil || len(a.main.trash.rows) != 1 {
			return false
		}
		row = a.main.trash.rows[0]
		return row.it.Ref == d.ID
	})
	onUI(a, func() { test.Tap(row.restore) })
	var back *DealForm
	waitFor(t, a, "the restored deal's form", func() bool {
		back = a.dealForm(d.ID)
		return back != nil && back.loaded && back.files != nil && len(back.files.files) == 1 && len(back.timeline.pins) == 1
	})
	lines, err := db.Lines(ctx, db.Sales.ID, d.ID)
	if err != nil || len(lines) != 1 {
		t.Errorf("lines after restore %d, %v", len(lines), err)
	}
	waitFor(t, a, "the comment back on the timeline", func() bool {
		for _, r := range back.timeline.rows {
			if r.e.Kind == data.EntryComment && r.body != nil && r.body.Text == "Garden side" {
				return true
			}
		}
		return false
	})
	waitFor(t, a, "the card back on the board", func() bool { return cardIn(a.main.deals.board, d.StageID, d.ID) })
	waitFor(t, a, "the trash empty", func() bool { return len(a.main.trash.rows) == 0 })
}

// TestComposeAttachesADealFile: a photo of the deal goes with an email from
// the compose dialog, read from the database.
func TestComposeAttachesADealFile(t *testing.T) {
	fs := &fakeSender{}
	db := datatest.Open(t)
	deal := mailDeal(t, db)
	_, photo := photoFile(t, "site.jpg", 120, 90)
	if _, err := db.AddFile(context.Background(), db.Sales.ID, data.FileOwner{Kind: data.KindDeal, ID: deal.ID}, "site.jpg", bytes.NewReader(photo)); err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales, withSender(fs))
	tab := openEmailTab(t, a, deal.ID)
	onUI(a, func() { test.Tap(tab.write) })
	var c *composeForm
	waitFor(t, a, "the compose dialog", func() bool { c = tab.f.compose; return c != nil })
	onUI(a, func() { test.Tap(c.addDealFile) })
	waitFor(t, a, "the deal's files to choose from", func() bool { return c.dealFilePick != nil && len(c.dealFilePick.Options) == 1 })
	files, _ := db.Files(context.Background(), db.Sales.ID, data.FileOwner{Kind: data.KindDeal, ID: deal.ID})
	onUI(a, func() { c.attachDealFile(files[0]) })
	waitFor(t, a, "the attachment", func() bool { return len(c.attach) == 1 })
	onUI(a, func() {
		c.subject.SetText("The site")
		test.Tap(c.fd.save)
	})
	waitFor(t, a, "the dialog to close", func() bool { return c.fd.closed })
	items, err := db.Outbox(context.Background(), db.Sales.ID, 10)
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox %v %v", items, err)
	}
	raw, _ := db.EmailRaw(context.Background(), db.Admin.ID, items[0].EmailID)
	if !strings.Contains(string(raw), `filename="site.jpg"`) && !strings.Contains(string(raw), "site.jpg") {
		t.Fatalf("queued bytes lack the photo:\n%.2000s", raw)
	}
}

// TestDeleteAContactWithItsDealsThenRestore: a manager deletes a contact,
// choosing to send its deals to the trash too; the trash shows the contact
// with its deals, and Restore brings all back, linked again; its business
// card file comes back with it.
func TestDeleteAContactWithItsDealsThenRestore(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	c, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Marius Vidal", Emails: []string{"marius@vidal.test"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"Roof", "Gutters"} {
		if _, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: title, ContactID: c.ID}); err != nil {
			t.Fatal(err)
		}
	}
	a := startTest(t, db, db.Manager)
	var s *clientsScreen
	onUI(a, func() {
		openClient(a, data.KindContact, c.ID)
		s = a.main.contacts
	})
	var f *ClientForm
	waitFor(t, a, "the contact's form with Delete and Files", func() bool {
		f = s.form
		return f != nil && f.life.del.Visible() && f.life.files != nil && len(f.dealBtns) == 2
	})
	path, _ := photoFile(t, "card.jpg", 300, 180)
	r, _ := storage.Reader(storage.NewFileURI(path))
	onUI(a, func() { f.life.files.attach(r) })
	waitFor(t, a, "the card's thumbnail", func() bool {
		fs := f.life.files.files
		if len(fs) != 1 {
			return false
		}
		r := f.life.files.shown(fs[0].ID)
		return r != nil && r.thumb.Image != nil
	})
	onUI(a, func() { test.Tap(f.life.del) })
	waitFor(t, a, "the question about its deals", func() bool { return f.life.ask != nil && f.life.ask.deals != nil })
	ask := f.life.ask
	onUI(a, func() {
		ask.deals.SetSelected(ask.deals.Options[1]) // to the trash too
		test.Tap(ask.confirm)
	})
	waitFor(t, a, "the form to close", func() bool { return s.form == nil })
	if _, err := db.Contact(ctx, db.Manager.ID, c.ID); err == nil {
		t.Fatal("the contact is still there")
	}
	onUI(a, func() { a.main.show("trash") })
	var row *trashRow
	waitFor(t, a, "the contact in the trash with its two deals", func() bool {
		ts := a.main.trash
		if ts == nil {
			return false
		}
		for _, r := range ts.rows {
			if r.it.Kind == data.KindContact && r.it.Children == 2 {
				row = r
			}
		}
		return row != nil && len(ts.rows) == 3
	})
	onUI(a, func() { test.Tap(row.restore) })
	waitFor(t, a, "the trash empty", func() bool { return len(a.main.trash.rows) == 0 })
	back, err := db.Contact(ctx, db.Sales.ID, c.ID)
	if err != nil || back.Name != "Marius Vidal" || len(back.Emails) != 1 {
		t.Fatalf("restored contact %+v, %v", back, err)
	}
	rows, _ := db.ClientDeals(ctx, db.Sales.ID, data.KindContact, c.ID, 10)
	if len(rows) != 2 {
		t.Errorf("%d deals linked again, want 2", len(rows))
	}
	if fs, _ := db.Files(ctx, db.Sales.ID, data.FileOwner{Kind: data.KindContact, ID: c.ID}); len(fs) != 1 || fs[0].Name != "card.jpg" {
		t.Errorf("files after restore %+v", fs)
	}
}
