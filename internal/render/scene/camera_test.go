package scene

import (
	"image"
	"math"
	"testing"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

func near(a, b, tol float32) bool { return float32(math.Abs(float64(a-b))) <= tol }

func nearVec(a, b mgl32.Vec3, tol float32) bool {
	return near(a[0], b[0], tol) && near(a[1], b[1], tol) && near(a[2], b[2], tol)
}

// frameOf returns the Frame of a view of box b through camera c.
func frameOf(c Camera, vp image.Rectangle, b mesh.Box) Frame {
	v := View{Viewport: vp, Camera: c, Items: []Item{{Mesh: &mesh.Mesh{Bounds: b}, Model: mgl32.Ident4()}}}
	return v.Frame()
}

func TestFitFramesTheBox(t *testing.T) {
	box := mesh.Box{Min: mgl32.Vec3{-3, 10, 2}, Max: mgl32.Vec3{5, 12, 40}}
	tests := []struct {
		name string
		w, h int
		view StandardView
		up   Axis
	}{
		{"square iso", 400, 400, Iso, PlusZ},
		{"wide front", 1024, 400, Front, PlusZ},
		{"tall top", 300, 900, Top, PlusZ},
		{"4:3 right +Y", 1024, 768, Right, PlusY},
		{"very wide bottom -X", 2000, 200, Bottom, MinusX},
	}
	corners := func() []mgl32.Vec3 {
		var ps []mgl32.Vec3
		for k := range 8 {
			p := box.Min
			for a := range 3 {
				if k&(1<<a) != 0 {
					p[a] = box.Max[a]
				}
			}
			ps = append(ps, p)
		}
		return ps
	}()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCamera(tt.up)
			c.SetView(tt.view)
			vp := image.Rect(10, 20, 10+tt.w, 20+tt.h)
			c.Fit(box, float32(tt.w)/float32(tt.h))
			if got, want := c.Target, box.Center(); got != want {
				t.Errorf("target = %v, want the box centre %v", got, want)
			}
			// reach returns how far the farthest corner lies from the
			// centre of the view, as a fraction of the way to its edge.
			reach := func(c Camera) float32 {
				f := frameOf(c, vp, box)
				r := float32(0)
				for _, p := range corners {
					x, y, _, ok := f.Project(p)
					if !ok {
						return 99
					}
					nx, ny := f.ToNDC(x, y)
					r = max(r, abs32(nx), abs32(ny))
				}
				return r
			}
			if got, want := reach(c), 1/float32(FitMargin); got > want*1.0001 || got < want*0.999 {
				t.Errorf("the farthest corner reaches %.4f of the way to the edge, want %.4f (inside, with the margin, and tight)", got, want)
			}
		})
	}
}

func TestOrbit(t *testing.T) {
	tests := []struct {
		dAz, dEl float32
		wantEl   float32
	}{
		{0.3, 0.2, IsoElevation + 0.2},
		{-7, -0.5, IsoElevation - 0.5},
		{1, 3, MaxElevation},
		{1, -3, -MaxElevation},
		{100, 0, IsoElevation},
	}
	for _, tt := range tests {
		c := NewCamera(PlusZ)
		c.Target = mgl32.Vec3{1, 2, 3}
		c.Distance = 7
		c.Orbit(tt.dAz, tt.dEl)
		if got := c.Eye().Sub(c.Target).Len(); !near(got, 7, 1e-4) {
			t.Errorf("Orbit(%g, %g): eye is %g from the target, want 7", tt.dAz, tt.dEl, got)
		}
		if !near(c.Elevation, tt.wantEl, 1e-6) {
			t.Errorf("Orbit(%g, %g): elevation = %g, want %g", tt.dAz, tt.dEl, c.Elevation, tt.wantEl)
		}
		if c.Azimuth < -math.Pi || c.Azimuth > math.Pi {
			t.Errorf("Orbit(%g, %g): azimuth = %g, want it wrapped into [-π, π]", tt.dAz, tt.dEl, c.Azimuth)
		}
	}
}

