package shading

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/shapes"
)

func TestAcos(t *testing.T) {
	for x := float32(-1); x <= 1; x += 1.0 / 1024 {
		if d := math.Abs(float64(acos(x)) - math.Acos(float64(x))); d > 1e-4 {
			t.Errorf("acos(%v) = %v, want %v", x, acos(x), math.Acos(float64(x)))
		}
	}
	if acos(2) != 0 || math.Abs(float64(acos(-2))-math.Pi) > 1e-6 {
		t.Errorf("acos clamps: got %v, %v", acos(2), acos(-2))
	}
}

func TestPackRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vs := []mgl32.Vec3{{1, 0, 0}, {0, -1, 0}, {0, 0, 1}, {-1, -1, -1}, {3, 4, 0}, {1e-30, 0, 0}}
	for range 1000 {
		vs = append(vs, mgl32.Vec3{float32(rng.NormFloat64()), float32(rng.NormFloat64()), float32(rng.NormFloat64())})
	}
	for _, v := range vs {
		got := Unpack(Pack(v))
		want := v.Normalize()
		if l := got.Len(); math.Abs(float64(l)-1) > 0.003 {
			t.Errorf("Unpack(Pack(%v)) = %v: length %v, want 1 within 0.3%%", v, got, l)
		}
		if ang := angle(got, want); ang > 0.2 {
			t.Errorf("Unpack(Pack(%v)) = %v: %.3f° off", v, got, ang)
		}
	}
	for _, v := range []mgl32.Vec3{{}, {float32(math.NaN()), 0, 0}, {float32(math.Inf(1)), 0, 0}} {
		if got := Unpack(Pack(v)); got != (mgl32.Vec3{0, 0, 1}) {
			t.Errorf("Unpack(Pack(%v)) = %v, want +Z", v, got)
		}
	}
}

// angle returns the angle between a and b in degrees.
func angle(a, b mgl32.Vec3) float64 {
	c := float64(a.Dot(b)) / float64(a.Len()*b.Len())
	return math.Acos(max(-1, min(1, c))) * 180 / math.Pi
}

// corner returns the unpacked normal of corner c of face f.
func corner(ns []uint32, f, c int) mgl32.Vec3 { return Unpack(ns[3*f+c]) }

// faceNormal returns f's unit normal from its positions.
func faceNormal(m *mesh.Mesh, f int) mgl32.Vec3 {
	a, b, c := m.Face(f)
	return b.Sub(a).Cross(c.Sub(a)).Normalize()
}

func TestSmooth(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		m      *mesh.Mesh
		crease float64
		// want returns the expected normal at corner c of face f, or
		// ok false where the test does not say.
		want func(m *mesh.Mesh, f, c int) (mgl32.Vec3, bool)
	}{
		{"cube: sharp at 30°", mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{1, 2, 3}).Indexed(), DefaultCrease,
			func(m *mesh.Mesh, f, c int) (mgl32.Vec3, bool) { return faceNormal(m, f), true }},
		{"cube: everything at 180°", mesh.Cuboid(mgl32.Vec3{-1, -1, -1}, mgl32.Vec3{1, 1, 1}).Indexed(), math.Pi,
			func(m *mesh.Mesh, f, c int) (mgl32.Vec3, bool) {
				// Around a cube's corner, each of the three faces adds
				// the same area whichever triangles touch the vertex:
				// not exactly the diagonal, but into the same octant.
				p := m.Vertex(m.Corner(f, c))
				return mgl32.Vec3{sign(p[0]), sign(p[1]), sign(p[2])}.Normalize(), false
			}},
		{"sphere: radial", mesh.Sphere(10, 48, 24), DefaultCrease,
			func(m *mesh.Mesh, f, c int) (mgl32.Vec3, bool) { return m.Vertex(m.Corner(f, c)).Normalize(), true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns, err := Smooth(ctx, tt.m, tt.crease, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(ns) != 3*tt.m.Faces() {
				t.Fatalf("got %d corner normals, want %d", len(ns), 3*tt.m.Faces())
			}
			for f := range tt.m.Faces() {
				for c := range 3 {
					want, exact := tt.want(tt.m, f, c)
					got := corner(ns, f, c)
					tol := 1.5 // degrees: the sphere's facets tilt its corners' means
					if !exact {
						tol = 55
					}
					if a := angle(got, want); a > tol {
						t.Fatalf("face %d corner %d: got %v, want %v (%.2f° off)", f, c, got, want, a)
					}
				}
			}
		})
	}
}

