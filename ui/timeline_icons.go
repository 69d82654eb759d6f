package ui

import (
	"bytes"
	"image"
	"sync"

	"github.com/fyne-io/oksvg"
	"github.com/srwiley/rasterx"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/ui/widgets"
)

// Icons the theme lacks, drawn in the theme's foreground colour: a phone for
// calls, a coin for payments, a truck for deliveries, a speech bubble for
// comments and a clock for planned activities (shapes after Material Icons,
// Apache 2.0).

const (
	svgPhone   = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000000" d="M6.6 10.8c1.4 2.8 3.8 5.1 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1C10.6 21 3 13.4 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1l-2.3 2.2z"/></svg>`
	svgMoney   = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000000" fill-rule="evenodd" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15.9V19h-2v-1.1c-1.7-.3-3-1.4-3.1-3h1.9c.1.9.8 1.5 2.2 1.5 1.5 0 1.8-.7 1.8-1.2 0-.6-.3-1.2-2-1.6-1.9-.5-3.2-1.2-3.2-2.8 0-1.3 1.1-2.2 2.4-2.5V5h2v1.3c1.4.3 2.2 1.4 2.3 2.7h-1.9c0-.9-.6-1.5-1.8-1.5-1.1 0-1.8.5-1.8 1.2 0 .6.5 1 2 1.4 1.6.4 3.2 1.1 3.2 3 0 1.4-1 2.4-2.5 2.8z"/></svg>`
	svgTruck   = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000000" d="M20 8h-3V4H3c-1.1 0-2 .9-2 2v11h2c0 1.7 1.3 3 3 3s3-1.3 3-3h6c0 1.7 1.3 3 3 3s3-1.3 3-3h2v-5l-3-4zM6 18.5c-.8 0-1.5-.7-1.5-1.5s.7-1.5 1.5-1.5 1.5.7 1.5 1.5-.7 1.5-1.5 1.5zm13.5-9 2 2.5H17V9.5h2.5zM18 18.5c-.8 0-1.5-.7-1.5-1.5s.7-1.5 1.5-1.5 1.5.7 1.5 1.5-.7 1.5-1.5 1.5z"/></svg>`
	svgComment = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000000" d="M20 2H4c-1.1 0-2 .9-2 2v18l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2z"/></svg>`
	svgClock   = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000000" d="M11.99 2C6.47 2 2 6.48 2 12s4.47 10 9.99 10C17.52 22 22 17.52 22 12S17.52 2 11.99 2zM12 20c-4.42 0-8-3.58-8-8s3.58-8 8-8 8 3.58 8 8-3.58 8-8 8zm.5-13H11v6l5.25 3.15.75-1.23-4.5-2.67z"/></svg>`
)

var (
	iconOnce                        sync.Once
	iconPhone, iconMoney, iconTruck fyne.Resource
	iconClock, iconComment          fyne.Resource
)

func loadIcons() {
	iconOnce.Do(func() {
		iconPhone = theme.NewThemedResource(fyne.NewStaticResource("phone.svg", []byte(svgPhone)))
		iconMoney = theme.NewThemedResource(fyne.NewStaticResource("money.svg", []byte(svgMoney)))
		iconTruck = theme.NewThemedResource(fyne.NewStaticResource("truck.svg", []byte(svgTruck)))
		iconClock = theme.NewThemedResource(fyne.NewStaticResource("clock.svg", []byte(svgClock)))
		iconComment = theme.NewThemedResource(fyne.NewStaticResource("comment.svg", []byte(svgComment)))
	})
}

func callIcon() fyne.Resource    { loadIcons(); return iconPhone }
func moneyIcon() fyne.Resource   { loadIcons(); return iconMoney }
func truckIcon() fyne.Resource   { loadIcons(); return iconTruck }
func clockIcon() fyne.Resource   { loadIcons(); return iconClock }
func commentIcon() fyne.Resource { loadIcons(); return iconComment }

// rasterIcon draws a (themed) SVG icon once into a px×px bitmap. A canvas
// image of an SVG resource parses it again for every image that shows it,
// one of a PNG decodes it again; an image made from a bitmap does neither,
// so a page of timeline entries with an icon each costs a fraction as much.
// nil when the icon cannot be drawn.
func rasterIcon(r fyne.Resource, px int) image.Image {
	icon, err := oksvg.ReadIconStream(bytes.NewReader(r.Content()), oksvg.IgnoreErrorMode)
	if err != nil {
		return nil
	}
	icon.SetTarget(0, 0, float64(px), float64(px))
	img := image.NewNRGBA(image.Rect(0, 0, px, px))
	scanner := rasterx.NewScannerGV(px, px, img, img.Bounds())
	icon.Draw(rasterx.NewDasher(px, px, scanner), 1)
	return img
}

// bitmapIcons draws theme icons once, in the current theme's colours, as
// bitmaps (see rasterIcon) for one screen: a page of rows with SVG icons
// cost several times its database read. reset forgets them, so a theme
// change shows at the next refresh.
type bitmapIcons struct {
	imgs map[string]image.Image
}

func (b *bitmapIcons) reset() { b.imgs = nil }

// icon is an inline-size image of the icon.
func (b *bitmapIcons) icon(r fyne.Resource) fyne.CanvasObject {
	img, ok := b.imgs[r.Name()]
	if !ok {
		if b.imgs == nil {
			b.imgs = map[string]image.Image{}
		}
		img = rasterIcon(r, 48) // crisp up to a 2× screen at the inline icon size
		b.imgs[r.Name()] = img
	}
	if img == nil {
		return widget.NewIcon(r)
	}
	c := canvas.NewImageFromImage(img)
	c.FillMode = canvas.ImageFillContain
	c.SetMinSize(fyne.NewSquareSize(theme.IconInlineSize()))
	return c
}

// button is a flat tappable icon (edit, delete on each entry).
func (b *bitmapIcons) button(r fyne.Resource, onTap func()) *widgets.TapBox {
	return widgets.NewTapBox(container.NewPadded(b.icon(r)), onTap)
}