func TestOrbitTurnsModelCounterClockwise(t *testing.T) {
	// Dragging right orbits by a positive azimuth: a point in front of the
	// target moves right on screen, as on a turntable turned that way.
	c := NewCamera(PlusZ)
	c.SetView(Front)
	vp := image.Rect(0, 0, 100, 100)
	box := mesh.Box{Min: mgl32.Vec3{-1, -1, -1}, Max: mgl32.Vec3{1, 1, 1}}
	c.Fit(box, 1)
	p := mgl32.Vec3{0, -1, 0} // front middle of the box
	f := frameOf(c, vp, box)
	x0, _, _, _ := f.Project(p)
	c.Orbit(0.2, 0)
	f = frameOf(c, vp, box)
	x1, _, _, _ := f.Project(p)
	if !(x1 > x0) {
		t.Errorf("after Orbit(0.2, 0) the front point is at x=%g, want right of %g", x1, x0)
	}
}

func TestZoomAtKeepsPointUnderCursor(t *testing.T) {
	box := mesh.Box{Min: mgl32.Vec3{-1, -2, -1}, Max: mgl32.Vec3{3, 2, 1}}
	vp := image.Rect(0, 0, 800, 500)
	aspect := float32(800) / 500
	tests := []struct {
		factor, ndcX, ndcY float32
	}{
		{1.25, 0.5, -0.3},
		{0.8, -0.9, 0.9},
		{3, 0, 0},
		{1.1, 1, -1},
	}
	for _, tt := range tests {
		c := NewCamera(PlusZ)
		c.Fit(box, aspect)
		f := frameOf(c, vp, box)
		// The world point of the target plane under the cursor.
		right, up, _ := c.Basis()
		th := c.Distance * float32(math.Tan(float64(c.FOV)/2))
		p := c.Target.Add(right.Mul(tt.ndcX * aspect * th)).Add(up.Mul(tt.ndcY * th))
		x0, y0, _, _ := f.Project(p)
		if wx, wy := f.ToPixel(tt.ndcX, tt.ndcY); !near(x0, wx, 1e-2) || !near(y0, wy, 1e-2) {
			t.Fatalf("test setup: the plane point projects to (%g, %g), want the cursor (%g, %g)", x0, y0, wx, wy)
		}
		d0 := c.Distance
		c.ZoomAt(tt.factor, tt.ndcX, tt.ndcY, aspect)
		f = frameOf(c, vp, box)
		x1, y1, _, _ := f.Project(p)
		if !near(x1, x0, 1e-2) || !near(y1, y0, 1e-2) {
			t.Errorf("ZoomAt(%g, %g, %g): the point under the cursor moved from (%g, %g) to (%g, %g)",
				tt.factor, tt.ndcX, tt.ndcY, x0, y0, x1, y1)
		}
		if got, want := c.Distance, d0/tt.factor; !near(got, want, want*1e-5) {
			t.Errorf("ZoomAt(%g, ...): distance = %g, want %g", tt.factor, got, want)
		}
	}
}

func TestZoomAtIgnoresBadFactor(t *testing.T) {
	for _, factor := range []float32{0, -2, float32(math.NaN())} {
		c := NewCamera(PlusZ)
		want := c
		c.ZoomAt(factor, 0.3, 0.3, 1)
		if c != want {
			t.Errorf("ZoomAt(%g, ...) changed the camera to %+v, want it unchanged", factor, c)
		}
	}
}

