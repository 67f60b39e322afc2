package analysis

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/go-gl/mathgl/mgl32"
)

// analyzer holds one Analyze call's input and working state. Its passes run
// one after another, each on several goroutines that write only their own
// part of the state; the WaitGroup ending each pass orders its writes
// before the next pass's reads.
type analyzer struct {
	ctx      context.Context
	idx      []uint32  // three vertex numbers per face
	pos      []float32 // x, y, z per vertex
	normals  []float32 // the mesh's, when there is one per face
	faces    int
	verts    int
	workers  int
	maxEdges int
	centre   [3]float64 // the volume's reference point

	// Match part p is faces [faceBounds[p], faceBounds[p+1]) and the
	// vertices they use first, [vertexBounds[p], vertexBounds[p+1]) in the
	// new numbering; there is one per worker. Place parts are groups of
	// them (graph.go).
	faceBounds   []int
	vertexBounds []uint32

	newOf     []uint32   // new vertex number + 1 by old, 0 for an unused vertex
	newVerts  int        // vertices in the new numbering
	slots     [][]uint32 // per place part, the next slot of each vertex's half-edges
	halfEdges int        // of faces with three distinct vertices
	words     forest     // orientation forest over faces
	g         graph      // half-edges by owner
	rep       Report
}

// run does the passes in turn.
func (a *analyzer) run() (*Report, error) {
	a.rep.Faces = a.faces
	parts := a.workersFor(a.faces / chunkFaces)
	a.faceBounds = make([]int, parts+1)
	for p := range a.faceBounds {
		a.faceBounds[p] = p * a.faces / parts
	}
	a.vertexBounds = make([]uint32, parts+1)
	if err := a.build(); err != nil {
		return nil, err
	}
	st, err := a.match()
	if err != nil {
		return nil, err
	}
	r := &a.rep
	r.BoundaryEdges = len(st.boundary)
	r.NonManifoldEdges = st.nonManifold
	r.ProblemEdges = st.problems
	if len(st.boundary) > 0 {
		// The entries are no longer needed: they become the scratch of
		// holes.
		var at []uint64
		if len(a.g.entries) >= a.newVerts {
			at = a.g.entries[:a.newVerts]
			clear(at)
		} else {
			at = make([]uint64, a.newVerts)
		}
		r.Holes = a.holes(st.boundary, at)
	}
	if err := a.ctx.Err(); err != nil {
		return nil, err
	}
	if err := a.patches(st); err != nil {
		return nil, err
	}
	r.Watertight = a.halfEdges > 0 && r.BoundaryEdges == 0 && r.NonManifoldEdges == 0
	r.InsideOut = r.closed() && r.SignedVolume < 0
	return r, nil
}

// build measures the faces, builds the graph and allocates the forest.
// Renumbering runs on worker 0 while the others measure; then every worker
// places parts until none is left and goes back to measuring. Worker 1
// first allocates the entries and the forest, so that worker 0 does not
// spend its time clearing them.
func (a *analyzer) build() error {
	m := newMeasurer(a.faces)
	nw := len(a.faceBounds) - 1
	ready := make(chan struct{})    // closed once renumbered
	alloc := make(chan []uint64, 1) // the entries
	var err error                   // renumber's, read after ready
	var nextPart atomic.Int64
	parallel(nw, func(w int) {
		if w == 1 || nw == 1 {
			alloc <- make([]uint64, 3*a.faces)
			a.words = make(forest, a.faces) // read after parallel returns
		}
		if w == 0 {
			err = a.renumber()
			if err == nil {
				a.g.entries = (<-alloc)[:a.halfEdges]
			} else {
				m.bad.Store(true)
			}
			close(ready)
		} else {
			// Measure until the parts can be placed.
		wait:
			for {
				select {
				case <-ready:
					break wait
				default:
				}
				if !m.measureOne(a) {
					<-ready
					break
				}
			}
		}
		if err == nil {
			for q := int(nextPart.Add(1) - 1); q < len(a.slots); q = int(nextPart.Add(1) - 1) {
				a.place(q, a.g.entries)
			}
		}
		for m.measureOne(a) {
		}
	})
	if err != nil {
		return err
	}
	if err := a.ctx.Err(); err != nil {
		return err
	}
	a.g.ends = a.slots[len(a.slots)-1][:a.newVerts]
	a.slots = nil
	a.rep.Degenerate = int(m.degenerate.Load())
	a.rep.Area, a.rep.SignedVolume = m.sums()
	return nil
}

