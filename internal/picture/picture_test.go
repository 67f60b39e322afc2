package picture

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-gl/mathgl/mgl32"
	"go.uber.org/goleak"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/raster"
	"github.com/stlview/stlview/internal/render/scene"
)

// TestMain fails the run if a rasterizer's workers outlive the tests.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newRenderer returns a rasterizer that is closed when the test ends.
func newRenderer(t *testing.T) *raster.Renderer {
	r := raster.New(2)
	t.Cleanup(r.Close)
	return r
}

// savePNG writes img to $STLVIEW_TEST_PNG/name.png when that is set, so a
// person can look at what the tests drew.
func savePNG(t *testing.T, name string, img image.Image) {
	t.Helper()
	dir := os.Getenv("STLVIEW_TEST_PNG")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, "picture "+name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(EncodePNG(f, img), f.Close()); err != nil {
		t.Fatal(err)
	}
}

// differs reports whether c is far from the background: a mesh or text.
func differs(c color.RGBA) bool {
	bg := scene.DefaultBackground
	d := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
	return max(d(c.R, bg.R), d(c.G, bg.G), d(c.B, bg.B)) > 24
}

// isErrorText reports whether c is a pixel of errorColor text, blended
// with whatever lies under it: red well above green and blue, green
// clearly above the placeholder's.
func isErrorText(c color.RGBA) bool {
	return c.R > 150 && c.G > 70 && int(c.R)-int(c.G) > 60 && int(c.R)-int(c.B) > 60
}

// count returns how many pixels of r in img satisfy f.
func count(img *image.RGBA, r image.Rectangle, f func(color.RGBA) bool) int {
	n := 0
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if f(img.RGBAAt(x, y)) {
				n++
			}
		}
	}
	return n
}

// extent returns the smallest rectangle holding the pixels of r that
// differ from the background.
func extent(img *image.RGBA, r image.Rectangle) image.Rectangle {
	var e image.Rectangle
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if differs(img.RGBAAt(x, y)) {
				e = e.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return e
}

// projected returns the rectangle that m's vertices project to when the
// default pose frames m's points in viewport vp.
func projected(m *mesh.Mesh, vp image.Rectangle) image.Rectangle {
	v := scene.View{Viewport: vp, Items: []scene.Item{{Mesh: m, Model: mgl32.Ident4()}}}
	aspect := float32(vp.Dx()) / float32(vp.Dy())
	v.Camera = scene.Pose{}.Camera(m.Bounds, aspect)
	v.Camera.FitPoints(scene.Silhouette(m, nil), m.Bounds, aspect)
	f := v.Frame()
	var r image.Rectangle
	for i := range m.Vertices() {
		x, y, _, ok := f.Project(m.Vertex(i))
		if ok {
			r = r.Union(image.Rect(int(x), int(y), int(x)+1, int(y)+1))
		}
	}
	return r
}

func torus() *mesh.Mesh { return mesh.Torus(8, 2, 48, 16).Indexed() }

// TestGalleryOne checks that a single item fills the picture, with no
// label and no grid.
func TestGalleryOne(t *testing.T) {
	r := newRenderer(t)
	for _, size := range []image.Point{{320, 240}, {240, 320}, {200, 200}} {
		t.Run(image.Rectangle{Max: size}.String(), func(t *testing.T) {
			img := Gallery(r, []Item{{Name: "torus.stl", Mesh: torus()}}, Options{Size: size})
			if img.Rect.Size() != size {
				t.Fatalf("got a %v picture, want %v", img.Rect.Size(), size)
			}
			savePNG(t, "one "+img.Rect.String(), img)
			// Fitted to the whole picture, the mesh's drawn pixels cover
			// exactly its vertices' projection by a camera fitted so.
			m := torus()
			want := projected(m, img.Rect)
			got := extent(img, img.Rect)
			if d := got.Min.Sub(want.Min).Add(got.Max.Sub(want.Max)); max(d.X, -d.X, d.Y, -d.Y) > 3 || want.Dx() < size.X/2 {
				t.Errorf("the mesh covers %v, want %v: fitted to the whole %v picture", got, want, size)
			}
			if n := count(img, img.Rect, isErrorText); n > 0 {
				t.Errorf("got %d pixels of error text, want none", n)
			}
		})
	}
}

// TestGalleryGrid checks a gallery of several items: each cell shows its
// mesh and its name, and the gaps stay background, even with names too
// long for their labels.
func TestGalleryGrid(t *testing.T) {
	r := newRenderer(t)
	size := image.Pt(480, 360)
	for _, n := range []int{2, 4, 7} {
		t.Run(fmt.Sprintf("%d items", n), func(t *testing.T) {
			items := make([]Item, n)
			for i := range items {
				items[i] = Item{Name: "part.stl", Mesh: torus()}
			}
			items[n-1].Name = strings.Repeat("a very long file name ", 10) + ".stl"
			img := Gallery(r, items, Options{Size: size})
			savePNG(t, fmt.Sprintf("grid %d", n), img)
			cells := scene.GalleryLayout(n, image.Rectangle{Max: size})
			for i, c := range cells {
				if got, min := count(img, c.View, differs), c.View.Dx()*c.View.Dy()/10; got < min {
					t.Errorf("cell %d: got %d mesh pixels in %v, want at least %d", i, got, c.View, min)
				}
				if got := count(img, c.Label, differs); got < 20 {
					t.Errorf("cell %d: got %d text pixels in its label %v, want a name", i, got, c.Label)
				}
			}
			// Nothing is drawn outside the cells: labels are shortened.
			outside := 0
			for y := range size.Y {
				for x := range size.X {
					if scene.CellAt(cells, image.Pt(x, y)) < 0 && differs(img.RGBAAt(x, y)) {
						outside++
					}
				}
			}
			if outside > 0 {
				t.Errorf("got %d drawn pixels outside the cells, want none", outside)
			}
		})
	}
}

// TestGalleryFailed checks that a failed item shows its placeholder, its
// error in its cell and its name in the error colour, alone or in a grid.
func TestGalleryFailed(t *testing.T) {
	r := newRenderer(t)
	size := image.Pt(480, 360)
	failed := Item{Name: "broken.stl", Mesh: asyncload.Placeholder(), Err: errors.New("broken.stl: mesh: unexpected end of file at byte 84")}
	for _, tt := range []struct {
		name  string
		items []Item
		cell  int // the failed item's cell; -1: alone
	}{
		{"alone", []Item{failed}, -1},
		{"in a grid", []Item{{Name: "a.stl", Mesh: torus()}, failed, {Name: "b.stl", Mesh: torus()}}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			img := Gallery(r, tt.items, Options{Size: size})
			savePNG(t, "failed "+tt.name, img)
			where := img.Rect
			var cells []scene.Cell
			if tt.cell >= 0 {
				cells = scene.GalleryLayout(len(tt.items), img.Rect)
				where = cells[tt.cell].View
			}
			if got := count(img, where, isErrorText); got < 50 {
				t.Errorf("got %d pixels of error text in %v, want the error written there", got, where)
			}
			placeholder := func(c color.RGBA) bool { return c.R > 60 && int(c.R) > 2*int(c.G) && int(c.R) > 2*int(c.B) }
			if got := count(img, where, placeholder); got < 200 {
				t.Errorf("got %d pixels of the red placeholder in %v, want it drawn", got, where)
			}
			for i, c := range cells {
				got := count(img, c.Label, isErrorText)
				if i == tt.cell && got < 10 {
					t.Errorf("cell %d: got %d pixels of error colour in its label, want the name in red", i, got)
				}
				if i != tt.cell && got > 0 {
					t.Errorf("cell %d: got %d pixels of error colour in its label, want none", i, got)
				}
				if i != tt.cell && count(img, c.View, isErrorText) > 0 {
					t.Errorf("cell %d: got error text in a cell that loaded", i)
				}
			}
		})
	}
}

