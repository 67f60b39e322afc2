package render

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-gl/mathgl/mgl32"
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
	"github.com/stlview/stlview/internal/shading"
)

var (
	red   = mesh.Color{R: 220, G: 60, B: 60, A: 255}
	green = mesh.Color{R: 60, G: 200, B: 90, A: 255}
)

// crossedBars are two boxes that pass through each other: each is in
// front of the other on one side of the crossing, which a back-to-front
// sort of whole triangles cannot draw.
func crossedBars() []scene.Item {
	a := mesh.Cuboid(mgl32.Vec3{-10, -3, -3}, mgl32.Vec3{10, 3, 3})
	b := mesh.Cuboid(mgl32.Vec3{-3, -10, -5}, mgl32.Vec3{3, 10, 5})
	return []scene.Item{
		{Mesh: a, Model: mgl32.Ident4(), Color: red},
		{Mesh: b, Model: mgl32.Ident4(), Color: green},
	}
}

// testScenes are the scenes both backends must draw alike.
func testScenes() map[string][]scene.View {
	fit := func(vp image.Rectangle, items []scene.Item, v scene.StandardView, wire bool) scene.View {
		view := scene.View{Viewport: vp, Items: items, Background: scene.DefaultBackground, Wireframe: wire}
		view.Camera = scene.NewCamera(scene.PlusZ)
		view.Camera.SetView(v)
		view.Camera.Fit(view.Bounds(), float32(vp.Dx())/float32(vp.Dy()))
		return view
	}
	full := image.Rect(0, 0, 320, 240)
	torus := mesh.Torus(8, 2, 96, 32).Indexed()
	rings := []scene.Item{
		{Mesh: torus, Model: mgl32.Ident4()},
		{Mesh: torus, Model: mgl32.Translate3D(8, 0, 0).Mul4(mgl32.HomogRotate3DX(math.Pi / 2)), Color: red},
	}
	colored := mesh.Merge(mesh.Sphere(6, 48, 24), mesh.Cuboid(mgl32.Vec3{-4, -4, -9}, mgl32.Vec3{4, 4, -5}).Paint(green))
	// A floor seen from eye height: it reaches behind the eye, so its faces
	// cross the near plane and must be cut, not dropped.
	floor := fit(full, []scene.Item{
		{Mesh: mesh.Cuboid(mgl32.Vec3{-100, -100, -1}, mgl32.Vec3{100, 100, 0}), Model: mgl32.Ident4(), Color: green},
		{Mesh: torus, Model: mgl32.Translate3D(0, 0, 2)},
	}, scene.Iso, false)
	floor.Camera.Target, floor.Camera.Distance = mgl32.Vec3{0, 0, 2}, 30
	floor.Camera.SetDegrees(-30, 10)
	coarse := mesh.Torus(8, 2, 24, 10)
	var gallery []scene.View
	for i, it := range append(crossedBars(), rings...) {
		vp := image.Rect(160*(i%2), 120*(i/2), 160*(i%2+1), 120*(i/2+1))
		gallery = append(gallery, fit(vp, []scene.Item{it}, scene.StandardView(i), i%2 == 1))
	}
	inverted := invert(torus)
	tinted := fit(full, []scene.Item{{Mesh: inverted, Model: mgl32.Ident4()}, {Mesh: torus, Model: mgl32.Translate3D(8, 0, 0).Mul4(mgl32.HomogRotate3DX(math.Pi / 2)), Color: red}}, scene.Iso, false)
	tinted.BackTint = true
	cut := fit(full, rings, scene.Iso, false)
	cut.Section = &scene.Section{Axis: 0, Offset: 2}
	lined := fit(full, crossedBars(), scene.Iso, false)
	for _, e := range [][2]mgl32.Vec3{{{-10, -3, 3}, {10, -3, 3}}, {{-3, -10, 5}, {3, -10, 5}}, {{-10, 3, -3}, {10, 3, -3}}} {
		lined.Lines = append(lined.Lines, scene.Line{A: e[0], B: e[1], Color: color.RGBA{250, 250, 40, 255}})
	}
	level := fit(full, []scene.Item{{Mesh: torus, Levels: []*mesh.Mesh{coarse.Indexed()}, Model: mgl32.Ident4()}}, scene.Front, false)
	level.MaxFaces = 1000
	// Smooth shading: a sphere and rings, front and back faces (one ring
	// inside out), cut by a section and seen through the near plane.
	sphere := mesh.Sphere(6, 32, 16).Indexed()
	smoothOf := func(ms ...*mesh.Mesh) map[*mesh.Mesh][]uint32 {
		out := map[*mesh.Mesh][]uint32{}
		for _, m := range ms {
			ns, err := shading.Smooth(context.Background(), m, shading.DefaultCrease, 1)
			if err != nil {
				panic(err)
			}
			out[m] = ns
		}
		return out
	}
	invertedIdx := inverted.Indexed()
	smoothRings := []scene.Item{
		{Mesh: torus, Model: mgl32.Ident4(), Smooth: smoothOf(torus)},
		{Mesh: invertedIdx, Model: mgl32.Translate3D(8, 0, 0).Mul4(mgl32.HomogRotate3DX(math.Pi / 2)), Color: red, Smooth: smoothOf(invertedIdx)},
		{Mesh: sphere, Model: mgl32.Translate3D(-9, 0, 0), Color: green, Smooth: smoothOf(sphere)},
	}
	smooth := fit(full, smoothRings, scene.Iso, false)
	smoothCut := smooth
	smoothCut.Section = &scene.Section{Axis: 1, Offset: 1}
	smoothNear := fit(full, smoothRings, scene.Iso, false)
	smoothNear.Camera.Distance = 9
	return map[string][]scene.View{
		"inside out":                    {fit(full, []scene.Item{{Mesh: inverted, Model: mgl32.Ident4()}}, scene.Iso, false)},
		"back tint":                     {tinted},
		"section":                       {cut},
		"lines":                         {lined},
		"level of detail":               {level},
		"smooth":                        {smooth},
		"smooth cut":                    {smoothCut},
		"smooth through the near plane": {smoothNear},
		"crossed bars":                  {fit(full, crossedBars(), scene.Iso, false)},
		"crossed bars from below":       {fit(full, crossedBars(), scene.Bottom, false)},
		"interlocked rings":             {fit(full, rings, scene.Front, false)},
		"face colours":                  {fit(full, []scene.Item{{Mesh: colored, Model: mgl32.Ident4()}}, scene.Iso, false)},
		"wireframe":                     {fit(full, []scene.Item{{Mesh: coarse, Model: mgl32.Ident4()}, {Mesh: coarse.Indexed(), Model: mgl32.Translate3D(8, 0, 0).Mul4(mgl32.HomogRotate3DX(math.Pi / 2)), Color: red}}, scene.Iso, true)},
		"floor from eye height":         {floor},
		"gallery":                       gallery,
	}
}

