package ui

import (
	"image"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/raster"
	"github.com/stlview/stlview/internal/render/scene"
	"github.com/stlview/stlview/internal/shapes"
)

// pickScene draws m seen from the front, framed in a w×h picture with
// face ids, and returns the ids and the frame.
func pickScene(t testing.TB, m *mesh.Mesh, w, h int, ss int) (*raster.Picks, scene.Frame) {
	t.Helper()
	cam := scene.NewCamera(scene.PlusZ)
	cam.SetView(scene.Front)
	cam.Fit(m.Bounds, float32(w)/float32(h))
	v := scene.View{Viewport: image.Rect(0, 0, w, h), Camera: cam, Items: []scene.Item{{Mesh: m, Model: identity}}, IDs: true}
	big := v
	big.Viewport = image.Rect(0, 0, ss*w, ss*h)
	big.Scale = float32(ss)
	r := raster.New(0)
	defer r.Close()
	r.Render(image.NewRGBA(big.Viewport), []scene.View{big})
	return r.Picks(ss), v.Frame()
}

// TestPickPoint picks known points of a known view: a 10 mm cube seen from
// the front, whose front side is y = 0, from x 0 to 10 and z 0 to 10.
func TestPickPoint(t *testing.T) {
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 10, 10}).Indexed()
	for _, ss := range []int{1, 2} { // as drawn, and supersampled as the Refiner draws
		picks, f := pickScene(t, cube, 300, 200, ss)
		px := func(p mgl32.Vec3) image.Point {
			x, y, _, ok := f.Project(p)
			if !ok {
				t.Fatalf("%v does not project", p)
			}
			return image.Pt(int(x), int(y))
		}
		// onFront returns where pixel at's centre sees the plane y = 0.
		onFront := func(at image.Point) mgl32.Vec3 {
			a := f.Unproject(float32(at.X)+0.5, float32(at.Y)+0.5, -0.5)
			b := f.Unproject(float32(at.X)+0.5, float32(at.Y)+0.5, 0.5)
			return a.Add(b.Sub(a).Mul(-a[1] / (b[1] - a[1])))
		}
		corner := mgl32.Vec3{0, 0, 10}
		tests := []struct {
			name    string
			at      image.Point
			snap    bool
			want    mgl32.Vec3
			tol     float32
			snapped bool
			ok      bool
		}{
			{"the middle of the front side", px(mgl32.Vec3{5, 0, 5}), false, mgl32.Vec3{5, 0, 5}, 0.1, false, true},
			{"the middle, snapping: no vertex near", px(mgl32.Vec3{5, 0, 5}), true, mgl32.Vec3{5, 0, 5}, 0.1, false, true},
			{"near a corner, not snapped", px(corner).Add(image.Pt(4, 4)), false, onFront(px(corner).Add(image.Pt(4, 4))), 0.01, false, true},
			{"near a corner, snapped", px(corner).Add(image.Pt(4, 4)), true, corner, 0, true, true},
			{"just outside the corner, snapped", px(corner).Add(image.Pt(-4, -3)), true, corner, 0, true, true},
			{"outside, not snapped", px(corner).Add(image.Pt(-4, -3)), false, mgl32.Vec3{}, 0, false, false},
			{"far outside", image.Pt(2, 2), true, mgl32.Vec3{}, 0, false, false},
		}
		for _, tt := range tests {
			p, snapped, ok := pickPoint(picks.At, cube, &f, tt.at, tt.snap)
			if ok != tt.ok || snapped != tt.snapped {
				t.Errorf("ss %d, %s: got ok %v snapped %v, want %v %v", ss, tt.name, ok, snapped, tt.ok, tt.snapped)
				continue
			}
			if ok && p.Sub(tt.want).Len() > tt.tol+1e-4 {
				t.Errorf("ss %d, %s: got %v, want %v within %v", ss, tt.name, p, tt.want, tt.tol)
			}
		}
	}
}

// TestPickDistance measures the front side's diagonal from two snapped
// corners, as two clicks do.
func TestPickDistance(t *testing.T) {
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 10, 10}).Indexed()
	picks, f := pickScene(t, cube, 300, 200, 1)
	var pts []mgl32.Vec3
	for _, c := range []mgl32.Vec3{{0, 0, 0}, {10, 0, 10}} {
		x, y, _, _ := f.Project(c)
		p, snapped, ok := pickPoint(picks.At, cube, &f, image.Pt(int(x)+2, int(y)-2), true)
		if !ok || !snapped {
			t.Fatalf("near %v: got ok %v snapped %v", c, ok, snapped)
		}
		pts = append(pts, p)
	}
	if d := pts[1].Sub(pts[0]).Len(); math.Abs(float64(d)-10*math.Sqrt2) > 1e-4 {
		t.Errorf("got %v, want 10√2", d)
	}
}

