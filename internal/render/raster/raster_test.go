package raster

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/go-gl/mathgl/mgl32"
	"go.uber.org/goleak"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var (
	red  = mesh.Color{R: 220, G: 40, B: 30, A: 255}
	blue = mesh.Color{R: 30, G: 60, B: 230, A: 255}
	bg   = color.RGBA{R: 1, G: 2, B: 3, A: 255}
)

// newRenderer returns a Renderer with the given workers, closed when the
// test ends.
func newRenderer(t testing.TB, workers int) *Renderer {
	r := New(workers)
	t.Cleanup(r.Close)
	return r
}

// render draws views into a new w×h image with a fresh renderer.
func render(t testing.TB, w, h int, views ...scene.View) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	newRenderer(t, 2).Render(img, views)
	return img
}

// viewOf returns a view of items filling a w×h target, the camera set to
// sv with up +Z and fitted to the items.
func viewOf(w, h int, sv scene.StandardView, items ...scene.Item) scene.View {
	v := scene.View{Viewport: image.Rect(0, 0, w, h), Camera: scene.NewCamera(scene.PlusZ), Items: items, Background: bg}
	v.Camera.SetView(sv)
	v.Camera.Fit(v.Bounds(), float32(w)/float32(h))
	return v
}

// shaded returns the colour scene.Shade gives a face of base colour c
// whose normal is n in world space, seen in view v.
func shaded(v *scene.View, n mgl32.Vec3, c mesh.Color) color.RGBA {
	f := v.Frame()
	return scene.Shade(f.NormalMatrix(mgl32.Ident4()).Mul3x1(n), c)
}

// pixelAt returns the pixel under world point p in view v of img.
func pixelAt(t *testing.T, img *image.RGBA, v *scene.View, p mgl32.Vec3) (image.Point, color.RGBA) {
	t.Helper()
	f := v.Frame()
	x, y, _, ok := f.Project(p)
	if !ok {
		t.Fatalf("test setup: %v is behind the eye", p)
	}
	pt := image.Pt(int(math.Floor(float64(x))), int(math.Floor(float64(y))))
	return pt, img.RGBAAt(pt.X, pt.Y)
}

func TestOcclusionOfInterpenetratingParts(t *testing.T) {
	// Two slabs crossing like an X seen from above: from the front, the red
	// one is nearer left of the crossing line and the blue one right of it.
	// No order of whole faces draws this right; a depth test per pixel does.
	slab := mesh.Cuboid(mgl32.Vec3{-2, -0.1, -1}, mgl32.Vec3{2, 0.1, 1})
	turn := func(deg float32) mgl32.Mat4 { return mgl32.HomogRotate3DZ(mgl32.DegToRad(deg)) }
	items := []scene.Item{
		{Mesh: slab.Transform(turn(20)), Model: mgl32.Ident4(), Color: red},
		{Mesh: slab.Transform(turn(-20)), Model: mgl32.Ident4(), Color: blue},
	}
	on := func(deg, x float32) mgl32.Vec3 { return mgl32.TransformCoordinate(mgl32.Vec3{x, 0, 0.3}, turn(deg)) }
	tests := []struct {
		view  scene.StandardView
		point mgl32.Vec3 // on the mid-plane of the slab that must show
		want  mesh.Color
		name  string
	}{
		{scene.Front, on(20, -1), red, "front, left of the crossing"},
		{scene.Front, on(-20, 1), blue, "front, right of the crossing"},
		{scene.Front, on(20, -0.15), red, "front, just left of the crossing"},
		{scene.Front, on(-20, 0.15), blue, "front, just right of the crossing"},
		{scene.Back, on(20, 1), red, "back, world +x side"},
		{scene.Back, on(-20, -1), blue, "back, world -x side"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := viewOf(320, 240, tt.view, items...)
			img := render(t, 320, 240, v)
			pt, got := pixelAt(t, img, &v, tt.point)
			// The slab's face toward the camera: rotate its ±y normal.
			deg := float32(20)
			if tt.want == blue {
				deg = -20
			}
			n := mgl32.Vec3{0, -1, 0}
			if tt.view == scene.Back {
				n = mgl32.Vec3{0, 1, 0}
			}
			want := shaded(&v, mgl32.TransformNormal(n, turn(deg)), tt.want)
			if got != want {
				t.Errorf("pixel %v = %v, want %v (the nearer slab)", pt, got, want)
			}
		})
	}
}

