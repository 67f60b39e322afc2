// Package shading computes what smooth shading needs: a normal for every
// corner of every face, averaged over the faces around the corner's vertex
// that meet the face at less than a crease angle, so that curved surfaces
// shade smoothly while the sharp edges of a machined part stay sharp.
//
// Corner normals are packed into one uint32 each (see Pack), three per
// face in face order: 12 bytes a face, a quarter of three float32 vectors.
// The renderers unpack them as they shade.
package shading

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// DefaultCrease is the crease angle in radians that the viewer uses when
// none is given: 30 degrees, as f3d and most CAD viewers use.
const DefaultCrease = 30 * math.Pi / 180

// MaxFaces is the most faces Smooth takes: its vertex-to-face table
// counts corners in int32.
const MaxFaces = math.MaxInt32 / 3

// ErrTooLarge is returned for a mesh of more than MaxFaces faces.
var ErrTooLarge = errors.New("shading: mesh too large")

// cancelEvery is how many faces a worker shades between looks at ctx.
const cancelEvery = 1 << 14

// Smooth returns the corner normals of m for smooth shading with the given
// crease angle in radians (0 < crease ≤ π; DefaultCrease is the usual
// one): the normal at corner c of face f is the mean of the normals of the
// faces around the corner's vertex whose normals make an angle of at most
// crease with f's, which includes f itself, each weighted by the face's
// angle at the vertex (so that how a surface happens to be cut into
// triangles does not tilt its normals). Face normals
// are computed from the positions; a file's own normals are not trusted. A
// face with no area gets its neighbours' mean, or +Z when they have none.
//
// m must be indexed for corners to have neighbours: a soup is welded
// first, without watching ctx. Smooth uses up to workers goroutines (0
// means GOMAXPROCS), only reads m, and returns ctx.Err() soon after ctx is
// cancelled. The caller owns the result: 3·m.Faces() values, packed by
// Pack.
func Smooth(ctx context.Context, m *mesh.Mesh, crease float64, workers int) ([]uint32, error) {
	if m == nil || m.Faces() == 0 {
		return nil, nil
	}
	if m.Faces() > MaxFaces {
		return nil, fmt.Errorf("%w: %d faces, at most %d", ErrTooLarge, m.Faces(), MaxFaces)
	}
	if !(crease > 0) {
		crease = DefaultCrease
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if m.Indices == nil {
		m = m.IndexedWorkers(workers)
	}
	nf, nv := m.Faces(), m.Vertices()
	for _, v := range m.Indices {
		if int(v) >= nv {
			return nil, fmt.Errorf("shading: corner index %d beyond the mesh's %d vertices", v, nv)
		}
	}
	s := &smoother{m: m, cosCrease: float32(math.Cos(min(crease, math.Pi)))}
	// A crease of π keeps every neighbour: take the cosine a hair lower so
	// that rounding cannot drop an opposite face.
	if crease >= math.Pi {
		s.cosCrease = -2
	}
	if err := s.faceNormals(ctx, workers); err != nil {
		return nil, err
	}
	s.buildAdjacency(nv)
	out := make([]uint32, 3*nf)
	if err := parallel(ctx, workers, nf, func(lo, hi int) { s.corners(out, lo, hi) }); err != nil {
		return nil, err
	}
	return out, nil
}

// smoother holds one Smooth call's tables.
type smoother struct {
	m         *mesh.Mesh
	cosCrease float32
	// unit holds each face's unit normal (zero for no area), angles each
	// corner's angle in radians.
	unit   []mgl32.Vec3
	angles []float32
	// start and around list the corners at each vertex: those of vertex v
	// are around[start[v]:start[v+1]], as 3·face+corner, in increasing
	// order.
	start  []int32
	around []int32
}

// faceNormals fills unit and angles.
func (s *smoother) faceNormals(ctx context.Context, workers int) error {
	nf := s.m.Faces()
	s.unit = make([]mgl32.Vec3, nf)
	s.angles = make([]float32, 3*nf)
	pos, idx := s.m.Positions, s.m.Indices
	return parallel(ctx, workers, nf, func(lo, hi int) {
		for f := lo; f < hi; f++ {
			var p [3]mgl32.Vec3
			for c := range 3 {
				i := 3 * idx[3*f+c]
				p[c] = mgl32.Vec3{pos[i], pos[i+1], pos[i+2]}
			}
			if n := p[1].Sub(p[0]).Cross(p[2].Sub(p[0])); finiteLen(n) > 0 {
				s.unit[f] = n.Mul(1 / finiteLen(n))
			}
			for c := range 3 {
				u, v := p[(c+1)%3].Sub(p[c]), p[(c+2)%3].Sub(p[c])
				if lu, lv := finiteLen(u), finiteLen(v); lu > 0 && lv > 0 {
					s.angles[3*f+c] = acos(u.Dot(v) / (lu * lv))
				}
			}
		}
	})
}

// finiteLen returns v's length, or 0 when it is not finite (or its
// square overflows).
func finiteLen(v mgl32.Vec3) float32 {
	l2 := v[0]*v[0] + v[1]*v[1] + v[2]*v[2]
	if !(l2 > 0 && l2 <= math.MaxFloat32) {
		return 0
	}
	return float32(math.Sqrt(float64(l2)))
}

// acos returns arccos x, within 7e-5 radians (Abramowitz and Stegun
// 4.4.45), for x in [-1, 1] (clamped): a weight needs no more, and it is
// several times cheaper than math.Acos.
func acos(x float32) float32 {
	neg := x < 0
	x = min(1, max(-1, x))
	if neg {
		x = -x
	}
	r := float32(math.Sqrt(float64(1-x))) * (1.5707288 + x*(-0.2121144+x*(0.0742610+x*-0.0187293)))
	if neg {
		return math.Pi - r
	}
	return r
}

// buildAdjacency fills start and faces with a counting sort of the
// corners by vertex.
func (s *smoother) buildAdjacency(nv int) {
	idx := s.m.Indices
	s.start = make([]int32, nv+1)
	for _, v := range idx {
		s.start[v+1]++
	}
	for v := range nv {
		s.start[v+1] += s.start[v]
	}
	s.around = make([]int32, len(idx))
	next := make([]int32, nv)
	copy(next, s.start[:nv])
	for i, v := range idx {
		s.around[next[v]] = int32(i)
		next[v]++
	}
}

// corners writes the packed corner normals of faces lo..hi-1 into out.
func (s *smoother) corners(out []uint32, lo, hi int) {
	idx := s.m.Indices
	for f := lo; f < hi; f++ {
		nf := s.unit[f]
		for c := range 3 {
			v := idx[3*f+c]
			var sum mgl32.Vec3
			for _, k := range s.around[s.start[v]:s.start[v+1]] {
				g := int(k) / 3
				ng := s.unit[g]
				if g == f || nf[0]*ng[0]+nf[1]*ng[1]+nf[2]*ng[2] >= s.cosCrease {
					w := s.angles[k]
					sum[0] += w * ng[0]
					sum[1] += w * ng[1]
					sum[2] += w * ng[2]
				}
			}
			if sum == (mgl32.Vec3{}) {
				// A face with no area, or around a vertex of such faces
				// only: the mean of every face at the vertex.
				for _, k := range s.around[s.start[v]:s.start[v+1]] {
					sum = sum.Add(s.unit[int(k)/3])
				}
			}
			out[3*f+c] = Pack(sum)
		}
	}
}

// parallel runs fn over [0, n) split into ranges of cancelEvery faces, on
// up to workers goroutines, and returns ctx.Err() if ctx was cancelled
// before every range ran. A panic in fn is raised again on the caller's
// goroutine.
func parallel(ctx context.Context, workers, n int, fn func(lo, hi int)) error {
	chunks := (n + cancelEvery - 1) / cancelEvery
	workers = max(1, min(workers, chunks))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		next     int
		panicked any
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= chunks || ctx.Err() != nil || panicked != nil {
			return 0, false
		}
		next++
		return next - 1, true
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					mu.Lock()
					panicked = p
					mu.Unlock()
				}
			}()
			for {
				c, ok := take()
				if !ok {
					return
				}
				fn(c*cancelEvery, min(n, (c+1)*cancelEvery))
			}
		}()
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
	return ctx.Err()
}

// Packing: three signed 10-bit components, x in bits 0-9, y in 10-19, z in
// 20-29, each round(511·n) of the unit vector. The angle lost is under a
// tenth of a degree, far below what shading shows.
const (
	packBits  = 10
	packMask  = 1<<packBits - 1
	packScale = 1<<(packBits-1) - 1 // 511
)

// Pack returns n, normalised, packed into a uint32. A zero (or not
// finite) vector packs as +Z.
func Pack(n mgl32.Vec3) uint32 {
	l := finiteLen(n)
	if l == 0 {
		n, l = mgl32.Vec3{0, 0, 1}, 1
	}
	k := packScale / l
	var p uint32
	for i := range 3 {
		x := n[i] * k
		q := int32(x + 0.5)
		if x < 0 {
			q = int32(x - 0.5) // round half away from zero
		}
		p |= uint32(q) & packMask << (packBits * i)
	}
	return p
}

// Unpack returns the vector p packs, of length 1 within 0.3%.
func Unpack(p uint32) mgl32.Vec3 {
	const inv = 1.0 / packScale
	return mgl32.Vec3{
		float32(int32(p<<22)>>22) * inv,
		float32(int32(p<<12)>>22) * inv,
		float32(int32(p<<2)>>22) * inv,
	}
}
