package raster

import (
	"encoding/binary"
	"math"

	"github.com/stlview/stlview/internal/mesh"

	"github.com/stlview/stlview/internal/render/scene"
)

// A pixel is inside a triangle when its centre is: on the inner side of
// all three edges, or exactly on an edge that is a top or left edge (the
// top-left fill rule, as Direct3D and OpenGL implementations use). Every
// pixel centre on an edge shared by two faces is thus drawn by exactly one
// of them. Coverage is decided on integer edge functions, exactly; depth
// is NDC z, which is affine in screen space, interpolated in float.

// wireColor is scene.WireColor packed as the target's pixels are.
var wireColor = pack(scene.WireColor)

// triangle is a triangle set up for filling: the pixels to visit, and edge
// functions and depth at the first one with their steps.
type triangle struct {
	x0, x1, y0, y1 int32 // pixels to visit, inclusive

	// e0, e1, e2 are the edge functions of edges b→c, c→a and a→b at the
	// centre of pixel (x0, y0), in subpixels², less one for edges that are
	// not top-left: a pixel is inside when all three are ≥ 0.
	e0, e1, e2    int64
	dx0, dx1, dx2 int64 // change per pixel to the right
	dy0, dy1, dy2 int64 // change per row down

	z0, dzdx, dzdy float64 // depth at pixel (x0, y0) and its steps

	// w0, w1, w2 are the wireframe thresholds: a pixel is on an edge when
	// its (biased) edge function is below the edge's threshold.
	w0, w1, w2 int64
}

// drawTriangle draws t within rows y0..y1 of view vj.
func (r *Renderer) drawTriangle(vj *viewJob, t *binTri, y0, y1 int32) {
	var s triangle
	var ty0, ty1 int32
	s.x0, s.x1, ty0, ty1 = span(min(t.x[0], t.x[1], t.x[2]), max(t.x[0], t.x[1], t.x[2]),
		min(t.y[0], t.y[1], t.y[2]), max(t.y[0], t.y[1], t.y[2]), vj.clip)
	s.y0, s.y1 = max(y0, ty0), min(y1, ty1)
	if s.x0 > s.x1 || s.y0 > s.y1 {
		return
	}
	px, py := int64(s.x0)<<subBits+half, int64(s.y0)<<subBits+half
	var b0, b1, b2 int64
	s.e0, s.dx0, s.dy0, b0 = edge(t, 1, 2, px, py)
	s.e1, s.dx1, s.dy1, b1 = edge(t, 2, 0, px, py)
	s.e2, s.dx2, s.dy2, b2 = edge(t, 0, 1, px, py)

	// Barycentric interpolation: z = (e0·za + e1·zb + e2·zc) / area, and
	// the three edge functions sum to the area everywhere.
	inv := 1 / float64(s.e0+s.e1+s.e2)
	za, zb, zc := float64(t.z[0]), float64(t.z[1]), float64(t.z[2])
	s.z0 = (float64(s.e0)*za + float64(s.e1)*zb + float64(s.e2)*zc) * inv
	s.dzdx = (float64(s.dx0)*za + float64(s.dx1)*zb + float64(s.dx2)*zc) * inv
	s.dzdy = (float64(s.dy0)*za + float64(s.dy1)*zb + float64(s.dy2)*zc) * inv
	s.e0 -= b0
	s.e1 -= b1
	s.e2 -= b2

	s.w0, s.w1, s.w2 = math.MinInt64, math.MinInt64, math.MinInt64
	if vj.wire {
		// An edge function is the distance to the edge times the edge's
		// length, in subpixels.
		d := float64(vj.wireHalf) * one
		s.w0 = int64(d*length(t, 1, 2)) - b0
		s.w1 = int64(d*length(t, 2, 0)) - b1
		s.w2 = int64(d*length(t, 0, 1)) - b2
	}
	if t.shade == shadeFlat {
		r.fill(&s, t.color, wireColor, t.id)
		return
	}
	// Smooth: the cosine is interpolated as depth is, over the edge
	// functions before their bias.
	e0, e1, e2 := float64(s.e0+b0), float64(s.e1+b1), float64(s.e2+b2)
	c0, c1, c2 := float64(t.cos[0])/cosOne, float64(t.cos[1])/cosOne, float64(t.cos[2])/cosOne
	g := gouraud{
		c0:   float32((e0*c0 + e1*c1 + e2*c2) * inv),
		dcdx: float32((float64(s.dx0)*c0 + float64(s.dx1)*c1 + float64(s.dx2)*c2) * inv),
		dcdy: float32((float64(s.dy0)*c0 + float64(s.dy1)*c1 + float64(s.dy2)*c2) * inv),
	}
	it := r.itemOfFace(int(t.id) - 1)
	back := t.shade == shadeSmoothBack
	switch {
	case back && it.back != nil:
		g.lut = it.back
	case it.lut != nil:
		g.lut = it.lut
	case back && vj.backTint:
		g.base = scene.BackColor
	default:
		g.base = it.item.FaceColorOf(it.mesh, int(t.id)-1-it.face0)
	}
	r.fillSmooth(&s, &g, wireColor, t.id)
}