// TestGalleryEveryFile checks that every file gets a cell inside the
// picture, which keeps the size asked for, however many files there are;
// and that an empty gallery is the background alone.
func TestGalleryEveryFile(t *testing.T) {
	r := newRenderer(t)
	size := image.Pt(320, 240)
	for _, n := range []int{0, 1, 12, 40, 150} {
		t.Run(fmt.Sprintf("%d items", n), func(t *testing.T) {
			items := make([]Item, n)
			for i := range items {
				items[i] = Item{Name: "t.stl", Mesh: torus()}
			}
			img := Gallery(r, items, Options{Size: size})
			if img.Rect.Size() != size {
				t.Fatalf("got a %v picture, want %v", img.Rect.Size(), size)
			}
			if n == 0 && count(img, img.Rect, differs) > 0 {
				t.Error("an empty gallery drew something, want the background alone")
			}
			if n < 2 {
				return
			}
			cells, h := Layout(n, size)
			if len(cells) != n || h != size.Y {
				t.Fatalf("Layout: got %d cells in a picture %d high, want %d in %d", len(cells), h, n, size.Y)
			}
			for i, c := range cells {
				if !c.Rect.In(img.Rect) {
					t.Errorf("cell %d %v lies outside the picture", i, c.Rect)
				}
				if count(img, c.View, differs) == 0 {
					t.Errorf("cell %d %v: got nothing drawn, want the mesh", i, c.View)
				}
			}
		})
	}
	// Too many files for cells of a few pixels: the picture grows taller
	// rather than drop one.
	cells, h := Layout(5000, size)
	if len(cells) != 5000 || h <= size.Y || scene.ContentBottom(cells) > h {
		t.Errorf("5000 files: got %d cells in a picture %d high, want 5000 in a taller one", len(cells), h)
	}
}

// TestGalleryBackground checks that Options.Background is used and the
// zero colour means scene.DefaultBackground.
func TestGalleryBackground(t *testing.T) {
	r := newRenderer(t)
	for _, tt := range []struct {
		bg, want color.RGBA
	}{
		{color.RGBA{}, scene.DefaultBackground},
		{color.RGBA{250, 250, 250, 255}, color.RGBA{250, 250, 250, 255}},
	} {
		img := Gallery(r, []Item{{Name: "t.stl", Mesh: torus()}}, Options{Size: image.Pt(64, 64), Background: tt.bg})
		if got := img.RGBAAt(0, 0); got != tt.want {
			t.Errorf("Background %v: got corner %v, want %v", tt.bg, got, tt.want)
		}
	}
}

// TestEncodePNG checks that a picture survives encoding and decoding.
func TestEncodePNG(t *testing.T) {
	r := newRenderer(t)
	img := Gallery(r, []Item{{Name: "a.stl", Mesh: torus()}, {Name: "b.stl", Mesh: torus()}}, Options{Size: image.Pt(300, 200)})
	var buf bytes.Buffer
	if err := EncodePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Bounds() != img.Rect {
		t.Fatalf("got bounds %v, want %v", back.Bounds(), img.Rect)
	}
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			if got, want := color.RGBAModel.Convert(back.At(x, y)).(color.RGBA), img.RGBAAt(x, y); got != want {
				t.Fatalf("pixel %d,%d: got %v, want %v", x, y, got, want)
			}
		}
	}
}

// TestEncodePNGError checks that a write error is returned.
func TestEncodePNGError(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	if err := EncodePNG(failingWriter{}, img); !errors.Is(err, errWrite) {
		t.Errorf("got %v, want %v", err, errWrite)
	}
}

var errWrite = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }
