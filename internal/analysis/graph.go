package analysis

import "fmt"

// The edges are found without hashing, and every pass is made to read and
// write memory close to where it last did: a random access that misses the
// cache costs as much as tens of faces' arithmetic.
//
// First the vertices are renumbered in order of first use by the faces.
// A file's faces come in some spatial order (strips, patches), so after
// renumbering the vertices of nearby faces have nearby numbers, whatever
// order the welder gave them (it numbers by hash). Then the passes by
// vertex touch faces close together too. Measured on a welded torus of
// 2,000,000 faces, on one core: uniting the faces of its 3,000,000 edges
// in the welder's vertex order took 71 ms, in the new order 19 ms; sorting
// each vertex's entries took 48 ms, and 9 ms once they came nearly sorted.
//
// Then each half-edge (a face's directed side from one corner to the next)
// is assigned to its smaller vertex, its owner, and a counting sort by
// owner lays out every vertex's half-edges contiguously, as entries
//
//	other<<32 | half<<1 | dir
//
// where half = 3·face + corner numbers the half-edge and dir is 1 when it
// runs from the larger vertex to the smaller. Sorting one vertex's few
// entries (nearly sorted already, thanks to the numbering) brings the
// half-edges of each edge together, in face order, and the length of each
// run is the number of faces using the edge.
//
// Renumbering is sequential, since first use is a global order: it runs on
// one goroutine while the others measure areas and volumes. It counts the
// half-edges of each of a few parts of the faces separately, so that the
// parts can then be placed in parallel, each from its own slots.

// graph is the half-edges sorted by owner, in the new vertex numbering:
// those of vertex v are entries[begin(v):ends[v]], each vertex's sorted
// once matched.
type graph struct {
	entries []uint64
	ends    []uint32
}

func entryOther(e uint64) uint32 { return uint32(e >> 32) }
func entryHalf(e uint64) uint32  { return uint32(e) >> 1 }
func entryFace(e uint64) uint32  { return uint32(e) >> 1 / 3 }
func entryDir(e uint64) uint32   { return uint32(e) & 1 }

func (g *graph) begin(v uint32) uint32 {
	if v == 0 {
		return 0
	}
	return g.ends[v-1]
}

// maxPlaceParts bounds the parts of the faces placed in parallel: each
// counts its half-edges per vertex in an array of its own, and more would
// cost four bytes per vertex each for little gain.
const maxPlaceParts = 4

// placeParts returns how many parts of the faces are placed in parallel.
func (a *analyzer) placeParts() int { return min(len(a.faceBounds)-1, maxPlaceParts) }

// placeFaces returns the faces of place part q, lo to hi: whole match parts.
func (a *analyzer) placeFaces(q int) (lo, hi int) {
	m, p := len(a.faceBounds)-1, a.placeParts()
	return a.faceBounds[q*m/p], a.faceBounds[(q+1)*m/p]
}

// renumber numbers the vertices in order of first use into a.newOf (plus
// one: 0 is not yet numbered), records the vertex numbers at the match
// parts' face boundaries in a.vertexBounds, and counts each place part's
// half-edges per owner into a.slots. It returns an error wrapping
// ErrInvalid for an index beyond the vertices.
func (a *analyzer) renumber() error {
	idx := a.idx
	newOf := make([]uint32, a.verts)
	nv := uint32(len(newOf))
	a.slots = make([][]uint32, a.placeParts())
	next := uint32(0)
	p := 0 // the match part of face f
	for q := range a.slots {
		counts := make([]uint32, a.verts)
		a.slots[q] = counts
		lo, hi := a.placeFaces(q)
		for f := lo; f < hi; f++ {
			for p < len(a.faceBounds) && f == a.faceBounds[p] {
				a.vertexBounds[p] = next
				p++
			}
			if f%chunkFaces == 0 && a.ctx.Err() != nil {
				return a.ctx.Err()
			}
			t := idx[3*f : 3*f+3 : 3*f+3]
			u, v, w := t[0], t[1], t[2]
			if u >= nv || v >= nv || w >= nv {
				return fmt.Errorf("%w: face %d uses vertex %d, but there are %d vertices", ErrInvalid, f, max(u, v, w), a.verts)
			}
			// Unrolled: each corner may be the first use of its vertex.
			i := newOf[u]
			if i == 0 {
				next++
				i = next
				newOf[u] = i
			}
			j := newOf[v]
			if j == 0 {
				next++
				j = next
				newOf[v] = j
			}
			k := newOf[w]
			if k == 0 {
				next++
				k = next
				newOf[w] = k
			}
			i, j, k = i-1, j-1, k-1
			if i != j && j != k && i != k {
				counts[min(i, j)]++
				counts[min(j, k)]++
				counts[min(k, i)]++
			}
		}
	}
	for ; p < len(a.vertexBounds); p++ {
		a.vertexBounds[p] = next
	}
	a.newOf = newOf
	a.newVerts = int(next)

	// Turn counts into slots: vertex by vertex, part by part.
	var sum uint32
	for v := range next {
		for _, c := range a.slots {
			n := c[v]
			c[v] = sum
			sum += n
		}
	}
	a.halfEdges = int(sum)
	return nil
}

// place puts the half-edges of place part q's faces in the part's slots.
// Once every part is placed, each slot of the last part is the end of its
// vertex's run.
func (a *analyzer) place(q int, entries []uint64) {
	idx, newOf, slot := a.idx, a.newOf, a.slots[q]
	lo, hi := a.placeFaces(q)
	for f := lo; f < hi; f++ {
		if f%chunkFaces == 0 && a.ctx.Err() != nil {
			return
		}
		t := idx[3*f : 3*f+3 : 3*f+3]
		i, j, k := newOf[t[0]]-1, newOf[t[1]]-1, newOf[t[2]]-1
		if i == j || j == k || i == k {
			continue
		}
		h := uint64(6 * f)
		placeHalf(entries, slot, i, j, h)
		placeHalf(entries, slot, j, k, h+2)
		placeHalf(entries, slot, k, i, h+4)
	}
}

// placeHalf puts the entry of half-edge h>>1, from u to v, in its owner's
// next slot, without a branch: which end is smaller is a coin toss.
func placeHalf(entries []uint64, slot []uint32, u, v uint32, h uint64) {
	o := min(u, v)
	dir := uint64((v - u) >> 31) // 1 when u > v: the numbers are below 1<<31
	entries[slot[o]] = uint64(max(u, v))<<32 | h | dir
	slot[o]++
}