func TestFaceColors(t *testing.T) {
	// Cuboid faces 4 and 5 form its -y side, the one the Front view shows.
	box := mesh.Cuboid(mgl32.Vec3{-1, -1, -1}, mgl32.Vec3{1, 1, 1})
	own := make([]mesh.Color, box.Faces())
	for f := range own {
		own[f] = mesh.Color{R: uint8(20 * f), G: 200, B: 100, A: 255}
	}
	partial := make([]mesh.Color, box.Faces()) // A == 0: no colour of its own
	tests := []struct {
		name   string
		colors []mesh.Color
		item   mesh.Color
		want   mesh.Color
	}{
		{"per-face colours", own, blue, own[4]},
		{"no per-face colours: item colour", nil, red, red},
		{"faces without own colour: item colour", partial, red, red},
		{"no colour anywhere: default", nil, mesh.Color{}, scene.DefaultColor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := *box
			m.Colors = tt.colors
			v := viewOf(64, 64, scene.Front, scene.Item{Mesh: &m, Model: mgl32.Ident4(), Color: tt.item})
			img := render(t, 64, 64, v)
			want := shaded(&v, mgl32.Vec3{0, -1, 0}, tt.want)
			for _, p := range []image.Point{{32, 32}, {26, 40}, {40, 26}} {
				if got := img.RGBAAt(p.X, p.Y); got != want {
					t.Errorf("pixel %v = %v, want %v", p, got, want)
				}
			}
		})
	}
}

// countNot returns how many pixels of img are not c.
func countNot(img *image.RGBA, c color.RGBA) int {
	n := 0
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			if img.RGBAAt(x, y) != c {
				n++
			}
		}
	}
	return n
}

func TestTwoSided(t *testing.T) {
	// One triangle in the plane y = 0, counter-clockwise seen from -y:
	// its front faces the Front view's camera.
	tri := mesh.FromTriangles([]float32{-1, 0, -1, 1, 0, -1, 0, 0, 1})
	front := viewOf(50, 50, scene.Front, scene.Item{Mesh: tri, Model: mgl32.Ident4(), Color: red})
	lit := shaded(&front, mgl32.Vec3{0, -1, 0}, red) // the front side, facing the eye
	tests := []struct {
		name  string
		view  scene.StandardView
		model mgl32.Mat4
		cull  scene.Cull
		tint  bool
		want  color.RGBA // the triangle's colour, or bg for none
	}{
		{"front side", scene.Front, mgl32.Ident4(), scene.CullNone, false, lit},
		{"seen from behind: lit the same", scene.Back, mgl32.Ident4(), scene.CullNone, false, lit},
		{"mirrored, seen from behind", scene.Back, mgl32.Scale3D(-1, 1, 1), scene.CullNone, false, lit},
		{"turned around", scene.Front, mgl32.HomogRotate3DZ(math.Pi), scene.CullNone, false, lit},
		{"culled from behind", scene.Back, mgl32.Ident4(), scene.CullBack, false, bg},
		{"mirrored, culled from behind", scene.Back, mgl32.Scale3D(-1, 1, 1), scene.CullBack, false, bg},
		{"back culling, front side", scene.Front, mgl32.Ident4(), scene.CullBack, false, lit},
		{"front culling, front side", scene.Front, mgl32.Ident4(), scene.CullFront, false, bg},
		{"front culling, from behind", scene.Back, mgl32.Ident4(), scene.CullFront, false, lit},
		{"tinted from behind", scene.Back, mgl32.Ident4(), scene.CullNone, true, shaded(&front, mgl32.Vec3{0, -1, 0}, scene.BackColor)},
		{"front side, tint on", scene.Front, mgl32.Ident4(), scene.CullNone, true, lit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := viewOf(50, 50, tt.view, scene.Item{Mesh: tri, Model: tt.model, Color: red, Cull: tt.cull})
			v.BackTint = tt.tint
			img := render(t, 50, 50, v)
			n := countNot(img, bg)
			if tt.want == bg {
				if n != 0 {
					t.Errorf("%d pixels drawn, want none", n)
				}
				return
			}
			if n < 200 {
				t.Fatalf("%d pixels drawn, want the triangle (several hundred)", n)
			}
			if got := img.RGBAAt(25, 25); colorDist(got, tt.want) > 2 {
				t.Errorf("centre pixel %v, want %v", got, tt.want)
			}
		})
	}
}

