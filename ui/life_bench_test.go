package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// BenchmarkTimelineOpen opens the form of a deal whose timeline holds 200
// photos, and of one whose timeline holds 200 comments, and waits until its
// first page is on screen with every thumbnail of that page read: the
// photos' thumbnails were made when they were added, and only the page's
// are read.
//
//	go test ./ui -run '^$' -bench TimelineOpen -benchtime 20x
func BenchmarkTimelineOpen(b *testing.B) {
	db := datatest.Open(b)
	ctx := context.Background()
	photos := db.Deal(b, db.Sales.ID, "200 photos")
	comments := db.Deal(b, db.Sales.ID, "200 comments")
	start := time.Now()
	for i := 0; i < 200; i++ {
		img := image.NewRGBA(image.Rect(0, 0, 1280, 960))
		for y := 0; y < 960; y += 8 {
			for x := 0; x < 1280; x += 8 {
				img.Set(x, y, color.RGBA{uint8(i), uint8(x), uint8(y), 255})
			}
		}
		var buf bytes.Buffer
		jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
		if _, err := db.AddFile(ctx, db.Sales.ID, data.FileOwner{Kind: data.KindDeal, ID: photos.ID}, fmt.Sprintf("site-%03d.jpg", i), &buf); err != nil {
			b.Fatal(err)
		}
		if _, err := db.AddComment(ctx, db.Sales.ID, comments.ID, fmt.Sprintf("Comment %d about the site", i)); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("200 photos (1280×960) added with their thumbnails in %v", time.Since(start).Round(time.Millisecond))
	a := startTest(b, db, db.Sales)
	for _, bc := range []struct {
		name string
		id   int64
	}{{"photos", photos.ID}, {"comments", comments.ID}} {
		b.Run(bc.name, func(b *testing.B) {
			var open, all time.Duration
			for b.Loop() {
				var f *DealForm
				start := time.Now()
				onUI(a, func() { f = openDealForm(a, bc.id, data.DealInput{}) })
				// opened: the first page on screen, each row at its size
				for {
					var shown bool
					onUI(a, func() { shown = f.timeline != nil && f.timeline.loaded })
					if shown {
						break
					}
					time.Sleep(100 * time.Microsecond)
				}
				open += time.Since(start)
				spinIdle(a) // and every thumbnail of the page read
				all += time.Since(start)
				onUI(a, func() {
					if len(f.timeline.rows) != timelinePage {
						b.Fatalf("%d rows shown", len(f.timeline.rows))
					}
					if bc.name == "photos" {
						n := 0
						for _, img := range f.timelineThumbs {
							if img.Image != nil {
								n++
							}
						}
						if n != timelinePage {
							b.Fatalf("%d thumbnails read, want the page's %d", n, timelinePage)
						}
					}
					f.close()
				})
			}
			b.ReportMetric(float64(open.Microseconds())/1000/float64(b.N), "open-ms")
			b.ReportMetric(float64(all.Microseconds())/1000/float64(b.N), "thumbs-ms")
		})
	}
}
