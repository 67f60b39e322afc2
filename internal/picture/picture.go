// Package picture makes pictures of meshes without a display: package
// raster draws them on the CPU, supersampled so their edges are smooth,
// and golang.org/x/image draws the labels, so nothing here opens a window
// or talks to X11. stlview --screenshot, --screenshot-dir and the
// thumbnailer use it to make a picture of a gallery, or one thumbnail per
// file, on machines with no graphics at all.
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
	"time"

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
	Size       image.Point // of the whole picture (a gallery may grow taller: see Gallery)
	Pose       scene.Pose
	Background color.RGBA // zero: scene.DefaultBackground
	// Transparent leaves the background transparent (PNG's alpha): for
	// thumbnails, which file managers draw over their own background.
	Transparent bool
	Color       mesh.Color // for faces without their own; zero: scene.DefaultColor
	Wireframe   bool
	BackTint    bool           // tint faces seen from behind
	Section     *scene.Section // cut the parts with a plane
	Ortho       bool           // orthographic camera
	// Interactive draws each part at the level of detail a moving camera
	// draws in the window, instead of at full detail (stlview --detail).
	Interactive bool
	// Supersample is how many samples a pixel has in each direction: 2 or
	// 3 smooth the edges; 0 picks from the picture's size.
	Supersample int
	// Grid and Axes draw guides under and through the parts.
	Grid, Axes bool
}

// Item is one file of a gallery: its name, and its mesh or the error that
// kept it from loading (Mesh may then be a placeholder), with its levels
// of detail if it has any and the lines to draw over it (feature edges).
type Item struct {
	Name   string
	Mesh   *mesh.Mesh
	Levels []*mesh.Mesh
	Lines  []scene.Line
	// Smooth holds corner normals for smooth shading (scene.Item.Smooth),
	// or nil for flat shading.
	Smooth map[*mesh.Mesh][]uint32
	Err    error
}

// Colours of the labels.
var (
	labelColor = color.RGBA{230, 232, 236, 255}
	errorColor = color.RGBA{255, 110, 100, 255}
)

// Layout returns the cells of a gallery of n files in a picture of the
// given size and the picture's height: every file has a cell. The cells
// are the window's gallery's when they fit, and shrink when they do not,
// so the picture keeps the size asked for. Only when the files are too
// many for cells of a few pixels does the picture grow taller, as far as
// it must (up to the rasterizer's largest target, beyond which the last
// files get no cell).
func Layout(n int, size image.Point) ([]scene.Cell, int) {
	area := image.Rectangle{Max: size}
	if cells := scene.GalleryLayout(n, area); cells == nil || scene.ContentBottom(cells) <= size.Y {
		return cells, size.Y
	}
	for area.Max.Y <= raster.MaxTargetSize {
		if cells := scene.GalleryFit(n, area); cells != nil {
			return cells, area.Max.Y
		}
		area.Max.Y += size.Y
	}
	area.Max.Y = raster.MaxTargetSize
	return scene.GalleryLayout(n, area), area.Max.Y
}

// Gallery draws items into a new picture: one file fills it; several are
// laid out as the viewer's gallery, every one of them (see Layout), each
// fitted to its cell with its name below (shortened to fit) and, for a
// failed file, its error. r draws; the caller owns the result.
func Gallery(r *raster.Renderer, items []Item, o Options) *image.RGBA {
	c := NewCanvas(len(items), o)
	for i, it := range items {
		c.Draw(r, i, it)
	}
	return c.Finish()
}

// A Canvas is a gallery picture drawn a cell at a time, so that a
// program can draw each file as it loads and let go of its mesh at once:
// a folder bigger than the memory budget still makes one picture. Draw
// every cell (in any order), then Finish. A Canvas is not safe for
// concurrent use.
type Canvas struct {
	o     Options
	cells []scene.Cell // nil for one file, which fills the picture
	size  image.Point  // the picture, as finished
	k     int          // supersampling factor
	big   *image.RGBA  // the picture at k times its size
	names []string     // the cells' labels
	errs  []error
}

// NewCanvas returns the canvas of a gallery of n files with options o;
// see Gallery for the layout.
func NewCanvas(n int, o Options) *Canvas {
	o = o.withDefaults()
	c := &Canvas{o: o, size: o.Size, names: make([]string, n), errs: make([]error, n)}
	if n > 1 {
		c.cells, c.size.Y = Layout(n, o.Size)
	}
	return c
}

// begin makes the supersampled picture, at the first Draw (or Finish):
// the first part's density sets how many samples a pixel gets.
func (c *Canvas) begin(faces int) {
	if c.big != nil {
		return
	}
	c.k = c.o.supersample(c.size, faces)
	c.big = image.NewRGBA(image.Rectangle{Max: c.size.Mul(c.k)})
	draw.Draw(c.big, c.big.Rect, image.NewUniform(c.o.Background), image.Point{}, draw.Src)
}

// Size returns the finished picture's size: taller than asked for only
// when the files are too many for the size (see Layout).
func (c *Canvas) Size() image.Point { return c.size }

