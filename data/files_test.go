package data_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"comptoir/data"
	"comptoir/data/datatest"
)

// testJPEG is a w×h photo-like JPEG (a gradient), with an EXIF orientation
// when orientation > 1.
func testJPEG(t testing.TB, w, h, orientation int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if orientation <= 1 {
		return b
	}
	// APP1 Exif: a big-endian TIFF header and one IFD entry, 0x0112 SHORT.
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{uint16(orientation), 0})
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	app1 := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, b[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, b[2:]...)
}

// testScanPDF is a one-page PDF whose page is a JPEG picture, as a phone's
// scanner makes.
func testScanPDF(t testing.TB) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.RegisterImageOptionsReader("scan", fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(testJPEG(t, 600, 840, 1)))
	pdf.ImageOptions("scan", 0, 0, 210, 297, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func addFile(t *testing.T, db *datatest.DB, actor int64, owner data.FileOwner, name string, b []byte) data.FileInfo {
	t.Helper()
	f, err := db.AddFile(context.Background(), actor, owner, name, bytes.NewReader(b))
	if err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return f
}

func dealOwner(d data.Deal) data.FileOwner { return data.FileOwner{Kind: data.KindDeal, ID: d.ID} }

// TestSamePhotoTwiceIsStoredOnce: the same bytes on the same deal are one
// file; on another deal another file, still one blob.
func TestSamePhotoTwiceIsStoredOnce(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	a, b := db.Deal(t, db.Sales.ID, "Site visit"), db.Deal(t, db.Sales.ID, "Second site")
	photo := testJPEG(t, 1200, 900, 1)
	first := addFile(t, db, db.Sales.ID, dealOwner(a), "site.jpg", photo)
	again := addFile(t, db, db.Sales.ID, dealOwner(a), "site (1).jpg", photo)
	if again.ID != first.ID {
		t.Errorf("the same photo on the same deal made file %d beside %d", again.ID, first.ID)
	}
	other := addFile(t, db, db.Sales.ID, dealOwner(b), "site.jpg", photo)
	if other.ID == first.ID {
		t.Error("the photo on another deal is the first deal's file")
	}
	sum := sha256.Sum256(photo)
	if first.SHA256 != hex.EncodeToString(sum[:]) || other.SHA256 != first.SHA256 {
		t.Errorf("sha256 %s / %s, want %x", first.SHA256, other.SHA256, sum)
	}
	if n := countRows(t, db, "blobs"); n != 1 {
		t.Errorf("%d blobs for one photo, want 1", n)
	}
	var stored int64
	if err := rawDB(t, db.Path).QueryRow(`SELECT sum(length(data)) FROM blobs`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != int64(len(photo)) {
		t.Errorf("%d bytes stored for a photo of %d", stored, len(photo))
	}
	if n := countRows(t, db, "files"); n != 2 {
		t.Errorf("%d files, want 2 (one per deal)", n)
	}
	got, err := db.FileData(ctx, db.Sales.ID, other.ID)
	if err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("bytes back: %d bytes, %v", len(got), err)
	}
	// deleting one keeps the bytes the other names; deleting both drops them
	if err := db.DeleteFile(ctx, db.Sales.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, "blobs"); n != 1 {
		t.Errorf("%d blobs after deleting one of two files, want 1", n)
	}
	if err := db.DeleteFile(ctx, db.Sales.ID, other.ID); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, "blobs"); n != 0 {
		t.Errorf("%d blobs after deleting both files, want 0", n)
	}
}