func colorDist(a, b color.RGBA) int {
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	return max(d(a.R, b.R), d(a.G, b.G), d(a.B, b.B))
}

func TestClipping(t *testing.T) {
	floorColor := mesh.Color{R: 90, G: 170, B: 90, A: 255}
	floor := mesh.Cuboid(mgl32.Vec3{-50, -50, -1}, mgl32.Vec3{50, 50, 0})
	cube := mesh.Cuboid(mgl32.Vec3{-0.5, 3, 0}, mgl32.Vec3{0.5, 4, 1})
	room := mesh.Cuboid(mgl32.Vec3{-5, -5, -5}, mgl32.Vec3{5, 5, 5})

	// Standing on the floor looking ahead: the floor's two top faces pass
	// behind the eye and must be clipped, not dropped or smeared.
	onFloor := scene.View{Viewport: image.Rect(0, 0, 160, 120), Background: bg,
		Items: []scene.Item{
			{Mesh: floor, Model: mgl32.Ident4(), Color: floorColor},
			{Mesh: cube, Model: mgl32.Ident4(), Color: red},
		}}
	onFloor.Camera = scene.NewCamera(scene.PlusZ)
	onFloor.Camera.SetView(scene.Front)
	onFloor.Camera.Target = mgl32.Vec3{0, 3.5, 0.5}
	onFloor.Camera.Distance = 4
	onFloor.Camera.Orbit(0, 0.1)
	floorShade := shaded(&onFloor, mgl32.Vec3{0, 0, 1}, floorColor)
	cubeShade := shaded(&onFloor, mgl32.Vec3{0, -1, 0}, red)

	// Inside a closed box: its walls are seen from behind and drawn, lit
	// as if they faced the eye; culled, they vanish and the cube in the
	// middle stands against the background.
	inside := scene.View{Viewport: image.Rect(0, 0, 160, 120), Background: bg,
		Items: []scene.Item{
			{Mesh: room, Model: mgl32.Ident4(), Color: floorColor},
			{Mesh: cube, Model: mgl32.Ident4(), Color: red},
		}}
	inside.Camera = onFloor.Camera
	insideCube := shaded(&inside, mgl32.Vec3{0, -1, 0}, red)
	farWall := shaded(&inside, mgl32.Vec3{0, -1, 0}, floorColor) // its inner side, facing the eye
	culled := inside
	culled.Items = []scene.Item{
		{Mesh: room, Model: mgl32.Ident4(), Color: floorColor, Cull: scene.CullBack},
		{Mesh: cube, Model: mgl32.Ident4(), Color: red},
	}

	// Looking down from close by at a face a million units wide: its
	// corners project far beyond the guard band (2^16 pixels).
	huge := scene.View{Viewport: image.Rect(0, 0, 160, 120), Background: bg,
		Items: []scene.Item{{Mesh: mesh.Cuboid(mgl32.Vec3{-5e5, -5e5, -1}, mgl32.Vec3{5e5, 5e5, 0}), Model: mgl32.Ident4(), Color: floorColor}}}
	huge.Camera = scene.NewCamera(scene.PlusZ)
	huge.Camera.SetView(scene.Top)
	huge.Camera.Distance = 1
	hugeShade := shaded(&huge, mgl32.Vec3{0, 0, 1}, floorColor)

	tests := []struct {
		name string
		view scene.View
		want map[image.Point]color.RGBA
	}{
		{"standing on a floor", onFloor, map[image.Point]color.RGBA{
			{80, 119}:  floorShade, // right under the eye
			{2, 118}:   floorShade,
			{157, 100}: floorShade,
			{80, 2}:    bg, // the sky
			{80, 60}:   cubeShade,
		}},
		{"inside a closed box", inside, map[image.Point]color.RGBA{
			{80, 119}: farWall,
			{80, 2}:   farWall,
			{80, 60}:  insideCube,
		}},
		{"inside a closed box that may cull", culled, map[image.Point]color.RGBA{
			{80, 119}: bg,
			{80, 2}:   bg,
			{80, 60}:  insideCube,
		}},
		{"a face beyond the guard band", huge, map[image.Point]color.RGBA{
			{0, 0}:     hugeShade,
			{159, 0}:   hugeShade,
			{80, 60}:   hugeShade,
			{0, 119}:   hugeShade,
			{159, 119}: hugeShade,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := render(t, 160, 120, tt.view)
			for p, want := range tt.want {
				if got := img.RGBAAt(p.X, p.Y); got != want {
					t.Errorf("pixel %v = %v, want %v", p, got, want)
				}
			}
		})
	}
}

