package raster

import (
	"image"
	"image/color"
	"math"
	"slices"
	"testing"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

// An inside-out cube looks exactly like the cube, and so does a cube with
// one face flipped: both sides of every face are lit alike.
func TestInsideOutLooksLikeTheCube(t *testing.T) {
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 10, 10})
	inverted := flip(cube, func(int) bool { return true })
	oneFlipped := flip(cube, func(f int) bool { return f == 3 })
	want := render(t, 128, 128, viewOf(128, 128, scene.Iso, scene.Item{Mesh: cube, Model: mgl32.Ident4(), Color: red}))
	for name, m := range map[string]*mesh.Mesh{"inside out": inverted, "one face flipped": oneFlipped, "indexed": cube.Indexed()} {
		got := render(t, 128, 128, viewOf(128, 128, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4(), Color: red}))
		if n := countDiff(got, want); n != 0 {
			t.Errorf("%s: %d pixels differ from the cube's picture", name, n)
		}
	}
	// With the tint on, the flipped face stands out.
	v := viewOf(128, 128, scene.Iso, scene.Item{Mesh: inverted, Model: mgl32.Ident4(), Color: red})
	v.BackTint = true
	if n := countDiff(render(t, 128, 128, v), want); n < 1000 {
		t.Errorf("tinted inside-out cube: only %d pixels differ", n)
	}
}

// flip returns a soup copy of m with the faces for which which is true
// wound the other way (their stored normals recomputed, so they point
// inward).
func flip(m *mesh.Mesh, which func(f int) bool) *mesh.Mesh {
	var pos []float32
	for f := range m.Faces() {
		a, b, c := m.Face(f)
		if which(f) {
			b, c = c, b
		}
		pos = append(pos, a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2])
	}
	return mesh.FromTriangles(pos)
}

func TestFaceIDs(t *testing.T) {
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 10, 10})
	left := viewOf(100, 100, scene.Front, scene.Item{Mesh: cube, Model: mgl32.Ident4(), Color: red})
	right := left
	right.Viewport = image.Rect(100, 0, 200, 100)
	right.Items = []scene.Item{{Mesh: mesh.Sphere(5, 16, 8), Model: mgl32.Ident4()}, {Mesh: cube, Model: mgl32.Ident4(), Color: blue}}
	right.IDs = true
	img := image.NewRGBA(image.Rect(0, 0, 200, 100))
	r := newRenderer(t, 2)
	r.Render(img, []scene.View{left, right})

	// The front view looks along +y at the cube's y = 0 side (its faces
	// with normal -y), in the middle of each view.
	hit, ok := r.At(50, 50)
	if !ok {
		t.Fatal("no hit in the middle of the first view")
	}
	if hit.View != 0 || hit.Item != 0 || cube.Normal(hit.Face) != (mgl32.Vec3{0, -1, 0}) {
		t.Errorf("got %+v (normal %v), want view 0, item 0, a face with normal -y", hit, cube.Normal(hit.Face))
	}
	f := left.Frame()
	if p := f.Unproject(50.5, 50.5, hit.Depth); math.Abs(float64(p[1])) > 1e-3 {
		t.Errorf("the hit point %v is not on the y = 0 side", p)
	}
	if _, ok := r.At(2, 2); ok {
		t.Error("a hit on the background")
	}
	if hit, ok := r.At(150, 50); !ok || hit.View != 1 || hit.Item != 1 {
		t.Errorf("second view: got %+v, %v; want view 1, item 1 (the cube hides the sphere inside it)", hit, ok)
	}
	// A Render without IDs forgets them.
	r.Render(img, []scene.View{left})
	if _, ok := r.At(50, 50); ok {
		t.Error("hits kept from an earlier Render")
	}
}

