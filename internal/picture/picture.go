// Package picture makes pictures of meshes without a display: package
// raster draws them on the CPU and golang.org/x/image draws the labels,
// so nothing here opens a window or talks to X11. stlview --screenshot and
// --screenshot-dir use it to make a picture of a gallery, or one
// thumbnail per file, on machines with no graphics at all.
package picture

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strings"
	"sync"

	"github.com/go-gl/mathgl/mgl32"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/raster"
	"github.com/stlview/stlview/internal/render/scene"
)

// Options are the settings of a picture.
type Options struct {
	Size       image.Point // of the whole picture
	Pose       scene.Pose
	Background color.RGBA // zero: scene.DefaultBackground
	Color      mesh.Color // for faces without their own; zero: scene.DefaultColor
	Wireframe  bool
}

// Item is one file of a gallery: its name, and its mesh or the error that
// kept it from loading (Mesh may then be a placeholder).
type Item struct {
	Name string
	Mesh *mesh.Mesh
	Err  error
}

// Colours of the labels.
var (
	labelColor = color.RGBA{230, 232, 236, 255}
	errorColor = color.RGBA{255, 110, 100, 255}
)

// Gallery draws items into a new picture: one file fills it; several are
// laid out as the viewer's gallery (scene.GalleryLayout), each fitted to
// its cell with its name below and, for a failed file, its error. Cells
// that do not fit the picture are left out. r draws; the caller owns the
// result.
func Gallery(r *raster.Renderer, items []Item, o Options) *image.RGBA {
	o = o.withDefaults()
	img := image.NewRGBA(image.Rectangle{Max: o.Size})
	draw.Draw(img, img.Rect, image.NewUniform(o.Background), image.Point{}, draw.Src)
	if len(items) == 1 {
		r.Render(img, []scene.View{o.view(img.Rect, items[0].Mesh)})
		if items[0].Err != nil {
			drawWrapped(img, items[0].Err.Error(), img.Rect.Inset(8), errorColor)
		}
		return img
	}
	cells := scene.GalleryLayout(len(items), img.Rect)
	var views []scene.View
	for i, c := range cells {
		if c.Rect.Max.Y <= img.Rect.Max.Y {
			views = append(views, o.view(c.View, items[i].Mesh))
		}
	}
	r.Render(img, views)
	for i, c := range cells[:len(views)] {
		col := labelColor
		if items[i].Err != nil {
			col = errorColor
			drawWrapped(img, items[i].Err.Error(), c.View.Inset(4), errorColor)
		}
		drawCentred(img, items[i].Name, c.Label, col)
	}
	return img
}

func (o Options) withDefaults() Options {
	if o.Background == (color.RGBA{}) {
		o.Background = scene.DefaultBackground
	}
	return o
}

// view returns the view of m in viewport vp; a nil mesh draws nothing.
func (o Options) view(vp image.Rectangle, m *mesh.Mesh) scene.View {
	v := scene.View{Viewport: vp, Background: o.Background, Wireframe: o.Wireframe}
	if m != nil {
		v.Items = []scene.Item{{Mesh: m, Model: mgl32.Ident4(), Color: o.Color}}
		v.Camera = o.Pose.Camera(m.Bounds, float32(vp.Dx())/float32(max(1, vp.Dy())))
	}
	return v
}

// EncodePNG writes img as PNG, favouring speed over size: for a 1024×768
// picture, 23 ms against the default level's 77 ms (NOTES.md).
func EncodePNG(w io.Writer, img image.Image) error {
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	return enc.Encode(w, img)
}

// labelSize is the labels' text size in pixels.
const labelSize = 13

var (
	faceOnce sync.Once
	face     font.Face
)

// labelFace returns the labels' font, Go Regular.
func labelFace() font.Face {
	faceOnce.Do(func() {
		f, err := opentype.Parse(goregular.TTF)
		if err == nil {
			face, err = opentype.NewFace(f, &opentype.FaceOptions{Size: labelSize, DPI: 72, Hinting: font.HintingFull})
		}
		if err != nil {
			panic("picture: the embedded Go font does not load: " + err.Error())
		}
	})
	return face
}

// drawCentred draws s centred in r, shortened with "…" to fit.
func drawCentred(img *image.RGBA, s string, r image.Rectangle, c color.Color) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: labelFace()}
	for len(s) > 1 && d.MeasureString(s).Ceil() > r.Dx() {
		runes := []rune(strings.TrimSuffix(s, "…"))
		s = string(runes[:len(runes)-1]) + "…"
	}
	w := d.MeasureString(s).Ceil()
	d.Dot = fixed.P(r.Min.X+(r.Dx()-w)/2, r.Min.Y+(r.Dy()+labelSize)/2-2)
	d.DrawString(s)
}

// drawWrapped draws s word-wrapped in r, as many lines as fit.
func drawWrapped(img *image.RGBA, s string, r image.Rectangle, c color.Color) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: labelFace()}
	y := r.Min.Y + labelSize
	var line bytes.Buffer
	flush := func() {
		if line.Len() > 0 && y <= r.Max.Y {
			d.Dot = fixed.P(r.Min.X, y)
			d.DrawString(line.String())
			y += labelSize + 4
		}
		line.Reset()
	}
	for _, w := range strings.Fields(s) {
		if line.Len() > 0 && d.MeasureString(line.String()+" "+w).Ceil() > r.Dx() {
			flush()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(w)
	}
	flush()
}