// invert returns a soup copy of m wound the other way: inside out.
func invert(m *mesh.Mesh) *mesh.Mesh {
	pos := make([]float32, 0, 9*m.Faces())
	for f := range m.Faces() {
		a, b, c := m.Face(f)
		pos = append(pos, a[0], a[1], a[2], c[0], c[1], c[2], b[0], b[1], b[2])
	}
	return mesh.FromTriangles(pos)
}

// drawWith draws views with r into a new w×h image and reads it back. A
// small image made first puts the target away from the origin of the
// texture it shares, as a window's images usually are: the shaders must
// not depend on where the target lies.
func drawWith(t *testing.T, r Renderer, views []scene.View, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	onMain(t, func() {
		spacer := ebiten.NewImage(16, 16)
		spacer.Fill(color.White)
		defer spacer.Deallocate()
		dst := ebiten.NewImage(w, h)
		defer dst.Deallocate()
		r.Draw(dst, views)
		dst.ReadPixels(img.Pix)
	})
	return img
}

// savePNG writes img to $STLVIEW_TEST_PNG/name.png when that is set, so a
// person can look at what the tests drew.
func savePNG(t *testing.T, name string, img image.Image) {
	dir := os.Getenv("STLVIEW_TEST_PNG")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// maxFringe bounds the pixels where the backends may differ: the GPU
// rasterizes with its own sub-pixel precision, so a pixel whose centre
// lies within a hair of a triangle edge can go either way. Under Mesa's
// llvmpipe at most 67 of 76,800 pixels differ in these scenes, all on
// edges: on silhouettes, where faces seen from behind meet those seen
// from the front (both are drawn), and on the horizon of the floor seen
// from eye height. The bound leaves room for other drivers' precision.
const maxFringe = 0.0012 // of the pixels

// TestBackendsAgree draws the same scenes with both backends and counts
// the pixels whose colours differ by more than rounding.
func TestBackendsAgree(t *testing.T) {
	gpu, cpu := NewGPU(), NewCPU()
	defer onMain(t, func() { gpu.Dispose(); cpu.Dispose() })
	for name, views := range testScenes() {
		t.Run(name, func(t *testing.T) {
			g := drawWith(t, gpu, views, 320, 240)
			c := drawWith(t, cpu, views, 320, 240)
			savePNG(t, "gpu "+name, g)
			savePNG(t, "cpu "+name, c)
			diff, far := 0, 0
			for y := range 240 {
				for x := range 320 {
					if colorDistance(g.RGBAAt(x, y), c.RGBAAt(x, y)) > 3 {
						diff++
						if !nearEdge(c, x, y) {
							far++
						}
					}
				}
			}
			t.Logf("%d of %d pixels differ (%d away from an edge)", diff, 320*240, far)
			if float64(diff) > maxFringe*320*240 || far > 0 {
				t.Errorf("got %d differing pixels (%d away from an edge), want at most %.0f, all on edges",
					diff, far, maxFringe*320*240)
			}
		})
	}
}

func colorDistance(a, b color.RGBA) int {
	d := 0
	for _, p := range [][2]uint8{{a.R, b.R}, {a.G, b.G}, {a.B, b.B}} {
		d = max(d, int(p[0])-int(p[1]), int(p[1])-int(p[0]))
	}
	return d
}

// nearEdge reports whether pixel x, y of img borders a pixel of another
// colour: it lies on an edge between two triangles or surfaces.
func nearEdge(img *image.RGBA, x, y int) bool {
	c := img.RGBAAt(x, y)
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			p := image.Pt(x+dx, y+dy)
			if p.In(img.Rect) && colorDistance(img.RGBAAt(p.X, p.Y), c) > 3 {
				return true
			}
		}
	}
	return false
}