// The faces of a level are what a view with MaxFaces draws, and its ids
// number the level's faces.
func TestMaxFacesDrawsALevel(t *testing.T) {
	full := mesh.Sphere(5, 64, 32).Indexed()
	coarse := mesh.Cuboid(mgl32.Vec3{-5, -5, -5}, mgl32.Vec3{5, 5, 5}).Indexed()
	it := scene.Item{Mesh: full, Levels: []*mesh.Mesh{coarse}, Model: mgl32.Ident4(), Color: red}
	v := viewOf(80, 80, scene.Front, it)
	v.IDs = true
	r := newRenderer(t, 2)
	img := image.NewRGBA(image.Rect(0, 0, 80, 80))
	v.MaxFaces = 100
	r.Render(img, []scene.View{v})
	cubePic := render(t, 80, 80, viewOf(80, 80, scene.Front, scene.Item{Mesh: coarse, Model: mgl32.Ident4(), Color: red}))
	// The level's box is fitted by the sphere's bounds: the same camera.
	cubeView := v
	cubeView.Items = []scene.Item{{Mesh: coarse, Model: mgl32.Ident4(), Color: red}}
	cubeView.MaxFaces, cubeView.IDs = 0, false
	if n := countDiff(img, render(t, 80, 80, cubeView)); n != 0 {
		t.Errorf("MaxFaces 100: %d pixels differ from the level's picture", n)
	}
	_ = cubePic
	if hit, ok := r.At(40, 40); !ok || hit.Face >= coarse.Faces() {
		t.Errorf("hit %+v, %v: want a face of the level", hit, ok)
	}
	v.MaxFaces = 0
	r.Render(img, []scene.View{v})
	if n := countDiff(img, render(t, 80, 80, cubeView)); n == 0 {
		t.Error("MaxFaces 0 drew the level, want the full mesh")
	}
}

func TestSection(t *testing.T) {
	// A hollow box: an outer cube with an inner cube wound inward (its
	// walls 2 thick), cut by the plane x = 5 through its middle. Seen from
	// +x (the cut side), the walls' cut shows CapColor; the cavity shows
	// the far inner wall, lit; beyond the part, the background.
	outer := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 10, 10})
	inner := flip(mesh.Cuboid(mgl32.Vec3{2, 2, 2}, mgl32.Vec3{8, 8, 8}), func(int) bool { return true })
	part := mesh.Merge(outer, inner)
	v := viewOf(100, 100, scene.Right, scene.Item{Mesh: part, Model: mgl32.Ident4(), Color: red})
	v.Camera.Ortho = true
	v.Camera.Fit(v.Bounds(), 1)
	v.Section = &scene.Section{Axis: 0, Offset: 5, Flip: true} // keep x ≥ 5... seen from +x
	v.Section.Flip = false                                     // keep x ≤ 5: the cut faces +x, the camera
	img := render(t, 100, 100, v)
	f := v.Frame()
	at := func(p mgl32.Vec3) color.RGBA {
		x, y, _, _ := f.Project(p)
		return img.RGBAAt(int(x), int(y))
	}
	if got := at(mgl32.Vec3{5, 1, 5}); got != scene.CapColor {
		t.Errorf("the cut wall at y = 1 shows %v, want CapColor %v", got, scene.CapColor)
	}
	if got := at(mgl32.Vec3{5, 5, 9}); got != scene.CapColor {
		t.Errorf("the cut wall at z = 9 shows %v, want CapColor", got)
	}
	cavity := at(mgl32.Vec3{5, 5, 5})
	if cavity == scene.CapColor || cavity == bg {
		t.Errorf("the cavity shows %v, want the far inner wall, lit", cavity)
	}
	if want := shaded(&v, mgl32.Vec3{1, 0, 0}, red); colorDist(cavity, want) > 2 {
		t.Errorf("the cavity's far wall is %v, want %v (its inner side facing the eye)", cavity, want)
	}
	// Without the section the outer wall hides everything.
	v.Section = nil
	whole := render(t, 100, 100, v)
	if c := whole.RGBAAt(50, 50); c == scene.CapColor {
		t.Error("no section, yet a cap")
	}
	// Pixels on each side: the cut removed nothing beyond the part's
	// outline.
	if n := countNot(img, bg); n != countNot(whole, bg) {
		t.Errorf("section: %d pixels drawn, whole: %d; want the same outline", n, countNot(whole, bg))
	}
}

