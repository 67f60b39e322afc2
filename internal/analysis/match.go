package analysis

import (
	"math"
	"slices"
)

// matchStats is what the match pass finds, per worker and then merged.
type matchStats struct {
	boundary     []halfEdge  // boundary half-edges, in owner order
	nonManifold  int         // non-manifold edges
	joins        [][2]uint32 // pairs of faces sharing a non-manifold edge
	cross        []pair      // manifold edges with a face outside the worker's part
	conflicts    []uint32    // faces whose manifold edge contradicted the orientation
	problems     []Edge      // the first maxEdges problem edges, in owner order
	links        int         // successful unions in the forest
	inconsistent int         // manifold edges traversed the same way by both faces
}

// pair is two faces sharing a manifold edge, wound the same way (rel 0)
// or opposite ways (rel 1) by the edge's rule.
type pair struct{ a, b, rel uint32 }

// halfEdge is a face's directed side on the boundary, in the new vertex
// numbering.
type halfEdge struct{ from, to, face uint32 }

// match finds the edges and joins the faces across manifold edges in the
// forest. Worker p takes the vertices first used by part p's faces and
// unites the faces of an edge when both are in part p; only it touches
// those faces' words (see forest). The other edges, few when the faces
// come in spatial order, are united afterwards on one goroutine.
func (a *analyzer) match() (*matchStats, error) {
	nw := len(a.faceBounds) - 1
	stats := make([]matchStats, nw)
	parallel(nw, func(p int) { a.matchPart(p, &stats[p]) })
	if err := a.ctx.Err(); err != nil {
		return nil, err
	}
	all := &stats[0]
	for p := range stats {
		st := &stats[p]
		for i, c := range st.cross {
			if i%chunkFaces == 0 && a.ctx.Err() != nil {
				return nil, a.ctx.Err()
			}
			linked, ok := a.words.unite(c.a, c.b, c.rel)
			all.links += linked
			if !ok {
				all.conflicts = append(all.conflicts, c.a)
			}
		}
		st.cross = nil
		if p == 0 {
			continue
		}
		all.boundary = append(all.boundary, st.boundary...)
		all.nonManifold += st.nonManifold
		all.joins = append(all.joins, st.joins...)
		all.conflicts = append(all.conflicts, st.conflicts...)
		all.problems = append(all.problems, st.problems[:min(len(st.problems), a.maxEdges-len(all.problems))]...)
		all.links += st.links
		all.inconsistent += st.inconsistent
	}
	return all, nil
}

// matchPart handles the edges owned by part p's vertices. It is the hot
// loop of Analyze: manifold edges are handled inline, with the counters in
// local variables, and the rare others by otherEdge.
func (a *analyzer) matchPart(p int, st *matchStats) {
	lo, hi := uint32(a.faceBounds[p]), uint32(a.faceBounds[p+1])
	v0, v1 := a.vertexBounds[p], a.vertexBounds[p+1]
	entries, ends, words := a.g.entries, a.g.ends, a.words
	links, inconsistent := 0, 0
	b := a.g.begin(v0)
	for v := v0; v < v1; v++ {
		if v%chunkFaces == 0 && a.ctx.Err() != nil {
			break
		}
		e := ends[v]
		l := entries[b:e]
		b = e
		if len(l) == 6 { // the usual case: one call less
			sort6((*[6]uint64)(l))
		} else {
			sortEntries(l)
		}
		for i := 0; i < len(l); {
			x := l[i]
			j := i + 1
			for j < len(l) && entryOther(l[j]) == entryOther(x) {
				j++
			}
			if j-i != 2 {
				a.otherEdge(v, l[i:j], st)
				i = j
				continue
			}
			y := l[i+1]
			i = j
			// Two faces traversing the edge in opposite directions are
			// consistent: relation 0. f1 < f2, as entries sort by half-edge.
			f1, f2 := entryFace(x), entryFace(y)
			rel := 1 ^ uint32(x^y)&1
			inconsistent += int(rel)
			if f1 < lo || f2 >= hi {
				st.cross = append(st.cross, pair{f1, f2, rel})
				continue
			}
			// words.unite, by hand: the compiler does not inline it.
			r1, p1 := words.find(f1)
			r2, p2 := words.find(f2)
			if r1 != r2 {
				words.link(max(r1, r2), min(r1, r2), p1^p2^rel)
				links++
			} else if p1^p2 != rel {
				st.conflicts = append(st.conflicts, f1)
			}
		}
	}
	st.links += links
	st.inconsistent += inconsistent
}

// otherEdge records an edge of owner v with one face or more than two,
// whose entries are l.
func (a *analyzer) otherEdge(v uint32, l []uint64, st *matchStats) {
	e := l[0]
	if len(l) == 1 {
		from, to := v, entryOther(e)
		if entryDir(e) == 1 {
			from, to = to, from
		}
		st.boundary = append(st.boundary, halfEdge{from, to, entryFace(e)})
		a.problem(st, entryHalf(e), 1)
		return
	}
	st.nonManifold++
	for _, e2 := range l[1:] {
		st.joins = append(st.joins, [2]uint32{entryFace(e), entryFace(e2)})
	}
	a.problem(st, entryHalf(e), len(l))
}

