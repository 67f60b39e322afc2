package raster

import (
	"math"

	"github.com/stlview/stlview/internal/render/scene"
)

// Faces with a corner outside the clip volume (behind the near plane, far
// outside the view, or cut away by a section) are clipped in homogeneous
// clip space against the volume's planes, as a polygon (scene.ClipPolygon),
// and the polygon is drawn as a fan of triangles. This is rare: only faces
// that cross the near plane or a section, or lie far off screen, take this
// path.

// clipFace clips local face f of it against its view's clip volume and
// bins the triangles of what remains. corners holds the projections of
// its corners, as setup made them: the item's vertices, or for a soup the
// face's three corners.
func (r *Renderer) clipFace(it *itemJob, f int, corners []vertex, bins []bin) {
	vj := &r.views[it.view]
	m := it.mesh
	var poly, next [9]scene.ClipVertex // each of the 6 planes adds at most one vertex to 3
	for k := range 3 {
		v := m.Corner(f, k)
		p := m.Positions[3*v : 3*v+3 : 3*v+3]
		cx, cy, cz, cw := clipCoords(&it.mvp, p[0], p[1], p[2])
		at := v // where corners holds it
		if m.Indices == nil {
			at = k
		}
		poly[k] = scene.ClipVertex{C: [4]float64{float64(cx), float64(cy), float64(cz), float64(cw)}, Corner: at}
		if it.corners != nil {
			poly[k].Attr[0] = float64(it.cornerCos(f, k))
		}
		for _, x := range poly[k].C {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return
			}
		}
	}
	n := 3
	for _, pl := range vj.planes[:vj.nplanes] {
		n = scene.ClipPolygon(poly[:n], pl, next[:])
		if n < 3 {
			return
		}
		poly, next = next, poly
	}

	var vs [9]vertex
	var cos [9]float32
	for i, h := range poly[:n] {
		cos[i] = float32(h.Attr[0])
		if h.Corner >= 0 && corners[h.Corner].out&outView == 0 {
			vs[i] = corners[h.Corner] // bit for bit what its neighbours use
			continue
		}
		var ok bool
		if vs[i], ok = vj.vertex64(h.C); !ok {
			return
		}
	}
	for i := 1; i+1 < n; i++ {
		if it.corners == nil {
			r.bin(vj, it, f, &vs[0], &vs[i], &vs[i+1], nil, bins)
			continue
		}
		r.bin(vj, it, f, &vs[0], &vs[i], &vs[i+1], &[3]float32{cos[0], cos[i], cos[i+1]}, bins)
	}
}

// vertex64 projects clip coordinates as vertex does, in float64; ok is
// false when the result is not a usable point (w not positive, or a
// coordinate beyond the guard band by more than rounding).
func (vj *viewJob) vertex64(c [4]float64) (v vertex, ok bool) {
	if !(c[3] > 0) {
		return v, false
	}
	x := float64(vj.ox) + float64(vj.sx)*c[0]/c[3]
	y := float64(vj.oy) - float64(vj.sy)*c[1]/c[3]
	if !(x >= float64(vj.xlo)-one && x <= float64(vj.xhi)+one && y >= float64(vj.ylo)-one && y <= float64(vj.yhi)+one) {
		return v, false
	}
	return vertex{x: int32(math.Floor(x + 0.5)), y: int32(math.Floor(y + 0.5)), z: float32(c[2] / c[3])}, true
}
