package analysis

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// reference computes a Report's topology the obvious way, with a map of
// edges and searches over faces, for comparison on random meshes. Holes is
// -1 where boundary loops touch at a vertex (the pairing rule is tested on
// known solids instead).
func reference(m *mesh.Mesh) Report {
	type half struct{ face, dir int }
	faces := len(m.Indices) / 3
	corner := func(f, c int) uint32 { return m.Indices[3*f+c] }
	edges := map[[2]uint32][]half{}
	var keys [][2]uint32 // in first-use order, for a deterministic walk
	valid := make([]bool, faces)
	r := Report{Faces: faces}
	for f := range faces {
		a, b, c := corner(f, 0), corner(f, 1), corner(f, 2)
		if a == b || b == c || a == c {
			continue
		}
		valid[f] = true
		for k := range 3 {
			u, v := corner(f, k), corner(f, (k+1)%3)
			key, dir := [2]uint32{u, v}, 0
			if u > v {
				key, dir = [2]uint32{v, u}, 1
			}
			if edges[key] == nil {
				keys = append(keys, key)
			}
			edges[key] = append(edges[key], half{f, dir})
		}
	}
	// Neighbours across any edge (shells) and across manifold edges, with
	// the relation (patches).
	type nb struct{ face, rel int }
	any := make([][]int, faces)
	manifold := make([][]nb, faces)
	ends := map[uint32]int{}
	for _, k := range keys {
		hs := edges[k]
		switch len(hs) {
		case 1:
			r.BoundaryEdges++
			ends[k[0]]++
			ends[k[1]]++
		case 2:
			rel := 1
			if hs[0].dir != hs[1].dir {
				rel = 0
			}
			manifold[hs[0].face] = append(manifold[hs[0].face], nb{hs[1].face, rel})
			manifold[hs[1].face] = append(manifold[hs[1].face], nb{hs[0].face, rel})
		default:
			r.NonManifoldEdges++
		}
		for _, h := range hs[1:] {
			any[hs[0].face] = append(any[hs[0].face], h.face)
			any[h.face] = append(any[h.face], hs[0].face)
		}
	}
	seen := make([]bool, faces)
	for f := range faces {
		if !valid[f] || seen[f] {
			continue
		}
		r.Shells++
		stack := []int{f}
		seen[f] = true
		for len(stack) > 0 {
			g := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, h := range any[g] {
				if !seen[h] {
					seen[h] = true
					stack = append(stack, h)
				}
			}
		}
	}
	parity := make([]int, faces)
	clear(seen)
	for f := range faces {
		if !valid[f] || seen[f] {
			continue
		}
		size, odd, orientable := 0, 0, true
		stack := []int{f}
		seen[f] = true
		for len(stack) > 0 {
			g := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size++
			odd += parity[g]
			for _, n := range manifold[g] {
				p := parity[g] ^ n.rel
				if !seen[n.face] {
					seen[n.face] = true
					parity[n.face] = p
					stack = append(stack, n.face)
				} else if parity[n.face] != p {
					orientable = false
				}
			}
		}
		if orientable {
			r.FlippedFaces += min(odd, size-odd)
		} else {
			r.NonOrientable++
		}
	}
	// Holes: the components of the boundary, when loops do not touch.
	r.Holes = 0
	if r.BoundaryEdges > 0 {
		parent := map[uint32]uint32{}
		var find func(uint32) uint32
		find = func(x uint32) uint32 {
			if p, ok := parent[x]; ok && p != x {
				parent[x] = find(p)
				return parent[x]
			}
			return x
		}
		for v, n := range ends {
			if n != 2 {
				r.Holes = -1
			}
			parent[v] = v
		}
		comps := len(ends)
		for _, k := range keys {
			if len(edges[k]) == 1 {
				if a, b := find(k[0]), find(k[1]); a != b {
					parent[a] = b
					comps--
				}
			}
		}
		if r.Holes == 0 {
			r.Holes = comps
		}
	}
	r.Watertight = len(edges) > 0 && r.BoundaryEdges == 0 && r.NonManifoldEdges == 0
	return r
}

