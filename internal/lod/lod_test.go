package lod

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/shapes"
)

func TestEigenSym(t *testing.T) {
	for _, a := range [][3][3]float64{
		{{2, 0, 0}, {0, 3, 0}, {0, 0, 5}},
		{{4, 1, 2}, {1, 3, 0.5}, {2, 0.5, 6}},
		{{1, 1, 0}, {1, 1, 0}, {0, 0, 0}}, // singular
	} {
		vals, vecs := eigenSym(a)
		for k := range 3 {
			v := [3]float64{vecs[0][k], vecs[1][k], vecs[2][k]}
			for i := range 3 {
				av := a[i][0]*v[0] + a[i][1]*v[1] + a[i][2]*v[2]
				if math.Abs(av-vals[k]*v[i]) > 1e-9 {
					t.Errorf("%v: A·v%d = %v, want λ·v = %v", a, k, av, vals[k]*v[i])
				}
			}
		}
	}
}

func TestMinimise(t *testing.T) {
	plane := func(q *quadric, n [3]float64, d float64) { q.addPlane(n, d, 1) }
	tests := []struct {
		name   string
		planes [][4]float64 // n, d
		x0     [3]float64
		want   [3]float64
	}{
		{"corner", [][4]float64{{1, 0, 0, -1}, {0, 1, 0, -2}, {0, 0, 1, -3}}, [3]float64{5, 5, 5}, [3]float64{1, 2, 3}},
		{"edge: the point on the line nearest x0", [][4]float64{{1, 0, 0, -1}, {0, 1, 0, -2}}, [3]float64{5, 5, 7}, [3]float64{1, 2, 7}},
		{"plane: x0 projected", [][4]float64{{0, 0, 1, -3}}, [3]float64{4, 5, 0}, [3]float64{4, 5, 3}},
		{"no plane: x0", nil, [3]float64{4, 5, 6}, [3]float64{4, 5, 6}},
	}
	for _, tt := range tests {
		var q quadric
		for _, p := range tt.planes {
			plane(&q, [3]float64{p[0], p[1], p[2]}, p[3])
		}
		got := minimise(&q, tt.x0)
		for k := range 3 {
			if math.Abs(got[k]-tt.want[k]) > 1e-9 {
				t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
				break
			}
		}
	}
}

// checkLevels checks what Build promises of every level of m.
func checkLevels(t *testing.T, m *mesh.Mesh, levels []*mesh.Mesh) {
	t.Helper()
	prev := m.Faces()
	for i, lv := range levels {
		if lv.Indices == nil {
			t.Fatalf("level %d is not indexed", i)
		}
		if lv.Faces() >= prev {
			t.Errorf("level %d has %d faces, not fewer than the %d before", i, lv.Faces(), prev)
		}
		prev = lv.Faces()
		for k := range 3 {
			if lv.Bounds.Min[k] < m.Bounds.Min[k] || lv.Bounds.Max[k] > m.Bounds.Max[k] {
				t.Errorf("level %d bounds %v lie outside the mesh's %v", i, lv.Bounds, m.Bounds)
			}
		}
		for _, v := range lv.Indices {
			if int(v) >= lv.Vertices() {
				t.Fatalf("level %d: index %d of %d vertices", i, v, lv.Vertices())
			}
		}
	}
}