func TestLines(t *testing.T) {
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 10, 10})
	v := viewOf(120, 120, scene.Front, scene.Item{Mesh: cube, Model: mgl32.Ident4(), Color: red})
	white := color.RGBA{255, 255, 255, 255}
	green := color.RGBA{0, 255, 0, 255}
	v.Lines = []scene.Line{
		{A: mgl32.Vec3{0, 0, 5}, B: mgl32.Vec3{10, 0, 5}, Color: white},   // across the front side
		{A: mgl32.Vec3{0, 10, 2}, B: mgl32.Vec3{10, 10, 2}, Color: green}, // behind the cube: hidden
	}
	img := render(t, 120, 120, v)
	f := v.Frame()
	x0, y0, _, _ := f.Project(mgl32.Vec3{2, 0, 5})
	if got := img.RGBAAt(int(x0), int(y0)); got != white {
		t.Errorf("the front line's pixel is %v, want white", got)
	}
	whites, greens := 0, 0
	for i := 0; i < len(img.Pix); i += 4 {
		c := color.RGBA{img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3]}
		if c == white {
			whites++
		}
		if c == green {
			greens++
		}
	}
	if greens != 0 {
		t.Errorf("%d pixels of the hidden line show", greens)
	}
	// About the line's length times its width.
	x1, _, _, _ := f.Project(mgl32.Vec3{10, 0, 5})
	xa, _, _, _ := f.Project(mgl32.Vec3{0, 0, 5})
	length := float64(x1 - xa)
	if n := float64(whites); n < 0.8*length*float64(scene.LineWidth) || n > 1.5*(length+2)*float64(scene.LineWidth)+4 {
		t.Errorf("%d white pixels for a line %g long and %g wide", whites, length, scene.LineWidth)
	}
}

func TestBatchesDrawTheSame(t *testing.T) {
	defer func(n int) { batchFaces = n }(batchFaces)
	m, n := tori()
	v := viewOf(200, 150, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4(), Color: red}, scene.Item{Mesh: n, Model: mgl32.Ident4(), Color: blue})
	v.IDs = true
	want := render(t, 200, 150, v)
	batchFaces = 1000
	r := newRenderer(t, 2)
	got := image.NewRGBA(want.Rect)
	r.Render(got, []scene.View{v})
	if d := countDiff(got, want); d != 0 {
		t.Errorf("batches of 1000 faces: %d pixels differ", d)
	}
	hits := 0
	for y := range 150 {
		for x := range 200 {
			if _, ok := r.At(x, y); ok {
				hits++
			}
		}
	}
	if drawn := countNot(got, bg); hits != drawn {
		t.Errorf("%d pixels have a face id, %d show a face", hits, drawn)
	}
}

func TestDownsample(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 4, 2))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 8)
	}
	dst := image.NewRGBA(image.Rect(0, 0, 2, 1))
	Downsample(dst, src, 2)
	for x := range 2 {
		for c := range 4 {
			sum := 0
			for _, p := range [][2]int{{2 * x, 0}, {2*x + 1, 0}, {2 * x, 1}, {2*x + 1, 1}} {
				sum += int(src.Pix[src.PixOffset(p[0], p[1])+c])
			}
			if got, want := int(dst.Pix[4*x+c]), (sum+2)/4; got != want {
				t.Errorf("pixel %d channel %d = %d, want %d", x, c, got, want)
			}
		}
	}
	// A supersampled cube has smooth edges: many more colours than the
	// four (three sides and the background) of one sample a pixel.
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 10, 10})
	for k, want := range map[int]int{1: 4, 2: 12, 3: 24} {
		big := render(t, 256*k, 256*k, viewOf(256*k, 256*k, scene.Iso, scene.Item{Mesh: cube, Model: mgl32.Ident4(), Color: red}))
		small := image.NewRGBA(image.Rect(0, 0, 256, 256))
		Downsample(small, big, k)
		if n := colours(small); n < want || (k == 1 && n != want) {
			t.Errorf("a %d×%d-supersampled cube has %d colours, want at least %d", k, k, n, want)
		}
	}
}

func colours(img *image.RGBA) int {
	var cs []uint32
	for i := 0; i < len(img.Pix); i += 4 {
		cs = append(cs, uint32(img.Pix[i])|uint32(img.Pix[i+1])<<8|uint32(img.Pix[i+2])<<16|uint32(img.Pix[i+3])<<24)
	}
	slices.Sort(cs)
	return len(slices.Compact(cs))
}
