package analysis

import (
	"math"
	"sync/atomic"

	"github.com/go-gl/mathgl/mgl32"
)

// chunkFaces is the unit of summation: area and volume are summed per chunk
// of this many faces and the chunk sums then in chunk order, so the result
// does not depend on how chunks are shared among workers. It is also how
// often a worker checks for cancellation.
const chunkFaces = 1 << 14

// degenerateSin2 is the decoder's test for a zero-area face (mesh package,
// faces.go): the squared sine of the smallest corner angle below about
// float32's resolution.
const degenerateSin2 = 1e-14

// blockFaces is how many faces measureChunk sums without compensation.
const blockFaces = 256

// measurer is the state the measure workers share.
type measurer struct {
	next       atomic.Int64 // the next chunk to measure
	bad        atomic.Bool  // a face has an index beyond the vertices
	degenerate atomic.Int64
	area, vol  []float64 // per chunk
}

func newMeasurer(faces int) *measurer {
	chunks := (faces + chunkFaces - 1) / chunkFaces
	return &measurer{area: make([]float64, chunks), vol: make([]float64, chunks)}
}

// measureOne measures the next chunk of faces and reports whether there
// was one to measure. It measures nothing once a face has had an index
// beyond the vertices (renumber reports the error) or ctx is done.
func (m *measurer) measureOne(a *analyzer) bool {
	ch := int(m.next.Add(1) - 1)
	if ch >= len(m.area) || m.bad.Load() || a.ctx.Err() != nil {
		return false
	}
	f0, f1 := ch*chunkFaces, min(a.faces, (ch+1)*chunkFaces)
	var deg int
	var ok bool
	m.area[ch], m.vol[ch], deg, ok = a.measureChunk(f0, f1)
	if !ok {
		m.bad.Store(true)
		return false
	}
	m.degenerate.Add(int64(deg))
	return true
}

// sums returns the total area and signed volume, adding the chunks' in order.
func (m *measurer) sums() (area, vol float64) {
	var sa, sv kahan
	for ch := range m.area {
		sa.add(m.area[ch])
		sv.add(m.vol[ch])
	}
	return sa.value(), sv.value()
}

// measureChunk returns the area, signed volume and degenerate faces of
// faces f0 to f1, or false at a face with an index beyond the vertices.
//
// Faces are summed plainly in blocks of blockFaces and the blocks with
// compensation: plain sums of a few hundred terms lose nothing that
// matters, and compensating every term would cost a third of the time.
// A face is zero-area by the decoder's test, which the decoder recorded as
// a zero normal: the normals are used when there is one per face, since
// reading one is cheaper than the test.
func (a *analyzer) measureChunk(f0, f1 int) (area, vol float64, degenerate int, ok bool) {
	idx, pos, nrm := a.idx, a.pos, a.normals
	nv := uint32(a.verts)
	cx, cy, cz := a.centre[0], a.centre[1], a.centre[2]
	var ka, kv kahan
	for b0 := f0; b0 < f1; b0 += blockFaces {
		var sa, sv float64
		for f := b0; f < min(f1, b0+blockFaces); f++ {
			t := idx[3*f : 3*f+3 : 3*f+3]
			i, j, k := t[0], t[1], t[2]
			if i >= nv || j >= nv || k >= nv {
				return 0, 0, 0, false
			}
			p := pos[3*i : 3*i+3 : 3*i+3]
			q := pos[3*j : 3*j+3 : 3*j+3]
			r := pos[3*k : 3*k+3 : 3*k+3]
			px, py, pz := float64(p[0]), float64(p[1]), float64(p[2])
			ux, uy, uz := float64(q[0])-px, float64(q[1])-py, float64(q[2])-pz
			vx, vy, vz := float64(r[0])-px, float64(r[1])-py, float64(r[2])-pz
			// n is twice the area times the unit normal, as the decoder
			// computes it. With p, q and r taken from the centre c,
			// (p-c)·((q-c)×(r-c)) = (p-c)·n is six times the signed
			// volume of the tetrahedron from c.
			nx, ny, nz := uy*vz-uz*vy, uz*vx-ux*vz, ux*vy-uy*vx
			l2 := nx*nx + ny*ny + nz*nz
			sa += math.Sqrt(l2)
			sv += (px-cx)*nx + (py-cy)*ny + (pz-cz)*nz

			if i == j || j == k || i == k {
				degenerate++
			} else if nrm != nil {
				n := nrm[3*f : 3*f+3 : 3*f+3]
				if n[0] == 0 && n[1] == 0 && n[2] == 0 {
					degenerate++
				}
			} else if l2 <= degenerateSin2*(ux*ux+uy*uy+uz*uz)*(vx*vx+vy*vy+vz*vz) {
				degenerate++
			}
		}
		ka.add(sa)
		kv.add(sv)
	}
	return ka.value() / 2, kv.value() / 6, degenerate, true
}

// kahan is a Neumaier compensated sum.
type kahan struct{ sum, c float64 }

func (k *kahan) add(x float64) {
	t := k.sum + x
	if math.Abs(k.sum) >= math.Abs(x) {
		k.c += (k.sum - t) + x
	} else {
		k.c += (x - t) + k.sum
	}
	k.sum = t
}

func (k *kahan) value() float64 { return k.sum + k.c }

func finite(v mgl32.Vec3) bool {
	for _, x := range v {
		if x*0 != 0 {
			return false
		}
	}
	return true
}
