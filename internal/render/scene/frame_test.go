package scene

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

func TestNearFarEnclosesContent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rnd := func(s float32) float32 { return (rng.Float32()*2 - 1) * s }
	for i := range 200 {
		lo := mgl32.Vec3{rnd(10), rnd(10), rnd(10)}
		b := mesh.Box{Min: lo, Max: lo.Add(mgl32.Vec3{rng.Float32() * 5, rng.Float32() * 5, rng.Float32() * 5})}
		c := NewCamera(Axis(i % 6))
		c.Orbit(rnd(3), rnd(1.5))
		c.Fit(b, 1)
		c.ZoomAt(0.3+rng.Float32()*10, rnd(1), rnd(1), 1) // sometimes into the box
		n, f := c.NearFar(b)
		if !(n > 0 && f > n) {
			t.Fatalf("case %d: NearFar = %g, %g; want 0 < near < far", i, n, f)
		}
		view := c.View()
		for k := range 8 {
			p := b.Min
			for a := range 3 {
				if k&(1<<a) != 0 {
					p[a] = b.Max[a]
				}
			}
			d := -mgl32.TransformCoordinate(p, view)[2]
			if d > f {
				t.Errorf("case %d: corner at depth %g is beyond far %g", i, d, f)
			}
			if d >= n {
				continue
			}
			// Only content closer than the minimum near may be cut.
			if n > f*MinNearRatio*1.0001 {
				t.Errorf("case %d: corner at depth %g is before near %g (> far·MinNearRatio %g)", i, d, n, f*MinNearRatio)
			}
		}
		// Tight: the range is the corners' depth range plus a hair.
		if n > f*MinNearRatio*1.0001 && (f-n) > 1.01*b.Size().Len()+1e-3 {
			t.Errorf("case %d: depth range %g is wider than the box's diagonal %g", i, f-n, b.Size().Len())
		}
	}
}

func TestNearFarEyeInside(t *testing.T) {
	b := mesh.Box{Min: mgl32.Vec3{-1, -1, -1}, Max: mgl32.Vec3{1, 1, 1}}
	c := NewCamera(PlusZ)
	c.Distance = 0.5
	n, f := c.NearFar(b)
	if want := f * MinNearRatio; !near(n, want, want*1e-6) {
		t.Errorf("eye inside: near = %g, want far·MinNearRatio = %g", n, want)
	}
	if f < 0.5+1 {
		t.Errorf("eye inside: far = %g, want at least 1.5 (the box reaches that far)", f)
	}
}

func TestToPixelConvention(t *testing.T) {
	f := Frame{Viewport: image.Rect(100, 50, 300, 150)}
	tests := []struct{ ndcX, ndcY, x, y float32 }{
		{-1, 1, 100, 50},       // top-left corner of the viewport
		{1, -1, 300, 150},      // bottom-right corner
		{0, 0, 200, 100},       // centre
		{-0.99, 0.98, 101, 51}, // the centre of the viewport's first pixel
	}
	for _, tt := range tests {
		x, y := f.ToPixel(tt.ndcX, tt.ndcY)
		if !near(x, tt.x, 1e-4) || !near(y, tt.y, 1e-4) {
			t.Errorf("ToPixel(%g, %g) = %g, %g; want %g, %g", tt.ndcX, tt.ndcY, x, y, tt.x, tt.y)
		}
		nx, ny := f.ToNDC(x, y)
		if !near(nx, tt.ndcX, 1e-5) || !near(ny, tt.ndcY, 1e-5) {
			t.Errorf("ToNDC(%g, %g) = %g, %g; want %g, %g", x, y, nx, ny, tt.ndcX, tt.ndcY)
		}
	}
}

func TestProjectBehindEye(t *testing.T) {
	v := View{Viewport: image.Rect(0, 0, 10, 10), Camera: NewCamera(PlusZ)}
	f := v.Frame()
	behind := v.Camera.Eye().Add(v.Camera.Eye().Sub(v.Camera.Target))
	if _, _, _, ok := f.Project(behind); ok {
		t.Errorf("Project(a point behind the eye) ok = true, want false")
	}
	if _, _, z, ok := f.Project(v.Camera.Target); !ok || z < -1 || z > 1 {
		t.Errorf("Project(target) = z %g, ok %v; want z in [-1, 1], ok", z, ok)
	}
}

func TestViewBounds(t *testing.T) {
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{1, 1, 1})
	v := View{Items: []Item{
		{Mesh: cube, Model: mgl32.Translate3D(10, 0, 0)},
		{Mesh: cube, Model: mgl32.HomogRotate3DZ(mgl32.DegToRad(90)).Mul4(mgl32.Scale3D(2, 2, 2))},
		{Mesh: nil},
		{Mesh: &mesh.Mesh{Bounds: mesh.EmptyBox()}, Model: mgl32.Ident4()},
	}}
	got := v.Bounds()
	want := mesh.Box{Min: mgl32.Vec3{-2, 0, 0}, Max: mgl32.Vec3{11, 2, 2}}
	if !nearVec(got.Min, want.Min, 1e-5) || !nearVec(got.Max, want.Max, 1e-5) {
		t.Errorf("Bounds() = %v, want %v", got, want)
	}
	if b := (&View{}).Bounds(); !b.IsEmpty() {
		t.Errorf("Bounds() of an empty view = %v, want empty", b)
	}
}

func TestNormalMatrixAndMirrors(t *testing.T) {
	v := View{Viewport: image.Rect(0, 0, 10, 10), Camera: NewCamera(PlusZ)}
	v.Camera.SetView(Front)
	f := v.Frame()
	tests := []struct {
		name   string
		model  mgl32.Mat4
		n      mgl32.Vec3 // model-space normal of the face looking at the eye
		mirror bool
	}{
		{"identity", mgl32.Ident4(), mgl32.Vec3{0, -1, 0}, false},
		{"non-uniform scale", mgl32.Scale3D(1, 5, 0.1), mgl32.Vec3{0, -1, 0}, false},
		{"mirror y", mgl32.Scale3D(1, -1, 1), mgl32.Vec3{0, 1, 0}, true},
	}
	for _, tt := range tests {
		got := f.NormalMatrix(tt.model).Mul3x1(tt.n).Normalize()
		if want := (mgl32.Vec3{0, 0, 1}); !nearVec(got, want, 1e-5) {
			t.Errorf("%s: view-space normal = %v, want %v (toward the eye)", tt.name, got, want)
		}
		if got := Mirrors(tt.model); got != tt.mirror {
			t.Errorf("%s: Mirrors = %v, want %v", tt.name, got, tt.mirror)
		}
	}
}