// problem keeps the edge of half-edge h, used by faces faces, if st has
// room.
func (a *analyzer) problem(st *matchStats, h uint32, faces int) {
	if len(st.problems) < a.maxEdges {
		f, c := h/3, h%3
		st.problems = append(st.problems, Edge{A: a.vertex(a.idx[h]), B: a.vertex(a.idx[3*f+(c+1)%3]), Faces: faces})
	}
}

// sortEntries sorts a vertex's entries. Lists of up to eight, nearly all
// of them, go through a sorting network of branch-free compare-exchanges
// (the lists are nearly sorted but which pairs are out of order is a coin
// toss, so an insertion sort mispredicts); longer ones are insertion
// sorted, and long ones (a fan's centre) sorted properly.
func sortEntries(l []uint64) {
	switch n := len(l); n {
	case 0, 1:
	case 2:
		l[0], l[1] = min(l[0], l[1]), max(l[0], l[1])
	case 4:
		sort4((*[4]uint64)(l))
	case 6:
		sort6((*[6]uint64)(l))
	case 8:
		sort8((*[8]uint64)(l))
	case 3, 5, 7:
		// Pad to the next network with entries that sort last.
		b := [8]uint64{l[0], l[1], l[2], math.MaxUint64, math.MaxUint64, math.MaxUint64, math.MaxUint64, math.MaxUint64}
		for i := 3; i < n; i++ {
			b[i] = l[i]
		}
		switch n {
		case 3:
			sort4((*[4]uint64)(b[:4]))
		case 5:
			sort6((*[6]uint64)(b[:6]))
		default:
			sort8(&b)
		}
		for i := range l {
			l[i] = b[i]
		}
	default:
		if n > 32 {
			slices.Sort(l)
			return
		}
		for i := 1; i < n; i++ {
			e := l[i]
			j := i
			for j > 0 && l[j-1] > e {
				l[j] = l[j-1]
				j--
			}
			l[j] = e
		}
	}
}

// sort4, sort6 and sort8 are optimal sorting networks (Knuth, TAOCP vol. 3,
// 5.3.4), written out so that the compiler keeps the values in registers.
func sort4(b *[4]uint64) {
	a0, a1, a2, a3 := b[0], b[1], b[2], b[3]
	a0, a1 = min(a0, a1), max(a0, a1)
	a2, a3 = min(a2, a3), max(a2, a3)
	a0, a2 = min(a0, a2), max(a0, a2)
	a1, a3 = min(a1, a3), max(a1, a3)
	a1, a2 = min(a1, a2), max(a1, a2)
	b[0], b[1], b[2], b[3] = a0, a1, a2, a3
}

func sort6(b *[6]uint64) {
	a0, a1, a2, a3, a4, a5 := b[0], b[1], b[2], b[3], b[4], b[5]
	a0, a5 = min(a0, a5), max(a0, a5)
	a1, a3 = min(a1, a3), max(a1, a3)
	a2, a4 = min(a2, a4), max(a2, a4)
	a1, a2 = min(a1, a2), max(a1, a2)
	a3, a4 = min(a3, a4), max(a3, a4)
	a0, a3 = min(a0, a3), max(a0, a3)
	a2, a5 = min(a2, a5), max(a2, a5)
	a0, a1 = min(a0, a1), max(a0, a1)
	a2, a3 = min(a2, a3), max(a2, a3)
	a4, a5 = min(a4, a5), max(a4, a5)
	a1, a2 = min(a1, a2), max(a1, a2)
	a3, a4 = min(a3, a4), max(a3, a4)
	b[0], b[1], b[2], b[3], b[4], b[5] = a0, a1, a2, a3, a4, a5
}

func sort8(b *[8]uint64) {
	a0, a1, a2, a3, a4, a5, a6, a7 := b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]
	a0, a2 = min(a0, a2), max(a0, a2)
	a1, a3 = min(a1, a3), max(a1, a3)
	a4, a6 = min(a4, a6), max(a4, a6)
	a5, a7 = min(a5, a7), max(a5, a7)
	a0, a4 = min(a0, a4), max(a0, a4)
	a1, a5 = min(a1, a5), max(a1, a5)
	a2, a6 = min(a2, a6), max(a2, a6)
	a3, a7 = min(a3, a7), max(a3, a7)
	a0, a1 = min(a0, a1), max(a0, a1)
	a2, a3 = min(a2, a3), max(a2, a3)
	a4, a5 = min(a4, a5), max(a4, a5)
	a6, a7 = min(a6, a7), max(a6, a7)
	a2, a4 = min(a2, a4), max(a2, a4)
	a3, a5 = min(a3, a5), max(a3, a5)
	a1, a4 = min(a1, a4), max(a1, a4)
	a3, a6 = min(a3, a6), max(a3, a6)
	a1, a2 = min(a1, a2), max(a1, a2)
	a3, a4 = min(a3, a4), max(a3, a4)
	a5, a6 = min(a5, a6), max(a5, a6)
	b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7] = a0, a1, a2, a3, a4, a5, a6, a7
}
