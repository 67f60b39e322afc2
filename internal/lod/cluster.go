package lod

import (
	"context"
	"math"
	"math/bits"
	"sync"
	"sync/atomic"

	"github.com/stlview/stlview/internal/mesh"
)

// grid is a uniform grid of cubic cells. Coordinates inside the package
// are in units of the finest level's cell, from the finest grid's origin
// ("u-space"), at every level: a cell of level k spans scale = 2^k units.
type grid struct {
	origin [3]float64 // world position of u = 0
	h      float64    // world size of one u unit: the finest cell
	inv    float64    // 1/h
	scale  float64    // cell size in u units
	n      [3]int     // cells per axis
}

func (g *grid) single() bool { return g.n == [3]int{1, 1, 1} }

func (g *grid) total() int { return g.n[0] * g.n[1] * g.n[2] }

// u returns world point p in u-space.
func (g *grid) u(p [3]float32) [3]float64 {
	return [3]float64{
		(float64(p[0]) - g.origin[0]) * g.inv,
		(float64(p[1]) - g.origin[1]) * g.inv,
		(float64(p[2]) - g.origin[2]) * g.inv,
	}
}

// id returns the cell that holds u-space point u, points outside the grid
// going to the nearest cell.
func (g *grid) id(u [3]float64) uint32 {
	var c [3]int
	for k := range 3 {
		i := int(math.Floor(u[k] / g.scale))
		c[k] = min(max(i, 0), g.n[k]-1)
	}
	return uint32(c[0] + g.n[0]*(c[1]+g.n[1]*c[2]))
}

// coords returns the cell coordinates of id.
func (g *grid) coords(id uint32) [3]int {
	i := int(id)
	return [3]int{i % g.n[0], i / g.n[0] % g.n[1], i / (g.n[0] * g.n[1])}
}

// box returns the u-space box of cell id.
func (g *grid) box(id uint32) (lo, hi [3]float64) {
	c := g.coords(id)
	for k := range 3 {
		lo[k] = float64(c[k]) * g.scale
		hi[k] = lo[k] + g.scale
	}
	return lo, hi
}

// parent returns the grid of the next coarser level: cells twice as big,
// the same origin.
func (g *grid) parent() grid {
	p := *g
	p.scale *= 2
	for k := range 3 {
		p.n[k] = (g.n[k] + 1) / 2
	}
	return p
}

// occupancy is a bitmap of the cells of a grid that hold something, with
// the rank of each word, so that the occupied cells are numbered densely
// in cell order: a numbering that depends on nothing but the set.
type occupancy struct {
	words []uint64
	rank  []uint32 // set bits in the words before
	count int
}

func newOccupancy(cells int) *occupancy {
	return &occupancy{words: make([]uint64, (cells+63)/64)}
}

// set marks cell id; any number of goroutines may call it at once.
func (o *occupancy) set(id uint32) {
	w := &o.words[id/64]
	bit := uint64(1) << (id % 64)
	if atomic.LoadUint64(w)&bit == 0 {
		atomic.OrUint64(w, bit)
	}
}

// finish numbers the set cells; call it once every set has returned.
func (o *occupancy) finish() {
	o.rank = make([]uint32, len(o.words))
	n := 0
	for i, w := range o.words {
		o.rank[i] = uint32(n)
		n += bits.OnesCount64(w)
	}
	o.count = n
}

// index returns the number of the set cell id.
func (o *occupancy) index(id uint32) uint32 {
	w := id / 64
	return o.rank[w] + uint32(bits.OnesCount64(o.words[w]&(uint64(1)<<(id%64)-1)))
}

