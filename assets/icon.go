package assets

import (
	"bytes"
	"embed"
	"fmt"
	"image"
	"image/png"
)

//go:generate go run ../dist/icongen -dir icons

// iconFS holds the application icon at the sizes Icons returns. The
// folder icons/ also holds the SVG and the larger sizes that make install
// puts into the hicolor icon theme.
//
//go:embed icons/stlview-16.png icons/stlview-32.png icons/stlview-48.png icons/stlview-64.png icons/stlview-128.png icons/stlview-256.png
var iconFS embed.FS

// iconSizes are the sizes of the icons in iconFS, smallest first.
var iconSizes = [...]int{16, 32, 48, 64, 128, 256}

// Icons returns stlview's application icon decoded at 16, 32, 48, 64, 128
// and 256 pixels square, smallest first, with transparent corners: the
// images ebiten.SetWindowIcon wants, from which the window system picks
// the sizes it shows. Each call decodes afresh, so the caller owns the
// slice and the images. It panics if an embedded icon does not decode,
// which would be a broken build (the package's tests decode them all).
func Icons() []image.Image {
	out := make([]image.Image, 0, len(iconSizes))
	for _, s := range iconSizes {
		name := fmt.Sprintf("icons/stlview-%d.png", s)
		data, err := iconFS.ReadFile(name)
		if err != nil {
			panic("assets: " + err.Error())
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			panic(fmt.Sprintf("assets: %s: %v", name, err))
		}
		if b := img.Bounds(); b.Dx() != s || b.Dy() != s {
			panic(fmt.Sprintf("assets: %s is %dx%d, want %dx%d", name, b.Dx(), b.Dy(), s, s))
		}
		out = append(out, img)
	}
	return out
}