func TestWireframeChangesEdgePixelsOnly(t *testing.T) {
	m := mesh.Cuboid(mgl32.Vec3{-1, -1, -1}, mgl32.Vec3{1, 1, 1})
	v := viewOf(120, 100, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4(), Color: red})
	solid := render(t, 120, 100, v)
	v.Wireframe = true
	wire := render(t, 120, 100, v)

	// The projected edges of every face.
	f := v.Frame()
	var segs [][2]mgl32.Vec2
	for i := range m.Faces() {
		a, b, c := m.Face(i)
		var p [3]mgl32.Vec2
		for k, q := range []mgl32.Vec3{a, b, c} {
			x, y, _, _ := f.Project(q)
			p[k] = mgl32.Vec2{x, y}
		}
		segs = append(segs, [2]mgl32.Vec2{p[0], p[1]}, [2]mgl32.Vec2{p[1], p[2]}, [2]mgl32.Vec2{p[2], p[0]})
	}
	changed := 0
	for y := range 100 {
		for x := range 120 {
			s, w := solid.RGBAAt(x, y), wire.RGBAAt(x, y)
			if s == w {
				continue
			}
			changed++
			if w != scene.WireColor {
				t.Errorf("pixel (%d, %d) = %v with wireframe, want %v or the solid %v", x, y, w, scene.WireColor, s)
			}
			c := mgl32.Vec2{float32(x) + 0.5, float32(y) + 0.5}
			d := float32(math.Inf(1))
			for _, sg := range segs {
				d = min(d, segmentDistance(c, sg[0], sg[1]))
			}
			// The rasterizer measures on a 1/256-pixel grid: allow that much.
			if d > scene.WireWidth/2+1.0/256 {
				t.Errorf("pixel (%d, %d) changed %v → %v but lies %g px from the nearest edge, want ≤ %g", x, y, s, w, d, scene.WireWidth/2)
			}
		}
	}
	// The silhouette and the three visible corners' edges: several
	// hundred pixels at this size.
	if changed < 200 {
		t.Errorf("wireframe changed %d pixels, want the cube's edges (≥ 200)", changed)
	}
}

func segmentDistance(p, a, b mgl32.Vec2) float32 {
	ab := b.Sub(a)
	t := float32(0)
	if l := ab.Dot(ab); l > 0 {
		t = min(max(p.Sub(a).Dot(ab)/l, 0), 1)
	}
	return p.Sub(a.Add(ab.Mul(t))).Len()
}