// Draw draws item it in cell i with r. The canvas keeps nothing of the
// item but its name and error: its mesh may go once Draw returns.
func (c *Canvas) Draw(r *raster.Renderer, i int, it Item) {
	if i < 0 || i >= len(c.names) {
		return
	}
	c.names[i], c.errs[i] = it.Name, it.Err
	if it.Mesh != nil {
		c.begin(it.Mesh.Faces())
	} else {
		c.begin(0)
	}
	vp := image.Rectangle{Max: c.size}
	if c.cells != nil {
		if i >= len(c.cells) {
			return
		}
		vp = c.cells[i].View
	}
	v := c.o.view(vp, it)
	v.Viewport = image.Rectangle{Min: vp.Min.Mul(c.k), Max: vp.Max.Mul(c.k)}
	v.Scale = float32(c.k)
	views := []scene.View{v}
	if c.o.Interactive {
		InteractiveDetail(views, []image.Rectangle{vp})
	}
	r.Render(c.big, views)
}

// Finish filters the picture down to its size and writes the labels and
// errors on it. The canvas must not be used afterwards.
func (c *Canvas) Finish() *image.RGBA {
	c.begin(0)
	img := c.big
	if c.k > 1 {
		img = image.NewRGBA(image.Rectangle{Max: c.size})
		raster.Downsample(img, c.big, c.k)
	}
	c.big = nil
	if c.cells == nil {
		if len(c.errs) == 1 && c.errs[0] != nil {
			drawWrapped(img, c.errs[0].Error(), img.Rect.Inset(8), errorColor)
		}
		return img
	}
	for i, cell := range c.cells {
		col := labelColor
		if c.errs[i] != nil {
			col = errorColor
			drawWrapped(img, c.errs[i].Error(), cell.View.Inset(4), errorColor)
		}
		drawCentred(img, c.names[i], cell.Label, col)
	}
	return img
}

func (o Options) withDefaults() Options {
	if o.Background == (color.RGBA{}) {
		o.Background = scene.DefaultBackground
	}
	if o.Transparent {
		o.Background = color.RGBA{} // premultiplied: transparent is all zero
	}
	return o
}

// supersample returns the samples a pixel has in each direction for a
// picture of the given size of a part of faces faces: more for small
// pictures, whose edges show their steps most; two for a part with more
// faces than pixels, whose faces are smaller than its pixels already (and
// which would otherwise take long); within the rasterizer's largest
// target.
func (o Options) supersample(size image.Point, faces int) int {
	k := o.Supersample
	if k <= 0 {
		switch px := size.X * size.Y; {
		case faces > px:
			k = 2
		case px <= 512*512:
			k = 4
		case px <= 2048*2048:
			k = 3
		default:
			k = 2
		}
	}
	for k > 1 && max(size.X, size.Y)*k > raster.MaxTargetSize {
		k--
	}
	return max(1, k)
}

// InteractiveDetail sets the views' levels of detail to those a window
// moving its camera would draw at their sizes as shown (vps), with the CPU
// backend's cost before it has measured anything: what --detail
// interactive compares with full detail.
func InteractiveDetail(views []scene.View, vps []image.Rectangle) {
	for i := range views {
		shown := views[i]
		shown.Viewport, shown.Scale = vps[i], 1
		one := []scene.View{shown}
		scene.FitDetail(one, raster.NominalCost, scene.Detail{Budget: InteractiveBudget})
		views[i].MaxFaces = one[0].MaxFaces
	}
}

// InteractiveBudget is the time a moving frame's 3D picture takes in the
// window before it has measured the machine: what a picture at
// interactive detail is drawn within.
const InteractiveBudget = 9 * time.Millisecond

// view returns the view of item it in viewport vp; a nil mesh draws
// nothing. The camera frames the part's own points, so round parts fill
// their cells as boxes do.
func (o Options) view(vp image.Rectangle, it Item) scene.View {
	v := scene.View{Viewport: vp, Background: o.Background, Wireframe: o.Wireframe, BackTint: o.BackTint, Section: o.Section}
	m := it.Mesh
	if m == nil {
		return v
	}
	v.Items = []scene.Item{{Mesh: m, Levels: it.Levels, Model: mgl32.Ident4(), Color: o.Color, Smooth: it.Smooth}}
	aspect := float32(vp.Dx()) / float32(max(1, vp.Dy()))
	v.Camera = o.Pose.Camera(m.Bounds, aspect)
	v.Camera.Ortho = o.Ortho
	v.Camera.FitPoints(scene.Silhouette(m, it.Levels), m.Bounds, aspect)
	v.Lines = it.Lines
	if o.Grid {
		v.Lines = append(v.Lines, scene.GridLines(m.Bounds, o.Pose.Up)...)
	}
	if o.Axes {
		v.Lines = append(v.Lines, scene.AxisLines(m.Bounds)...)
	}
	scene.WireDetail(&v)
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

// drawCentred draws s centred in r, shortened with "…" to fit; in a
// label too narrow for "…" it draws nothing.
func drawCentred(img *image.RGBA, s string, r image.Rectangle, c color.Color) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: labelFace()}
	for s != "" && d.MeasureString(s).Ceil() > r.Dx() {
		runes := []rune(strings.TrimSuffix(s, "…"))
		if len(runes) == 0 {
			return
		}
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