// TestFileOverTheLimitIsRefusedInWords: 30 MB against the 25 MB default.
func TestFileOverTheLimitIsRefusedInWords(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	d := db.Deal(t, db.Sales.ID, "Big file")
	big := bytes.Repeat([]byte("0123456789abcdef"), 30<<20/16)
	_, err := db.AddFile(context.Background(), db.Sales.ID, dealOwner(d), "survey.mov", bytes.NewReader(big))
	v := data.FieldErrors(err)
	if v == nil || v.Field("file") == nil || v.Field("file").Code != data.FileTooLarge {
		t.Fatalf("30 MB file: %v, want a too_large error on file", err)
	}
	if msg := v.Field("file").Message; !strings.Contains(msg, "25.0\u00a0MB") || !strings.Contains(msg, "survey.mov") {
		t.Errorf("message %q does not name the file and the limit", msg)
	}
	le := data.FileLimit(err)
	if le == nil || le.Limit != 25<<20 || le.Size <= le.Limit {
		t.Fatalf("limit error %+v", le)
	}
	if n := countRows(t, db, "blobs"); n != 0 {
		t.Errorf("a refused file left %d blobs", n)
	}
	// an admin may raise the limit; a sales employee may not
	if err := db.SetFileMaxSize(context.Background(), db.Sales.ID, 40<<20); !errors.Is(err, data.ErrForbidden) {
		t.Errorf("sales set the limit: %v", err)
	}
	if err := db.SetFileMaxSize(context.Background(), db.Admin.ID, 40<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddFile(context.Background(), db.Sales.ID, dealOwner(d), "survey.mov", bytes.NewReader(big)); err != nil {
		t.Fatalf("under a 40 MB limit: %v", err)
	}
}

// TestHostileFileNamesAreStoredAndSavedSafely: a name that climbs folders or
// is a Windows device is stored under a name that is safe as a path.
func TestHostileFileNamesAreStoredAndSavedSafely(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	d := db.Deal(t, db.Sales.ID, "Names")
	dir := t.TempDir()
	for i, tc := range []struct{ name, want string }{
		{"../../evil", "evil"},
		{`..\..\windows\evil.bat`, "evil.bat"},
		{"CON", "_CON"},
		{"con.txt", "_con.txt"},
		{"photo\u202egpj.exe", "photogpj.exe"},
		{"...", "file"},
		{"a:b*c?.txt", "a_b_c_.txt"},
	} {
		f := addFile(t, db, db.Sales.ID, dealOwner(d), tc.name, []byte{byte(i), 'x'})
		if f.Name != tc.want {
			t.Errorf("%q stored as %q, want %q", tc.name, f.Name, tc.want)
		}
		// saving it under its name stays in the folder chosen
		p := filepath.Join(dir, f.Name)
		if filepath.Dir(p) != dir {
			t.Errorf("%q saved as %q leaves %s", tc.name, p, dir)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Errorf("save %q: %v", f.Name, err)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	for _, e := range entries {
		if e.Name() == "evil" || e.Name() == "evil.bat" {
			t.Errorf("a file was written outside the folder: %s", e.Name())
		}
	}
}

// TestPhotoGetsAThumbnailTurnedUpright: a photo taken holding the phone
// sideways (EXIF orientation 6) is a portrait, and so is its thumbnail.
func TestPhotoGetsAThumbnailTurnedUpright(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Thumbs")
	f := addFile(t, db, db.Sales.ID, dealOwner(d), "IMG_0001.JPG", testJPEG(t, 1600, 1200, 6))
	if !f.IsPhoto() || f.ContentType != "image/jpeg" {
		t.Fatalf("photo read as %q, %q", f.Preview, f.ContentType)
	}
	if f.Width != 1200 || f.Height != 1600 {
		t.Errorf("photo is %d×%d, want 1200×1600 upright", f.Width, f.Height)
	}
	thumb, err := db.FileThumb(ctx, db.Sales.ID, f.ID)
	if err != nil || thumb == nil {
		t.Fatalf("thumbnail: %v", err)
	}
	img, err := jpeg.Decode(bytes.NewReader(thumb))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 240 || b.Dy() != 320 {
		t.Errorf("thumbnail %v, want 240×320", b)
	}
	// a PDF that is a scan shows its page; its type comes from its bytes
	pdf := addFile(t, db, db.Sales.ID, dealOwner(d), "signed order.bin", testScanPDF(t))
	if pdf.Preview != data.PreviewPDF || pdf.ContentType != "application/pdf" || pdf.Pages != 1 {
		t.Errorf("scan read as %q %q, %d pages", pdf.Preview, pdf.ContentType, pdf.Pages)
	}
	if thumb, err := db.FileThumb(ctx, db.Sales.ID, pdf.ID); err != nil || thumb == nil {
		t.Errorf("scanned PDF has no thumbnail: %v", err)
	}
	// a text file named like a picture is not believed
	fake := addFile(t, db, db.Sales.ID, dealOwner(d), "fake.jpg", []byte("<html><script>alert(1)</script>"))
	if fake.IsPhoto() || fake.ContentType != "application/octet-stream" {
		t.Errorf("html named .jpg read as %q %q", fake.Preview, fake.ContentType)
	}
	if thumb, err := db.FileThumb(ctx, db.Sales.ID, fake.ID); err != nil || thumb != nil {
		t.Errorf("fake picture has a thumbnail (%d bytes, %v)", len(thumb), err)
	}
}

// TestFileIsATimelineEntryAndFollowsRights: a photo is an entry of the
// deal; an observer reads but neither adds nor deletes; another sales
// employee sees nothing.
func TestFileIsATimelineEntryAndFollowsRights(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Shop front", Observers: []int64{db.Sales2.ID}})
	if err != nil {
		t.Fatal(err)
	}
	f := addFile(t, db, db.Sales.ID, dealOwner(d), "front.jpg", testJPEG(t, 400, 300, 1))
	es, err := db.Timeline(ctx, db.Sales.ID, d.ID, data.TimelineCursor{}, 10)
	if err != nil || len(es) == 0 || es[0].Kind != data.EntryFile || es[0].ID != f.EntryID || es[0].Author != db.Sales.Name {
		t.Fatalf("timeline %+v (%v), want the file's entry first", es, err)
	}
	if got, err := db.FileOfEntry(ctx, db.Sales2.ID, f.EntryID); err != nil || got.ID != f.ID {
		t.Errorf("observer reads the entry's file: %v", err)
	}
	if _, err := db.AddFile(ctx, db.Sales2.ID, dealOwner(d), "mine.jpg", bytes.NewReader([]byte("x"))); !errors.Is(err, data.ErrForbidden) {
		t.Errorf("observer added a file: %v", err)
	}
	if err := db.DeleteFile(ctx, db.Sales2.ID, f.ID); !errors.Is(err, data.ErrForbidden) {
		t.Errorf("observer deleted a file: %v", err)
	}
	stranger, err := db.CreateEmployee(ctx, db.Admin.ID, data.EmployeeInput{Name: "Other", Email: "other@comptoir.test", Role: data.RoleSales, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.FileData(ctx, stranger.ID, f.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("a stranger read the bytes: %v", err)
	}
	if _, err := db.Files(ctx, stranger.ID, dealOwner(d)); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("a stranger listed the files: %v", err)
	}
	// files on a contact and a company
	c, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Card owner"})
	if err != nil {
		t.Fatal(err)
	}
	card := addFile(t, db, db.Sales2.ID, data.FileOwner{Kind: data.KindContact, ID: c.ID}, "card.jpg", testJPEG(t, 300, 200, 1))
	fs, err := db.Files(ctx, db.Sales.ID, data.FileOwner{Kind: data.KindContact, ID: c.ID})
	if err != nil || len(fs) != 1 || fs[0].ID != card.ID || fs[0].EntryID != 0 {
		t.Errorf("contact's files %+v (%v)", fs, err)
	}
	if err := db.DeleteFile(ctx, db.Sales.ID, card.ID); !errors.Is(err, data.ErrForbidden) {
		t.Errorf("a sales employee deleted a colleague's card: %v", err)
	}
	if err := db.DeleteFile(ctx, db.Sales2.ID, card.ID); err != nil {
		t.Errorf("its author could not delete it: %v", err)
	}
	// deleting a deal's file takes its entry too
	if err := db.DeleteFile(ctx, db.Sales.ID, f.ID); err != nil {
		t.Fatal(err)
	}
	es, _ = db.Timeline(ctx, db.Sales.ID, d.ID, data.TimelineCursor{}, 10)
	for _, e := range es {
		if e.Kind == data.EntryFile {
			t.Errorf("the deleted file's entry stays")
		}
	}
}