func TestPanFollowsCursor(t *testing.T) {
	box := mesh.Box{Min: mgl32.Vec3{-1, -1, -1}, Max: mgl32.Vec3{1, 1, 1}}
	vp := image.Rect(0, 0, 640, 480)
	tests := []struct {
		view             StandardView
		cursorX, cursorY float32
		dx, dy           float32
	}{
		{Iso, 320, 240, 25, -40},
		{Front, 100, 400, -60, 10},
		{Top, 500, 50, 3, 3},
	}
	for _, tt := range tests {
		c := NewCamera(PlusZ)
		c.SetView(tt.view)
		c.Fit(box, 640.0/480)
		f := frameOf(c, vp, box)
		// The target-plane point under the cursor.
		nx, ny := f.ToNDC(tt.cursorX, tt.cursorY)
		right, up, _ := c.Basis()
		th := c.Distance * float32(math.Tan(float64(c.FOV)/2))
		p := c.Target.Add(right.Mul(nx * f.Aspect * th)).Add(up.Mul(ny * th))

		c.Pan(tt.dx, tt.dy, vp.Dy())
		f = frameOf(c, vp, box)
		x, y, _, _ := f.Project(p)
		if wx, wy := tt.cursorX+tt.dx, tt.cursorY+tt.dy; !near(x, wx, 1e-2) || !near(y, wy, 1e-2) {
			t.Errorf("%v: Pan(%g, %g): grabbed point at (%g, %g), want the cursor at (%g, %g)", tt.view, tt.dx, tt.dy, x, y, wx, wy)
		}
	}
}

func TestStandardViews(t *testing.T) {
	x, y, z := mgl32.Vec3{1, 0, 0}, mgl32.Vec3{0, 1, 0}, mgl32.Vec3{0, 0, 1}
	neg := func(v mgl32.Vec3) mgl32.Vec3 { return v.Mul(-1) }
	iso := func(a, b, c mgl32.Vec3) mgl32.Vec3 { return a.Add(b).Add(c).Normalize() }
	tests := []struct {
		up      Axis
		view    StandardView
		look    mgl32.Vec3 // direction from the eye to the target
		screenU mgl32.Vec3 // world direction shown upward
		screenR mgl32.Vec3 // world direction shown to the right
	}{
		{PlusZ, Front, y, z, x},
		{PlusZ, Back, neg(y), z, neg(x)},
		{PlusZ, Left, x, z, neg(y)},
		{PlusZ, Right, neg(x), z, y},
		{PlusZ, Top, neg(z), y, x},
		{PlusZ, Bottom, z, neg(y), x},
		{PlusZ, Iso, neg(iso(x, neg(y), z)), iso(neg(x), y, z.Mul(2)), iso(x, y, mgl32.Vec3{})},
		{PlusY, Front, neg(z), y, x},
		{PlusY, Back, z, y, neg(x)},
		{PlusY, Left, x, y, z},
		{PlusY, Right, neg(x), y, neg(z)},
		{PlusY, Top, neg(y), neg(z), x},
		{PlusY, Bottom, y, z, x},
		{PlusY, Iso, neg(iso(x, y, z)), iso(neg(x), y.Mul(2), neg(z)), iso(x, neg(z), mgl32.Vec3{})},
	}
	for _, tt := range tests {
		c := NewCamera(tt.up)
		c.SetView(tt.view)
		right, up, back := c.Basis()
		look := c.Target.Sub(c.Eye()).Normalize()
		if !nearVec(look, tt.look, 1e-5) || !nearVec(up, tt.screenU, 1e-5) || !nearVec(right, tt.screenR, 1e-5) {
			t.Errorf("up %v, %v: look %v, screen up %v, right %v; want %v, %v, %v",
				tt.up, tt.view, look, up, right, tt.look, tt.screenU, tt.screenR)
		}
		if got := right.Cross(up); !nearVec(got, back, 1e-5) {
			t.Errorf("up %v, %v: right × up = %v, want back %v (right-handed)", tt.up, tt.view, got, back)
		}
	}
}

func TestAxisBasisIsRightHanded(t *testing.T) {
	for a := PlusZ; a <= MinusX; a++ {
		front, right := a.basis()
		if got := front.Cross(a.Vec()); got != right {
			t.Errorf("%v: front × up = %v, want right %v", a, got, right)
		}
	}
}

