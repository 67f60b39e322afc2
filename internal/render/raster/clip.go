package raster

import "math"

// Faces with a corner outside the clip volume (behind the near plane or far
// outside the view) are clipped in homogeneous clip space against the near
// plane and the guard band, as a polygon (Sutherland-Hodgman), and the
// polygon is drawn as a fan of triangles. This is rare: only faces that
// cross the near plane or lie far off screen take this path.

// hvertex is a polygon vertex in clip space.
type hvertex struct {
	c      [4]float64 // x, y, z, w
	corner int        // the global number of the corner it is, or -1 for a crossing point
}

// clipFace clips local face f of it against its view's clip volume and
// bins the triangles of what remains.
func (r *Renderer) clipFace(it *itemJob, f int, bins []bin) {
	vj := &r.views[it.view]
	m := it.item.Mesh
	var poly, next [8]hvertex // each of the 5 planes adds at most one vertex to 3
	for k := range 3 {
		v := m.Corner(f, k)
		p := m.Positions[3*v : 3*v+3 : 3*v+3]
		cx, cy, cz, cw := clipCoords(&it.mvp, p[0], p[1], p[2])
		poly[k] = hvertex{c: [4]float64{float64(cx), float64(cy), float64(cz), float64(cw)}, corner: it.vert0 + v}
		for _, x := range poly[k].c {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return
			}
		}
	}
	n := 3
	for _, pl := range vj.planes {
		n = clipPolygon(poly[:n], pl, next[:])
		if n < 3 {
			return
		}
		poly, next = next, poly
	}

	var vs [8]vertex
	for i, h := range poly[:n] {
		if h.corner >= 0 && r.verts[h.corner].out == 0 {
			vs[i] = r.verts[h.corner] // bit for bit what its neighbours use
			continue
		}
		var ok bool
		if vs[i], ok = vj.vertex64(h.c); !ok {
			return
		}
	}
	for i := 1; i+1 < n; i++ {
		r.bin(vj, it, f, &vs[0], &vs[i], &vs[i+1], bins)
	}
}

// clipPolygon writes to out the part of polygon in on the side of plane pl
// where pl·c ≥ 0 and returns its vertex count; out must have room for
// len(in)+1 vertices.
func clipPolygon(in []hvertex, pl [4]float64, out []hvertex) int {
	dist := func(h *hvertex) float64 {
		return pl[0]*h.c[0] + pl[1]*h.c[1] + pl[2]*h.c[2] + pl[3]*h.c[3]
	}
	n := 0
	prev := &in[len(in)-1]
	dp := dist(prev)
	for i := range in {
		cur := &in[i]
		dc := dist(cur)
		if (dc >= 0) != (dp >= 0) {
			// The edge crosses the plane: add the crossing point.
			t := dp / (dp - dc)
			var h hvertex
			for k := range 4 {
				h.c[k] = prev.c[k] + t*(cur.c[k]-prev.c[k])
			}
			h.corner = -1
			out[n] = h
			n++
		}
		if dc >= 0 {
			out[n] = *cur
			n++
		}
		prev, dp = cur, dc
	}
	return n
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
