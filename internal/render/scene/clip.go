package scene

import "github.com/go-gl/mathgl/mgl32"

// Faces that reach behind the near plane, or beyond a section plane, are
// cut in homogeneous clip space, where the cut is linear: both backends
// clip with ClipPolygon, so they keep the same part of every face.

// ClipVertex is a vertex of a polygon being clipped: its clip-space
// position, attributes that clipping interpolates with it (a backend's
// barycentrics, say), and the mesh corner it is.
type ClipVertex struct {
	C      [4]float64 // clip coordinates x, y, z, w
	Attr   [4]float64 // interpolated linearly along cut edges
	Corner int        // the vertex it is, or -1 for a point made by a cut
}

// NearPlane is the clip-space plane z + w = 0: points with
// NearPlane·(x, y, z, w) ≥ 0 lie in front of the near plane.
var NearPlane = [4]float64{0, 0, 1, 1}

// ClipPolygon writes to out the part of the convex polygon in on the side
// of plane pl where pl·C ≥ 0 and returns its vertex count. out must have
// room for len(in)+1 vertices and must not overlap in. A polygon wholly on
// the other side gives 0.
func ClipPolygon(in []ClipVertex, pl [4]float64, out []ClipVertex) int {
	if len(in) == 0 {
		return 0
	}
	dist := func(v *ClipVertex) float64 {
		return pl[0]*v.C[0] + pl[1]*v.C[1] + pl[2]*v.C[2] + pl[3]*v.C[3]
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
			v := ClipVertex{Corner: -1}
			for k := range 4 {
				v.C[k] = prev.C[k] + t*(cur.C[k]-prev.C[k])
				v.Attr[k] = prev.Attr[k] + t*(cur.Attr[k]-prev.Attr[k])
			}
			out[n] = v
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

// Section is a cutting plane: the part of every item on its far side is
// not drawn, so the inside shows. Axis is 0, 1 or 2 for x, y, z: points
// with coordinate Axis greater than Offset (or less, with Flip) are cut
// away, in world space.
type Section struct {
	Axis   int
	Offset float32
	Flip   bool
}

// Plane returns the section as a world-space plane p with p·(x, y, z, 1)
// ≥ 0 for the points kept.
func (s *Section) Plane() mgl32.Vec4 {
	var p mgl32.Vec4
	p[s.Axis%3] = -1
	p[3] = s.Offset
	if s.Flip {
		p = p.Mul(-1)
	}
	return p
}

// Keeps reports whether world point q is on the kept side.
func (s *Section) Keeps(q mgl32.Vec3) bool {
	p := s.Plane()
	return p[0]*q[0]+p[1]*q[1]+p[2]*q[2]+p[3] >= 0
}

// ClipPlane returns world plane p (p·(x, y, z, 1) ≥ 0 inside) in clip
// space: the plane c with c·clip = p·world for every point, whatever an
// item's model matrix, since clip = VP·world. It is p·(VP)⁻¹.
func (f *Frame) ClipPlane(p mgl32.Vec4) [4]float64 {
	inv := f.ViewProjection.Inv()
	// c_j = Σ_i p_i·inv[i][j], with mgl32's column-major inv[i + 4j].
	var c [4]float64
	for j := range 4 {
		for i := range 4 {
			c[j] += float64(p[i]) * float64(inv[i+4*j])
		}
	}
	return c
}