func TestViewportsAndBackground(t *testing.T) {
	m := mesh.Sphere(1, 16, 8)
	left := viewOf(40, 40, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4(), Color: red})
	right := left
	right.Viewport = image.Rect(50, 10, 90, 50)
	right.Background = color.RGBA{G: 99, A: 255}
	right.Items = []scene.Item{{Mesh: m, Model: mgl32.Ident4(), Color: blue}}
	// A target whose bounds do not start at 0, partly covered by views.
	img := image.NewRGBA(image.Rect(0, 5, 100, 60))
	untouched := color.RGBA{R: 7, G: 7, B: 7, A: 7}
	for y := 5; y < 60; y++ {
		for x := range 100 {
			img.SetRGBA(x, y, untouched)
		}
	}
	// A third view over the bottom right of the first: drawn later, so on
	// top of it.
	over := right
	over.Viewport = image.Rect(30, 40, 45, 55)
	over.Background = color.RGBA{R: 99, A: 255}
	over.Items = nil
	newRenderer(t, 3).Render(img, []scene.View{left, right, over})
	tests := []struct {
		p    image.Point
		want color.RGBA
	}{
		{image.Pt(35, 39), bg},               // the left view, just above the third
		{image.Pt(35, 40), over.Background},  // the third over the left one
		{image.Pt(44, 54), over.Background},  // the third's last pixel
		{image.Pt(45, 30), untouched},        // between the viewports
		{image.Pt(20, 50), untouched},        // below the left one
		{image.Pt(1, 6), bg},                 // the left one's corner (its top row is cropped)
		{image.Pt(51, 11), right.Background}, // the right one's corner
	}
	for _, tt := range tests {
		if got := img.RGBAAt(tt.p.X, tt.p.Y); got != tt.want {
			t.Errorf("pixel %v = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := img.RGBAAt(70, 30); got.B < 2*got.R {
		t.Errorf("pixel (70, 30), the right view's centre, = %v, want its blue sphere", got)
	}
	if got := img.RGBAAt(20, 20); got.R < 2*got.B {
		t.Errorf("pixel (20, 20), the left view's centre, = %v, want its red sphere", got)
	}
}

func TestResultDoesNotDependOnWorkers(t *testing.T) {
	scn := randomScene(rand.New(rand.NewPCG(7, 7)), 200, 97, 83)
	want := render(t, 97, 83, scn)
	for _, workers := range []int{1, 3, 8} {
		img := image.NewRGBA(want.Rect)
		newRenderer(t, workers).Render(img, []scene.View{scn})
		if n := countDiff(img, want); n != 0 {
			t.Errorf("%d workers: %d pixels differ from 2 workers' picture, want 0", workers, n)
		}
	}
}

func countDiff(a, b *image.RGBA) int {
	n := 0
	for i := 0; i < len(a.Pix); i += 4 {
		if a.Pix[i] != b.Pix[i] || a.Pix[i+1] != b.Pix[i+1] || a.Pix[i+2] != b.Pix[i+2] || a.Pix[i+3] != b.Pix[i+3] {
			n++
		}
	}
	return n
}

func TestNoAllocationOnceWarm(t *testing.T) {
	torus := mesh.Torus(1, 0.3, 48, 24).Indexed()
	box := mesh.Cuboid(mgl32.Vec3{-1, -1, -1}, mgl32.Vec3{1, 1, 1})
	var gallery []scene.View
	for i := range 12 {
		v := viewOf(60, 60, scene.StandardView(i%7), scene.Item{Mesh: box, Model: mgl32.Ident4()})
		v.Viewport = image.Rect(i%4*60, i/4*60, i%4*60+60, i/4*60+60)
		gallery = append(gallery, v)
	}
	focused := viewOf(240, 180, scene.Iso, scene.Item{Mesh: torus, Model: mgl32.Ident4()}, scene.Item{Mesh: box, Model: mgl32.Ident4()})
	wire := focused
	wire.Wireframe = true
	inside := focused // faces cross the near plane and are clipped
	inside.Camera.Distance = 0.1
	tests := []struct {
		name  string
		views []scene.View
	}{
		{"focused", []scene.View{focused}},
		{"wireframe", []scene.View{wire}},
		{"near-plane clipping", []scene.View{inside}},
		{"gallery", gallery},
	}
	r := newRenderer(t, 2)
	img := image.NewRGBA(image.Rect(0, 0, 240, 180))
	for _, tt := range tests {
		r.Render(img, tt.views) // grow the buffers to this scene
		if got := testing.AllocsPerRun(20, func() { r.Render(img, tt.views) }); got != 0 {
			t.Errorf("%s: %g allocations per warm Render, want 0", tt.name, got)
		}
	}
}

func TestCloseStopsWorkers(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r := New(4)
	v := viewOf(30, 30, scene.Iso, scene.Item{Mesh: mesh.Sphere(1, 8, 4), Model: mgl32.Ident4()})
	img := image.NewRGBA(image.Rect(0, 0, 30, 30))
	r.Render(img, []scene.View{v})
	r.Close()
	// A closed Renderer may be used again, and closed again.
	r.Render(img, []scene.View{v})
	if got := img.RGBAAt(15, 15); got == bg {
		t.Errorf("pixel (15, 15) after a Render on a reopened Renderer = background, want the sphere")
	}
	r.Close()
	r.Close()
	var zero Renderer // a zero Renderer works too
	zero.Render(img, []scene.View{v})
	zero.Close()
}

func TestEmptyScenes(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	r := newRenderer(t, 2)
	sphere := []scene.View{viewOf(8, 8, scene.Iso, scene.Item{Mesh: mesh.Sphere(1, 8, 4), Model: mgl32.Ident4()})}
	marker := color.RGBA{R: 9, G: 9, B: 9, A: 9}
	whole := func(items ...scene.Item) []scene.View {
		return []scene.View{{Viewport: img.Rect, Camera: scene.NewCamera(scene.PlusZ), Background: bg, Items: items}}
	}
	zeroCamera := whole(scene.Item{Mesh: mesh.Sphere(1, 8, 4), Model: mgl32.Ident4()})
	zeroCamera[0].Camera = scene.Camera{}
	tests := []struct {
		name  string
		views []scene.View
		want  color.RGBA // every pixel
	}{
		{"no views", nil, marker},
		{"no items", whole(), bg},
		{"nil and empty meshes", whole(scene.Item{}, scene.Item{Mesh: &mesh.Mesh{Bounds: mesh.EmptyBox()}, Model: mgl32.Ident4()}), bg},
		{"viewport outside the target", []scene.View{{Viewport: image.Rect(20, 20, 30, 30), Camera: scene.NewCamera(scene.PlusZ)}}, marker},
		{"zero camera", zeroCamera, bg},
	}
	for _, tt := range tests {
		r.Render(img, sphere) // nothing of this frame may leak into the next
		for y := range 8 {
			for x := range 8 {
				img.SetRGBA(x, y, marker)
			}
		}
		r.Render(img, tt.views)
		if n := countNot(img, tt.want); n != 0 {
			t.Errorf("%s: %d pixels are not %v, want none", tt.name, n, tt.want)
		}
	}
}

// randomScene returns a view of n random triangles, some crossing others,
// all in front of the camera, with random colours and some per-face ones.
func randomScene(rng *rand.Rand, n, w, h int) scene.View {
	pos := make([]float32, 0, 9*n)
	center := func() float32 { return rng.Float32()*4 - 2 }
	for range n {
		c := mgl32.Vec3{center(), center(), center()}
		for range 3 {
			pos = append(pos, c[0]+rng.Float32()*5-2.5, c[1]+rng.Float32()*5-2.5, c[2]+rng.Float32()*5-2.5)
		}
	}
	m := mesh.FromTriangles(pos)
	m.Colors = make([]mesh.Color, m.Faces())
	for f := range m.Colors {
		if rng.IntN(2) == 0 {
			m.Colors[f] = mesh.Color{R: uint8(rng.IntN(256)), G: uint8(rng.IntN(256)), B: uint8(rng.IntN(256)), A: 255}
		}
	}
	v := viewOf(w, h, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4(), Color: red})
	v.Camera.Orbit(rng.Float32()*6, rng.Float32()-0.5)
	// Closer, but the eye stays outside the bounding sphere (Fit put it
	// 3.7 radii away): the reference does not clip.
	v.Camera.ZoomAt(1.8+rng.Float32()/2, rng.Float32()/2-0.25, rng.Float32()/2-0.25, float32(w)/float32(h))
	return v
}