// patches counts the patches, their flipped and non-orientable faces, and
// the shells they make once joined at non-manifold edges.
//
// Every successful union merged two patches, so there are as many patches
// as faces with edges less the unions. When every manifold edge was
// consistent, every face has parity 0 and nothing needs flipping; only
// otherwise are the parities counted per patch.
func (a *analyzer) patches(st *matchStats) error {
	patches := a.halfEdges/3 - st.links
	if st.inconsistent > 0 {
		if err := a.countFlipped(st.conflicts); err != nil {
			return err
		}
	}
	a.rep.Shells = patches
	if len(st.joins) == 0 {
		return nil
	}
	// A union-find over patch roots, joined at non-manifold edges.
	parent := make([]uint32, a.faces)
	for i := range parent {
		parent[i] = uint32(i)
	}
	find := func(x uint32) uint32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for i, j := range st.joins {
		if i%chunkFaces == 0 && a.ctx.Err() != nil {
			return a.ctx.Err()
		}
		p, _ := a.words.root(j[0])
		q, _ := a.words.root(j[1])
		if p, q := find(p), find(q); p != q {
			parent[max(p, q)] = min(p, q)
			a.rep.Shells--
		}
	}
	return nil
}

// countFlipped sets FlippedFaces and NonOrientable by counting, per patch,
// the faces wound opposite to its root. Conflicts lists a face of each
// contradiction found.
//
// Each root gets a counter, size<<32 | faces of opposite parity, with bit
// 63 set when the patch is non-orientable. Runs of faces with the same
// root, the common case, add to it once.
func (a *analyzer) countFlipped(conflicts []uint32) error {
	var ctr []uint64
	if len(a.g.entries) >= a.faces {
		ctr = a.g.entries[:a.faces]
	} else {
		ctr = make([]uint64, a.faces)
	}
	a.g = graph{}
	nw := len(a.faceBounds) - 1
	words := a.words
	parallelRanges(a.faces, nw, func(_, lo, hi int) { clear(ctr[lo:hi]) })
	parallelRanges(a.faces, nw, func(_, lo, hi int) {
		run, n := uint32(0), uint64(0)
		flush := func() {
			if n != 0 {
				atomic.AddUint64(&ctr[run], n)
			}
		}
		for f := lo; f < hi; f++ {
			if f%chunkFaces == 0 && a.ctx.Err() != nil {
				return
			}
			if !a.hasEdges(f) {
				continue
			}
			r, p := words.root(uint32(f))
			if r != run {
				flush()
				run, n = r, 0
			}
			n += 1<<32 | uint64(p)
		}
		flush()
	})
	if err := a.ctx.Err(); err != nil {
		return err
	}
	for _, f := range conflicts {
		r, _ := words.root(f)
		ctr[r] |= 1 << 63
	}
	type flipStats struct{ flipped, nonOrientable int }
	stats := make([]flipStats, nw)
	parallelRanges(a.faces, nw, func(w, lo, hi int) {
		st := &stats[w]
		for f := lo; f < hi; f++ {
			if words[f] != 0 || !a.hasEdges(f) {
				continue // not a root
			}
			c := ctr[f]
			if c>>63 != 0 {
				st.nonOrientable++
			} else {
				size, k := int(c>>32), int(uint32(c))
				st.flipped += min(k, size-k)
			}
		}
	})
	for _, st := range stats {
		a.rep.FlippedFaces += st.flipped
		a.rep.NonOrientable += st.nonOrientable
	}
	return nil
}

// hasEdges reports whether face f has three distinct vertices.
func (a *analyzer) hasEdges(f int) bool {
	t := a.idx[3*f : 3*f+3 : 3*f+3]
	return t[0] != t[1] && t[1] != t[2] && t[0] != t[2]
}

// vertex returns vertex v's position.
func (a *analyzer) vertex(v uint32) mgl32.Vec3 {
	p := a.pos[3*v : 3*v+3 : 3*v+3]
	return mgl32.Vec3{p[0], p[1], p[2]}
}

// workersFor returns how many workers should share work of the given
// number of units: at least one, at most a.workers.
func (a *analyzer) workersFor(units int) int {
	return max(1, min(a.workers, units))
}

// parallelRanges splits [0, n) into workers contiguous ranges and calls
// fn for each, in parallel; see parallel.
func parallelRanges(n, workers int, fn func(w, lo, hi int)) {
	parallel(workers, func(w int) { fn(w, w*n/workers, (w+1)*n/workers) })
}

// parallel calls fn(0) ... fn(n-1), each on its own goroutine, and returns
// when all are done. With n = 1 it calls fn on the caller's goroutine: a
// caller on a worker thread of its own keeps the work there.
func parallel(n int, fn func(i int)) {
	if n == 1 {
		fn(0)
		return
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { fn(i) })
	}
	wg.Wait()
}
