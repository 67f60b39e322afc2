package raster

import (
	"math"

	"github.com/go-gl/mathgl/mgl32"
)

// vertex is a vertex projected to the target.
type vertex struct {
	x, y int32   // subpixels, relative to the target's Min
	z    float32 // NDC depth: -1 at the near plane, +1 at the far one
	out  uint32  // outside the clip volume (outView, beyond): its faces are clipped
}

// The out bits of a vertex.
const (
	outView   = 1 // behind the near plane or outside the guard band
	beyondCut = 2 // on the side of the view's section that is cut away
)

// project projects global vertices lo..hi-1 (phaseProject).
func (r *Renderer) project(lo, hi int) {
	for i := range r.items {
		it := &r.items[i]
		a, b := max(lo, it.vert0), min(hi, it.vert0+it.nverts)
		if a >= b {
			continue
		}
		pos := it.mesh.Positions[3*(a-it.vert0) : 3*(b-it.vert0)]
		projectVertices(&r.views[it.view], &it.mvp, pos, r.verts[a:b])
	}
}

// projectVertices projects the positions in pos (three floats each) into
// out.
func projectVertices(vj *viewJob, m *mgl32.Mat4, pos []float32, out []vertex) {
	pos = pos[:3*len(out)]
	for i := range out {
		p := pos[3*i : 3*i+3 : 3*i+3]
		out[i] = vj.vertex(clipCoords(m, p[0], p[1], p[2]))
	}
	if vj.nplanes > 5 {
		// A vertex beyond the section is out too: its faces are cut.
		s := &vj.planes[5]
		for i := range out {
			p := pos[3*i : 3*i+3 : 3*i+3]
			cx, cy, cz, cw := clipCoords(m, p[0], p[1], p[2])
			if s[0]*float64(cx)+s[1]*float64(cy)+s[2]*float64(cz)+s[3]*float64(cw) < 0 {
				out[i].out |= beyondCut
			}
		}
	}
}

// clipCoords returns m·(x, y, z, 1).
func clipCoords(m *mgl32.Mat4, x, y, z float32) (cx, cy, cz, cw float32) {
	cx = m[0]*x + m[4]*y + m[8]*z + m[12]
	cy = m[1]*x + m[5]*y + m[9]*z + m[13]
	cz = m[2]*x + m[6]*y + m[10]*z + m[14]
	cw = m[3]*x + m[7]*y + m[11]*z + m[15]
	return cx, cy, cz, cw
}

// vertex projects clip coordinates to the target. A point behind the
// near plane or outside the guard band (or NaN) is marked out.
func (vj *viewJob) vertex(cx, cy, cz, cw float32) vertex {
	if !(cw > 0 && cz >= -cw) {
		return vertex{out: outView}
	}
	iw := 1 / cw
	x := vj.ox + vj.sx*cx*iw
	y := vj.oy - vj.sy*cy*iw
	if !(x >= vj.xlo && x <= vj.xhi && y >= vj.ylo && y <= vj.yhi) {
		return vertex{out: outView}
	}
	return vertex{x: snap(x), y: snap(y), z: cz * iw}
}

// snap rounds a subpixel coordinate to the nearest integer.
func snap(v float32) int32 {
	return int32(math.Floor(float64(v) + 0.5))
}
