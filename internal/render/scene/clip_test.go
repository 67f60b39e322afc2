package scene

import (
	"image"
	"math"
	"testing"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

func TestClipPolygon(t *testing.T) {
	tri := []ClipVertex{
		{C: [4]float64{0, 0, -2, 1}, Attr: [4]float64{1, 0, 0, 0}, Corner: 0}, // behind the near plane
		{C: [4]float64{1, 0, 0, 1}, Attr: [4]float64{0, 1, 0, 0}, Corner: 1},
		{C: [4]float64{0, 1, 0, 1}, Attr: [4]float64{0, 0, 1, 0}, Corner: 2},
	}
	out := make([]ClipVertex, 4)
	n := ClipPolygon(tri, NearPlane, out)
	if n != 4 {
		t.Fatalf("got %d vertices, want 4 (a quad)", n)
	}
	for _, v := range out[:n] {
		if d := v.C[2] + v.C[3]; d < -1e-12 {
			t.Errorf("vertex %v is behind the plane", v)
		}
		if v.Corner < 0 {
			// A cut point: on the plane, attributes summing to 1.
			if math.Abs(v.C[2]+v.C[3]) > 1e-12 || math.Abs(v.Attr[0]+v.Attr[1]+v.Attr[2]-1) > 1e-12 {
				t.Errorf("cut point %v is off the plane or its attributes", v)
			}
		}
	}
	if n := ClipPolygon(tri[:1], NearPlane, out); n != 0 {
		t.Errorf("a point behind: %d vertices, want 0", n)
	}
	if n := ClipPolygon(tri[1:], NearPlane, out); n != 2 {
		t.Errorf("a segment in front: %d vertices, want 2", n)
	}
}

func TestSectionPlaneInClipSpace(t *testing.T) {
	b := mesh.Box{Min: mgl32.Vec3{-1, -2, -3}, Max: mgl32.Vec3{4, 5, 6}}
	for _, s := range []Section{{Axis: 0, Offset: 1}, {Axis: 1, Offset: -1, Flip: true}, {Axis: 2, Offset: 2.5}} {
		for _, ortho := range []bool{false, true} {
			c := NewCamera(PlusZ)
			c.Ortho = ortho
			c.Orbit(0.3, 0.2)
			c.Fit(b, 1)
			v := View{Viewport: image.Rect(0, 0, 100, 100), Camera: c, Items: []Item{{Mesh: &mesh.Mesh{Bounds: b}, Model: mgl32.Ident4()}}}
			f := v.Frame()
			cp := f.ClipPlane(s.Plane())
			for _, p := range []mgl32.Vec3{{0, 0, 0}, {3, 4, 5}, {-1, 4, 2}, {2, -2, 3}} {
				q := f.ViewProjection.Mul4x1(p.Vec4(1))
				d := cp[0]*float64(q[0]) + cp[1]*float64(q[1]) + cp[2]*float64(q[2]) + cp[3]*float64(q[3])
				if (d >= -1e-4) != s.Keeps(p) && math.Abs(d) > 1e-4 {
					t.Errorf("section %+v ortho %v: point %v clip distance %g, kept %v", s, ortho, p, d, s.Keeps(p))
				}
			}
		}
	}
}

func TestUnprojectInvertsProject(t *testing.T) {
	b := mesh.Box{Min: mgl32.Vec3{-1, -1, -1}, Max: mgl32.Vec3{1, 1, 1}}
	for _, ortho := range []bool{false, true} {
		c := NewCamera(PlusZ)
		c.Ortho = ortho
		c.Fit(b, 4.0/3)
		v := View{Viewport: image.Rect(10, 20, 410, 320), Camera: c, Items: []Item{{Mesh: &mesh.Mesh{Bounds: b}, Model: mgl32.Ident4()}}}
		f := v.Frame()
		for _, p := range []mgl32.Vec3{{0, 0, 0}, {0.5, -0.3, 0.9}, {-1, 1, -1}} {
			x, y, z, ok := f.Project(p)
			if !ok {
				t.Fatalf("%v does not project", p)
			}
			if q := f.Unproject(x, y, z); q.Sub(p).Len() > 1e-3 {
				t.Errorf("ortho %v: Unproject(Project(%v)) = %v", ortho, p, q)
			}
		}
	}
}

func TestOrthoFitAndNearFar(t *testing.T) {
	b := mesh.Box{Min: mgl32.Vec3{-1, -2, -3}, Max: mgl32.Vec3{1, 2, 3}}
	c := NewCamera(PlusZ)
	c.Ortho = true
	c.Fit(b, 1)
	v := View{Viewport: image.Rect(0, 0, 200, 200), Camera: c, Items: []Item{{Mesh: &mesh.Mesh{Bounds: b}, Model: mgl32.Ident4()}}}
	f := v.Frame()
	if !(f.Near < f.Far) {
		t.Fatalf("near %g, far %g", f.Near, f.Far)
	}
	for k := range 8 {
		p := b.Min
		for a := range 3 {
			if k&(1<<a) != 0 {
				p[a] = b.Max[a]
			}
		}
		x, y, z, _ := f.Project(p)
		if x < 0 || x > 200 || y < 0 || y > 200 || z < -1 || z > 1 {
			t.Errorf("corner %v projects to %v, %v, depth %v: outside the view", p, x, y, z)
		}
	}
}

func TestGuides(t *testing.T) {
	b := mesh.Box{Min: mgl32.Vec3{-3, -2, 1}, Max: mgl32.Vec3{7, 4, 6}}
	lines := GridLines(b, PlusZ)
	if len(lines) < 8 {
		t.Fatalf("%d grid lines", len(lines))
	}
	for _, l := range lines {
		if l.A[2] != 1 || l.B[2] != 1 {
			t.Fatalf("a grid line %v off the ground z = 1", l)
		}
	}
	// A spacing of 1 (the extent is 10): neighbouring lines 1 apart.
	if d := lines[2].A.Sub(lines[0].A).Len(); math.Abs(float64(d)-1) > 1e-5 {
		t.Errorf("spacing %v, want 1", d)
	}
	if got := GridLines(b, MinusY)[0].A[1]; got != 4 {
		t.Errorf("-Y up: ground at y = %v, want the top 4", got)
	}
	if GridLines(mesh.EmptyBox(), PlusZ) != nil {
		t.Error("an empty box has a grid")
	}
	axes := AxisLines(b)
	if len(axes) != 3 || axes[0].B != (mgl32.Vec3{15, 0, 0}) || axes[2].Color != AxisColors[2] {
		t.Errorf("axes %v", axes)
	}
	for x, want := range map[float64]float64{0.7: 1, 1: 1, 1.1: 2, 3: 5, 7: 10, 0.03: 0.05} {
		if got := niceStep(x); math.Abs(got-want) > 1e-9 {
			t.Errorf("niceStep(%v) = %v, want %v", x, got, want)
		}
	}
}
