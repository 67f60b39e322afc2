package mesh

import (
	"math"
	"slices"
)

// chunkFaces is how many faces one unit of parallel work holds: small enough
// to balance the workers and keep a chunk's input in cache, large enough
// that handing it over costs nothing next to the work.
const chunkFaces = 1024

// faceStats is what processing a run of faces finds. Each worker owns one
// and the decoder merges them, so no field needs a lock.
type faceStats struct {
	bounds     Box
	degenerate int
	dropped    []int // absolute numbers of faces with a non-finite coordinate
}

func newFaceStats() faceStats { return faceStats{bounds: EmptyBox()} }

func (s *faceStats) merge(o *faceStats) {
	s.bounds = s.bounds.Union(o.bounds)
	s.degenerate += o.degenerate
	s.dropped = append(s.dropped, o.dropped...)
}

// degenerateSin2 is the squared sine of the smallest corner angle (about
// 1e-7 rad, float32's resolution) below which a face counts as zero-area.
const degenerateSin2 = 1e-14

// processFaces validates the faces in pos (nine floats each), writes each
// face's unit normal into nrm (three floats each) and adds what it finds to
// st. first is the number of pos's first face in the whole mesh. A face with
// a NaN or infinite coordinate is recorded in st.dropped and left out of the
// bounds; a face with (nearly) zero area gets normal 0, 0, 0 and is counted.
// Arithmetic is in float64, so extreme coordinates cannot overflow.
func processFaces(pos, nrm []float32, first int, st *faceStats) {
	n := len(pos) / 9
	nrm = nrm[:3*n]
	b := st.bounds
	for f := range n {
		p := pos[9*f : 9*f+9 : 9*f+9]
		// v*0 is 0 for every finite v and NaN otherwise.
		if p[0]*0+p[1]*0+p[2]*0+p[3]*0+p[4]*0+p[5]*0+p[6]*0+p[7]*0+p[8]*0 != 0 {
			st.dropped = append(st.dropped, first+f)
			continue
		}
		ax, ay, az := float64(p[0]), float64(p[1]), float64(p[2])
		ux, uy, uz := float64(p[3])-ax, float64(p[4])-ay, float64(p[5])-az
		vx, vy, vz := float64(p[6])-ax, float64(p[7])-ay, float64(p[8])-az
		nx, ny, nz := uy*vz-uz*vy, uz*vx-ux*vz, ux*vy-uy*vx
		l2 := nx*nx + ny*ny + nz*nz
		o := nrm[3*f : 3*f+3 : 3*f+3]
		if l2 <= degenerateSin2*(ux*ux+uy*uy+uz*uz)*(vx*vx+vy*vy+vz*vz) || l2 == 0 {
			o[0], o[1], o[2] = 0, 0, 0
			st.degenerate++
		} else {
			inv := 1 / math.Sqrt(l2)
			o[0], o[1], o[2] = float32(nx*inv), float32(ny*inv), float32(nz*inv)
		}
		for c := 0; c < 9; c += 3 {
			b.Min[0], b.Max[0] = min(b.Min[0], p[c]), max(b.Max[0], p[c])
			b.Min[1], b.Max[1] = min(b.Min[1], p[c+1]), max(b.Max[1], p[c+1])
			b.Min[2], b.Max[2] = min(b.Min[2], p[c+2]), max(b.Max[2], p[c+2])
		}
	}
	st.bounds = b
}

// dropFaces removes the faces numbered in dropped (any order) from m's soup,
// its normals, colours and solid ranges, in place.
func dropFaces(m *Mesh, dropped []int) {
	if len(dropped) == 0 {
		return
	}
	slices.Sort(dropped)
	n := m.Faces()
	keep := 0 // next free face slot
	d := 0    // next entry of dropped
	for f := range n {
		if d < len(dropped) && dropped[d] == f {
			d++
			continue
		}
		if keep != f {
			copy(m.Positions[9*keep:9*keep+9], m.Positions[9*f:9*f+9])
			copy(m.Normals[3*keep:3*keep+3], m.Normals[3*f:3*f+3])
			if m.Colors != nil {
				m.Colors[keep] = m.Colors[f]
			}
		}
		keep++
	}
	m.Positions = m.Positions[:9*keep]
	m.Normals = m.Normals[:3*keep]
	if m.Colors != nil {
		m.Colors = m.Colors[:keep]
	}
	// Solids partition the faces in order: each moves down by the faces
	// dropped before it and shrinks by those dropped inside it.
	d = 0
	for i := range m.Solids {
		s := &m.Solids[i]
		before := d
		for d < len(dropped) && dropped[d] < s.First+s.Count {
			d++
		}
		s.First -= before
		s.Count -= d - before
	}
	m.Dropped += len(dropped)
}

// compactFaces removes the faces numbered in dropped (in increasing order)
// from s, stride values a face, in place, and returns what is left.
func compactFaces[T any](s []T, stride int, dropped []int) []T {
	if s == nil {
		return nil
	}
	keep, d := 0, 0
	for f := range len(s) / stride {
		if d < len(dropped) && dropped[d] == f {
			d++
			continue
		}
		if keep != f {
			copy(s[keep*stride:(keep+1)*stride], s[f*stride:(f+1)*stride])
		}
		keep++
	}
	return s[:keep*stride]
}

// processParallel runs processFaces over whole arrays in chunks on
// workers goroutines (the caller's alone when workers is 1) and returns the
// merged stats.
func processParallel(pos, nrm []float32, workers int) faceStats {
	faces := len(pos) / 9
	stats := make([]faceStats, workers)
	parallel(workers, func(w int) {
		stats[w] = newFaceStats()
		for first := w * chunkFaces; first < faces; first += workers * chunkFaces {
			end := min(faces, first+chunkFaces)
			processFaces(pos[9*first:9*end], nrm[3*first:3*end], first, &stats[w])
		}
	})
	total := newFaceStats()
	for w := range stats {
		total.merge(&stats[w])
	}
	return total
}