// checkTopology compares got's topology with reference(m).
func checkTopology(t *testing.T, m *mesh.Mesh, got *Report) {
	t.Helper()
	want := reference(m)
	g := *got
	g.Area, g.SignedVolume, g.InsideOut, g.Degenerate, g.ProblemEdges = 0, 0, false, 0, nil
	if want.Holes < 0 {
		g.Holes = -1
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("got  %+v\nwant %+v", g, want)
	}
}

// indexed returns the faces ts welded, in the given order.
func indexed(ts []tri) *mesh.Mesh {
	pos := make([]float32, 0, 9*len(ts))
	for _, t := range ts {
		for _, v := range t {
			pos = append(pos, v[0], v[1], v[2])
		}
	}
	return mesh.FromTriangles(pos).Indexed()
}

// damaged returns a torus of about faces faces, shuffled in blocks (so
// that parts share many edges), with some faces removed, some reversed and
// some duplicated.
func damaged(rng *rand.Rand, faces int, remove, flip, dup float64) []tri {
	nv := int(math.Sqrt(float64(faces) / 8))
	ts := triangles(mesh.Torus(30, 10, 4*nv, nv))
	var out []tri
	for _, t := range ts {
		switch x := rng.Float64(); {
		case x < remove:
			continue
		case x < remove+flip:
			t = reversed(t)
		case x < remove+flip+dup:
			out = append(out, t)
		}
		out = append(out, t)
	}
	const block = 500
	blocks := (len(out) + block - 1) / block
	order := rng.Perm(blocks)
	shuffled := make([]tri, 0, len(out))
	for _, b := range order {
		shuffled = append(shuffled, out[b*block:min(len(out), (b+1)*block)]...)
	}
	return shuffled
}

// randomFaces returns faces whose corners are drawn from a few vertices:
// duplicates, repeated corners and non-manifold edges galore.
func randomFaces(rng *rand.Rand, verts, faces int) *mesh.Mesh {
	m := &mesh.Mesh{Bounds: mesh.EmptyBox()}
	for range verts {
		p := mgl32.Vec3{rng.Float32(), rng.Float32(), rng.Float32()}
		m.Positions = append(m.Positions, p[0], p[1], p[2])
		m.Bounds = m.Bounds.Extend(p)
	}
	for range 3 * faces {
		m.Indices = append(m.Indices, uint32(rng.IntN(verts)))
	}
	return m
}

// TestReference compares Analyze with reference on damaged and random
// meshes, large enough to be shared among several workers.
func TestReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		mesh *mesh.Mesh
	}{
		{"torus", indexed(damaged(rng, 36000, 0, 0, 0))},
		{"holes", indexed(damaged(rng, 36000, 0.01, 0, 0))},
		{"flips", indexed(damaged(rng, 36000, 0, 0.01, 0))},
		{"duplicates", indexed(damaged(rng, 36000, 0, 0, 0.01))},
		{"everything", indexed(damaged(rng, 40000, 0.02, 0.02, 0.02))},
		{"islands", indexed(damaged(rng, 70000, 0.5, 0, 0))},
		{"random 8", randomFaces(rng, 8, 50)},
		{"random 30", randomFaces(rng, 30, 36000)},
		{"random 3000", randomFaces(rng, 3000, 36000)},
		{"mobius", indexed(mobius(40, 10, 2))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, workers := range []int{1, 3} {
				r, err := Analyze(context.Background(), tt.mesh, Options{Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				checkTopology(t, tt.mesh, r)
			}
		})
	}
}

// TestDeterministic checks that the number of workers changes nothing, not
// even the last bit of a sum or the order of the problem edges.
func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	meshes := []*mesh.Mesh{
		indexed(damaged(rng, 70000, 0.01, 0.01, 0.01)),
		randomFaces(rng, 5000, 50000),
		mesh.Torus(30, 10, 400, 200), // a soup, welded by Analyze; nine parts
	}
	for i, m := range meshes {
		var first *Report
		for _, workers := range []int{1, 2, 3, 4, 9} {
			r, err := Analyze(context.Background(), m, Options{Workers: workers, MaxProblemEdges: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = r
				continue
			}
			if !reflect.DeepEqual(r, first) {
				t.Errorf("mesh %d, %d workers: got %+v, want %+v as with 1", i, workers, summary(r), summary(first))
			}
		}
	}
}

