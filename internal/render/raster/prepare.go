package raster

import (
	"image"
	"image/color"
	"slices"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
	"github.com/stlview/stlview/internal/shading"
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
	// wireHalf is half the wireframe's width in pixels, lineHalf half the
	// lines'.
	wireHalf, lineHalf float32
	backTint           bool
	cap                uint32 // CapColor packed, when the view has a section
	section            bool

	// Viewport transform to subpixels: X = ox + sx·x/w, Y = oy - sy·y/w.
	ox, oy, sx, sy float32
	// The guard band in subpixels: vertices outside it are clipped.
	xlo, xhi, ylo, yhi float32
	// planes bound the clip volume as p·(x, y, z, w) ≥ 0: the near plane,
	// the guard band's four sides and, with a section, its plane.
	planes  [6][4]float64
	nplanes int

	lines []lineJob // the view's lines, projected and clipped
}

// itemJob is an item prepared for drawing.
type itemJob struct {
	item   scene.Item
	mesh   *mesh.Mesh // the level drawn: item.Level(MaxFaces)
	mvp    mgl32.Mat4
	normal mgl32.Mat3 // model-space normal to view space
	front  int64      // sign of the front faces' screen area (y down)
	cull   int64      // the sign of the screen area of faces skipped (y down), or 0
	view   int        // index into frame.views

	// With a normal matrix that is a rotation times a uniform scale (any
	// camera, and every model but a skewing one), n̂_view·L is n·light
	// for the model-space unit normal n: shading a face is a dot product
	// and a look-up in lut, its base colour's table (back, for faces seen
	// from behind, in BackColor with the tint on). similar says so.
	similar   bool
	light     mgl32.Vec3
	lut, back *shadeLUT // nil when the mesh has colours of its own

	// corners are the mesh's packed corner normals when it is shaded
	// smooth (Item.CornerNormals), else nil.
	corners []uint32

	vert0, nverts int // global vertex numbers: vert0 + local (none for a soup)
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
		vj := newViewJob(&fr, v, clip.Sub(dst.Rect.Min), dst.Rect.Min)
		for k := range v.Items {
			it := &v.Items[k]
			m := it.Level(v.MaxFaces)
			if m == nil || m.Faces() == 0 {
				continue
			}
			front := int64(-1) // counter-clockwise with y up is clockwise with y down
			if scene.Mirrors(it.Model) {
				front = 1
			}
			ij := itemJob{
				item:   *it,
				mesh:   m,
				mvp:    fr.MVP(it.Model),
				normal: fr.NormalMatrix(it.Model),
				front:  front,
				cull:   cullSign(it.Cull, front, v.Section != nil),
				view:   len(r.views),
				vert0:  nv, nverts: m.Vertices(),
				face0: nf, nfaces: m.Faces(),
			}
			if m.Indices == nil {
				// A soup's corners belong to one face each: setup projects
				// them as it goes, with no buffer for them.
				ij.nverts = 0
			}
			ij.light, ij.similar = modelLight(ij.normal)
			ij.corners = it.CornerNormals(m)
			if m.Colors == nil {
				ij.lut = r.lutOf(it.FaceColorOf(m, 0))
				ij.back = ij.lut
				if v.BackTint {
					ij.back = r.lutOf(scene.BackColor)
				}
			}
			r.items = append(r.items, ij)
			nv += ij.nverts
			nf += m.Faces()
		}
		vj.lines = r.projectLines(vj.lines[:0], &fr, &vj, v.Lines)
		r.views = append(r.views, vj)
	}
	r.nverts, r.nfaces = nv, nf
	r.verts = fit(r.verts, nv)

	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	r.depth = grow(r.depth, w*h)
	if r.wantIDs {
		r.ids = grow(r.ids, w*h)
	}
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

// cullSign returns the sign of the screen area of the faces an item with
// cull may skip, given the sign of its front faces: none with a section,
// which opens the part up.
func cullSign(cull scene.Cull, front int64, section bool) int64 {
	switch {
	case section:
		return 0
	case cull == scene.CullBack:
		return -front
	case cull == scene.CullFront:
		return front
	}
	return 0
}

// release drops the frame's references to the caller's data, so that a
// Renderer between frames keeps no mesh or image alive.
func (r *Renderer) release() {
	r.dst = nil
	clear(r.items)
	for i := range r.views {
		r.views[i].lines = r.views[i].lines[:0]
	}
}

// newViewJob returns the viewJob for view v with Frame fr whose visible
// pixels are clip (relative to the target's Min, org).
func newViewJob(fr *scene.Frame, v *scene.View, clip image.Rectangle, org image.Point) viewJob {
	pt := fr.Pixels()
	cx, cy := pt.CX-float32(org.X), pt.CY-float32(org.Y)
	scale := v.PixelScale()
	vj := viewJob{
		clip:     clip,
		bg:       pack(v.Background),
		wire:     v.Wireframe,
		wireHalf: scene.WireWidth / 2 * scale,
		lineHalf: scene.LineWidth / 2 * scale,
		backTint: v.BackTint,
		section:  v.Section != nil,
		cap:      pack(scene.CapColor),
		ox:       cx * one, sx: pt.SX * one,
		oy: cy * one, sy: pt.SY * one,
		xlo: float32(clip.Min.X-guardPixels) * one, xhi: float32(clip.Max.X+guardPixels) * one,
		ylo: float32(clip.Min.Y-guardPixels) * one, yhi: float32(clip.Max.Y+guardPixels) * one,
	}
	ox, oy, sx, sy := float64(vj.ox), float64(vj.oy), float64(vj.sx), float64(vj.sy)
	vj.planes = [6][4]float64{
		scene.NearPlane,                   // z ≥ -w: in front of the near plane
		{sx, 0, 0, ox - float64(vj.xlo)},  // X ≥ xlo
		{-sx, 0, 0, float64(vj.xhi) - ox}, // X ≤ xhi
		{0, -sy, 0, oy - float64(vj.ylo)}, // Y ≥ ylo
		{0, sy, 0, float64(vj.yhi) - oy},  // Y ≤ yhi
	}
	vj.nplanes = 5
	if v.Section != nil {
		vj.planes[5] = fr.ClipPlane(v.Section.Plane())
		vj.nplanes = 6
	}
	return vj
}

