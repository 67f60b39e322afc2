package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/stltest"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render"
	"github.com/stlview/stlview/internal/render/scene"
)

// The tests in this file run the real Game in a window (see TestMain) and
// check the picture it saves with Options.Screenshot once everything is
// loaded and drawn. Set STLVIEW_TEST_PNG to a folder to keep the pictures.

// gameLimit bounds one game: loading a few small files and drawing them
// takes well under a second under Xvfb and llvmpipe.
const gameLimit = 30 * time.Second

// renderers are the backends each window test runs with.
var renderers = []struct {
	name string
	new  func() render.Renderer
}{
	{"gpu", func() render.Renderer { return render.NewGPU() }},
	{"cpu", func() render.Renderer { return render.NewCPU() }},
}

// pngPath returns where a test saves the picture called name.
func pngPath(t *testing.T, name string) string {
	dir := os.Getenv("STLVIEW_TEST_PNG")
	if dir == "" {
		dir = t.TempDir()
	}
	return filepath.Join(dir, "ui "+name+".png")
}

// readPNG reads the picture the game saved.
func readPNG(t *testing.T, path string) *image.RGBA {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the game saved no picture: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		t.Fatalf("got a %T, want *image.RGBA", img)
	}
	if got := rgba.Rect.Size(); got != image.Pt(testWidth, testHeight) {
		t.Fatalf("got a %v picture, want the %dx%d window", got, testWidth, testHeight)
	}
	return rgba
}

// screenshotGame returns a game that loads sources with a loader of its
// own (closed when the test ends), draws with r and saves its picture to
// shot once complete.
func screenshotGame(t *testing.T, r render.Renderer, shot string, sources ...string) *Game {
	t.Helper()
	g := newGame(t, Options{Renderer: r, Screenshot: shot}, asyncload.Config{Workers: 2})
	for _, s := range sources {
		if err := g.Add(s, asyncload.High); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

// Pixel classes.
func near(c, want color.RGBA, tol int) bool {
	d := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
	return max(d(c.R, want.R), d(c.G, want.G), d(c.B, want.B)) <= tol
}

func isBackground(c color.RGBA) bool { return near(c, scene.DefaultBackground, 6) }

// isRed and isGreen tell the shaded faces of the red and green parts, and
// of the red placeholder, apart from anything else.
func isRed(c color.RGBA) bool {
	return int(c.R) > int(c.G)+30 && int(c.R) > int(c.B)+30 && c.G < 70
}

func isGreen(c color.RGBA) bool { return int(c.G) > int(c.R)+30 && int(c.G) > int(c.B)+30 }

// isText tells the HUD's light text (or its anti-aliased core): brighter
// in red than any shaded face of the default colour.
func isText(c color.RGBA) bool { return c.R > 190 && c.G > 190 && c.B > 190 }

// isPanelText tells text, bright or dim, on a HUD panel, which lets
// little of what lies under it through.
func isPanelText(c color.RGBA) bool { return c.R > 110 && c.G > 110 && c.B > 110 }

// isErrorText tells text in the HUD's error colour: reddish, with more
// green than the red faces have.
func isErrorText(c color.RGBA) bool {
	return c.R > 150 && c.G >= 70 && int(c.R)-int(c.G) > 60 && int(c.R)-int(c.B) > 60
}

// isMesh tells the shaded faces of meshes in the default colour: blue
// strongest, and far from the background.
func isMesh(c color.RGBA) bool {
	return !near(c, scene.DefaultBackground, 24) && c.B >= c.G && c.G >= c.R && int(c.B)-int(c.R) < 60
}

// count returns how many pixels of r, outside the rectangles skip, satisfy f.
func count(img *image.RGBA, r image.Rectangle, f func(color.RGBA) bool, skip ...image.Rectangle) int {
	n := 0
	r = r.Intersect(img.Rect)
outer:
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			for _, s := range skip {
				if image.Pt(x, y).In(s) {
					continue outer
				}
			}
			if f(img.RGBAAt(x, y)) {
				n++
			}
		}
	}
	return n
}