func TestMatchesReference(t *testing.T) {
	const w, h = 96, 72
	tests := []struct {
		seed      uint64
		triangles int
		wire      bool
	}{
		{1, 20, false},
		{2, 60, false},
		{3, 150, false},
		{4, 40, true},
		{5, 400, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.seed), func(t *testing.T) {
			v := randomScene(rand.New(rand.NewPCG(tt.seed, 99)), tt.triangles, w, h)
			v.Wireframe = tt.wire
			got := render(t, w, h, v)
			want, edge := referenceRender(&v, w, h)
			diff := 0
			for y := range h {
				for x := range w {
					g, r := got.RGBAAt(x, y), want.RGBAAt(x, y)
					if g == r {
						continue
					}
					diff++
					if !edge[y*w+x] {
						t.Errorf("pixel (%d, %d) = %v, want the reference's %v: it is not on an edge", x, y, g, r)
					}
				}
			}
			// Measured: 0 to 3 pixels a scene differ, all where a pixel
			// centre lies within 1/100 pixel of an edge, which rounding
			// the corners to 1/256 pixel may move to the other side.
			if diff > 3 {
				t.Errorf("%d pixels differ from the reference, want at most 3", diff)
			}
			if n := countNot(got, bg); n < w*h/8 {
				t.Errorf("test setup: only %d pixels drawn", n)
			}
		})
	}
}