var (
	knotOnce sync.Once
	knot10M  *mesh.Mesh
)

// BenchmarkPick10M picks points of a 10M-face knot drawn at 1024×768:
// what a click costs once the resting picture is on screen, snapping
// included (the id buffer is the picture's, so the cost does not grow
// with the mesh).
func BenchmarkPick10M(b *testing.B) {
	knotOnce.Do(func() { knot10M = shapes.Knot(10_000_000).Indexed() })
	picks, f := pickScene(b, knot10M, 1024, 768, 1)
	rng := rand.New(rand.NewPCG(1, 2))
	var pts []image.Point
	for len(pts) < 1000 {
		at := image.Pt(rng.IntN(1024), rng.IntN(768))
		if _, ok := picks.At(at.X, at.Y); ok {
			pts = append(pts, at)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, _, ok := pickPoint(picks.At, knot10M, &f, pts[i%len(pts)], true); !ok {
			b.Fatal("no hit on the knot")
		}
		i++
	}
}

// TestGameMeasure clicks twice on a focused part once its resting picture
// is shown: the points come from the Refiner's face ids, the second gives
// the distance, a third starts again and Esc clears. A click before the
// picture rests waits for it.
func TestGameMeasure(t *testing.T) {
	checkLeaks(t)
	g := newTestGame(t, "a.stl")
	g.setFocus(entry(t, g.lib, "a.stl"))
	on := func() []image.Point { // pixels showing the part, once it rests
		sv := g.sceneView()
		g.refiner.Start(g.size, []scene.View{sv}, 2)
		deadline := time.Now().Add(eventually)
		for !g.refiner.Ready() {
			if time.Now().After(deadline) {
				t.Fatal("the Refiner never finished")
			}
			time.Sleep(time.Millisecond)
		}
		g.refiner.PresentInto(image.NewRGBA(image.Rectangle{Max: g.size}))
		var pts []image.Point
		for y := 0; y < g.size.Y; y += 7 {
			for x := 0; x < g.size.X; x += 7 {
				if _, ok := g.refiner.Pick(x, y); ok {
					pts = append(pts, image.Pt(x, y))
				}
			}
		}
		if len(pts) < 10 {
			t.Fatalf("only %d pixels show the part", len(pts))
		}
		return pts
	}
	g.view.rested = false
	g.apply(Command{Action: ActPick, At: image.Pt(400, 300), NoSnap: true})
	g.measure.resolve(g)
	g.apply(Command{Action: ActPick, At: image.Pt(410, 300), NoSnap: true})
	g.measure.resolve(g)
	if len(g.measure.pending) != 2 || len(g.measure.points) != 0 {
		t.Fatal("two clicks before the picture rests: want both kept for later")
	}
	g.measure.clear()
	pts := on()
	g.view.rested = true
	a, b := pts[0], pts[len(pts)-1]
	for i, at := range []image.Point{a, b} {
		g.apply(Command{Action: ActPick, At: at, NoSnap: true})
		g.measure.resolve(g)
		if len(g.measure.points) != i+1 {
			t.Fatalf("click %d: got %d points", i+1, len(g.measure.points))
		}
	}
	m := g.view.entry.Mesh()
	for _, p := range g.measure.points {
		// A picked point lies on the part: inside its bounds, give or take
		// rounding.
		for k := range 3 {
			if p[k] < m.Bounds.Min[k]-1e-3 || p[k] > m.Bounds.Max[k]+1e-3 {
				t.Errorf("picked %v outside the part's bounds %v", p, m.Bounds)
			}
		}
	}
	g.apply(Command{Action: ActPick, At: a, NoSnap: true})
	g.measure.resolve(g)
	if len(g.measure.points) != 1 {
		t.Errorf("a third click: got %d points, want a new first one", len(g.measure.points))
	}
	g.apply(Command{Action: ActBack})
	if g.measure.active() || g.view.entry == nil {
		t.Errorf("Esc: points %d, focused %v; want the points cleared and the file still open", len(g.measure.points), g.view.entry != nil)
	}
}

func TestCoordFormat(t *testing.T) {
	for _, tt := range []struct {
		size float32
		v    float32
		want string
	}{
		{43, 0.8307, "0.83"},
		{43, -0.006954, "-0.01"},
		{43, -0.001, "0.00"},
		{43, 15.684, "15.68"},
		{4000, 1234.5678, "1235"},
		{0.05, 0.012345, "0.01235"},
		{0, 1.5, "1.500"},
	} {
		if got := coordFormat(tt.size)(tt.v); got != tt.want {
			t.Errorf("size %v: %v gives %q, want %q", tt.size, tt.v, got, tt.want)
		}
	}
}