// TestWindowGallery runs the game on several files, one of them broken,
// and checks the finished gallery: every cell shows its mesh and its name,
// the broken file its placeholder and error, and the HUD its bars.
func TestWindowGallery(t *testing.T) {
	if !haveDisplay {
		t.Skip("needs a display: make test runs the tests under xvfb-run")
	}
	dir := t.TempDir()
	files := []string{
		stltest.WriteMesh(t, dir, "torus.stl", mesh.Torus(8, 2, 64, 24)),
		stltest.WriteMesh(t, dir, "sphere.stl", mesh.Sphere(5, 48, 24)),
		stltest.WriteFile(t, dir, "broken.stl", truncated),
		stltest.WriteMesh(t, dir, "cylinder.stl", mesh.Cylinder(3, 12, 48)),
		stltest.WriteMesh(t, dir, "cube.stl", mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 10, 10})),
	}
	const broken = 2
	for _, rr := range renderers {
		t.Run(rr.name, func(t *testing.T) {
			checkLeaks(t)
			shot := pngPath(t, "gallery "+rr.name)
			g := screenshotGame(t, rr.new(), shot, files...)
			if err := runGame(t, g, gameLimit); err != nil {
				t.Fatal(err)
			}
			img := readPNG(t, shot)
			cells := scene.GalleryLayout(len(files), image.Rect(0, topBar, testWidth, testHeight))
			// Loading is over: no progress panel; the top bar counts the
			// failure and the list (L) names it.
			panel := image.Rectangle{}
			for i, c := range cells {
				area := (c.View.Dx() * c.View.Dy()) - (c.View.Intersect(panel).Dx() * c.View.Intersect(panel).Dy())
				if i == broken {
					if got := count(img, c.View, isRed, panel); got < area/50 {
						t.Errorf("broken cell: got %d pixels of the red placeholder, want at least %d", got, area/50)
					}
					if got := count(img, c.View, isErrorText, panel); got < 40 {
						t.Errorf("broken cell: got %d pixels of error text, want the error written", got)
					}
					if got := count(img, c.Label, isErrorText, panel); got < 10 {
						t.Errorf("broken cell: got %d pixels of error colour in its label, want the name in red", got)
					}
					continue
				}
				if got := count(img, c.View, isMesh, panel); got < area/20 {
					t.Errorf("cell %d %s: got %d mesh pixels of %d, want at least %d", i, filepath.Base(files[i]), got, area, area/20)
				}
				if got := count(img, c.View, isErrorText, panel); got > 0 {
					t.Errorf("cell %d: got %d pixels of error text in a cell that loaded", i, got)
				}
				if c.Label.Overlaps(panel) {
					continue // the progress panel covers the name
				}
				if got := count(img, c.Label, isText); got < 10 {
					t.Errorf("cell %d: got %d text pixels in its label, want its name", i, got)
				}
			}
			if got := count(img, image.Rect(0, 0, testWidth, topBar), isText); got < 100 {
				t.Errorf("top bar: got %d text pixels, want its text", got)
			}

			// Between the cells and around them lies the background.
			gaps := 0
			for y := topBar; y < testHeight; y++ {
				for x := range testWidth {
					if p := image.Pt(x, y); scene.CellAt(cells, p) < 0 && !p.In(panel) && !isBackground(img.RGBAAt(x, y)) {
						gaps++
					}
				}
			}
			if gaps > 0 {
				t.Errorf("got %d drawn pixels between the cells, want the background", gaps)
			}
			if c := g.Counts(); c.Failed != 1 || c.Loaded != 4 {
				t.Errorf("counts %+v, want 4 loaded, 1 failed", c)
			}
		})
	}
}

// crossedParts are two bars, red along x and green along y, that pass
// through each other: seen from above at an angle, each is in front of the
// other on one side of the crossing, which no back-to-front order of whole
// triangles can draw.
var crossedParts = []struct {
	lo, hi mgl32.Vec3
	color  mesh.Color
	is     func(color.RGBA) bool
}{
	{mgl32.Vec3{-10, -3, -3}, mgl32.Vec3{10, 3, 3}, mesh.Color{R: 230, G: 40, B: 40, A: 255}, isRed},
	{mgl32.Vec3{-3, -10, -5}, mgl32.Vec3{3, 10, 5}, mesh.Color{R: 40, G: 210, B: 60, A: 255}, isGreen},
}