// referenceRender draws v the obvious way: for every pixel centre, test
// every face in float64 and keep the nearest, first one on a tie. It
// returns the picture and marks the pixels whose centre lies within 0.01 px
// of a front face's edge or where two faces' depths are within 1e-5: the
// places where rounding may decide differently.
func referenceRender(v *scene.View, w, h int) (*image.RGBA, []bool) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	edge := make([]bool, w*h)
	fr := v.Frame()
	type face struct {
		x, y, z [3]float64
		col     color.RGBA
	}
	var faces []face
	for i := range v.Items {
		it := &v.Items[i]
		mvp := fr.MVP(it.Model)
		nm := fr.NormalMatrix(it.Model)
		for f := range it.Mesh.Faces() {
			a, b, c := it.Mesh.Face(f)
			var fc face
			for k, p := range []mgl32.Vec3{a, b, c} {
				q := mvp.Mul4x1(p.Vec4(1))
				cw := float64(q[3])
				nx, ny := float64(q[0])/cw, float64(q[1])/cw
				fc.x[k] = float64(fr.Viewport.Min.X) + float64(w)/2*(1+nx)
				fc.y[k] = float64(fr.Viewport.Min.Y) + float64(h)/2*(1-ny)
				fc.z[k] = float64(q[2]) / cw
			}
			ar := (fc.x[1]-fc.x[0])*(fc.y[2]-fc.y[0]) - (fc.y[1]-fc.y[0])*(fc.x[2]-fc.x[0])
			n := nm.Mul3x1(it.Mesh.Normal(f))
			if ar >= 0 { // clockwise with y up: seen from behind, lit from the eye's side
				n = n.Mul(-1)
				fc.x[1], fc.x[2], fc.y[1], fc.y[2], fc.z[1], fc.z[2] = fc.x[2], fc.x[1], fc.y[2], fc.y[1], fc.z[2], fc.z[1]
			}
			fc.col = scene.Shade(n, it.FaceColor(f))
			faces = append(faces, fc)
		}
	}
	for y := range h {
		for x := range w {
			px, py := float64(x)+0.5, float64(y)+0.5
			best, second := math.Inf(1), math.Inf(1)
			col := v.Background
			near := false
			for _, fc := range faces {
				var e [3]float64
				var ar float64
				in := true
				for k := range 3 {
					// Edge from corner k+1 to k+2, as seen with y up.
					i, j := (k+1)%3, (k+2)%3
					ex, ey := fc.x[j]-fc.x[i], fc.y[j]-fc.y[i]
					e[k] = ey*(px-fc.x[i]) - ex*(py-fc.y[i])
					if math.Abs(e[k])/math.Hypot(ex, ey) < 0.01 {
						near = true
					}
					in = in && e[k] >= 0
				}
				ar = e[0] + e[1] + e[2]
				if !in || ar <= 0 {
					continue
				}
				z := (e[0]*fc.z[0] + e[1]*fc.z[1] + e[2]*fc.z[2]) / ar
				if z < best {
					best, second = z, best
					col = fc.col
					if v.Wireframe {
						for k := range 3 {
							i, j := (k+1)%3, (k+2)%3
							if e[k]/math.Hypot(fc.x[j]-fc.x[i], fc.y[j]-fc.y[i]) < float64(scene.WireWidth)/2 {
								col = scene.WireColor
							}
						}
					}
				} else if z < second {
					second = z
				}
			}
			if second-best < 1e-5 {
				near = true
			}
			img.SetRGBA(x, y, col)
			edge[y*w+x] = near
		}
	}
	return img, edge
}