// gouraud is a smooth-shaded triangle's shading: the cosine with the
// light at its first pixel and its steps, and the colour it scales (lut,
// or base when the mesh has colours of its own).
type gouraud struct {
	c0, dcdx, dcdy float32
	lut            *shadeLUT
	base           mesh.Color
}

// colorAt returns the packed colour for cosine cos.
func (g *gouraud) colorAt(cos float32) uint32 {
	i := min(scene.ShadeIndex(cos), scene.ShadeSteps)
	if g.lut != nil {
		return g.lut[i]
	}
	return pack(scene.ShadeAt(i, g.base))
}

// itemOfFace returns the item that global face f belongs to: the last
// item whose first face is at most f.
func (r *Renderer) itemOfFace(f int) *itemJob {
	lo, hi := 0, len(r.items)-1
	for lo < hi {
		mid := int(uint(lo+hi+1) >> 1)
		if r.items[mid].face0 <= f {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return &r.items[lo]
}

// edge returns the edge function of t's edge from corner v to corner w at
// subpixel point (px, py), its steps per pixel right and per row down, and
// the fill-rule bias: 1 when the edge is not a top or left one, so that
// pixels exactly on it are left to the face on its other side. With the
// triangle clockwise on screen (y down), a top edge runs right (dy = 0,
// dx > 0) and a left edge runs up (dy < 0).
func edge(t *binTri, v, w int, px, py int64) (e, dx, dy, bias int64) {
	ex, ey := int64(t.x[w]-t.x[v]), int64(t.y[w]-t.y[v])
	e = ex*(py-int64(t.y[v])) - ey*(px-int64(t.x[v]))
	if !(ey < 0 || ey == 0 && ex > 0) {
		bias = 1
	}
	return e, -ey << subBits, ex << subBits, bias
}

// length returns the length of t's edge from corner v to corner w in
// subpixels.
func length(t *binTri, v, w int) float64 {
	return math.Hypot(float64(t.x[w]-t.x[v]), float64(t.y[w]-t.y[v]))
}

// narrowRows is the width in pixels above which fill computes each row's
// span from the edge functions (three divisions) instead of testing every
// pixel of the bounding box: slivers and large triangles waste most of
// their box.
const narrowRows = 8

// rowSpan returns the first and last i in [0, n) where all three edge
// functions e + s·i are ≥ 0, or lo > hi when there is none. It is exact;
// the caller still tests each pixel, so it only saves work.
func rowSpan(n int, e0, s0, e1, s1, e2, s2 int64) (lo, hi int) {
	lo, hi = limitSpan(0, n-1, e0, s0)
	lo, hi = limitSpan(lo, hi, e1, s1)
	return limitSpan(lo, hi, e2, s2)
}

// limitSpan narrows [lo, hi] to the i where e + s·i ≥ 0.
func limitSpan(lo, hi int, e, s int64) (int, int) {
	switch {
	case s > 0 && e < 0: // inside from i = ⌈-e/s⌉ on
		lo = max(lo, int((-e+s-1)/s))
	case s < 0 && e >= 0: // inside up to i = ⌊e/-s⌋
		hi = min(hi, int(e/-s))
	case s <= 0 && e < 0: // never inside
		hi = lo - 1
	}
	return lo, hi
}

// fillSmooth is fill for a smooth-shaded triangle: each pixel's colour
// comes from its interpolated cosine.
func (r *Renderer) fillSmooth(t *triangle, g *gouraud, wire, id uint32) {
	dw, stride := r.dst.Rect.Dx(), r.dst.Stride
	ids := r.ids
	if !r.wantIDs {
		ids = nil
	}
	n := int(t.x1-t.x0) + 1
	e0, e1, e2 := t.e0, t.e1, t.e2
	dzdx := float32(t.dzdx)
	for y := t.y0; y <= t.y1; y++ {
		lo, hi := 0, n-1
		if n > narrowRows {
			lo, hi = rowSpan(n, e0, t.dx0, e1, t.dx1, e2, t.dx2)
		}
		if lo <= hi {
			zr := float32(t.z0 + t.dzdy*float64(y-t.y0))
			cr := g.c0 + g.dcdy*float32(y-t.y0)
			drow := r.depth[int(y)*dw+int(t.x0):][:n]
			prow := r.dst.Pix[int(y)*stride+4*int(t.x0):][:4*n]
			var irow []uint32
			if ids != nil {
				irow = ids[int(y)*dw+int(t.x0):][:n]
			}
			f0, f1, f2 := e0+t.dx0*int64(lo), e1+t.dx1*int64(lo), e2+t.dx2*int64(lo)
			for i := lo; i <= hi; i++ {
				if f0|f1|f2 >= 0 {
					if z := zr + dzdx*float32(i); z < drow[i] {
						drow[i] = z
						c := wire
						if f0 >= t.w0 && f1 >= t.w1 && f2 >= t.w2 {
							c = g.colorAt(cr + g.dcdx*float32(i))
						}
						binary.LittleEndian.PutUint32(prow[4*i:], c)
						if irow != nil {
							irow[i] = id
						}
					}
				}
				f0 += t.dx0
				f1 += t.dx1
				f2 += t.dx2
			}
		}
		e0 += t.dy0
		e1 += t.dy1
		e2 += t.dy2
	}
}

// fill draws the pixels of t that pass the depth test: in colour col, or
// in wire where the wireframe thresholds put a pixel on an edge (with no
// wireframe the thresholds are below any edge function, and the test
// never passes), and records id for them when face ids are kept.
func (r *Renderer) fill(t *triangle, col, wire, id uint32) {
	dw, stride := r.dst.Rect.Dx(), r.dst.Stride
	ids := r.ids
	if !r.wantIDs {
		ids = nil
	}
	n := int(t.x1-t.x0) + 1
	e0, e1, e2 := t.e0, t.e1, t.e2
	dzdx := float32(t.dzdx)
	for y := t.y0; y <= t.y1; y++ {
		lo, hi := 0, n-1
		if n > narrowRows {
			lo, hi = rowSpan(n, e0, t.dx0, e1, t.dx1, e2, t.dx2)
		}
		if lo <= hi {
			zr := float32(t.z0 + t.dzdy*float64(y-t.y0))
			drow := r.depth[int(y)*dw+int(t.x0):][:n]
			prow := r.dst.Pix[int(y)*stride+4*int(t.x0):][:4*n]
			var irow []uint32
			if ids != nil {
				irow = ids[int(y)*dw+int(t.x0):][:n]
			}
			f0, f1, f2 := e0+t.dx0*int64(lo), e1+t.dx1*int64(lo), e2+t.dx2*int64(lo)
			for i := lo; i <= hi; i++ {
				if f0|f1|f2 >= 0 {
					if z := zr + dzdx*float32(i); z < drow[i] {
						drow[i] = z
						c := col
						if f0 < t.w0 || f1 < t.w1 || f2 < t.w2 {
							c = wire
						}
						binary.LittleEndian.PutUint32(prow[4*i:], c)
						if irow != nil {
							irow[i] = id
						}
					}
				}
				f0 += t.dx0
				f1 += t.dx1
				f2 += t.dx2
			}
		}
		e0 += t.dy0
		e1 += t.dy1
		e2 += t.dy2
	}
}