// writeCrossed writes the crossed parts, with face colours, into one file.
func writeCrossed(t *testing.T, dir string) string {
	t.Helper()
	var parts []*mesh.Mesh
	for _, p := range crossedParts {
		parts = append(parts, mesh.Cuboid(p.lo, p.hi).Paint(p.color))
	}
	var buf bytes.Buffer
	if err := mesh.EncodeBinary(&buf, mesh.Merge(parts...), mesh.BinaryOptions{Colors: mesh.VisCAM}); err != nil {
		t.Fatal(err)
	}
	return stltest.WriteFile(t, dir, "crossed.stl", buf.Bytes())
}

// nearestPart returns the part the ray through pixel x, y of the frame
// meets first, or -1 for none, and whether the ray meets both parts.
func nearestPart(f *scene.Frame, inv mgl32.Mat4, x, y float32) (part int, both bool) {
	nx, ny := f.ToNDC(x, y)
	a := mgl32.TransformCoordinate(mgl32.Vec3{nx, ny, -1}, inv)
	b := mgl32.TransformCoordinate(mgl32.Vec3{nx, ny, 1}, inv)
	dir := b.Sub(a)
	part, best, hits := -1, float32(0), 0
	for i, p := range crossedParts {
		// The slab method: the ray is inside the box between enter and leave.
		enter, leave := float32(-1e30), float32(1e30)
		for k := range 3 {
			if dir[k] == 0 {
				if a[k] < p.lo[k] || a[k] > p.hi[k] {
					enter = 1e30
				}
				continue
			}
			t0, t1 := (p.lo[k]-a[k])/dir[k], (p.hi[k]-a[k])/dir[k]
			enter, leave = max(enter, min(t0, t1)), min(leave, max(t0, t1))
		}
		if enter <= leave && leave > 0 {
			hits++
			if part < 0 || enter < best {
				part, best = i, enter
			}
		}
	}
	return part, hits == 2
}

// TestWindowOcclusion runs the game on one file of two crossed parts,
// which it shows alone, and checks every pixel away from an edge against
// a ray cast: the part nearest the eye must show, on both sides of the
// crossing.
func TestWindowOcclusion(t *testing.T) {
	if !haveDisplay {
		t.Skip("needs a display: make test runs the tests under xvfb-run")
	}
	file := writeCrossed(t, t.TempDir())
	for _, rr := range renderers {
		t.Run(rr.name, func(t *testing.T) {
			checkLeaks(t)
			shot := pngPath(t, "crossed "+rr.name)
			g := screenshotGame(t, rr.new(), shot, file)
			if err := runGame(t, g, gameLimit); err != nil {
				t.Fatal(err)
			}
			img := readPNG(t, shot)
			e := g.view.entry
			if e == nil || e.Mesh() == nil {
				t.Fatal("the lone file was not opened by itself")
			}
			hud := []image.Rectangle{image.Rect(0, 0, testWidth, topBar)}
			if ops := layoutPanel(g.infoLines(e), image.Rect(0, topBar, testWidth, testHeight), measure); len(ops) > 0 {
				hud = append(hud, ops[0].Rect)
			}
			v := scene.View{Viewport: image.Rect(0, 0, testWidth, testHeight), Items: []scene.Item{{Mesh: e.Mesh(), Model: mgl32.Ident4()}}}
			v.Camera = Options{}.Pose.Camera(e.Bounds, float32(testWidth)/testHeight)
			f := v.Frame()
			inv := f.ViewProjection.Inv()
			var wrong, checked, redFront, greenFront int
			var firstWrong image.Point
			for y := 1; y < testHeight-1; y++ {
			pixels:
				for x := 1; x < testWidth-1; x++ {
					for _, r := range hud {
						if image.Pt(x, y).In(r.Inset(-2)) {
							continue pixels
						}
					}
					want, both := nearestPart(&f, inv, float32(x)+0.5, float32(y)+0.5)
					// Leave out pixels by an edge or on the crossing line:
					// where a neighbour's answer differs.
					for _, d := range []image.Point{{-1, 0}, {1, 0}, {0, -1}, {0, 1}, {-1, -1}, {1, 1}, {-1, 1}, {1, -1}} {
						if p, _ := nearestPart(&f, inv, float32(x+d.X)+0.5, float32(y+d.Y)+0.5); p != want {
							continue pixels
						}
					}
					checked++
					c := img.RGBAAt(x, y)
					ok := isBackground(c)
					if want >= 0 {
						ok = crossedParts[want].is(c)
						if both && want == 0 {
							redFront++
						} else if both {
							greenFront++
						}
					}
					if !ok {
						if wrong == 0 {
							firstWrong = image.Pt(x, y)
						}
						wrong++
					}
				}
			}
			t.Logf("%d pixels checked; where the rays meet both parts, red is in front at %d and green at %d", checked, redFront, greenFront)
			if redFront < 200 || greenFront < 200 {
				t.Errorf("the picture does not show each part in front of the other (%d and %d pixels): the test needs a crossing", redFront, greenFront)
			}
			// Under llvmpipe no pixel is wrong. Other drivers rasterize with
			// their own sub-pixel precision, so a pixel whose centre lies a
			// hair from a triangle's edge inside a face may differ: allow
			// one in ten thousand, as the render package's tests allow a few.
			if wrong > checked/10000 {
				c := img.RGBAAt(firstWrong.X, firstWrong.Y)
				want, _ := nearestPart(&f, inv, float32(firstWrong.X)+0.5, float32(firstWrong.Y)+0.5)
				t.Errorf("got %d of %d pixels showing the wrong part; the first at %v is %v, want part %d (-1: background)", wrong, checked, firstWrong, c, want)
			}
			if got := count(img, image.Rect(0, 0, testWidth, topBar), isText); got < 100 {
				t.Errorf("top bar: got %d text pixels, want its text", got)
			}
			if got := count(img, hud[len(hud)-1], isPanelText); got < 500 {
				t.Errorf("info panel: got %d text pixels, want the file's figures", got)
			}
		})
	}
}