func TestViewMatrix(t *testing.T) {
	c := NewCamera(PlusY)
	c.Target = mgl32.Vec3{1, 2, 3}
	c.Orbit(0.4, -0.2)
	want := mgl32.LookAtV(c.Eye(), c.Target, mgl32.Vec3{0, 1, 0})
	if got := c.View(); !got.ApproxEqualThreshold(want, 1e-5) {
		t.Errorf("View() = %v, want lookAt's %v", got, want)
	}
}

func TestSetDegrees(t *testing.T) {
	tests := []struct{ az, el, wantAz, wantEl float32 }{
		{30, 45, 30, 45},
		{-45, 35, -45, 35},
		{270, 100, -90, 90},
		{0, -120, 0, -90},
	}
	for _, tt := range tests {
		var c Camera
		c.SetDegrees(tt.az, tt.el)
		az, el := c.Degrees()
		if !near(az, tt.wantAz, 1e-4) || !near(el, tt.wantEl, 1e-4) {
			t.Errorf("SetDegrees(%g, %g): Degrees() = %g, %g; want %g, %g", tt.az, tt.el, az, el, tt.wantAz, tt.wantEl)
		}
	}
}

func TestParseUp(t *testing.T) {
	tests := []struct {
		in      string
		want    Axis
		wantErr bool
	}{
		{"+Z", PlusZ, false},
		{"z", PlusZ, false},
		{"-y", MinusY, false},
		{" +X ", PlusX, false},
		{"-x", MinusX, false},
		{"Y", PlusY, false},
		{"up", 0, true},
		{"", 0, true},
		{"+W", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseUp(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseUp(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil {
			if back, _ := ParseUp(got.String()); back != got {
				t.Errorf("ParseUp(%q) does not read back %v", got.String(), got)
			}
		}
	}
}

func TestParseView(t *testing.T) {
	tests := []struct {
		in      string
		want    StandardView
		wantErr bool
	}{
		{"iso", Iso, false},
		{"Front", Front, false},
		{"BACK", Back, false},
		{"left", Left, false},
		{"right", Right, false},
		{"top", Top, false},
		{" bottom", Bottom, false},
		{"side", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseView(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseView(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestFitPointsFillsTheView(t *testing.T) {
	// A ring seen from the top: its bounding box's corners lie outside
	// the ring, so Fit leaves it smaller than the view; FitPoints frames
	// the ring itself.
	var pos []float32
	for i := range 64 {
		a := 2 * math.Pi * float64(i) / 64
		pos = append(pos, float32(10*math.Cos(a)), float32(10*math.Sin(a)), 0, float32(10*math.Cos(a)), float32(10*math.Sin(a)), 1)
	}
	b := mesh.Box{Min: mgl32.Vec3{-10, -10, 0}, Max: mgl32.Vec3{10, 10, 1}}
	c := NewCamera(PlusZ)
	c.SetView(Iso)
	box, pts := c, c
	box.Fit(b, 1)
	pts.FitPoints(pos, b, 1)
	if !(pts.Distance < box.Distance) {
		t.Errorf("FitPoints distance %v, Fit %v: want closer", pts.Distance, box.Distance)
	}
	// Every point in view, one near the edge.
	f := frameOf(pts, image.Rect(0, 0, 100, 100), b)
	edge := float32(0)
	for i := 0; i < len(pos); i += 3 {
		x, y, _, ok := f.Project(mgl32.Vec3{pos[i], pos[i+1], pos[i+2]})
		if !ok || x < 0 || x > 100 || y < 0 || y > 100 {
			t.Fatalf("point %d out of view: %v, %v", i/3, x, y)
		}
		edge = max(edge, abs32(x-50), abs32(y-50))
	}
	if edge < 40 {
		t.Errorf("the farthest point is %v px from the centre of a 100 px view, want about 45", edge)
	}
}