// TestGPUOcclusion checks the depth test itself on the crossed bars, seen
// from the front: where the bars cross, the green bar (thicker in y) is in
// front at the centre and the red one beyond its sides.
func TestGPUOcclusion(t *testing.T) {
	gpu := NewGPU()
	defer onMain(t, gpu.Dispose)
	for _, view := range []scene.StandardView{scene.Front, scene.Top} {
		t.Run(view.String(), func(t *testing.T) {
			views := testScenes()["crossed bars"]
			views[0].Camera.SetView(view)
			img := drawWith(t, gpu, views, 320, 240)
			savePNG(t, "occlusion "+view.String(), img)
			f := views[0].Frame()
			for _, tt := range []struct {
				p    mgl32.Vec3 // a point on a surface the eye sees
				want mesh.Color
			}{
				{mgl32.Vec3{0, -5, 0}, green}, // front view: the green bar's face at y=-5... and from the top its top at z=5
				{mgl32.Vec3{8, -3, 0}, red},   // the red bar beside the green one
				{mgl32.Vec3{-8, -3, 0}, red},
			} {
				p := tt.p
				if view == scene.Top {
					p = mgl32.Vec3{p[0], 0, -p[1]} // the same spots seen from above: faces at z = 5 and z = 3
				}
				x, y, _, ok := f.Project(p)
				if !ok {
					t.Fatalf("%v does not project", p)
				}
				got := img.RGBAAt(int(x), int(y))
				if !sameHue(got, tt.want) {
					t.Errorf("pixel of %v: got %v, want a shade of %v", p, got, tt.want)
				}
			}
		})
	}
}

// sameHue reports whether got is want shaded: its strongest channel is
// want's strongest.
func sameHue(got color.RGBA, want mesh.Color) bool {
	strongest := func(r, g, b int) int {
		switch {
		case r >= g && r >= b:
			return 0
		case g >= b:
			return 1
		}
		return 2
	}
	return strongest(int(got.R), int(got.G), int(got.B)) == strongest(int(want.R), int(want.G), int(want.B))
}

// TestNew checks the backend names.
func TestNew(t *testing.T) {
	for _, k := range []Kind{KindGPU, KindCPU} {
		r, err := New(k)
		if err != nil || r.Name() != string(k) {
			t.Errorf("New(%q): got %v, %v", k, r, err)
		}
		r.Dispose()
	}
	if _, err := New("vulkan"); err == nil {
		t.Error(`New("vulkan"): got no error`)
	}
}

// TestChoose measures both backends and returns a working one.
func TestChoose(t *testing.T) {
	var r Renderer
	var timings []Timing
	onMain(t, func() { r, timings = Choose(image.Pt(320, 240)) })
	defer onMain(t, r.Dispose)
	t.Logf("timings: %v", timings)
	if len(timings) != 2 || r.Name() != string(timings[0].Kind) || timings[0].PerFrame > timings[1].PerFrame {
		t.Fatalf("got %s with timings %v, want the fastest of both", r.Name(), timings)
	}
	c := drawWith(t, r, testScenes()["crossed bars"], 320, 240)
	if c.RGBAAt(160, 120) == scene.DefaultBackground {
		t.Error("the chosen renderer drew nothing at the centre")
	}
}