// summary is r without its problem edges, for messages.
func summary(r *Report) Report {
	s := *r
	s.ProblemEdges = nil
	return s
}

// TestOrder checks that shuffling the faces changes no count and only the
// rounding of the sums.
func TestOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	ts := damaged(rng, 50000, 0.01, 0.01, 0.01)
	want, err := Analyze(context.Background(), indexed(ts), Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	rng.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
	got, err := Analyze(context.Background(), indexed(ts), Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !near(got.Area, want.Area, 1e-12) || !near(got.SignedVolume, want.SignedVolume, 1e-12) {
		t.Errorf("area, volume: got %v, %v, want %v, %v", got.Area, got.SignedVolume, want.Area, want.SignedVolume)
	}
	got.Area, got.SignedVolume, want.Area, want.SignedVolume = 0, 0, 0, 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shuffled: got %+v, want %+v", got, want)
	}
}

// TestSolids compares area and volume with the formulas for finely
// tessellated solids, also far from the origin, where float32 positions
// leave the volume to cancellation unless it is taken from the centre.
func TestSolids(t *testing.T) {
	const R, r = 30, 10
	far := mgl32.Translate3D(1024, -2048, 4096)
	tests := []struct {
		name         string
		mesh         *mesh.Mesh
		area, volume float64
		rel          float64
	}{
		{"torus", mesh.Torus(R, r, 400, 200), 4 * math.Pi * math.Pi * R * r, 2 * math.Pi * math.Pi * R * r * r, 1e-3},
		{"far torus", mesh.Torus(R, r, 400, 200).Transform(far), 4 * math.Pi * math.Pi * R * r, 2 * math.Pi * math.Pi * R * r * r, 1e-3},
		{"sphere", mesh.Sphere(5, 200, 100), 4 * math.Pi * 25, 4 * math.Pi * 125 / 3, 1e-3},
		{"cylinder", mesh.Cylinder(2, 7, 2000), 2*math.Pi*4 + 2*math.Pi*2*7, math.Pi * 4 * 7, 1e-5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Analyze(context.Background(), tt.mesh, Options{})
			if err != nil {
				t.Fatal(err)
			}
			v, ok := rep.Volume()
			if !ok || rep.Shells != 1 || rep.InsideOut {
				t.Fatalf("got %+v, want one closed shell", rep)
			}
			if !near(rep.Area, tt.area, tt.rel) {
				t.Errorf("area: got %v, want %v", rep.Area, tt.area)
			}
			if !near(v, tt.volume, tt.rel) {
				t.Errorf("volume: got %v, want %v", v, tt.volume)
			}
		})
	}
}

