package raster

import (
	"image"
	"image/color"
	"slices"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/render/scene"
)

// Fixed-point pixel coordinates: subpixel units of 1/256 pixel, relative to
// the target's Min. Pixel (i, j) is sampled at (i·one+half, j·one+half).
const (
	subBits = 8
	one     = 1 << subBits
	half    = one / 2
)

// guardPixels is how far outside a view's visible rectangle a vertex may
// project before its faces are clipped: far enough that clipping is rare,
// near enough that coordinates stay below 2^25 subpixels and edge
// functions below 2^53.
const guardPixels = 1 << 16

// viewJob is a view prepared for drawing.
type viewJob struct {
	clip image.Rectangle // visible pixels, relative to dst.Rect.Min
	bg   uint32          // background, packed as in dst.Pix
	wire bool

	// Viewport transform to subpixels: X = ox + sx·x/w, Y = oy - sy·y/w.
	ox, oy, sx, sy float32
	// The guard band in subpixels: vertices outside it are clipped.
	xlo, xhi, ylo, yhi float32
	// planes bound the clip volume as p·(x, y, z, w) ≥ 0: the near plane
	// and the guard band's four sides.
	planes [5][4]float64
}

// itemJob is an item prepared for drawing.
type itemJob struct {
	item   scene.Item
	mvp    mgl32.Mat4
	normal mgl32.Mat3 // model-space normal to view space
	front  int64      // sign of the front faces' screen area (y down)
	view   int        // index into frame.views

	vert0, nverts int // global vertex numbers: vert0 + local
	face0, nfaces int // global face numbers: face0 + local
}

// prepare fills the frame state for drawing views into dst, growing the
// buffers as needed.
func (r *Renderer) prepare(dst *image.RGBA, views []scene.View) {
	r.dst = dst
	r.views, r.items = r.views[:0], r.items[:0]
	nv, nf := 0, 0
	for i := range views {
		v := &views[i]
		clip := v.Viewport.Intersect(dst.Rect)
		if clip.Empty() {
			continue
		}
		fr := v.Frame()
		vj := newViewJob(&fr, clip.Sub(dst.Rect.Min), dst.Rect.Min)
		vj.bg = pack(v.Background)
		vj.wire = v.Wireframe
		for k := range v.Items {
			it := &v.Items[k]
			if it.Mesh == nil || it.Mesh.Faces() == 0 {
				continue
			}
			front := int64(-1) // counter-clockwise with y up is clockwise with y down
			if scene.Mirrors(it.Model) {
				front = 1
			}
			r.items = append(r.items, itemJob{
				item:   *it,
				mvp:    fr.MVP(it.Model),
				normal: fr.NormalMatrix(it.Model),
				front:  front,
				view:   len(r.views),
				vert0:  nv, nverts: it.Mesh.Vertices(),
				face0: nf, nfaces: it.Mesh.Faces(),
			})
			nv += it.Mesh.Vertices()
			nf += it.Mesh.Faces()
		}
		r.views = append(r.views, vj)
	}
	r.nverts, r.nfaces = nv, nf
	r.verts = grow(r.verts, nv)

	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	r.depth = grow(r.depth, w*h)
	// Enough bands that the workers finish together however the faces
	// spread, few enough that faces seldom straddle two.
	r.bandShift = 7
	for r.bandShift > 3 && h>>r.bandShift < 8*r.workers {
		r.bandShift--
	}
	r.nbands = (h + 1<<r.bandShift - 1) >> r.bandShift
	r.bins = grow(r.bins, r.workers*r.nbands)
	r.cursors = grow(r.cursors, r.workers)
	for w := range r.cursors {
		r.cursors[w] = grow(r.cursors[w], r.workers)
	}
}

// release drops the frame's references to the caller's data, so that a
// Renderer between frames keeps no mesh or image alive.
func (r *Renderer) release() {
	r.dst = nil
	clear(r.items)
}

// newViewJob returns the viewJob for a view with Frame fr whose visible
// pixels are clip (relative to the target's Min, org).
func newViewJob(fr *scene.Frame, clip image.Rectangle, org image.Point) viewJob {
	vp := fr.Viewport.Sub(org)
	hw, hh := float32(vp.Dx())/2, float32(vp.Dy())/2
	vj := viewJob{
		clip: clip,
		ox:   (float32(vp.Min.X) + hw) * one, sx: hw * one,
		oy: (float32(vp.Min.Y) + hh) * one, sy: hh * one,
		xlo: float32(clip.Min.X-guardPixels) * one, xhi: float32(clip.Max.X+guardPixels) * one,
		ylo: float32(clip.Min.Y-guardPixels) * one, yhi: float32(clip.Max.Y+guardPixels) * one,
	}
	ox, oy, sx, sy := float64(vj.ox), float64(vj.oy), float64(vj.sx), float64(vj.sy)
	vj.planes = [5][4]float64{
		{0, 0, 1, 1},                      // z ≥ -w: in front of the near plane
		{sx, 0, 0, ox - float64(vj.xlo)},  // X ≥ xlo
		{-sx, 0, 0, float64(vj.xhi) - ox}, // X ≤ xhi
		{0, -sy, 0, oy - float64(vj.ylo)}, // Y ≥ ylo
		{0, sy, 0, float64(vj.yhi) - oy},  // Y ≤ yhi
	}
	return vj
}

// pack returns c as its four bytes in an RGBA image's Pix, read as one
// little-endian uint32.
func pack(c color.RGBA) uint32 {
	return uint32(c.R) | uint32(c.G)<<8 | uint32(c.B)<<16 | uint32(c.A)<<24
}

// packShaded returns the shaded colour of local face f of it, packed.
func packShaded(it *itemJob, f int) uint32 {
	n := it.item.Mesh.Normals[3*f : 3*f+3 : 3*f+3]
	m := &it.normal
	// m·n by hand: mgl32's Mul3x1 copies arrays through memory, slowly.
	v := mgl32.Vec3{
		m[0]*n[0] + m[3]*n[1] + m[6]*n[2],
		m[1]*n[0] + m[4]*n[1] + m[7]*n[2],
		m[2]*n[0] + m[5]*n[1] + m[8]*n[2],
	}
	return pack(scene.Shade(v, it.item.FaceColor(f)))
}

// grow returns s with length n, reusing its array when it is large
// enough; the contents are unspecified.
func grow[S ~[]E, E any](s S, n int) S {
	if cap(s) < n {
		s = slices.Grow(s[:0], n)
	}
	return s[:n]
}