func sign(x float32) float32 {
	if x < 0 {
		return -1
	}
	return 1
}

// TestSmoothCylinder: a faceted cylinder is smooth around its side and
// sharp at its rims, where the caps meet the side at 90°.
func TestSmoothCylinder(t *testing.T) {
	m := mesh.Cylinder(5, 10, 32).Indexed()
	ns, err := Smooth(context.Background(), m, DefaultCrease, 1)
	if err != nil {
		t.Fatal(err)
	}
	for f := range m.Faces() {
		n := faceNormal(m, f)
		for c := range 3 {
			got := corner(ns, f, c)
			if math.Abs(float64(n[2])) > 0.99 { // a cap: flat
				if a := angle(got, n); a > 0.2 {
					t.Errorf("cap face %d corner %d: got %v, want the cap's normal %v", f, c, got, n)
				}
				continue
			}
			p := m.Vertex(m.Corner(f, c))
			radial := mgl32.Vec3{p[0], p[1], 0}.Normalize()
			if a := angle(got, radial); a > 0.2 {
				t.Errorf("side face %d corner %d: got %v, want radial %v (%.2f° off)", f, c, got, radial, a)
			}
		}
	}
}

// TestSmoothSoupEqualsIndexed: a soup is welded first, so its corners get
// the same normals as the indexed mesh's.
func TestSmoothSoupEqualsIndexed(t *testing.T) {
	soup := mesh.Torus(10, 3, 32, 16)
	a, err := Smooth(context.Background(), soup, DefaultCrease, 2)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Smooth(context.Background(), soup.Indexed(), DefaultCrease, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("got %d and %d normals", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("corner %d: soup %v, indexed %v", i, Unpack(a[i]), Unpack(b[i]))
		}
	}
}

// TestSmoothDeterministic: the same normals whatever the workers.
func TestSmoothDeterministic(t *testing.T) {
	m := shapes.Knot(200_000)
	want, err := Smooth(context.Background(), m, DefaultCrease, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 3, 8} {
		got, err := Smooth(context.Background(), m, DefaultCrease, w)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%d workers: corner %d differs", w, i)
			}
		}
	}
}

func TestSmoothEdgeCases(t *testing.T) {
	ctx := context.Background()
	if ns, err := Smooth(ctx, nil, DefaultCrease, 1); ns != nil || err != nil {
		t.Errorf("nil mesh: got %v, %v; want nothing", ns, err)
	}
	// A face with no area next to real ones: finite normals everywhere.
	m := &mesh.Mesh{Positions: []float32{0, 0, 0, 1, 0, 0, 0, 1, 0, 2, 0, 0}, Indices: []uint32{0, 1, 2, 0, 1, 3}, Normals: make([]float32, 6)}
	ns, err := Smooth(ctx, m, DefaultCrease, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range ns {
		if n := Unpack(p); math.Abs(float64(n.Len())-1) > 0.01 {
			t.Errorf("corner %d: %v, want a unit vector", i, n)
		}
	}
	if n := corner(ns, 0, 0); angle(n, mgl32.Vec3{0, 0, 1}) > 0.2 {
		t.Errorf("the real face's corner: got %v, want +Z", n)
	}
	// A corner beyond the vertices is an error, not a panic.
	bad := &mesh.Mesh{Positions: []float32{0, 0, 0, 1, 0, 0, 0, 1, 0}, Indices: []uint32{0, 1, 7}, Normals: make([]float32, 3)}
	if _, err := Smooth(ctx, bad, DefaultCrease, 1); err == nil {
		t.Error("an index beyond the vertices: got no error")
	}
}

func TestSmoothCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Smooth(ctx, shapes.Knot(100_000), DefaultCrease, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func BenchmarkSmooth(b *testing.B) {
	for _, n := range []int{200_000, 2_000_000} {
		m := shapes.Knot(n).Indexed() // the store holds indexed meshes
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			b.SetBytes(int64(m.Faces()) * 50)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Smooth(context.Background(), m, DefaultCrease, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(m.Faces()), "ns/face")
		})
	}
}