func TestBuildTorus(t *testing.T) {
	m := mesh.Torus(30, 10, 400, 100).Indexed() // 80,000 faces
	levels, err := Build(context.Background(), m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkLevels(t, m, levels)
	if len(levels) < 2 {
		t.Fatalf("got %d levels, want a chain", len(levels))
	}
	if n := levels[0].Faces(); n < 8_000 || n > 40_000 {
		t.Errorf("finest level has %d faces, want about a quarter of 80000", n)
	}
	if last := levels[len(levels)-1].Faces(); last >= DefaultMinFaces {
		t.Errorf("the last level has %d faces, want fewer than %d", last, DefaultMinFaces)
	}
	// Every level keeps the torus's extent to within a cell or so.
	for i, lv := range levels {
		s, want := lv.Bounds.Size(), m.Bounds.Size()
		for k := range 3 {
			if s[k] < 0.8*want[k] {
				t.Errorf("level %d (%d faces): extent %v, want about %v", i, lv.Faces(), s, want)
				break
			}
		}
	}
}

func TestBuildSmallMeshHasNoLevels(t *testing.T) {
	m := mesh.Cuboid(mgl32.Vec3{}, mgl32.Vec3{1, 2, 3}).Indexed()
	levels, err := Build(context.Background(), m, Options{})
	if err != nil || levels != nil {
		t.Errorf("got %d levels, %v; want none", len(levels), err)
	}
	if levels, err := Build(context.Background(), &mesh.Mesh{Bounds: mesh.EmptyBox()}, Options{}); err != nil || levels != nil {
		t.Errorf("empty mesh: got %v, %v", levels, err)
	}
}

func TestBuildDeterministic(t *testing.T) {
	defer func(n int) { laneFaces = n }(laneFaces)
	laneFaces = 16_384 // several lanes, summed in order
	m := shapes.Knot(60_000).Indexed()
	a, err := Build(context.Background(), m, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(context.Background(), m, Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("1 worker: %d levels, 4 workers: %d", len(a), len(b))
	}
	for i := range a {
		if !slices.Equal(a[i].Positions, b[i].Positions) || !slices.Equal(a[i].Indices, b[i].Indices) {
			t.Errorf("level %d differs between 1 and 4 workers", i)
		}
	}
}

func TestBuildSoupEqualsIndexed(t *testing.T) {
	soup := mesh.Torus(30, 10, 200, 60)
	a, err := Build(context.Background(), soup, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(context.Background(), soup.Indexed(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("soup: %d levels, indexed: %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Faces() != b[i].Faces() {
			t.Errorf("level %d: soup %d faces, indexed %d", i, a[i].Faces(), b[i].Faces())
		}
	}
}

func TestBuildKeepsSharpEdges(t *testing.T) {
	// The block's corners are where three flat sides meet: its finest
	// level must still reach every corner of its bounding box region,
	// and its faces stay flat: every face normal of a level lies within a
	// few degrees of one of the block's six side normals.
	m := shapes.Block(200_000).Indexed()
	levels, err := Build(context.Background(), m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkLevels(t, m, levels)
	sides := map[[3]int32]mgl32.Vec3{}
	for f := range m.Faces() {
		n := m.Normal(f)
		sides[[3]int32{int32(math.Round(float64(n[0] * 100))), int32(math.Round(float64(n[1] * 100))), int32(math.Round(float64(n[2] * 100)))}] = n
	}
	if len(sides) != 6 {
		t.Fatalf("the block has %d distinct normals, want 6", len(sides))
	}
	lv := levels[0]
	off := 0
	for f := range lv.Faces() {
		n := lv.Normal(f)
		best := float32(-1)
		for _, s := range sides {
			best = max(best, n.Dot(s))
		}
		if best < float32(math.Cos(5*math.Pi/180)) {
			off++
		}
	}
	if off > lv.Faces()/50 {
		t.Errorf("%d of %d faces of the finest level are off the block's sides by more than 5°", off, lv.Faces())
	}
}

func TestBuildColors(t *testing.T) {
	m := mesh.Torus(30, 10, 200, 60).Paint(mesh.Color{R: 200, G: 10, B: 20, A: 255}).Indexed()
	levels, err := Build(context.Background(), m, Options{})
	if err != nil || len(levels) == 0 {
		t.Fatalf("%d levels, %v", len(levels), err)
	}
	for i, lv := range levels {
		if len(lv.Colors) != lv.Faces() || lv.Colors[0] != m.Colors[0] {
			t.Errorf("level %d: %d colours for %d faces", i, len(lv.Colors), lv.Faces())
		}
	}
}

func TestBuildCancelled(t *testing.T) {
	m := shapes.Knot(400_000).Indexed()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if _, err := Build(ctx, m, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("a cancelled Build took %v", d)
	}
}

func TestBuildPanicReachesCaller(t *testing.T) {
	m := shapes.Knot(60_000).Indexed()
	bad := *m
	bad.Indices = slices.Clone(m.Indices)
	bad.Indices[len(bad.Indices)-1] = 1 << 30 // beyond the vertices: the helpers panic
	defer func() {
		if recover() == nil {
			t.Error("no panic reached the caller")
		}
	}()
	Build(context.Background(), &bad, Options{Workers: 4})
}