// TestSoup checks that a soup is welded: the same report as for the
// indexed mesh.
func TestSoup(t *testing.T) {
	soup := mesh.Merge(mesh.Torus(3, 1, 60, 20), mesh.Cuboid(mgl32.Vec3{10, 0, 0}, mgl32.Vec3{11, 1, 1}))
	got, err := Analyze(context.Background(), soup, Options{MaxProblemEdges: 10})
	if err != nil {
		t.Fatal(err)
	}
	want, err := Analyze(context.Background(), soup.Indexed(), Options{MaxProblemEdges: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("soup: got %+v, want %+v", got, want)
	}
	if got.Shells != 2 || !got.Watertight {
		t.Errorf("got %+v, want two closed shells", got)
	}
}

// TestInvalid feeds malformed meshes: errors wrapping ErrInvalid, never a
// panic.
func TestInvalid(t *testing.T) {
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{1, 1, 1}).Indexed()
	beyond := *cube
	beyond.Indices = append([]uint32(nil), cube.Indices...)
	beyond.Indices[7] = uint32(cube.Vertices())
	huge := *cube
	huge.Indices = append([]uint32(nil), cube.Indices...)
	huge.Indices[35] = math.MaxUint32
	partial := *cube
	partial.Indices = cube.Indices[:35]
	noPositions := *cube
	noPositions.Positions = nil
	tests := []struct {
		name string
		mesh *mesh.Mesh
	}{
		{"index = vertices", &beyond},
		{"index MaxUint32", &huge},
		{"35 indices", &partial},
		{"no positions", &noPositions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Analyze(context.Background(), tt.mesh, Options{Workers: 2})
			if !errors.Is(err, ErrInvalid) || r != nil {
				t.Errorf("got %v, %v, want an error wrapping ErrInvalid", r, err)
			}
		})
	}
	// Big enough for several workers, bad at the end.
	big := mesh.Torus(3, 1, 400, 100).Indexed()
	bad := *big
	bad.Indices = append([]uint32(nil), big.Indices...)
	bad.Indices[len(bad.Indices)-1] = uint32(big.Vertices() + 5)
	if _, err := Analyze(context.Background(), &bad, Options{Workers: 3}); !errors.Is(err, ErrInvalid) {
		t.Errorf("big mesh, last index bad: got %v, want an error wrapping ErrInvalid", err)
	}
}

func TestSizeLimit(t *testing.T) {
	if err := checkSize(MaxFaces); err != nil {
		t.Errorf("MaxFaces: got %v, want nil", err)
	}
	if err := checkSize(MaxFaces + 1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxFaces+1: got %v, want an error wrapping ErrTooLarge", err)
	}
}

func TestNil(t *testing.T) {
	r, err := Analyze(context.Background(), nil, Options{})
	if err != nil || r.Faces != 0 || r.Watertight || r.Shells != 0 {
		t.Errorf("nil mesh: got %+v, %v, want an empty report", r, err)
	}
	if v, ok := r.Volume(); ok || v != 0 {
		t.Errorf("nil mesh: Volume got %v, %v, want 0, false", v, ok)
	}
}

// TestNaN checks that non-finite coordinates spoil the sums, not the run.
func TestNaN(t *testing.T) {
	m := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{1, 1, 1}).Indexed()
	m.Positions = append([]float32(nil), m.Positions...)
	m.Positions[4] = float32(math.NaN())
	m.Bounds.Max[0] = float32(math.Inf(1))
	r, err := Analyze(context.Background(), m, Options{})
	if err != nil || !math.IsNaN(r.Area) || !r.Watertight {
		t.Errorf("got %+v, %v, want NaN area on a watertight cube", r, err)
	}
}

func TestCancel(t *testing.T) {
	m := mesh.Torus(30, 10, 600, 250).Indexed() // 300,000 faces
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, m, Options{Workers: 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: got %v, want context.Canceled", err)
	}
	// Cancel at several points of a run; each must stop soon after.
	start := time.Now()
	if _, err := Analyze(context.Background(), m, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	full := time.Since(start)
	for _, frac := range []float64{0.1, 0.3, 0.5, 0.7} {
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(time.Duration(frac*float64(full)), cancel)
		_, err := Analyze(ctx, m, Options{Workers: 2})
		timer.Stop()
		cancel()
		if err != nil && !errors.Is(err, context.Canceled) { // nil: it finished first
			t.Errorf("cancelled at %.0f%%: got %v, want context.Canceled", 100*frac, err)
		}
	}
	// The checks are every chunkFaces faces, so a cancelled run returns
	// within a small fraction of a full one.
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan time.Time, 1)
	go func() {
		Analyze(ctx, m, Options{Workers: 2})
		done <- time.Now()
	}()
	time.Sleep(full / 4)
	cancelled := time.Now()
	cancel()
	if lag := (<-done).Sub(cancelled); lag > full/2+50*time.Millisecond {
		t.Errorf("returned %v after cancel; a full run takes %v", lag, full)
	}
}