// TestWindowHelp runs the game with the help shown and the renderer chosen
// by measurement, as the viewer starts by default.
func TestWindowHelp(t *testing.T) {
	if !haveDisplay {
		t.Skip("needs a display: make test runs the tests under xvfb-run")
	}
	checkLeaks(t)
	dir := t.TempDir()
	shot := pngPath(t, "help")
	g := screenshotGame(t, nil, shot, stltest.WriteTorus(t, dir, "a.stl", 16), stltest.WriteTorus(t, dir, "b.stl", 16))
	g.help = true
	if err := runGame(t, g, gameLimit); err != nil {
		t.Fatal(err)
	}
	img := readPNG(t, shot)
	if g.Renderer() == nil || !strings.Contains(g.rendererNote, "auto") {
		t.Errorf("got renderer %v, note %q; want one chosen on its own", g.Renderer(), g.rendererNote)
	}
	ops := layoutHelp(image.Rect(0, 0, testWidth, testHeight), measure)
	panel := ops[0].Rect
	// One line of text is about a thousand light pixels: want most lines.
	if got := count(img, panel, isPanelText); got < 50*len(ops) {
		t.Errorf("help panel: got %d text pixels, want %d texts", got, len(ops)-1)
	}
	for _, op := range ops[1:] {
		line := image.Rect(op.At.X, op.At.Y, op.At.X+measure(op.Text), op.At.Y+lineHeight)
		if count(img, line, isPanelText) == 0 {
			t.Errorf("help text %q: got nothing drawn at %v", op.Text, line)
		}
	}
}

// TestWindowResize checks that the gallery is laid out again, and its
// cameras fitted again, when the window changes size.
func TestWindowResize(t *testing.T) {
	if !haveDisplay {
		t.Skip("needs a display: make test runs the tests under xvfb-run")
	}
	checkLeaks(t)
	g := newTestGame(t, "a.stl", "b.stl", "c.stl", "d.stl", "e.stl")
	g.gallery.cells = nil
	for _, size := range []image.Point{{800, 600}, {400, 900}, {1200, 300}, {400, 900}} {
		onMain(t, func() {
			g.Layout(size.X, size.Y)
			g.layout()
		})
		if got := g.layer.Bounds().Size(); got != size {
			t.Errorf("%v: got a %v layer, want the window's size", size, got)
		}
		want := scene.GalleryLayout(5, image.Rect(0, topBar, size.X, size.Y))
		if !slices.Equal(g.gallery.cells, want) {
			t.Errorf("%v: got cells %v, want %v", size, g.gallery.cells, want)
			continue
		}
		for i, e := range g.lib.Entries() {
			if st := g.gallery.state(e); st.fit || st.drawn {
				t.Errorf("%v: cell %d fitted %v, drawn %v; want its camera fitted again and the cell drawn again", size, i, st.fit, st.drawn)
			}
		}
	}
	onMain(t, func() { g.layer.Deallocate() })
}