// pack returns c as its four bytes in an RGBA image's Pix, read as one
// little-endian uint32.
func pack(c color.RGBA) uint32 {
	return uint32(c.R) | uint32(c.G)<<8 | uint32(c.B)<<16 | uint32(c.A)<<24
}

// packShaded returns the shaded colour of local face f of it, packed: lit
// from the side the eye sees (back says it sees the face from behind),
// in BackColor when the view tints such faces, or CapColor unshaded when
// they are the inside of a cut wall.
func packShaded(it *itemJob, vj *viewJob, f int, back bool) uint32 {
	if back && vj.section {
		return vj.cap
	}
	n := it.mesh.Normals[3*f : 3*f+3 : 3*f+3]
	var cos float32
	if it.similar {
		cos = n[0]*it.light[0] + n[1]*it.light[1] + n[2]*it.light[2]
	} else {
		cos = scene.LightCos(&it.normal, mgl32.Vec3{n[0], n[1], n[2]})
	}
	if back {
		cos = -cos
	}
	i := scene.ShadeIndex(cos)
	switch {
	case back && it.back != nil:
		return it.back[i]
	case it.lut != nil:
		return it.lut[i]
	}
	c := it.item.FaceColorOf(it.mesh, f)
	if back && vj.backTint {
		c = scene.BackColor
	}
	return pack(scene.ShadeAt(i, c))
}

// cornerCos returns the cosine between the light and the normal of
// corner k of local face f, seen from the front: the face's side its
// winding makes the outside.
func (it *itemJob) cornerCos(f, k int) float32 {
	n := shading.Unpack(it.corners[3*f+k])
	if it.similar {
		return n[0]*it.light[0] + n[1]*it.light[1] + n[2]*it.light[2]
	}
	return scene.LightCos(&it.normal, n)
}

// modelLight returns, for a normal matrix nm that is a rotation times a
// uniform scale s, the model-space vector nmᵀ·L/s and true: its dot
// product with a unit model-space normal n is n̂_view·L. For any other
// matrix it returns false.
func modelLight(nm mgl32.Mat3) (mgl32.Vec3, bool) {
	c0, c1, c2 := nm.Col(0), nm.Col(1), nm.Col(2)
	s := c0.Len()
	if !(s > 0) {
		return mgl32.Vec3{}, false
	}
	const tol = 1e-4
	for _, c := range []mgl32.Vec3{c1, c2} {
		if abs(c.Len()-s) > tol*s {
			return mgl32.Vec3{}, false
		}
	}
	if abs(c0.Dot(c1)) > tol*s*s || abs(c0.Dot(c2)) > tol*s*s || abs(c1.Dot(c2)) > tol*s*s {
		return mgl32.Vec3{}, false
	}
	l := scene.LightDir()
	// (nm·n)·L = n·(nmᵀ·L); nmᵀ·L has components cᵢ·L.
	return mgl32.Vec3{c0.Dot(l) / s, c1.Dot(l) / s, c2.Dot(l) / s}, true
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

// shadeLUT holds a base colour shaded by every shading factor index,
// packed.
type shadeLUT [scene.ShadeSteps + 1]uint32

// maxLUTs bounds the tables a Renderer keeps, one per base colour.
const maxLUTs = 64

// lutOf returns the shading table of base colour c, made on first use.
// Only Render's goroutine calls it, in prepare.
func (r *Renderer) lutOf(c mesh.Color) *shadeLUT {
	if t, ok := r.luts[c]; ok {
		return t
	}
	if r.luts == nil || len(r.luts) >= maxLUTs {
		r.luts = make(map[mesh.Color]*shadeLUT)
	}
	t := new(shadeLUT)
	for i := range t {
		t[i] = pack(scene.ShadeAt(i, c))
	}
	r.luts[c] = t
	return t
}

// fit is grow for the buffers sized by the meshes drawn: it also lets go
// of an array far larger than needed, so a Renderer that once drew a huge
// mesh does not keep its buffers for the small ones it draws after.
func fit[S ~[]E, E any](s S, n int) S {
	if cap(s) > 4*n && cap(s) > 1<<20 {
		s = nil
	}
	return grow(s, n)
}

// grow returns s with length n, reusing its array when it is large
// enough; the contents are unspecified.
func grow[S ~[]E, E any](s S, n int) S {
	if cap(s) < n {
		s = slices.Grow(s[:0], n)
	}
	return s[:n]
}
