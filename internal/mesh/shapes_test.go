package mesh

import (
	"testing"

	"github.com/go-gl/mathgl/mgl32"
)

// TestShapes checks face counts, bounds and that normals point outward.
func TestShapes(t *testing.T) {
	tests := []struct {
		name   string
		mesh   *Mesh
		faces  int
		bounds Box
		center mgl32.Vec3 // a point inside: normals point away from it
	}{
		{"cuboid", Cuboid(mgl32.Vec3{1, 2, 3}, mgl32.Vec3{4, 6, 8}), 12, Box{mgl32.Vec3{1, 2, 3}, mgl32.Vec3{4, 6, 8}}, mgl32.Vec3{2.5, 4, 5.5}},
		{"sphere", Sphere(2, 16, 8), 2 * 16 * 7, Box{mgl32.Vec3{-2, -2, -2}, mgl32.Vec3{2, 2, 2}}, mgl32.Vec3{}},
		{"cylinder", Cylinder(1, 3, 12), 48, Box{mgl32.Vec3{-1, -1, 0}, mgl32.Vec3{1, 1, 3}}, mgl32.Vec3{0, 0, 1.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.mesh
			if m.Faces() != tt.faces || m.Degenerate != 0 {
				t.Fatalf("got %d faces (%d degenerate), want %d", m.Faces(), m.Degenerate, tt.faces)
			}
			if m.Bounds.Min.Sub(tt.bounds.Min).Len() > 1e-5 || m.Bounds.Max.Sub(tt.bounds.Max).Len() > 1e-5 {
				t.Errorf("got bounds %v, want %v", m.Bounds, tt.bounds)
			}
			for f := range m.Faces() {
				a, b, c := m.Face(f)
				mid := a.Add(b).Add(c).Mul(1.0 / 3)
				if m.Normal(f).Dot(mid.Sub(tt.center)) <= 0 {
					t.Fatalf("face %d normal %v points inward", f, m.Normal(f))
				}
			}
		})
	}
	t.Run("torus", func(t *testing.T) {
		m := Torus(3, 1, 24, 12)
		if m.Faces() != 2*24*12 {
			t.Fatalf("got %d faces, want %d", m.Faces(), 2*24*12)
		}
		for f := range m.Faces() {
			a, b, c := m.Face(f)
			mid := a.Add(b).Add(c).Mul(1.0 / 3)
			ring := mgl32.Vec3{mid[0], mid[1], 0}.Normalize().Mul(3) // nearest point of the core circle
			if m.Normal(f).Dot(mid.Sub(ring)) <= 0 {
				t.Fatalf("face %d normal points inward", f)
			}
		}
	})
}

// TestTransformAndMerge moves and joins meshes.
func TestTransformAndMerge(t *testing.T) {
	a := testCube()
	a.Solids[0].Name = "a"
	b := a.Transform(mgl32.Translate3D(100, 0, 0)).Paint(Color{1, 2, 3, 255})
	if want := (Box{mgl32.Vec3{100, 0, 0}, mgl32.Vec3{110, 20, 30}}); b.Bounds != want {
		t.Errorf("got bounds %v, want %v", b.Bounds, want)
	}
	m := Merge(a, b)
	if m.Faces() != 24 || len(m.Solids) != 2 || m.Solids[1].First != 12 || len(m.Colors) != 24 {
		t.Fatalf("got %d faces, solids %v, %d colours", m.Faces(), m.Solids, len(m.Colors))
	}
	if m.Colors[0].A != 0 || m.Colors[12] != (Color{1, 2, 3, 255}) {
		t.Errorf("got colours %v and %v, want none and {1 2 3 255}", m.Colors[0], m.Colors[12])
	}
	if want := (Box{mgl32.Vec3{0, 0, 0}, mgl32.Vec3{110, 20, 30}}); m.Bounds != want {
		t.Errorf("got bounds %v, want %v", m.Bounds, want)
	}
}

// TestBox checks the bounding-box helpers.
func TestBox(t *testing.T) {
	b := EmptyBox()
	if !b.IsEmpty() || b.Size() != (mgl32.Vec3{}) || b.Radius() != 0 {
		t.Errorf("empty box: got %v size %v", b, b.Size())
	}
	b = b.Extend(mgl32.Vec3{1, 2, 3}).Extend(mgl32.Vec3{-1, 0, 5})
	if b.Min != (mgl32.Vec3{-1, 0, 3}) || b.Max != (mgl32.Vec3{1, 2, 5}) || b.Center() != (mgl32.Vec3{0, 1, 4}) {
		t.Errorf("got %v center %v", b, b.Center())
	}
	if u := b.Union(EmptyBox()); u != b {
		t.Errorf("union with empty: got %v, want %v", u, b)
	}
}