// ids returns the set cells in order.
func (o *occupancy) ids() []uint32 {
	ids := make([]uint32, 0, o.count)
	for i, w := range o.words {
		for w != 0 {
			ids = append(ids, uint32(64*i+bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return ids
}

// quadric is the error of a point u as a sum of squared distances to
// planes: E(u) = uᵀAu + 2b·u + c, with A symmetric, stored as A00 A01 A02
// A11 A12 A22, b0 b1 b2, c.
type quadric [10]float64

// addPlane adds the plane n·u + d = 0 with weight w.
func (q *quadric) addPlane(n [3]float64, d, w float64) {
	q[0] += w * n[0] * n[0]
	q[1] += w * n[0] * n[1]
	q[2] += w * n[0] * n[2]
	q[3] += w * n[1] * n[1]
	q[4] += w * n[1] * n[2]
	q[5] += w * n[2] * n[2]
	q[6] += w * d * n[0]
	q[7] += w * d * n[1]
	q[8] += w * d * n[2]
	q[9] += w * d * d
}

func (q *quadric) add(o *quadric) {
	for i := range q {
		q[i] += o[i]
	}
}

// tri is a face between three cells, by their numbers in clustering.ids.
type tri [3]uint32

// clustering is one level: the occupied cells of its grid with their
// quadrics and vertex sums, and the faces between cells.
type clustering struct {
	g     grid
	ids   []uint32     // occupied cells, ascending
	q     []quadric    // per occupied cell
	sum   [][4]float64 // per occupied cell: Σ u of the corners in it, and their count
	tris  []tri        // distinct faces between cells
	color []mesh.Color // per tri, or nil when the mesh has no colours
}

// The faces are summed in lanes of at least laneFaces faces, at most
// maxLanes of them: each lane holds a quadric and a sum for every cell.
// laneFaces is a variable so tests can make small meshes use lanes.
const maxLanes = 2

var laneFaces = 1 << 20

// newClustering clusters m on a grid of cells of world size h.
//
// The faces are cut into contiguous lanes, as many as the face count asks
// for (not the workers, which only run them); each lane sums the quadrics
// and corners of its faces into accumulators of its own and lists its
// faces between cells, and the lanes are then added up in order. The
// result thus depends on m and h alone.
func newClustering(ctx context.Context, m *mesh.Mesh, h float64, workers int) (*clustering, error) {
	g := grid{h: h, inv: 1 / h, scale: 1}
	s := m.Bounds.Size()
	for k := range 3 {
		g.origin[k] = float64(m.Bounds.Min[k])
		g.n[k] = int(math.Floor(float64(s[k])/h)) + 1
	}
	// Every vertex's cell: first its id, marked in the occupancy, then
	// in place its number among the occupied cells.
	verts := m.Vertices()
	occ := newOccupancy(g.total())
	vcell := make([]uint32, verts)
	if err := forRanges(ctx, verts, workers, func(lo, hi int) {
		for v := lo; v < hi; v++ {
			id := g.id(g.u(vertex(m, v)))
			vcell[v] = id
			occ.set(id)
		}
	}); err != nil {
		return nil, err
	}
	occ.finish()
	cl := &clustering{g: g, ids: occ.ids()}
	if err := forRanges(ctx, verts, workers, func(lo, hi int) {
		for v := lo; v < hi; v++ {
			vcell[v] = occ.index(vcell[v])
		}
	}); err != nil {
		return nil, err
	}

	cells, faces := len(cl.ids), m.Faces()
	lanes := max(1, min(maxLanes, faces/laneFaces))
	acc := make([]lane, lanes)
	if err := forWorkers(ctx, min(workers, lanes), func(w int) {
		for l := w; l < lanes; l += max(1, min(workers, lanes)) {
			acc[l].run(ctx, cl, m, vcell, l*faces/lanes, (l+1)*faces/lanes, l*verts/lanes, (l+1)*verts/lanes, cells)
		}
	}); err != nil {
		return nil, err
	}
	cl.q, cl.sum = acc[0].q, acc[0].sum
	var cand []candidate
	for w := range acc {
		if w > 0 {
			for c := range cells {
				cl.q[c].add(&acc[w].q[c])
				for k := range 4 {
					cl.sum[c][k] += acc[w].sum[c][k]
				}
			}
		}
		cand = append(cand, acc[w].cand...)
		acc[w] = lane{}
	}
	cl.setTris(cand, func(src uint32) mesh.Color { return faceColor(m, int(src)) }, m.Colors != nil)
	return cl, nil
}

func vertex(m *mesh.Mesh, v int) [3]float32 {
	p := m.Positions[3*v : 3*v+3 : 3*v+3]
	return [3]float32{p[0], p[1], p[2]}
}

// lane is one range of faces' share of newClustering.
type lane struct {
	q    []quadric
	sum  [][4]float64
	cand []candidate
}

// candidate is a face between three cells and the face it came from.
type candidate struct {
	t   tri
	src uint32
}

// run sums the lane's share into it: for faces lo..hi-1 of m, each
// face's plane quadric once into every cell its corners touch (a face
// whose corners lie in three cells also becomes a candidate), and for
// vertices vlo..vhi-1 each vertex into its cell.
func (ln *lane) run(ctx context.Context, cl *clustering, m *mesh.Mesh, vcell []uint32, lo, hi, vlo, vhi, cells int) {
	ln.q = make([]quadric, cells)
	ln.sum = make([][4]float64, cells)
	idx := m.Indices
	for f := lo; f < hi; f++ {
		if (f-lo)&0xffff == 0 && ctx.Err() != nil {
			return
		}
		i0, i1, i2 := 3*f, 3*f+1, 3*f+2
		if idx != nil {
			i0, i1, i2 = int(idx[3*f]), int(idx[3*f+1]), int(idx[3*f+2])
		}
		c0, c1, c2 := vcell[i0], vcell[i1], vcell[i2]
		q := planeQuadric(cl.g.u(vertex(m, i0)), cl.g.u(vertex(m, i1)), cl.g.u(vertex(m, i2)))
		ln.q[c0].add(&q)
		if c1 != c0 {
			ln.q[c1].add(&q)
		}
		if c2 != c0 && c2 != c1 {
			ln.q[c2].add(&q)
			if c1 != c0 {
				ln.cand = append(ln.cand, candidate{tri{c0, c1, c2}, uint32(f)})
			}
		}
	}
	for v := vlo; v < vhi; v++ {
		p := cl.g.u(vertex(m, v))
		s := &ln.sum[vcell[v]]
		s[0] += p[0]
		s[1] += p[1]
		s[2] += p[2]
		s[3]++
	}
}

// planeQuadric returns the quadric of the plane of triangle a, b, c,
// weighted by the square of twice its area: with n the unnormalised
// normal (b−a)×(c−a), the plane is n·u − n·a = 0. Squared-area weights
// need no square root or division, rank a sliver's uncertain plane low,
// and leave the minimiser of a cell whose planes meet in a line or point
// where it is.
func planeQuadric(a, b, c [3]float64) quadric {
	u := [3]float64{b[0] - a[0], b[1] - a[1], b[2] - a[2]}
	v := [3]float64{c[0] - a[0], c[1] - a[1], c[2] - a[2]}
	n := [3]float64{u[1]*v[2] - u[2]*v[1], u[2]*v[0] - u[0]*v[2], u[0]*v[1] - u[1]*v[0]}
	d := -(n[0]*a[0] + n[1]*a[1] + n[2]*a[2])
	return quadric{n[0] * n[0], n[0] * n[1], n[0] * n[2], n[1] * n[1], n[1] * n[2], n[2] * n[2], d * n[0], d * n[1], d * n[2], d * d}
}

// setTris keeps one candidate of each set of three cells, whatever their
// order: the first in cand's order, with its orientation. The candidates
// are bucketed by their lowest cell (a stable counting sort, linear and
// cache-friendly where a hash set would miss on every insert) and each
// bucket, a handful of faces, is searched for repeats. tris come out
// ordered by lowest cell. The colours come from colorOf(src) when colored.
func (cl *clustering) setTris(cand []candidate, colorOf func(src uint32) mesh.Color, colored bool) {
	cells := len(cl.ids)
	start := make([]uint32, cells+1)
	for _, c := range cand {
		start[min3(c.t)+1]++
	}
	for i := range cells {
		start[i+1] += start[i]
	}
	sorted := make([]candidate, len(cand))
	next := append([]uint32(nil), start[:cells]...)
	for _, c := range cand {
		lo := min3(c.t)
		sorted[next[lo]] = c
		next[lo]++
	}
	cl.tris = make([]tri, 0, len(cand)/2)
	cl.color = nil
	if colored {
		cl.color = make([]mesh.Color, 0, len(cand)/2)
	}
	for b := range cells {
		bucket := sorted[start[b]:start[b+1]]
		kept := len(cl.tris)
	next:
		for _, c := range bucket {
			k := sortedTri(c.t)
			for _, t := range cl.tris[kept:] {
				if sortedTri(t) == k {
					continue next
				}
			}
			cl.tris = append(cl.tris, c.t)
			if colored {
				cl.color = append(cl.color, colorOf(c.src))
			}
		}
	}
}

func min3(t tri) uint32 { return min(t[0], t[1], t[2]) }

func faceColor(m *mesh.Mesh, f int) mesh.Color {
	if m.Colors == nil {
		return mesh.Color{}
	}
	return m.Colors[f]
}

// coarser returns the next level: every cell of cl goes to its parent,
// quadrics and sums add up, and each face between cells maps to a face
// between parents, dropped when two corners meet.
func (cl *clustering) coarser() *clustering {
	g := cl.g.parent()
	parentID := func(id uint32) uint32 {
		c := cl.g.coords(id)
		return uint32(c[0]/2 + g.n[0]*(c[1]/2+g.n[1]*(c[2]/2)))
	}
	occ := newOccupancy(g.total())
	for _, id := range cl.ids {
		occ.set(parentID(id))
	}
	occ.finish()
	next := &clustering{g: g, ids: occ.ids()}
	next.q = make([]quadric, len(next.ids))
	next.sum = make([][4]float64, len(next.ids))
	up := make([]uint32, len(cl.ids))
	for i, id := range cl.ids {
		p := occ.index(parentID(id))
		up[i] = p
		next.q[p].add(&cl.q[i])
		for k := range 4 {
			next.sum[p][k] += cl.sum[i][k]
		}
	}
	cand := make([]candidate, 0, len(cl.tris))
	for k, t := range cl.tris {
		t = tri{up[t[0]], up[t[1]], up[t[2]]}
		if t[0] != t[1] && t[1] != t[2] && t[0] != t[2] {
			cand = append(cand, candidate{t, uint32(k)})
		}
	}
	next.setTris(cand, func(src uint32) mesh.Color { return cl.color[src] }, cl.color != nil)
	return next
}

// mesh returns the level as an indexed mesh of m's format: the cells its
// faces use become vertices, numbered in order of first use, at their
// representative points.
func (cl *clustering) mesh(m *mesh.Mesh, workers int) *mesh.Mesh {
	vnum := make([]int32, len(cl.ids))
	for i := range vnum {
		vnum[i] = -1
	}
	var cellsUsed []uint32
	idx := make([]uint32, 3*len(cl.tris))
	for f, t := range cl.tris {
		for k, c := range t {
			if vnum[c] < 0 {
				vnum[c] = int32(len(cellsUsed))
				cellsUsed = append(cellsUsed, c)
			}
			idx[3*f+k] = uint32(vnum[c])
		}
	}
	pos := make([]float32, 3*len(cellsUsed))
	forRanges(context.Background(), len(cellsUsed), workers, func(lo, hi int) {
		for v := lo; v < hi; v++ {
			u := cl.represent(cellsUsed[v])
			for k := range 3 {
				x := cl.g.origin[k] + u[k]*cl.g.h
				// Rounding must not take a point past the mesh's bounds.
				pos[3*v+k] = float32(min(max(x, float64(m.Bounds.Min[k])), float64(m.Bounds.Max[k])))
			}
		}
	})
	bounds := mesh.EmptyBox()
	for v := range len(cellsUsed) {
		bounds = bounds.Extend([3]float32{pos[3*v], pos[3*v+1], pos[3*v+2]})
	}
	out := &mesh.Mesh{
		Positions: pos,
		Indices:   idx,
		Normals:   make([]float32, 3*len(cl.tris)),
		Bounds:    bounds,
		Solids:    []mesh.Solid{{Count: len(cl.tris)}},
		Format:    m.Format,
		FacesRead: len(cl.tris),
	}
	if cl.color != nil {
		out.Colors = append([]mesh.Color(nil), cl.color...)
	}
	var degenerate atomic.Int64
	forRanges(context.Background(), out.Faces(), workers, func(lo, hi int) {
		degenerate.Add(int64(faceNormals(out, lo, hi)))
	})
	out.Degenerate = int(degenerate.Load())
	return out
}

// represent returns the representative point of cell c in u-space: the
// minimiser of its quadric nearest the mean of its corners, within the
// cell.
func (cl *clustering) represent(c uint32) [3]float64 {
	s := cl.sum[c]
	lo, hi := cl.g.box(cl.ids[c])
	x0 := [3]float64{(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2}
	if s[3] > 0 {
		x0 = [3]float64{s[0] / s[3], s[1] / s[3], s[2] / s[3]}
	}
	x := minimise(&cl.q[c], x0)
	for k := range 3 {
		x[k] = min(max(x[k], lo[k]), hi[k])
	}
	return x
}

// faceNormals sets the unit normals of faces lo..hi-1 of m and returns how
// many have none (zero area).
func faceNormals(m *mesh.Mesh, lo, hi int) int {
	degenerate := 0
	for f := lo; f < hi; f++ {
		a, b, c := m.Face(f)
		n := b.Sub(a).Cross(c.Sub(a))
		l := n.Len()
		if !(l > 0) || math.IsInf(float64(l), 0) {
			degenerate++
			continue
		}
		n = n.Mul(1 / l)
		copy(m.Normals[3*f:3*f+3], n[:])
	}
	return degenerate
}

// forRanges splits [0, n) into up to parts contiguous ranges and calls fn
// for each; see forWorkers.
func forRanges(ctx context.Context, n, parts int, fn func(lo, hi int)) error {
	parts = max(1, min(parts, n))
	return forWorkers(ctx, parts, func(w int) { fn(w*n/parts, (w+1)*n/parts) })
}

// forWorkers calls fn(0) ... fn(workers-1), each on its own goroutine (on
// the caller's alone when workers is 1), and waits for them. A panic in fn
// is re-raised on the caller's goroutine, so that the caller's recover (a
// loader's worker) sees it. It returns ctx's error once ctx is done.
func forWorkers(ctx context.Context, workers int, fn func(w int)) error {
	if workers <= 1 {
		fn(0)
		return ctx.Err()
	}
	var wg sync.WaitGroup
	var once sync.Once
	var panicked any
	for w := range workers {
		wg.Go(func() {
			defer func() {
				if v := recover(); v != nil {
					once.Do(func() { panicked = v })
				}
			}()
			fn(w)
		})
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
	return ctx.Err()
}
